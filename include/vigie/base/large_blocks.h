// Large blocks (inflated DEX files): how they are allocated, and whether
// they are backed by transparent huge pages.
#pragma once

#include <cstddef>

namespace vigie {

/// Allocates large blocks 2 MiB-aligned and, unless this process has turned
/// them off, asks for transparent huge pages: an inflated DEX of a few MB
/// then costs a couple of page faults instead of a thousand, while huge
/// pages come cheap. When the first one is slow to fault in, the rest of the
/// process does without (see large_blocks.cc).
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes);
inline constexpr size_t kLargeAllocation = 2u << 20;

/// Whether AllocateLarge still asks for huge pages; `use` turns them off (or
/// on again) for the process, as a slow first fault does. For tests.
bool LargeAllocationsUseHugePages();
void SetLargeAllocationsUseHugePages(bool use);

}  // namespace vigie
