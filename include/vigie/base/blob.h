// Compact binary forms of knowledge tables: little-endian u32 counts and
// length-prefixed strings. The built-in knowledge base is compiled into
// them at build time (tools/kbc) and imported databases are cached in
// them, so no JSON is parsed on the scan's path.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"

namespace vigie {

class BlobWriter {
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
  void Raw(std::string_view s) { out_.append(s); }
  /// A count, then the elements' bytes as they are in memory.
  template <typename T>
  void Array(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    U32(static_cast<uint32_t>(v.size()));
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  size_t size() const { return out_.size(); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

/// Reads what BlobWriter wrote. Every length is bounds-checked; once a read
/// fails, ok() is false and every later read returns empty values.
class BlobReader {
 public:
  explicit BlobReader(ByteView bytes) : r_(bytes) {}
  bool ok() const { return r_.ok() && ok_; }
  uint32_t U32() { return r_.U32(); }
  std::string Str() {
    const uint32_t n = r_.U32();
    return std::string(r_.Bytes(n).AsString());
  }
  std::vector<std::string> List() {
    const uint32_t n = r_.U32();
    std::vector<std::string> out;
    if (!Fits(n)) return out;
    out.reserve(n);
    for (uint32_t i = 0; i < n && ok(); ++i) out.push_back(Str());
    return out;
  }
  /// The next `n` bytes, as they are.
  ByteView Raw(uint64_t n) { return r_.Bytes(n); }
  /// What BlobWriter::Array wrote; the bytes are checked to be there
  /// before anything is allocated.
  template <typename T>
  std::vector<T> Array() {
    static_assert(std::is_trivially_copyable_v<T>);
    const uint64_t n = r_.U32();
    const ByteView bytes = r_.Bytes(n * sizeof(T));
    std::vector<T> out;
    if (!ok()) return out;
    out.resize(n);
    if (n) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
  /// Whether `n` records can still follow: each takes at least 4 bytes, so a
  /// larger count is a lie, refused before anything is allocated for it.
  bool Fits(uint64_t n) {
    if (n * 4 > r_.remaining()) ok_ = false;
    return ok();
  }

 private:
  Reader r_;
  bool ok_ = true;
};

}  // namespace vigie
