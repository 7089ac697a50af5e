#include "vigie/sig/db_codec.h"

#include "vigie/base/blob.h"

namespace vigie::sig {
namespace {

constexpr char kMagic[4] = {'V', 'S', 'D', 'B'};
// Bumped whenever the layout changes: a cached blob of another version is
// then rebuilt.
constexpr uint32_t kVersion = 5;

}  // namespace

std::string EncodeDb(const SignatureDb& db) {
  BlobWriter w;
  w.Raw(std::string_view(kMagic, 4));
  w.U32(kVersion);
  w.List(db.sources);
  w.U32(static_cast<uint32_t>(db.sdks.size()));
  for (const SdkSignature& s : db.sdks) {
    w.Str(s.id);
    w.Str(s.name);
    w.Str(s.vendor);
    w.List(s.categories);
    w.Str(s.website);
    w.U32(static_cast<uint32_t>(s.exodus_ids.size()));
    for (int id : s.exodus_ids) w.U32(static_cast<uint32_t>(id));
    w.Str(s.source);
    w.U32(static_cast<uint32_t>(s.semantics));
    w.List(s.code_packages);
    w.List(s.code_excludes);
    w.List(s.code_regexes);
    w.List(s.domains);
    w.List(s.shared_domains);
    w.List(s.manifest_components);
    w.List(s.manifest_meta_data);
    w.List(s.manifest_permissions);
    w.List(s.string_preferences);
    w.List(s.string_authorities);
    w.List(s.string_versions);
  }
  return w.Take();
}

std::optional<Error> DecodeDbInto(ByteView bytes, SignatureDb& db) {
  if (!bytes.StartsWith(std::string_view(kMagic, 4)))
    return MakeError(ErrorCode::kSignatureDb, 0, "not a compiled signature database");
  BlobReader d(bytes.Tail(4));
  if (d.U32() != kVersion) return MakeError(ErrorCode::kSignatureDb, 4, "unsupported compiled database version");
  const size_t sources_before = db.sources.size(), sdks_before = db.sdks.size();
  for (auto& source : d.List()) db.sources.push_back(std::move(source));
  const uint32_t n = d.U32();
  if (d.ok() && d.Fits(n)) {
    db.sdks.reserve(sdks_before + n);
    for (uint32_t i = 0; i < n && d.ok(); ++i) {
      SdkSignature& s = db.sdks.emplace_back();
      s.id = d.Str();
      s.name = d.Str();
      s.vendor = d.Str();
      s.categories = d.List();
      s.website = d.Str();
      const uint32_t exodus_ids = d.U32();
      for (uint32_t k = 0; k < exodus_ids && d.ok() && d.Fits(exodus_ids - k); ++k)
        s.exodus_ids.push_back(static_cast<int>(d.U32() & INT32_MAX));
      s.source = d.Str();
      const uint32_t semantics = d.U32();
      if (semantics > static_cast<uint32_t>(CodeSemantics::kExodus)) {
        db.sources.resize(sources_before);
        db.sdks.resize(sdks_before);
        return MakeError(ErrorCode::kSignatureDb, 0, "bad semantics in compiled database");
      }
      s.semantics = static_cast<CodeSemantics>(semantics);
      s.code_packages = d.List();
      s.code_excludes = d.List();
      s.code_regexes = d.List();
      s.domains = d.List();
      s.shared_domains = d.List();
      s.manifest_components = d.List();
      s.manifest_meta_data = d.List();
      s.manifest_permissions = d.List();
      s.string_preferences = d.List();
      s.string_authorities = d.List();
      s.string_versions = d.List();
    }
  }
  if (!d.ok()) {
    // Never a partial database: what this blob added goes.
    db.sources.resize(sources_before);
    db.sdks.resize(sdks_before);
    return MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled database");
  }
  return std::nullopt;
}

Result<SignatureDb> DecodeDb(ByteView bytes) {
  SignatureDb db;
  if (auto error = DecodeDbInto(bytes, db)) return *error;
  return db;
}

}  // namespace vigie::sig
