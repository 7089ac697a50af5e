#include <string>

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

namespace {

// Why a scan's last DEX buffer waits here, and is freed by the thread that
// scanned: a huge page goes back to the free-page cache of the CPU that
// frees it, and the next process to run there takes it from that cache,
// already backed by the host. Freed by the scan's helper, on the other CPU,
// it was not found again, and the next process's huge page came from the
// free blocks a virtual machine's host may have taken back (see
// large_blocks.cc): in 125 back-to-back scans of msocial_freefb_72.apk,
// 9 to 24 took ~4.5 ms more that way, against 1 with the free on the scan's
// thread. The CLI frees it once its reports are written, so the unmapping
// (~0.15 ms at the end of a 2 MB app's scan) does not hold them up.
thread_local ByteBuffer t_parked;

}  // namespace

void ParkBuffer(ByteBuffer buffer) { t_parked = std::move(buffer); }

void FreeParkedBuffer() { ByteBuffer().swap(t_parked); }

}  // namespace vigie
