#include "vigie/base/bytes.h"

namespace vigie {

std::string ToHex(ByteView bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kHex[bytes.data()[i] >> 4];
    out[2 * i + 1] = kHex[bytes.data()[i] & 15];
  }
  return out;
}

}  // namespace vigie
