// Large blocks (inflated DEX files): how they are allocated, and whether
// they are backed by transparent huge pages.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace vigie {

/// Allocates large blocks 2 MiB-aligned and, unless this process has turned
/// them off, asks for transparent huge pages: an inflated DEX of a few MB
/// then costs a couple of page faults instead of a thousand, while huge
/// pages come cheap. When the first one is slow to fault in, the rest of the
/// process does without (see large_blocks.cc).
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes);
inline constexpr size_t kLargeAllocation = 2u << 20;

/// Whether AllocateLarge still asks for huge pages. `use` turns them off for
/// the process, or on again, which also forgets a slow one seen (for tests).
bool LargeAllocationsUseHugePages();
void SetLargeAllocationsUseHugePages(bool use);

/// Whether this process met a slow huge page, and so turned them off. Tests
/// may note one themselves.
bool SlowHugePageSeen();
void NoteSlowHugePage();

/// What one process learnt about huge pages, passed on to the next ones. On
/// a virtual machine whose host takes back free memory, slow huge pages come
/// in stretches of seconds (see large_blocks.cc), and each new process would
/// pay for its own first one. So a process that met one leaves a mark, a
/// file whose modification time says when; RecallSlowHugePages turns huge
/// pages off when `mark` is younger than kSlowHugePageMemory, and
/// RememberSlowHugePages (re)writes it when this process met one. Both
/// ignore a missing or unwritable mark: it only costs time.
inline constexpr std::chrono::seconds kSlowHugePageMemory{10};
void RecallSlowHugePages(const std::string& mark);
void RememberSlowHugePages(const std::string& mark);

/// Faults in, zero-filled and writable, the whole pages inside [p, p + n),
/// where the kernel can (MADV_POPULATE_WRITE, Linux 5.14); elsewhere the
/// pages fault in when first written, as usual. Nothing is written from user
/// space, so another thread may be writing the block meanwhile.
void PopulateForWrite(void* p, size_t n);

}  // namespace vigie
