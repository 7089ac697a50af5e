// CRC-32 (ISO-HDLC, the polynomial of ZIP and gzip) of a buffer.
//
// Every inflated DEX is checked against its ZIP entry's CRC, a pass over
// megabytes. libdeflate's CRC (PCLMULQDQ on 16 bytes at a time) runs at
// ~11 GB/s here; where the CPU has VPCLMULQDQ and AVX-512, four 512-bit
// registers are folded at once, several times faster. Other CPUs, and short
// buffers, use libdeflate.
#pragma once

#include <cstdint>

#include "vigie/base/bytes.h"

namespace vigie {

/// The CRC-32 of `bytes`, as ZIP records it (crc32 of zlib and libdeflate
/// with an initial value of 0).
uint32_t Crc32(ByteView bytes);

/// The same, always through libdeflate: the reference the fast path is
/// tested against.
uint32_t Crc32Portable(ByteView bytes);

}  // namespace vigie
