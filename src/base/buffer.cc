#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <string>

#include "vigie/base/bytes.h"

#if defined(__SANITIZE_ADDRESS__)
#define VIGIE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIE_ASAN 1
#endif
#endif

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

#ifdef VIGIE_ASAN
// Under AddressSanitizer, large buffers come from the checked heap so that
// reads past an inflated DEX are caught; mmap'd blocks are invisible to it.
void* AllocateLarge(size_t bytes) { return ::operator new(bytes); }
void FreeLarge(void* p, size_t) { ::operator delete(p); }
#else
void* AllocateLarge(size_t bytes) {
  // mmap, not malloc: the block goes straight back to the kernel when freed,
  // so peak memory follows the largest DEX, not the sum of all of them.
  size_t rounded = (bytes + kLargeAllocation - 1) / kLargeAllocation * kLargeAllocation;
  void* p = ::mmap(nullptr, rounded + kLargeAllocation, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // Trim to a 2 MiB-aligned block so the kernel can back it with huge pages.
  auto base = reinterpret_cast<uintptr_t>(p);
  uintptr_t aligned = (base + kLargeAllocation - 1) / kLargeAllocation * kLargeAllocation;
  if (aligned > base) ::munmap(p, aligned - base);
  size_t tail = (base + rounded + kLargeAllocation) - (aligned + rounded);
  if (tail) ::munmap(reinterpret_cast<void*>(aligned + rounded), tail);
  ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void FreeLarge(void* p, size_t bytes) {
  size_t rounded = (bytes + kLargeAllocation - 1) / kLargeAllocation * kLargeAllocation;
  ::munmap(p, rounded);
}
#endif

}  // namespace vigie
