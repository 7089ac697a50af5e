#include "vigie/base/bytes.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

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
constexpr size_t kHugePage = size_t{2} << 20;
}  // namespace

void* AllocateBuffer(size_t bytes) {
  if (bytes < kHugePage) {
    if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
    throw std::bad_alloc();
  }
  // Whole blocks: the kernel backs a huge page only where its whole block
  // is in the allocation, so the block the buffer ends in is taken whole.
  const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = nullptr;
  if (rounded < bytes || posix_memalign(&p, kHugePage, rounded) != 0) throw std::bad_alloc();
  // A hint: without huge pages the buffer works the same, only slower to
  // fault in.
  ::madvise(p, rounded, MADV_HUGEPAGE);
  return p;
}

void FreeBuffer(void* p) { std::free(p); }

}  // namespace vigie
