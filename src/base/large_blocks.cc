#include "vigie/base/large_blocks.h"

#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define VIGIE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIE_ASAN 1
#endif
#endif

namespace vigie {
namespace {

// Whether AllocateLarge asks for transparent huge pages. A huge page
// normally faults in in 30-120 µs, against ~1 µs for each of the 512 small
// pages it replaces. But a virtual machine's host may have taken back the
// guest's free memory (free page reporting hands it free blocks of 2 MiB
// and more, the very blocks huge pages come from): the host then backs the
// page anew, 4 KiB at a time, and one huge page took ~4.5 ms here. This
// happens in stretches: a few seconds after a process that used hundreds of
// MB exited, and in back-to-back scans too (one in three of 200 in a loop,
// every other one for seconds at a time, before ParkBuffer; every huge page
// of a process was slow then). Small pages come from smaller free blocks, which are not
// handed back, and none was slow in the same loops. So the first huge
// page's fault is timed, and when it is that slow, the rest of the process
// does without. Later processes are left to find out for themselves: the
// slow stretch after an Exodus run lasted one or two scans, and the scans
// after it were ~1 ms faster in huge pages than in small ones on some apps
// (docs/benchmarks.md). What made back-to-back scans slow was mostly which
// thread freed the last DEX buffer: see ParkBuffer (buffer.cc).
std::atomic<bool> g_use_huge_pages{true};
constexpr auto kSlowHugePageFault = std::chrono::microseconds(500);

}  // namespace

bool LargeAllocationsUseHugePages() { return g_use_huge_pages.load(std::memory_order_relaxed); }

void SetLargeAllocationsUseHugePages(bool use) { g_use_huge_pages.store(use, std::memory_order_relaxed); }

#ifdef VIGIE_ASAN
// Under AddressSanitizer, large buffers come from the checked heap so that
// reads past an inflated DEX are caught; mmap'd blocks are invisible to it.
void* AllocateLarge(size_t bytes) { return ::operator new(bytes); }
void FreeLarge(void* p, size_t) { ::operator delete(p); }
#else
// `bytes` rounded up to whole large blocks: what AllocateLarge maps.
static size_t Rounded(size_t bytes) { return (bytes + kLargeAllocation - 1) / kLargeAllocation * kLargeAllocation; }

void* AllocateLarge(size_t bytes) {
  // mmap, not malloc: the block goes straight back to the kernel when freed,
  // so peak memory follows the largest DEX, not the sum of all of them.
  const size_t rounded = Rounded(bytes);
  void* p = ::mmap(nullptr, rounded + kLargeAllocation, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // Trim to a 2 MiB-aligned block so the kernel can back it with huge pages.
  auto base = reinterpret_cast<uintptr_t>(p);
  uintptr_t aligned = (base + kLargeAllocation - 1) / kLargeAllocation * kLargeAllocation;
  if (aligned > base) ::munmap(p, aligned - base);
  size_t tail = (base + rounded + kLargeAllocation) - (aligned + rounded);
  if (tail) ::munmap(reinterpret_cast<void*>(aligned + rounded), tail);
  if (!LargeAllocationsUseHugePages()) return reinterpret_cast<void*>(aligned);
  ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);
  // The first page is written at once anyway: faulting it in here times it.
  const auto start = std::chrono::steady_clock::now();
  *reinterpret_cast<volatile uint8_t*>(aligned) = 0;
  if (std::chrono::steady_clock::now() - start > kSlowHugePageFault) {
    SetLargeAllocationsUseHugePages(false);
    if (rounded > kLargeAllocation)
      ::madvise(reinterpret_cast<void*>(aligned + kLargeAllocation), rounded - kLargeAllocation, MADV_NOHUGEPAGE);
  }
  return reinterpret_cast<void*>(aligned);
}

void FreeLarge(void* p, size_t bytes) {
  ::munmap(p, Rounded(bytes));
}
#endif

}  // namespace vigie
