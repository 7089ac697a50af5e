// CycloneDX 1.5 (JSON): the app as the BOM's subject, each SDK found as a
// library component, supplied by its vendor, with what Vigie knows of it as
// properties, and the libraries the package records with their Maven
// coordinates.
#include <algorithm>

#include "percent_encoding.h"
#include "vigie/base/mapped_file.h"
#include "vigie/base/version.h"
#include "vigie/report/json_writer.h"
#include "vigie/report/report.h"

namespace vigie::report {
namespace {

// A name-based UUID (RFC 4122 version 5 layout, over SHA-256 rather than
// SHA-1): the same app read by the same Vigie gets the same serial number.
std::string SerialNumber(const ScanResult& r) {
  std::string hex = Sha256Hex(ByteView(r.file.sha256 + "\n" + kVersion + "\n" + kBuildId));
  hex[12] = '5';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return "urn:uuid:" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) +
         "-" + hex.substr(20, 12);
}

class Properties {
 public:
  explicit Properties(JsonWriter& w) : w_(w) { w_.Key("properties").BeginArray(); }
  ~Properties() { w_.EndArray(); }
  void Add(std::string_view name, std::string_view value) {
    if (!value.empty()) w_.BeginObject().Field("name", name).Field("value", value).EndObject();
  }
  void AddAll(std::string_view name, const std::vector<std::string>& values) {
    for (const std::string& v : values) Add(name, v);
  }

 private:
  JsonWriter& w_;
};

// Each part percent-encoded but for the unreserved bytes (package-url's rule).
std::string Purl(const Library& l) {
  return "pkg:maven/" + PercentEncoded(l.group) + "/" + PercentEncoded(l.artifact) + "@" + PercentEncoded(l.version);
}

// The one library the package records whose group names the SDK's classes
// (a package prefix of its example classes); null when none does, or when
// several do (one group often ships many artifacts).
const Library* LibraryOf(const ScanResult& r, const SdkFinding& sdk) {
  const Library* found = nullptr;
  for (const Library& l : r.code.libraries) {
    const bool names_it = std::any_of(sdk.classes.examples.begin(), sdk.classes.examples.end(),
                                      [&](const std::string& c) { return c.rfind(l.group + ".", 0) == 0; });
    if (!names_it) continue;
    if (found) return nullptr;
    found = &l;
  }
  return found;
}

void Coordinates(JsonWriter& w, const Library& l) {
  w.Field("group", l.group).Field("version", l.version).Field("purl", Purl(l));
}

void SdkComponent(JsonWriter& w, const ScanResult& r, const SdkFinding& sdk, const Library* library) {
  w.BeginObject().Field("type", "library").Field("bom-ref", "sdk:" + sdk.id).Field("name", sdk.name);
  if (library) Coordinates(w, *library);
  if (!sdk.vendor.empty() || sdk.vendor_info) {
    w.Key("supplier").BeginObject().Field("name", sdk.vendor_info ? sdk.vendor_info->name : sdk.vendor).EndObject();
  }
  const Recipient* recipient = RecipientOf(r, sdk);
  {
  Properties props(w);
  props.Add("vigie:sdk_id", sdk.id);
  props.Add("vigie:confidence", ConfidenceName(sdk.confidence));
  props.Add("vigie:basis", sdk.basis);
  props.AddAll("vigie:category", sdk.categories);
  props.AddAll("vigie:data_kind", sdk.UsableKinds());
  props.Add("vigie:vendor_id", sdk.vendor);
  if (recipient) props.AddAll("vigie:vendor_country", recipient->countries);
  else if (sdk.vendor_info) props.Add("vigie:vendor_country", sdk.vendor_info->hq_country);
  if (sdk.vendor_info) props.AddAll("vigie:vendor_flag", sdk.vendor_info->flags);
  props.AddAll("vigie:class", sdk.classes.examples);
  props.Add("vigie:source", sdk.source);
  if (library) props.Add("vigie:coordinates_from", library->where);
  }
  w.EndObject();
}

void LibraryComponent(JsonWriter& w, const Library& l) {
  w.BeginObject().Field("type", "library").Field("bom-ref", "lib:" + l.group + ":" + l.artifact);
  w.Field("name", l.artifact);
  Coordinates(w, l);
  {
    Properties props(w);
    props.Add("vigie:coordinates_from", l.where);
  }
  w.EndObject();
}

}  // namespace

std::string ToCycloneDx(const ScanResult& r) {
  JsonWriter w(true);
  w.BeginObject().Field("$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
  w.Field("bomFormat", "CycloneDX").Field("specVersion", "1.5").Field("serialNumber", SerialNumber(r));
  w.Field("version", 1);

  w.Key("metadata").BeginObject();
  w.Key("tools").BeginObject().Key("components").BeginArray();
  w.BeginObject().Field("type", "application").Field("name", "Vigie");
  w.Field("version", kBuildId[0] ? std::string(kVersion) + "+" + kBuildId : std::string(kVersion)).EndObject();
  w.EndArray().EndObject();
  w.Key("component").BeginObject().Field("type", "application").Field("bom-ref", "app").Field("name", AppName(r));
  if (const auto& v = r.manifest.identity.version_name) w.Field("version", *v);
  if (!r.file.sha256.empty()) {
    w.Key("hashes").BeginArray();
    w.BeginObject().Field("alg", "SHA-256").Field("content", r.file.sha256).EndObject();
    w.EndArray();
  }
  {
    Properties props(w);
    props.Add("vigie:file", r.file.path);
    props.Add("vigie:kind", PackageKindName(r.file.kind));
    props.Add("vigie:status", ScanStatusName(r.status));
    if (const auto& code = r.manifest.identity.version_code) props.Add("vigie:version_code", std::to_string(*code));
  }
  w.EndObject().EndObject();

  // SDKs first; then the recorded libraries no SDK took the coordinates of.
  std::vector<const Library*> taken;
  std::vector<std::string> refs;
  w.Key("components").BeginArray();
  for (const SdkFinding& sdk : r.sdks) {
    const Library* library = LibraryOf(r, sdk);
    if (library) taken.push_back(library);
    SdkComponent(w, r, sdk, library);
    refs.push_back("sdk:" + sdk.id);
  }
  for (const Library& l : r.code.libraries) {
    if (std::find(taken.begin(), taken.end(), &l) != taken.end()) continue;
    LibraryComponent(w, l);
    refs.push_back("lib:" + l.group + ":" + l.artifact);
  }
  w.EndArray();

  w.Key("dependencies").BeginArray();
  w.BeginObject().Field("ref", "app").Key("dependsOn").BeginArray();
  for (const std::string& ref : refs) w.String(ref);
  w.EndArray().EndObject();
  w.EndArray();
  w.EndObject();
  return w.Take() + "\n";
}

}  // namespace vigie::report
