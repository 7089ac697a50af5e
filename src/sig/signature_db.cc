// Signature databases are parsed with simdjson: Exodus' export is ~0.6 MB of
// JSON, and parsing it must not dominate a scan that takes ~10 ms.
#include "vigie/sig/signature_db.h"

#include <simdjson.h>

#include <algorithm>

#include "embedded_data.h"
#include "vigie/base/mapped_file.h"

namespace vigie::sig {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::vector<std::string> Strings(element e, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array arr;
  if (e[key].get(arr)) return out;
  for (element v : arr) {
    std::string_view s;
    if (!v.get(s)) out.emplace_back(s);
  }
  return out;
}

std::string Str(element e, const char* key) {
  std::string_view s;
  return e[key].get(s) ? std::string() : std::string(s);
}

Error BadDb(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

// The strings of an array inside a sub-object; empty when either is absent.
std::vector<std::string> StringsIn(element parent, const char* object_key, const char* key) {
  element sub;
  if (parent[object_key].get(sub) || !sub.is_object()) return {};
  return Strings(sub, key);
}

}  // namespace

void SignatureDb::Append(SignatureDb other) {
  for (auto& s : other.sdks) sdks.push_back(std::move(s));
  for (auto& s : other.sources) sources.push_back(std::move(s));
}

Result<SignatureDb> ParseKb(std::string_view text, const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root;
  if (parser.parse(padded).get(root) || !root.is_object()) return BadDb(source, "not a JSON object");
  int64_t version = 0;
  if (root["schema_version"].get(version) || version != 1) return BadDb(source, "unsupported schema_version");
  simdjson::dom::array sdks;
  if (root["sdks"].get(sdks)) return BadDb(source, "no \"sdks\" array");
  SignatureDb db;
  db.sources.push_back(source);
  for (element e : sdks) {
    if (!e.is_object()) return BadDb(source, "an sdks[] entry is not an object");
    SdkSignature s;
    std::string id = Str(e, "id");
    s.name = Str(e, "name");
    if (s.name.empty() || id.empty()) return BadDb(source, "an entry lacks id or name");
    s.id = "vigie:" + id;
    s.vendor = Str(e, "vendor");
    s.categories = Strings(e, "categories");
    s.website = Str(e, "website");
    int64_t exodus_id;
    if (!e["exodus_id"].get(exodus_id)) s.exodus_id = static_cast<int>(exodus_id);
    s.source = source;
    s.code_packages = StringsIn(e, "code", "packages");
    s.code_regexes = StringsIn(e, "code", "regex");
    s.domains = StringsIn(e, "network", "domains");
    s.manifest_components = StringsIn(e, "manifest", "components");
    s.manifest_meta_data = StringsIn(e, "manifest", "meta_data");
    s.manifest_permissions = StringsIn(e, "manifest", "permissions");
    db.sdks.push_back(std::move(s));
  }
  return db;
}

Result<SignatureDb> ParseExodus(std::string_view text, const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root;
  if (parser.parse(padded).get(root)) return BadDb(source, "not JSON");
  // The reports API wraps trackers in {"trackers": {...}}; some mirrors
  // publish the bare map or a list of one-entry maps.
  element trackers = root;
  if (root.is_object()) {
    element inner;
    if (!root["trackers"].get(inner)) trackers = inner;
  }
  std::vector<element> entries;
  if (trackers.is_object()) {
    for (auto field : object(trackers)) entries.push_back(field.value);
  } else if (trackers.is_array()) {
    for (element item : simdjson::dom::array(trackers))
      if (item.is_object())
        for (auto field : object(item)) entries.push_back(field.value);
  } else {
    return BadDb(source, "no trackers map");
  }
  SignatureDb db;
  db.sources.push_back(source);
  db.sdks.reserve(entries.size());
  for (element e : entries) {
    if (!e.is_object()) continue;
    SdkSignature s;
    int64_t id = 0;
    if (e["id"].get(id)) id = 0;  // An entry without an id keeps 0.
    s.id = "exodus:" + std::to_string(id);
    s.name = Str(e, "name");
    s.exodus_id = static_cast<int>(id);
    s.website = Str(e, "website");
    s.source = source;
    s.semantics = CodeSemantics::kExodus;
    s.categories = Strings(e, "categories");
    std::string code = Str(e, "code_signature");
    if (code.size() > 3) s.code_regexes.push_back(code);  // Exodus skips len <= 3.
    db.sdks.push_back(std::move(s));
  }
  // Exodus reports trackers in id order; keep that order for stable output.
  std::sort(db.sdks.begin(), db.sdks.end(),
            [](const SdkSignature& a, const SdkSignature& b) { return a.exodus_id < b.exodus_id; });
  return db;
}

Result<SignatureDb> LoadBuiltinKb() { return ParseKb(embedded::kSdkKbJson, "vigie-kb"); }

Result<SignatureDb> ImportFile(const std::string& format, const std::string& path) {
  if (format != "exodus" && format != "vigie")
    return MakeError(ErrorCode::kSignatureDb, 0, "unknown signature format '" + format + "' (known: exodus, vigie)");
  auto file = MappedFile::Open(path);
  if (!file) return MakeError(ErrorCode::kIoError, 0, "cannot read " + path + ": " + file.error().message);
  std::string_view text = file->view().AsString();
  return format == "exodus" ? ParseExodus(text, "exodus:" + path) : ParseKb(text, "vigie:" + path);
}

}  // namespace vigie::sig
