#include "vigie/base/bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "test_support.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/limits.h"

#include <gtest/gtest.h>

namespace vigie {
namespace {

// Large blocks ask for huge pages until the process turns them off (as a
// slow first fault does), and then no longer do.
TEST(LargeAllocation, AsksForHugePagesUntilTurnedOff) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under AddressSanitizer, large blocks come from the checked heap";
#else
  const bool was = LargeAllocationsUseHugePages();
  SetLargeAllocationsUseHugePages(true);
  const size_t size = 3 * kLargeAllocation;
  void* with = AllocateLarge(size);
  const std::string with_flags = vigie::testing::MappingField(with, "VmFlags:");
  // The fault took well under the threshold on this machine, or huge pages
  // were turned off by it: either way the first block asked for them.
  EXPECT_NE(with_flags.find(" hg"), std::string::npos) << with_flags;
  SetLargeAllocationsUseHugePages(false);
  void* without = AllocateLarge(size);
  const std::string without_flags = vigie::testing::MappingField(without, "VmFlags:");
  EXPECT_FALSE(without_flags.empty());
  EXPECT_EQ(without_flags.find(" hg"), std::string::npos) << without_flags;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(without) % kLargeAllocation, 0u);
  FreeLarge(with, size);
  FreeLarge(without, size);
  SetLargeAllocationsUseHugePages(was);
#endif
}

// A process that met a slow huge page leaves a mark, and a process that
// finds a recent mark does without huge pages from the start; an old mark,
// no mark or no path changes nothing.
TEST(LargeAllocation, SlowHugePagesAreRememberedForSeconds) {
  const bool was = LargeAllocationsUseHugePages();
  char dir[] = "/tmp/vigie_hugepages_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string mark = std::string(dir) + "/slow-huge-pages";
  struct stat st {};

  SetLargeAllocationsUseHugePages(true);
  RememberSlowHugePages(mark);  // Nothing slow met: no mark.
  EXPECT_NE(stat(mark.c_str(), &st), 0);
  RecallSlowHugePages(mark);
  RecallSlowHugePages("");
  EXPECT_TRUE(LargeAllocationsUseHugePages());

  NoteSlowHugePage();
  EXPECT_TRUE(SlowHugePageSeen());
  EXPECT_FALSE(LargeAllocationsUseHugePages());
  RememberSlowHugePages(mark);
  ASSERT_EQ(stat(mark.c_str(), &st), 0);

  SetLargeAllocationsUseHugePages(true);  // As a new process starts.
  EXPECT_FALSE(SlowHugePageSeen());
  RecallSlowHugePages(mark);
  EXPECT_FALSE(LargeAllocationsUseHugePages());

  // A mark older than kSlowHugePageMemory is forgotten.
  const timespec old[2] = {{0, UTIME_OMIT}, {time(nullptr) - 2 * kSlowHugePageMemory.count(), 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, mark.c_str(), old, 0), 0);
  SetLargeAllocationsUseHugePages(true);
  RecallSlowHugePages(mark);
  EXPECT_TRUE(LargeAllocationsUseHugePages());

  // Remembering again makes it recent.
  NoteSlowHugePage();
  RememberSlowHugePages(mark);
  SetLargeAllocationsUseHugePages(true);
  RecallSlowHugePages(mark);
  EXPECT_FALSE(LargeAllocationsUseHugePages());

  std::remove(mark.c_str());
  rmdir(dir);
  SetLargeAllocationsUseHugePages(was);
}

// PopulateForWrite faults in the whole pages inside its range, and no
// page it only partly covers.
TEST(LargeAllocation, PopulateForWriteFaultsInTheWholePagesOfItsRange) {
  const long page = sysconf(_SC_PAGESIZE);
  const size_t size = static_cast<size_t>(page) * 64;
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  madvise(p, size, MADV_NOHUGEPAGE);  // Also keeps the mapping apart from its neighbours.
  auto rss_kb = [&] {
    const std::string line = vigie::testing::MappingField(p, "Rss:");
    return line.empty() ? -1 : std::stol(line.substr(4));
  };
  EXPECT_EQ(rss_kb(), 0);
  auto* bytes = static_cast<uint8_t*>(p);
  // Pages 10 to 13 are whole in the range; 9 and 14 are partly in it.
  PopulateForWrite(bytes + page * 9 + 1, static_cast<size_t>(page) * 5 - 2 + page);
  EXPECT_EQ(rss_kb(), 4 * page / 1024);
  EXPECT_EQ(bytes[page * 10], 0);
  PopulateForWrite(bytes, size);
  EXPECT_EQ(rss_kb(), 64 * page / 1024);
  munmap(p, size);
}

