#include "vigie/base/bytes.h"

#include <cstdint>
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

// A parked buffer stays mapped until this thread parks another or frees
// it; only one is kept.
TEST(LargeAllocation, ParkedBufferLivesUntilTheNextOrTheFree) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under AddressSanitizer, large blocks come from the checked heap";
#else
  auto mapped = [](const void* p) { return !vigie::testing::MappingField(p, "Rss:").empty(); };
  ByteBuffer first(kLargeAllocation + 1), second(kLargeAllocation + 1);
  const uint8_t* a = first.data();
  const uint8_t* b = second.data();
  ParkBuffer(std::move(first));
  EXPECT_TRUE(mapped(a));
  ParkBuffer(std::move(second));
  EXPECT_FALSE(mapped(a));
  EXPECT_TRUE(mapped(b));
  FreeParkedBuffer();
  EXPECT_FALSE(mapped(b));
  FreeParkedBuffer();  // Nothing parked: nothing happens.
#endif
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
