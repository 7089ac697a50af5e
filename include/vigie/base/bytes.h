// Bounds-checked, zero-copy views over untrusted bytes.
//
// Every parser in Vigie reads through ByteView and Reader. Offsets are
// combined with overflow-checked arithmetic *before* any slice is formed, and
// multi-byte values are read with memcpy in little-endian order, so no pointer
// outside the buffer is ever formed and no struct is cast onto file bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie {

/// Memory for buffers of `bytes` (inflated entries): large ones are 2 MiB
/// aligned and the kernel is asked to back them with transparent huge
/// pages, since faulting megabytes in 4 KiB at a time costs as much as
/// inflating them on virtual machines. Freed with FreeBuffer().
void* AllocateBuffer(size_t bytes);
void FreeBuffer(void* p);

/// An allocator whose resize() leaves new bytes uninitialised, since inflate
/// output is overwritten at once, and whose memory comes from
/// AllocateBuffer().
template <typename T>
struct BufferAllocator {
  using value_type = T;
  BufferAllocator() = default;
  template <typename U>
  BufferAllocator(const BufferAllocator<U>&) {}  // NOLINT: rebinding is implicit.
  T* allocate(size_t n) { return static_cast<T*>(AllocateBuffer(n * sizeof(T))); }
  void deallocate(T* p, size_t) { FreeBuffer(p); }
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  bool operator==(const BufferAllocator<U>&) const { return true; }
};

/// Owned bytes (an inflated entry). resize() does not zero-fill.
using ByteBuffer = std::vector<uint8_t, BufferAllocator<uint8_t>>;

/// a + b, or nullopt when it overflows.
inline std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// a * b, or nullopt when it overflows.
inline std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// A read-only window on bytes owned by someone else (a mapped file or an
/// inflated buffer). Cheap to copy; never owns.
class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit ByteView(std::string_view s)
      : data_(reinterpret_cast<const uint8_t*>(s.data())), size_(s.size()) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  /// True when [offset, offset + length) lies inside the view.
  bool Contains(uint64_t offset, uint64_t length) const {
    auto end = CheckedAdd(offset, length);
    return end && *end <= size_;
  }

  /// The sub-range [offset, offset + length), or nullopt when out of bounds.
  std::optional<ByteView> Sub(uint64_t offset, uint64_t length) const {
    if (!Contains(offset, length)) return std::nullopt;
    return ByteView(data_ + offset, static_cast<size_t>(length));
  }

  /// Everything from offset to the end (empty when offset is past the end).
  ByteView Tail(uint64_t offset) const {
    if (offset >= size_) return {};
    return ByteView(data_ + offset, size_ - static_cast<size_t>(offset));
  }

  /// Reads a little-endian unsigned integer at offset; nullopt when it does
  /// not fit.
  template <typename T>
  std::optional<T> Read(uint64_t offset) const {
    if (!Contains(offset, sizeof(T))) return std::nullopt;
    T v;
    std::memcpy(&v, data_ + offset, sizeof(T));
    return v;  // x86-64 and arm64 are little-endian, like every Android format.
  }

  /// Like Read, but returns 0 when out of bounds; for callers that checked
  /// the enclosing range already.
  template <typename T>
  T ReadOr0(uint64_t offset) const {
    return Read<T>(offset).value_or(T{0});
  }

  std::string_view AsString() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  bool StartsWith(std::string_view prefix) const {
    return size_ >= prefix.size() && std::memcmp(data_, prefix.data(), prefix.size()) == 0;
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

/// A forward cursor over a ByteView with a sticky failure flag: once a read
/// runs past the end, it and every later read return 0 and ok() is false.
/// Parsers read a whole record, then test ok() once, which keeps the hot path
/// short without giving up a single bounds check.
class Reader {
 public:
  explicit Reader(ByteView view, uint64_t position = 0) : view_(view), pos_(position) {
    if (pos_ > view_.size()) failed_ = true;
  }

  bool ok() const { return !failed_; }
  uint64_t position() const { return pos_; }
  uint64_t remaining() const { return failed_ ? 0 : view_.size() - pos_; }

  template <typename T>
  T Read() {
    if (failed_) return T{0};
    auto v = view_.Read<T>(pos_);
    if (!v) {
      failed_ = true;
      return T{0};
    }
    pos_ += sizeof(T);
    return *v;
  }
  uint8_t U8() {
    // The hottest read (debug info, class data): one compare, no optional.
    if (!failed_ && pos_ < view_.size()) return view_.data()[pos_++];
    failed_ = true;
    return 0;
  }
  uint16_t U16() { return Read<uint16_t>(); }
  uint32_t U32() { return Read<uint32_t>(); }
  uint64_t U64() { return Read<uint64_t>(); }

  /// Returns the next `length` bytes as a view and advances past them.
  ByteView Bytes(uint64_t length) {
    if (failed_) return {};
    auto sub = view_.Sub(pos_, length);
    if (!sub) {
      failed_ = true;
      return {};
    }
    pos_ += length;
    return *sub;
  }

  void Skip(uint64_t length) { Bytes(length); }

  /// Unsigned LEB128 as used by DEX: at most 5 bytes for a 32-bit value.
  uint32_t Uleb128() {
    // Fast path: at least 5 bytes left, so no byte of the number needs its
    // own bounds check. Most values in DEX fit in one or two bytes.
    if (!failed_ && view_.size() - pos_ >= 5) {
      const uint8_t* p = view_.data() + pos_;
      uint32_t result = p[0] & 0x7f;
      int i = 0;
      while (p[i] & 0x80) {
        if (++i == 5) {
          failed_ = true;  // A sixth continuation byte is malformed.
          return 0;
        }
        result |= static_cast<uint32_t>(p[i] & 0x7f) << (7 * i);
      }
      pos_ += static_cast<uint64_t>(i) + 1;
      return result;
    }
    uint32_t result = 0;
    for (int i = 0; i < 5; ++i) {
      uint8_t b = U8();
      if (failed_) return 0;
      result |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return result;
    }
    failed_ = true;  // A sixth continuation byte is malformed.
    return 0;
  }

  /// Signed LEB128 (DEX encoded values, debug info).
  int32_t Sleb128() {
    uint32_t result = 0;
    int shift = 0;
    uint8_t b = 0;
    do {
      b = U8();
      if (failed_) return 0;
      result |= static_cast<uint32_t>(b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) && shift < 35);
    if (b & 0x80) {
      failed_ = true;
      return 0;
    }
    if (shift < 32 && (b & 0x40)) result |= ~0u << shift;
    return static_cast<int32_t>(result);
  }

 private:
  ByteView view_;
  uint64_t pos_ = 0;
  bool failed_ = false;
};

/// Lower-case hex digits of `bytes`, two per byte (digests, cache keys).
std::string ToHex(ByteView bytes);

}  // namespace vigie
