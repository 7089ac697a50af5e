// Vigie's JSON knowledge-base format, and importing databases through the
// cache. Parsing happens off the hot path: the built-in KB is compiled at
// build time (tools/kbc) and imports are cached in compiled form
// (db_codec.h).
#include "vigie/sig/signature_db.h"

#include <algorithm>
#include <cstdint>
#include <map>


#include "vigie/base/json_fields.h"
#include "vigie/base/mapped_file.h"
#include "vigie/sig/cache.h"
#include "vigie/sig/db_codec.h"

namespace vigie::sig {
namespace {

using json::Json;

Error BadDb(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

}  // namespace

void SignatureDb::Append(SignatureDb other) {
  sdks.reserve(sdks.size() + other.sdks.size());
  for (auto& s : other.sdks) sdks.push_back(std::move(s));
  for (auto& s : other.sources) sources.push_back(std::move(s));
}

Result<SignatureDb> ParseKb(std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadDb(source, "not a JSON object");
  if (j.value("schema_version", 0) != 2) return BadDb(source, "unsupported schema_version (2 is read)");
  auto sdks = j.find("sdks");
  if (sdks == j.end() || !sdks->is_array()) return BadDb(source, "no \"sdks\" array");
  SignatureDb db;
  db.sources.push_back(source);
  for (const auto& e : *sdks) {
    if (!e.is_object()) return BadDb(source, "an sdks[] entry is not an object");
    SdkSignature s;
    s.id = "vigie:" + json::String(e, "id");
    s.name = json::String(e, "name");
    if (s.name.empty() || s.id == "vigie:") return BadDb(source, "an entry lacks id or name");
    s.vendor = json::String(e, "vendor");
    s.categories = json::Strings(e, "categories");
    s.website = json::String(e, "website");
    if (auto x = e.find("exodus_ids"); x != e.end()) {
      if (!x->is_array()) return BadDb(source, "'" + s.id + "': exodus_ids is not a list");
      for (const auto& id : *x) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
          return BadDb(source, "'" + s.id + "': exodus_ids holds something other than a tracker id");
        s.exodus_ids.push_back(id.get<int>());
      }
      std::sort(s.exodus_ids.begin(), s.exodus_ids.end());
    }
    s.source = source;
    const Json& code = json::Object(e, "code");
    s.code_packages = json::Strings(code, "packages");
    s.code_excludes = json::Strings(code, "exclude");
    s.code_regexes = json::Strings(code, "regex");
    const Json& network = json::Object(e, "network");
    s.domains = json::Strings(network, "domains");
    s.shared_domains = json::Strings(network, "shared_domains");
    const Json& manifest = json::Object(e, "manifest");
    s.manifest_components = json::Strings(manifest, "components");
    s.manifest_meta_data = json::Strings(manifest, "meta_data");
    s.manifest_permissions = json::Strings(manifest, "permissions");
    const Json& strings = json::Object(e, "strings");
    s.string_preferences = json::Strings(strings, "preferences");
    s.string_authorities = json::Strings(strings, "authorities");
    s.string_versions = json::Strings(strings, "versions");
    db.sdks.push_back(std::move(s));
  }
  return db;
}

std::vector<std::string> OwnershipClashes(const SignatureDb& db) {
  std::vector<std::string> out;
  // One map per kind of evidence: key -> the first entry that claimed it.
  std::map<std::string, const SdkSignature*> seen[5];
  static constexpr const char* kKinds[5] = {"package", "domain", "manifest component", "meta-data key", "SDK string"};
  auto claim = [&](int kind, const std::string& key, const SdkSignature& s) {
    auto [it, fresh] = seen[kind].try_emplace(key, &s);
    if (!fresh && it->second != &s)
      out.push_back(std::string(kKinds[kind]) + " '" + key + "' is claimed by both '" + it->second->id + "' and '" +
                    s.id + "'");
  };
  for (const SdkSignature& s : db.sdks) {
    for (const auto& p : s.code_packages) claim(0, p, s);
    for (const auto& d : s.domains) claim(1, d, s);
    for (const auto& c : s.manifest_components) claim(2, c, s);
    for (const auto& k : s.manifest_meta_data) claim(3, k, s);
    for (const auto* list : {&s.string_preferences, &s.string_authorities, &s.string_versions})
      for (const auto& x : *list) claim(4, x, s);
  }
  return out;
}

std::optional<Error> ImportFile(const std::string& path, const std::string& source, DbParser parse,
                                SignatureDb& db) {
  auto file = MappedFile::Open(path);
  if (!file) return MakeError(ErrorCode::kIoError, 0, "cannot read " + path + ": " + file.error().message);
  const std::string cached = CachePath(FileContentKey(source + "\n", *file) + ".vsdb");
  if (!cached.empty()) {
    // Decoded in place; a damaged entry is parsed and stored again.
    if (auto blob = MappedFile::Open(cached); blob && !DecodeDbInto(blob->view(), db)) return std::nullopt;
  }
  auto parsed = parse(file->view().AsString(), source);
  if (!parsed) return parsed.error();
  if (!cached.empty()) StoreInCache(cached, EncodeDb(*parsed));
  db.Append(std::move(*parsed));
  return std::nullopt;
}

}  // namespace vigie::sig
