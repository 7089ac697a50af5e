#include "vigie/sig/db_codec.h"

#include <cstring>

namespace vigie::sig {
namespace {

constexpr char kMagic[4] = {'V', 'S', 'D', 'B'};
// 2: vendors follow the SDKs.
constexpr uint32_t kVersion = 2;

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
  // Whether `n` records can still follow: each takes at least 4 bytes, so a
  // larger count is a lie, refused before anything is allocated for it.
  bool Fits(uint64_t n) {
    if (n * 4 > r_.remaining()) ok_ = false;
    return ok();
  }
  std::string Str() {
    uint32_t n = r_.U32();
    return std::string(r_.Bytes(n).AsString());
  }
  std::vector<std::string> List() {
    uint32_t n = r_.U32();
    std::vector<std::string> out;
    if (!Fits(n)) return out;
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
  w.U32(static_cast<uint32_t>(db.vendors.size()));
  for (const Vendor& v : db.vendors) {
    w.Str(v.id);
    w.Str(v.name);
    w.Str(v.parent);
    w.Str(v.ultimate_parent);
    w.Str(v.hq_country);
    w.U32(static_cast<uint32_t>(v.jurisdictions.size()));
    for (const VendorTie& t : v.jurisdictions) {
      w.Str(t.country);
      w.List(t.ties);
    }
    w.List(v.flags);
    w.U32(static_cast<uint32_t>(v.incidents.size()));
    for (const VendorIncident& i : v.incidents) {
      w.Str(i.date);
      w.Str(i.summary);
      w.Str(i.source);
    }
    w.List(v.sources);
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
  if (!d.ok() || !d.Fits(n)) return MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled database");
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
  const uint32_t vendors = d.U32();
  if (!d.ok() || !d.Fits(vendors)) return MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled database");
  db.vendors.reserve(vendors);
  for (uint32_t i = 0; i < vendors && d.ok(); ++i) {
    Vendor v;
    v.id = d.Str();
    v.name = d.Str();
    v.parent = d.Str();
    v.ultimate_parent = d.Str();
    v.hq_country = d.Str();
    const uint32_t ties = d.U32();
    if (!d.Fits(ties)) break;
    for (uint32_t k = 0; k < ties && d.ok(); ++k) {
      VendorTie t;
      t.country = d.Str();
      t.ties = d.List();
      v.jurisdictions.push_back(std::move(t));
    }
    v.flags = d.List();
    const uint32_t incidents = d.U32();
    if (!d.Fits(incidents)) break;
    for (uint32_t k = 0; k < incidents && d.ok(); ++k) {
      VendorIncident e;
      e.date = d.Str();
      e.summary = d.Str();
      e.source = d.Str();
      v.incidents.push_back(std::move(e));
    }
    v.sources = d.List();
    db.vendors.push_back(std::move(v));
  }
  if (!d.ok()) return MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled database");
  return db;
}

}  // namespace vigie::sig
