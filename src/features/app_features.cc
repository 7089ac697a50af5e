#include "vigie/features/app_features.h"

#include <libdeflate.h>

#include <bit>
#include <memory>

#include "vigie/base/limits.h"

namespace vigie::features {
namespace {

// Header: the magic, the format, the inflated size; then the body,
// deflated.
constexpr char kMagic[4] = {'V', 'F', 'T', 'R'};

class Writer {
 public:
  void U(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void S(std::string_view s) {
    U(s.size());
    out_.append(s);
  }
  void F(float f) { U(std::bit_cast<uint32_t>(f)); }
  void B(bool b) { U(b ? 1 : 0); }
  template <typename T, typename Fn>
  void List(const std::vector<T>& items, Fn&& fn) {
    U(items.size());
    for (const T& item : items) fn(item);
  }
  template <typename Text>
  void Strings(const std::vector<Text>& items) {
    List(items, [&](std::string_view s) { S(s); });
  }
  // Ascending numbers as differences from the one before.
  void Ascending(const std::vector<uint32_t>& items) {
    U(items.size());
    for (size_t i = 0; i < items.size(); ++i) U(items[i] - (i ? items[i - 1] : 0));
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads what Writer wrote. Fails sticky, like base's Reader; a count is
// never believed beyond the bytes left, so no allocation outgrows the input.
class BodyReader {
 public:
  explicit BodyReader(ByteView body) : r_(body) {}
  bool ok() const { return r_.ok() && !failed_; }
  bool AtEnd() const { return r_.remaining() == 0; }
  uint64_t Remaining() const { return r_.remaining(); }

  uint64_t U() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = r_.U8();
      if (!r_.ok()) return 0;
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    failed_ = true;
    return 0;
  }
  uint32_t U32() {
    const uint64_t v = U();
    if (v > UINT32_MAX) failed_ = true;
    return static_cast<uint32_t>(v);
  }
  std::string_view V() { return r_.Bytes(U()).AsString(); }
  std::string S() { return std::string(V()); }
  float F() { return std::bit_cast<float>(U32()); }
  bool B() {
    const uint64_t v = U();
    if (v > 1) failed_ = true;
    return v == 1;
  }
  // A count of items of at least one byte each.
  size_t Count() {
    const uint64_t n = U();
    if (n > r_.remaining()) {
      failed_ = true;
      return 0;
    }
    return static_cast<size_t>(n);
  }
  template <typename T, typename Fn>
  void List(std::vector<T>& items, Fn&& fn) {
    const size_t n = Count();
    items.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) items.push_back(fn());
  }
  void Strings(std::vector<std::string>& items) {
    List(items, [&] { return S(); });
  }
  void Strings(std::vector<std::string_view>& items) {
    List(items, [&] { return V(); });
  }
  void Ascending(std::vector<uint32_t>& items) {
    const size_t n = Count();
    items.reserve(n);
    uint64_t last = 0;
    for (size_t i = 0; i < n && ok(); ++i) {
      last += U();
      if (last > UINT32_MAX) failed_ = true;
      items.push_back(static_cast<uint32_t>(last));
    }
  }
  void Fail() { failed_ = true; }

 private:
  Reader r_;
  bool failed_ = false;
};

enum RecordTag : uint8_t { kDex = 1, kJvm = 2, kBlob = 3 };

void WriteStructure(Writer& w, const StructureMatch& m) {
  w.U(m.klass);
  w.U(m.profile);
  w.U(m.profile_class);
  w.F(m.shared);
  w.F(m.score);
  w.B(m.strong);
}

StructureMatch ReadStructure(BodyReader& r) {
  StructureMatch m;
  m.klass = r.U32();
  m.profile = r.U32();
  m.profile_class = r.U32();
  m.shared = r.F();
  m.score = r.F();
  m.strong = r.B();
  return m;
}

void WriteDex(Writer& w, const DexFeatures& d) {
  w.S(d.where);
  w.Strings(d.classes);
  uint32_t last = 0;
  w.List(d.strings, [&](const auto& s) {
    w.U(s.first - last);
    last = s.first;
    w.S(s.second);
  });
  w.Strings(d.callers);
  uint32_t last_class = 0;
  w.List(d.code, [&](const ClassCode& c) {
    w.U(c.klass - last_class);
    last_class = c.klass;
    w.List(c.calls, [&](const auto& call) {
      w.U(call.first);
      w.U(call.second);
    });
    w.List(c.loads, [&](uint32_t s) { w.U(s); });
  });
  w.U(d.exodus_placed ? 1 : 0);
  w.Strings(d.exodus_names);
  w.List(d.structure, [&](const StructureMatch& m) { WriteStructure(w, m); });
}

DexFeatures ReadDex(BodyReader& r) {
  DexFeatures d;
  d.where = r.S();
  r.Strings(d.classes);
  uint64_t last = 0;
  r.List(d.strings, [&] {
    last += r.U();
    if (last > UINT32_MAX) r.Fail();
    return std::make_pair(static_cast<uint32_t>(last), r.V());
  });
  r.Strings(d.callers);
  uint64_t last_class = 0;
  r.List(d.code, [&] {
    ClassCode c;
    last_class += r.U();
    if (last_class > UINT32_MAX) r.Fail();
    c.klass = static_cast<uint32_t>(last_class);
    r.List(c.calls, [&] {
      const uint32_t rule = r.U32();
      return std::make_pair(rule, r.U32());
    });
    r.List(c.loads, [&] { return r.U32(); });
    return c;
  });
  d.exodus_placed = r.U() != 0;
  r.Strings(d.exodus_names);
  r.List(d.structure, [&] { return ReadStructure(r); });
  // Indices point where they should, so a rematch never sizes a table by a
  // crafted one.
  if (!d.strings.empty() && d.strings.back().first >= limits::kMaxFeaturesStringIndex) r.Fail();
  for (const ClassCode& c : d.code) {
    if (c.klass >= d.classes.size()) r.Fail();
    for (const auto& [rule, caller] : c.calls)
      if (caller >= d.callers.size()) r.Fail();
    for (uint32_t s : c.loads)
      if (s >= limits::kMaxFeaturesStringIndex) r.Fail();
  }
  for (const StructureMatch& m : d.structure)
    if (m.klass >= d.classes.size()) r.Fail();
  return d;
}

void WriteJvm(Writer& w, const JvmClass& c) {
  w.S(c.entry_name);
  w.B(c.parsed);
  w.S(c.name);
  w.Strings(c.strings);
  w.List(c.rules, [&](uint32_t rule) { w.U(rule); });
  w.B(c.structure.has_value());
  if (c.structure) WriteStructure(w, *c.structure);
}

JvmClass ReadJvm(BodyReader& r) {
  JvmClass c;
  c.entry_name = r.S();
  c.parsed = r.B();
  c.name = r.S();
  r.Strings(c.strings);
  r.List(c.rules, [&] { return r.U32(); });
  if (r.B()) c.structure = ReadStructure(r);
  return c;
}

void WriteBlob(Writer& w, const Blob& b) {
  w.S(b.where);
  w.Strings(b.urls);
  w.List(b.secrets, [&](const auto& s) {
    w.U(s.first);
    w.S(s.second);
  });
}

Blob ReadBlob(BodyReader& r) {
  Blob b;
  b.where = r.S();
  r.Strings(b.urls);
  r.List(b.secrets, [&] {
    const uint32_t rule = r.U32();
    return std::make_pair(rule, r.S());
  });
  return b;
}

// Optional values: a presence flag, then the value.
void WriteOptional(Writer& w, const std::optional<bool>& v) { w.U(v ? (*v ? 2 : 1) : 0); }
std::optional<bool> ReadOptionalBool(BodyReader& r) {
  const uint64_t v = r.U();
  if (v > 2) r.Fail();
  return v == 0 ? std::nullopt : std::optional<bool>(v == 2);
}
void WriteOptional(Writer& w, const std::optional<std::string>& v) {
  w.B(v.has_value());
  if (v) w.S(*v);
}
std::optional<std::string> ReadOptionalString(BodyReader& r) {
  if (!r.B()) return std::nullopt;
  return r.S();
}

void WriteMetaData(Writer& w, const std::vector<MetaData>& items) {
  w.List(items, [&](const MetaData& m) {
    w.S(m.name);
    w.S(m.value);
    w.B(m.is_resource);
  });
}

void ReadMetaData(BodyReader& r, std::vector<MetaData>& items) {
  r.List(items, [&] {
    MetaData m;
    m.name = r.S();
    m.value = r.S();
    m.is_resource = r.B();
    return m;
  });
}

void WriteManifest(Writer& w, const Manifest& m) {
  w.B(m.present);
  const auto& target = m.identity.target_sdk;
  w.B(target.has_value());
  if (target) {
    w.S(target->text);
    w.B(target->number.has_value());
    if (target->number) w.U(static_cast<uint32_t>(*target->number));
  }
  WriteOptional(w, m.application.debuggable);
  WriteOptional(w, m.application.allow_backup);
  WriteOptional(w, m.application.uses_cleartext_traffic);
  WriteOptional(w, m.application.network_security_config);
  w.List(m.permissions, [&](const UsesPermission& p) { w.S(p.name); });
  w.List(m.components, [&](const Component& c) {
    w.U(static_cast<uint8_t>(c.kind));
    w.S(c.name);
    WriteMetaData(w, c.meta_data);
  });
  WriteMetaData(w, m.meta_data);
}

Manifest ReadManifest(BodyReader& r) {
  Manifest m;
  m.present = r.B();
  if (r.B()) {
    SdkLevel level;
    level.text = r.S();
    if (r.B()) level.number = static_cast<int>(r.U32());
    m.identity.target_sdk = std::move(level);
  }
  m.application.debuggable = ReadOptionalBool(r);
  m.application.allow_backup = ReadOptionalBool(r);
  m.application.uses_cleartext_traffic = ReadOptionalBool(r);
  m.application.network_security_config = ReadOptionalString(r);
  r.List(m.permissions, [&] {
    UsesPermission p;
    p.name = r.S();
    return p;
  });
  r.List(m.components, [&] {
    Component c;
    const uint64_t kind = r.U();
    if (kind > static_cast<uint8_t>(ComponentKind::kProvider)) r.Fail();
    c.kind = static_cast<ComponentKind>(kind);
    c.name = r.S();
    ReadMetaData(r, c.meta_data);
    return c;
  });
  ReadMetaData(r, m.meta_data);
  return m;
}

}  // namespace

// Level 1: a corpus scan deflates every app's features, and the higher
// levels cost it more time than the few percent of space they save.
Encoder::Encoder() : compressor_(libdeflate_alloc_compressor(1)) {}
Encoder::~Encoder() { libdeflate_free_compressor(compressor_); }

std::string Encode(const AppFeatures& f) { return Encoder().Encode(f); }

std::string Encoder::Encode(const AppFeatures& f) {
  Writer w;
  w.U(f.knowledge.rules);
  w.U(f.knowledge.profiles);
  w.U(f.knowledge.tied);
  w.U(static_cast<uint8_t>(f.kind));
  w.List(f.records, [&](const Record& record) {
    if (const auto* d = std::get_if<DexFeatures>(&record)) w.U(kDex), WriteDex(w, *d);
    else if (const auto* c = std::get_if<JvmClass>(&record)) w.U(kJvm), WriteJvm(w, *c);
    else w.U(kBlob), WriteBlob(w, std::get<Blob>(record));
  });
  WriteManifest(w, f.manifest);
  w.Strings(f.resource_strings);
  w.Strings(f.sdk_strings);

  const std::string& body = w.out();
  Writer header;
  header.out().append(kMagic, sizeof kMagic);
  header.U(kFormat);
  header.U(body.size());
  std::string out = std::move(header.out());
  const size_t start = out.size();
  const size_t bound = libdeflate_deflate_compress_bound(compressor_, body.size());
  out.resize(start + bound);
  const size_t n = libdeflate_deflate_compress(compressor_, body.data(), body.size(), out.data() + start, bound);
  out.resize(start + n);
  return out;
}

Result<AppFeatures> Decode(ByteView bytes) {
  auto malformed = [](std::string why) { return MakeError(ErrorCode::kFeatures, 0, "stored features: " + why); };
  if (bytes.size() < sizeof kMagic || bytes.AsString().substr(0, sizeof kMagic) != std::string_view(kMagic, 4))
    return malformed("not Vigie features");
  BodyReader header(bytes.Sub(sizeof kMagic, bytes.size() - sizeof kMagic).value_or(ByteView{}));
  const uint64_t format = header.U();
  const uint64_t size = header.U();
  if (!header.ok()) return malformed("the header is cut short");
  if (format != kFormat)
    return malformed("format " + std::to_string(format) + ", this Vigie reads format " + std::to_string(kFormat));
  if (size > limits::kMaxFeaturesSize) return malformed("larger than limits::kMaxFeaturesSize inflated");
  const size_t header_size = bytes.size() - header.Remaining();
  AppFeatures f;
  f.body = std::make_unique_for_overwrite<char[]>(static_cast<size_t>(size));
  std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> decompressor(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (libdeflate_deflate_decompress(decompressor.get(), bytes.data() + header_size, bytes.size() - header_size,
                                    f.body.get(), static_cast<size_t>(size), nullptr) != LIBDEFLATE_SUCCESS)
    return malformed("the deflated body is damaged");

  BodyReader r{ByteView(std::string_view(f.body.get(), static_cast<size_t>(size)))};
  f.knowledge.rules = r.U();
  f.knowledge.profiles = r.U();
  f.knowledge.tied = r.U();
  const uint64_t kind = r.U();
  if (kind > static_cast<uint8_t>(PackageKind::kZip)) r.Fail();
  f.kind = static_cast<PackageKind>(kind);
  r.List(f.records, [&]() -> Record {
    switch (r.U()) {
      case kDex: return ReadDex(r);
      case kJvm: return ReadJvm(r);
      case kBlob: return ReadBlob(r);
    }
    r.Fail();
    return Blob{};
  });
  f.manifest = ReadManifest(r);
  r.Strings(f.resource_strings);
  r.Strings(f.sdk_strings);
  if (!r.ok()) return malformed("the body is cut short or malformed");
  if (!r.AtEnd()) return malformed("bytes follow the body");
  return f;
}

}  // namespace vigie::features