TEST(CheckedMath, DetectsOverflow) {
  EXPECT_EQ(CheckedAdd(1, 2), 3u);
  EXPECT_FALSE(CheckedAdd(UINT64_MAX, 1).has_value());
  EXPECT_FALSE(CheckedMul(UINT64_MAX / 2, 3).has_value());
  EXPECT_EQ(CheckedMul(1u << 20, 1u << 10), uint64_t{1} << 30);
}

TEST(ByteView, SubRejectsOutOfRangeAndWrappingOffsets) {
  const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ByteView v(data, sizeof data);
  EXPECT_TRUE(v.Sub(0, 8).has_value());
  EXPECT_TRUE(v.Sub(8, 0).has_value());
  EXPECT_FALSE(v.Sub(7, 2).has_value());
  EXPECT_FALSE(v.Sub(UINT64_MAX, 2).has_value());  // Would wrap to 1.
  EXPECT_EQ(v.Read<uint32_t>(4), 0x08070605u);
  EXPECT_FALSE(v.Read<uint32_t>(5).has_value());
  EXPECT_TRUE(v.Tail(100).empty());
}

TEST(Reader, FailureIsSticky) {
  const uint8_t data[3] = {0xAA, 0xBB, 0xCC};
  Reader r(ByteView(data, 3));
  EXPECT_EQ(r.U16(), 0xBBAA);
  EXPECT_EQ(r.U16(), 0);  // Only one byte left.
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.U8(), 0);  // Still failed, even though a byte remains.
}

TEST(Reader, Leb128MatchesTheDexSpecExamples) {
  // Examples from the dex-format LEB128 table.
  const uint8_t a[] = {0x00}, b[] = {0x7f}, c[] = {0x80, 0x7f};
  EXPECT_EQ(Reader(ByteView(a, 1)).Uleb128(), 0u);
  EXPECT_EQ(Reader(ByteView(b, 1)).Sleb128(), -1);
  EXPECT_EQ(Reader(ByteView(b, 1)).Uleb128(), 127u);
  EXPECT_EQ(Reader(ByteView(c, 2)).Sleb128(), -128);
  EXPECT_EQ(Reader(ByteView(c, 2)).Uleb128(), 16256u);
  // Six continuation bytes cannot encode a 32-bit value.
  const uint8_t bad[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  Reader r(ByteView(bad, sizeof bad));
  r.Uleb128();
  EXPECT_FALSE(r.ok());
}

// A scan records its manifest's diagnostics on a helper thread and merges
// them first: the merged list must read as if recorded in that order, with
// the cap and its marker applied to the whole.
TEST(Diagnostics, PrependKeepsOrderCapAndErrorCount) {
  Diagnostics code, manifest;
  code.Add(Severity::kWarning, ErrorCode::kZipCrcMismatch, "classes.dex", "crc");
  manifest.Add(Severity::kError, ErrorCode::kAxmlMalformed, "AndroidManifest.xml", "bad");
  code.Prepend(std::move(manifest));
  ASSERT_EQ(code.items().size(), 2u);
  EXPECT_EQ(code.items()[0].where, "AndroidManifest.xml");
  EXPECT_EQ(code.items()[1].where, "classes.dex");
  EXPECT_TRUE(code.HasErrors());

  Diagnostics full, early;
  for (uint64_t i = 0; i < limits::kMaxDiagnostics; ++i)
    full.Add(Severity::kInfo, ErrorCode::kZipCrcMismatch, "late", std::to_string(i));
  early.Add(Severity::kError, ErrorCode::kAxmlMalformed, "early", "first");
  full.Prepend(std::move(early));
  // The early item is kept; the last late one is dropped, and marked so.
  EXPECT_EQ(full.items().front().where, "early");
  EXPECT_EQ(full.dropped(), 1u);
  EXPECT_EQ(full.items().back().code, ErrorCode::kDiagnosticsTruncated);
  EXPECT_EQ(full.items().size(), limits::kMaxDiagnostics + 1);
  EXPECT_TRUE(full.HasErrors());
}

}  // namespace
}  // namespace vigie
