// A minimal, bounds-checked protocol-buffer wire reader, for the few protobuf
// files inside app packages (App Bundle manifests). No schema is compiled in:
// callers walk fields by number, as the wire format allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vigie/base/bytes.h"

namespace vigie::proto {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

/// One field: its number, wire type, and value (varint/fixed) or bytes.
struct Field {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t value = 0;  ///< Varint and fixed values.
  ByteView bytes;      ///< Length-delimited payload (string or sub-message).
  std::string_view str() const { return bytes.AsString(); }
};

/// Iterates the fields of one message. Next() returns false at the end or on
/// malformed input; ok() tells the two apart.
class MessageReader {
 public:
  explicit MessageReader(ByteView message) : r_(message) {}

  bool Next(Field& f) {
    if (failed_ || r_.remaining() == 0) return false;
    uint64_t key = Varint();
    if (failed_) return false;
    f.number = static_cast<uint32_t>(key >> 3);
    f.type = static_cast<WireType>(key & 7);
    f.value = 0;
    f.bytes = {};
    switch (f.type) {
      case WireType::kVarint: f.value = Varint(); break;
      case WireType::kFixed64: f.value = r_.U64(); break;
      case WireType::kFixed32: f.value = r_.U32(); break;
      case WireType::kLengthDelimited: f.bytes = r_.Bytes(Varint()); break;
      default: failed_ = true; return false;  // Groups (3, 4) are obsolete.
    }
    if (!r_.ok() || f.number == 0) failed_ = true;
    return !failed_;
  }

  bool ok() const { return !failed_; }

 private:
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = r_.U8();
      if (!r_.ok()) break;
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    failed_ = true;
    return 0;
  }

  Reader r_;
  bool failed_ = false;
};

}  // namespace vigie::proto
