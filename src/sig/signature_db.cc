// Vigie's JSON knowledge-base format, and importing databases through the
// cache. Parsing happens off the hot path: the built-in KB is compiled at
// build time (tools/kbc) and imports are cached in compiled form
// (db_codec.h).
#include "vigie/sig/signature_db.h"


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
  if (j.value("schema_version", 0) != 1) return BadDb(source, "unsupported schema_version");
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
    if (auto x = e.find("exodus_id"); x != e.end() && x->is_number_integer()) s.exodus_id = x->get<int>();
    s.source = source;
    const Json& code = json::Object(e, "code");
    s.code_packages = json::Strings(code, "packages");
    s.code_regexes = json::Strings(code, "regex");
    s.domains = json::Strings(json::Object(e, "network"), "domains");
    const Json& manifest = json::Object(e, "manifest");
    s.manifest_components = json::Strings(manifest, "components");
    s.manifest_meta_data = json::Strings(manifest, "meta_data");
    s.manifest_permissions = json::Strings(manifest, "permissions");
    db.sdks.push_back(std::move(s));
  }
  return db;
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
