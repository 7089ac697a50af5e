#include "vigie/base/bytes.h"
#include "vigie/base/utf8.h"

#include <cstdint>
#include <string>

#include "test_support.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/limits.h"

#include <gtest/gtest.h>

namespace vigie {
namespace {

// Large buffers ask the kernel for transparent huge pages, small ones do not
// need to; both hold what is written, uninitialised until then.
TEST(ByteBuffer, LargeBuffersAskForHugePages) {
  ByteBuffer large(size_t{5} << 20);
  large.back() = 7;
  const std::string flags = vigie::testing::MappingField(large.data(), "VmFlags:");
  ASSERT_FALSE(flags.empty()) << "no mapping holds the buffer";
  EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large.data()) % (size_t{2} << 20), 0u) << "2 MiB aligned";
  EXPECT_EQ(large.back(), 7);
  ByteBuffer small(100, 3);
  EXPECT_EQ(small[99], 3);
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

// Diagnostics read apart (a DEX on another thread) and appended keep their
// order, the cap over the whole list, and the count of errors.
TEST(Diagnostics, AppendKeepsOrderCapAndErrorCount) {
  Diagnostics manifest, code;
  manifest.Add(Level::kError, ErrorCode::kAxmlMalformed, "AndroidManifest.xml", "bad");
  code.Add(Level::kWarning, ErrorCode::kZipCrcMismatch, "classes.dex", "crc");
  manifest.Append(std::move(code));
  ASSERT_EQ(manifest.items().size(), 2u);
  EXPECT_EQ(manifest.items()[0].where, "AndroidManifest.xml");
  EXPECT_EQ(manifest.items()[1].where, "classes.dex");
  EXPECT_TRUE(manifest.HasErrors());

  Diagnostics early, late;
  early.Add(Level::kError, ErrorCode::kAxmlMalformed, "early", "first");
  for (uint64_t i = 0; i < limits::kMaxDiagnostics; ++i)
    late.Add(Level::kInfo, ErrorCode::kZipCrcMismatch, "late", std::to_string(i));
  early.Append(std::move(late));
  // The early item is kept; the last late one is dropped, and marked so.
  EXPECT_EQ(early.items().front().where, "early");
  EXPECT_EQ(early.dropped(), 1u);
  EXPECT_EQ(early.items().back().code, ErrorCode::kDiagnosticsTruncated);
  EXPECT_EQ(early.items().size(), limits::kMaxDiagnostics + 1);
  EXPECT_TRUE(early.HasErrors());
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

TEST(Utf8, CleanTextIsWellFormedWithoutNul) {
  EXPECT_TRUE(IsCleanUtf8("plain ascii"));
  EXPECT_TRUE(IsCleanUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xB1 \xF4\x8F\xBF\xBF"));  // é € 📱 U+10FFFF
  EXPECT_FALSE(IsCleanUtf8(std::string("a\0b", 3)));
  EXPECT_FALSE(IsCleanUtf8("\xC0\xAF"));          // Overlong '/'.
  EXPECT_FALSE(IsCleanUtf8("\xE0\x80\xAF"));      // Overlong, 3 bytes.
  EXPECT_FALSE(IsCleanUtf8("\xED\xA0\x80"));      // A surrogate (MUTF-8 and CESU-8 write them).
  EXPECT_FALSE(IsCleanUtf8("\xF4\x90\x80\x80"));  // Past U+10FFFF.
  EXPECT_FALSE(IsCleanUtf8("\xE2\x82"));          // Cut short.
  EXPECT_FALSE(IsCleanUtf8("\x80"));              // A lone continuation byte.
  // Each byte that starts no sequence becomes one U+FFFD; the rest stays.
  EXPECT_EQ(CleanUtf8("\xE2\x82" "x"), "\xEF\xBF\xBD\xEF\xBF\xBDx");
  EXPECT_EQ(CleanUtf8("ok\xC3\xA9"), "ok\xC3\xA9");
  EXPECT_EQ(CleanUtf8(std::string("\0", 1)), "\xEF\xBF\xBD");
  EXPECT_TRUE(IsCleanUtf8(CleanUtf8("\xFF\xED\xA0\x80\xF4\x90\x80\x80")));
}

}  // namespace
}  // namespace vigie
