#include "vigie/sig/db_codec.h"

#include <cstring>

namespace vigie::sig {
namespace {

constexpr char kMagic[4] = {'V', 'S', 'D', 'B'};
constexpr uint32_t kVersion = 1;

class Writer {
 public:
  void U32(uint32_t v) { out_.append(reinterpret_cast<const char*>(&v), 4); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void List(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) Str(s);
  }
  std::string Take() { return std::move(out_); }
  void Raw(std::string_view s) { out_.append(s); }

 private:
  std::string out_;
};

class Decoder {
 public:
  explicit Decoder(ByteView b) : r_(b) {}
  bool ok() const { return r_.ok() && ok_; }
  uint32_t U32() { return r_.U32(); }
  std::string Str() {
    uint32_t n = r_.U32();
    return std::string(r_.Bytes(n).AsString());
  }
  std::vector<std::string> List() {
    uint32_t n = r_.U32();
    std::vector<std::string> out;
    // Every string needs at least its 4-byte length: a count beyond what is
    // left is a lie, refused before anything is reserved.
    if (uint64_t{n} * 4 > r_.remaining()) {
      ok_ = false;
      return out;
    }
    out.reserve(n);
    for (uint32_t i = 0; i < n && ok(); ++i) out.push_back(Str());
    return out;
  }
  Reader& reader() { return r_; }

 private:
  Reader r_;
  bool ok_ = true;
};

}  // namespace

std::string EncodeDb(const SignatureDb& db) {
  Writer w;
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
    w.U32(s.exodus_id ? static_cast<uint32_t>(*s.exodus_id) + 1 : 0);  // 0: none
    w.Str(s.source);
    w.U32(static_cast<uint32_t>(s.semantics));
    w.List(s.code_packages);
    w.List(s.code_regexes);
    w.List(s.domains);
    w.List(s.manifest_components);
    w.List(s.manifest_meta_data);
    w.List(s.manifest_permissions);
  }
  return w.Take();
}

Result<SignatureDb> DecodeDb(ByteView bytes) {
  if (!bytes.StartsWith(std::string_view(kMagic, 4)))
    return MakeError(ErrorCode::kSignatureDb, 0, "not a compiled signature database");
  Decoder d(bytes.Tail(4));
  if (d.U32() != kVersion) return MakeError(ErrorCode::kSignatureDb, 4, "unsupported compiled database version");
  SignatureDb db;
  db.sources = d.List();
  uint32_t n = d.U32();
  if (!d.ok() || n > bytes.size()) return MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled database");
  db.sdks.reserve(n);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    SdkSignature s;
    s.id = d.Str();
    s.name = d.Str();
    s.vendor = d.Str();
    s.categories = d.List();
    s.website = d.Str();
    if (uint32_t e = d.U32()) s.exodus_id = static_cast<int>(e - 1);
    s.source = d.Str();
    uint32_t semantics = d.U32();
    if (semantics > static_cast<uint32_t>(CodeSemantics::kExodus))
      return MakeError(ErrorCode::kSignatureDb, 0, "bad semantics in compiled database");
    s.semantics = static_cast<CodeSemantics>(semantics);
    s.code_packages = d.List();
    s.code_regexes = d.List();
    s.domains = d.List();
    s.manifest_components = d.List();
    s.manifest_meta_data = d.List();
    s.manifest_permissions = d.List();
    db.sdks.push_back(std::move(s));
  }
  if (!d.ok()) return MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled database");
  return db;
}

}  // namespace vigie::sig
