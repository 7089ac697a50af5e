// JSON signature databases: Vigie's KB format and Exodus' export. Parsing
// happens off the hot path: the built-in KB is compiled at build time
// (tools/kbc) and imports are cached in compiled form (db_codec.h).
#include "vigie/sig/signature_db.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "vigie/base/mapped_file.h"
#include "vigie/sig/cache.h"
#include "vigie/sig/db_codec.h"

namespace vigie::sig {
namespace {

using Json = nlohmann::json;

std::vector<std::string> Strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json& Obj(const Json& j, const char* key) {
  static const Json kEmpty = Json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

Error BadDb(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

}  // namespace

const Vendor* SignatureDb::FindVendor(std::string_view id) const {
  for (const auto& v : vendors)
    if (v.id == id) return &v;
  return nullptr;
}

Result<std::vector<Vendor>> ParseVendors(std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadDb(source, "not a JSON object");
  if (j.value("schema_version", 0) != 1) return BadDb(source, "unsupported schema_version");
  auto list = j.find("vendors");
  if (list == j.end() || !list->is_array()) return BadDb(source, "no \"vendors\" array");
  auto str = [](const Json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::vector<Vendor> out;
  for (const auto& e : *list) {
    if (!e.is_object() || str(e, "id").empty()) return BadDb(source, "a vendors[] entry has no id");
    Vendor v;
    v.id = str(e, "id");
    v.name = str(e, "name");
    v.parent = str(e, "parent");
    v.ultimate_parent = str(e, "ultimate_parent");
    v.hq_country = str(e, "hq_country");
    if (auto js = e.find("jurisdictions"); js != e.end() && js->is_array())
      for (const auto& t : *js)
        if (t.is_object()) v.jurisdictions.push_back({str(t, "country"), Strings(t, "ties")});
    v.flags = Strings(e, "flags");
    if (auto is = e.find("incidents"); is != e.end() && is->is_array())
      for (const auto& i : *is)
        if (i.is_object()) v.incidents.push_back({str(i, "date"), str(i, "summary"), str(i, "source")});
    if (auto s = e.find("sources"); s != e.end() && s->is_object())
      for (const auto& [kind, urls] : s->items())
        if (urls.is_array())
          for (const auto& u : urls)
            if (u.is_string() && std::find(v.sources.begin(), v.sources.end(), u.get<std::string>()) == v.sources.end())
              v.sources.push_back(u.get<std::string>());
    if (v.sources.empty()) return BadDb(source, "vendor '" + v.id + "' cites no source");
    out.push_back(std::move(v));
  }
  return out;
}

void SignatureDb::Append(SignatureDb other) {
  sdks.reserve(sdks.size() + other.sdks.size());
  for (auto& s : other.sdks) sdks.push_back(std::move(s));
  for (auto& s : other.sources) sources.push_back(std::move(s));
  for (auto& v : other.vendors) vendors.push_back(std::move(v));
}

Result<SignatureDb> ParseKb(std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadDb(source, "not a JSON object");
  if (j.value("schema_version", 0) != 1) return BadDb(source, "unsupported schema_version");
  auto sdks = j.find("sdks");
  if (sdks == j.end() || !sdks->is_array()) return BadDb(source, "no \"sdks\" array");
  SignatureDb db;
  db.sources.push_back(source);
  for (const auto& e : *sdks) {
    if (!e.is_object()) return BadDb(source, "an sdks[] entry is not an object");
    SdkSignature s;
    s.id = "vigie:" + Str(e, "id");
    s.name = Str(e, "name");
    if (s.name.empty() || s.id == "vigie:") return BadDb(source, "an entry lacks id or name");
    s.vendor = Str(e, "vendor");
    s.categories = Strings(e, "categories");
    s.website = Str(e, "website");
    if (auto x = e.find("exodus_id"); x != e.end() && x->is_number_integer()) s.exodus_id = x->get<int>();
    s.source = source;
    const Json& code = Obj(e, "code");
    s.code_packages = Strings(code, "packages");
    s.code_regexes = Strings(code, "regex");
    s.domains = Strings(Obj(e, "network"), "domains");
    const Json& manifest = Obj(e, "manifest");
    s.manifest_components = Strings(manifest, "components");
    s.manifest_meta_data = Strings(manifest, "meta_data");
    s.manifest_permissions = Strings(manifest, "permissions");
    db.sdks.push_back(std::move(s));
  }
  return db;
}

Result<SignatureDb> ParseExodus(std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return BadDb(source, "not JSON");
  // The reports API wraps trackers in {"trackers": {...}}; some mirrors
  // publish the bare map or a list of one-entry maps.
  const Json* trackers = &j;
  if (j.is_object() && j.contains("trackers")) trackers = &j["trackers"];
  std::vector<const Json*> entries;
  if (trackers->is_object()) {
    for (const auto& [k, v] : trackers->items()) entries.push_back(&v);
  } else if (trackers->is_array()) {
    for (const auto& item : *trackers)
      if (item.is_object())
        for (const auto& [k, v] : item.items()) entries.push_back(&v);
  } else {
    return BadDb(source, "no trackers map");
  }
  SignatureDb db;
  db.sources.push_back(source);
  db.sdks.reserve(entries.size());
  for (const Json* e : entries) {
    if (!e->is_object()) continue;
    SdkSignature s;
    int id = 0;
    if (auto x = e->find("id"); x != e->end() && x->is_number_integer()) id = x->get<int>();
    s.id = "exodus:" + std::to_string(id);
    s.name = Str(*e, "name");
    s.exodus_id = id;
    s.website = Str(*e, "website");
    s.source = source;
    s.semantics = CodeSemantics::kExodus;
    if (auto c = e->find("categories"); c != e->end() && c->is_array())
      for (const auto& cat : *c)
        if (cat.is_string()) s.categories.push_back(cat.get<std::string>());
    std::string code = Str(*e, "code_signature");
    if (code.size() > 3) s.code_regexes.push_back(code);  // Exodus skips len <= 3.
    db.sdks.push_back(std::move(s));
  }
  // Exodus reports trackers in id order; keep that order for stable output.
  std::sort(db.sdks.begin(), db.sdks.end(),
            [](const SdkSignature& a, const SdkSignature& b) { return a.exodus_id < b.exodus_id; });
  return db;
}

Result<SignatureDb> ImportFile(const std::string& format, const std::string& path) {
  if (format != "exodus" && format != "vigie")
    return MakeError(ErrorCode::kSignatureDb, 0, "unknown signature format '" + format + "' (known: exodus, vigie)");
  auto file = MappedFile::Open(path);
  if (!file) return MakeError(ErrorCode::kIoError, 0, "cannot read " + path + ": " + file.error().message);
  const std::string source = format + ":" + path;
  // The cache key is the content, the format and the source name (reports
  // name the file), so an edited file is never served stale. Hashing reads
  // the file in place: no copy of a half-megabyte export.
  const std::string header = format + "\n" + source + "\n";
  const std::string cached = CachePath(ContentKey({ByteView(header), file->view()}) + ".vsdb");
  if (!cached.empty()) {
    if (auto blob = MappedFile::Open(cached); blob && !blob->view().empty()) {
      if (auto db = DecodeDb(blob->view())) return db;
    }
  }
  std::string_view text = file->view().AsString();
  auto db = format == "exodus" ? ParseExodus(text, source) : ParseKb(text, source);
  if (db && !cached.empty()) StoreInCache(cached, EncodeDb(*db));
  return db;
}

}  // namespace vigie::sig
