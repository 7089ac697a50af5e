// ZIP reader tests on archives made by zip, aapt, zipalign and apksigner
// (tests/fixtures/build_fixtures.sh), with `unzip` as the oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>

#include "test_support.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/base/mapped_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie::zip {
namespace {

using vigie::testing::Fixture;

std::vector<std::string> UnzipNames(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("unzip -Z1 '" + path + "'").c_str(), "r"), pclose);
  std::vector<std::string> names;
  char line[4096];
  while (p && fgets(line, sizeof line, p.get())) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    names.push_back(s);
  }
  return names;
}

struct Opened {
  MappedFile file;
  Diagnostics diags;
  std::optional<Archive> archive;
};

std::unique_ptr<Opened> OpenFixture(const std::string& name) {
  auto o = std::make_unique<Opened>();
  auto f = MappedFile::Open(Fixture(name));
  EXPECT_TRUE(f.ok()) << name;
  if (!f) return o;
  o->file = std::move(*f);
  auto a = Archive::Open(o->file.view(), "zip", o->diags);
  if (a) o->archive = std::move(*a);
  return o;
}

std::vector<std::string> Names(const Archive& a) {
  std::vector<std::string> out;
  for (const auto& e : a.entries()) out.emplace_back(e.name);
  return out;
}

TEST(Zip, EntryListMatchesUnzip) {
  for (const char* name : {"basic.apk", "stored.apk", "nested.apk", "zip64.zip", "zip64_forced.zip"}) {
    REQUIRE_FIXTURE(Fixture(name));
    auto o = OpenFixture(name);
    ASSERT_TRUE(o->archive) << name;
    EXPECT_EQ(Names(*o->archive), UnzipNames(Fixture(name))) << name;
    EXPECT_TRUE(o->diags.items().empty()) << name << ": " << o->diags.items()[0].message;
  }
}

TEST(Zip, DeflatedStoredAndZip64EntriesExtractToTheSameDex) {
  const auto expected = vigie::testing::ReadBytes(Fixture("classes.dex"));
  ASSERT_FALSE(expected.empty());
  for (const char* name : {"basic.apk", "stored.apk", "zip64.zip", "zip64_forced.zip"}) {
    auto o = OpenFixture(name);
    ASSERT_TRUE(o->archive) << name;
    // zip names an entry read from standard input "-".
    const Entry* e = o->archive->Find(std::string(name).find("zip64") == 0 ? "-" : "classes.dex");
    ASSERT_NE(e, nullptr) << name;
    Extractor x;
    ByteBuffer storage;
    auto bytes = x.Extract(*o->archive, *e, storage, o->diags);
    ASSERT_TRUE(bytes.ok()) << name << ": " << bytes.error().message;
    EXPECT_EQ(std::vector<uint8_t>(bytes->data(), bytes->data() + bytes->size()), expected) << name;
    EXPECT_TRUE(o->diags.items().empty()) << name;
  }
}

TEST(Zip, StoredEntriesAreReadInPlace) {
  auto o = OpenFixture("stored.apk");
  ASSERT_TRUE(o->archive);
  const Entry* e = o->archive->Find("classes.dex");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->method, kMethodStored);
  Extractor x;
  ByteBuffer storage;
  auto bytes = x.Extract(*o->archive, *e, storage, o->diags);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(storage.empty());  // Zero copy: the view points into the mapping.
  EXPECT_GE(bytes->data(), o->file.view().data());
  EXPECT_LT(bytes->data(), o->file.view().data() + o->file.view().size());
}

TEST(Zip, Zip64EndRecordIsUsedWhenTheClassicOneIsSaturated) {
  auto o = OpenFixture("zip64_forced.zip");
  ASSERT_TRUE(o->archive);
  ASSERT_EQ(o->archive->entries().size(), 1u);
  EXPECT_EQ(o->archive->entries()[0].uncompressed_size, vigie::testing::ReadBytes(Fixture("classes.dex")).size());
  EXPECT_EQ(o->archive->entries()[0].name, "-");
}

TEST(Zip, DuplicateNamesAreReportedAndResolveToTheFirst) {
  auto o = OpenFixture("duplicate.apk");
  ASSERT_TRUE(o->archive);
  EXPECT_TRUE(o->diags.Has(ErrorCode::kZipDuplicateName));
  const Entry* e = o->archive->Find("classes.dex");
  ASSERT_NE(e, nullptr);
  // The first classes.dex in the directory is the real one.
  size_t first = 0;
  while (o->archive->entries()[first].name != "classes.dex") ++first;
  EXPECT_EQ(e, &o->archive->entries()[first]);
}

TEST(Zip, EncryptedEntriesAreRefusedNotGuessed) {
  auto o = OpenFixture("encrypted.apk");
  ASSERT_TRUE(o->archive);
  const Entry* e = o->archive->Find("classes.dex");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->encrypted());
  Extractor x;
  ByteBuffer storage;
  auto r = x.Extract(*o->archive, *e, storage, o->diags);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kZipEncrypted);
}

TEST(Zip, DeclaredBombIsRefusedBeforeInflating) {
  auto o = OpenFixture("bomb.apk");
  ASSERT_TRUE(o->archive);
  const Entry* e = o->archive->Find("classes.dex");
  ASSERT_NE(e, nullptr);
  Extractor x;
  ByteBuffer storage;
  auto r = x.Extract(*o->archive, *e, storage, o->diags);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kZipBomb);
  EXPECT_LT(storage.capacity(), size_t{1} << 20) << "nothing may be allocated for a refused entry";
}

TEST(Zip, CrcMismatchIsAWarningAndDataIsStillReturned) {
  auto o = OpenFixture("badcrc.apk");
  ASSERT_TRUE(o->archive);
  Extractor x;
  ByteBuffer storage;
  auto r = x.Extract(*o->archive, *o->archive->Find("classes.dex"), storage, o->diags);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(o->diags.Has(ErrorCode::kZipCrcMismatch));
}

// A scan checks a DEX entry's CRC as it extracts it: the mismatch is
// reported once, with or without SDK analysis, and a sound entry reports
// none.
TEST(Zip, ScanReportsADexCrcMismatchOnce) {
  REQUIRE_FIXTURE(Fixture("badcrc.apk"));
  auto knowledge = LoadKnowledge({});
  ASSERT_TRUE(knowledge.ok());
  for (bool sdks : {false, true}) {
    ScanOptions options;
    if (sdks) options.knowledge = *knowledge;
    options.threads = 2;
    auto count = [](const ScanResult& r) {
      return std::count_if(r.diagnostics.items().begin(), r.diagnostics.items().end(),
                           [](const Diagnostic& d) { return d.code == ErrorCode::kZipCrcMismatch; });
    };
    ScanResult bad = ScanFile(Fixture("badcrc.apk"), options);
    EXPECT_EQ(count(bad), 1) << "sdks=" << sdks;
    EXPECT_FALSE(bad.code.dex.empty());
    EXPECT_EQ(count(ScanFile(Fixture("basic.apk"), options)), 0) << "sdks=" << sdks;
  }
}

TEST(Zip, LayoutOddities) {
  {
    auto o = OpenFixture("cd_gap.apk");
    ASSERT_TRUE(o->archive);
    EXPECT_TRUE(o->diags.Has(ErrorCode::kZipCdGap));
  }
  {
    auto o = OpenFixture("janus.apk");
    ASSERT_TRUE(o->archive);
    EXPECT_TRUE(o->diags.Has(ErrorCode::kZipJanus));
    EXPECT_TRUE(dex::LooksLikeDex(o->file.view()));
    EXPECT_EQ(o->archive->prefix_size(), vigie::testing::ReadBytes(Fixture("classes2.dex")).size());
  }
  {
    // Offsets not adjusted: read like unzip does, and say so.
    auto o = OpenFixture("prefixed.apk");
    ASSERT_TRUE(o->archive);
    EXPECT_TRUE(o->diags.Has(ErrorCode::kZipShiftedOffsets));
    EXPECT_NE(o->archive->Find("classes.dex"), nullptr);
  }
}

TEST(Zip, NotAZipFailsWithAClearCode) {
  auto f = MappedFile::Open(Fixture("notzip.apk"));
  ASSERT_TRUE(f.ok());
  Diagnostics d;
  auto a = Archive::Open(f->view(), "zip", d);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kZipNoEocd);
}

TEST(Zip, TruncatedArchiveIsRecoveredFromLocalHeaders) {
  auto o = OpenFixture("truncated.apk");
  ASSERT_TRUE(o->archive) << "the first half of an APK still holds whole entries";
  EXPECT_TRUE(o->diags.Has(ErrorCode::kZipNoEocd)) << "the original failure stays on record";
  EXPECT_TRUE(o->diags.Has(ErrorCode::kZipRecovered));
  EXPECT_TRUE(o->diags.HasErrors());
  // Every recovered entry is one `unzip` lists in the complete archive, in
  // the same order, and reads back with a matching CRC.
  auto full = UnzipNames(Fixture("basic.apk"));
  auto names = Names(*o->archive);
  ASSERT_FALSE(names.empty());
  ASSERT_LE(names.size(), full.size());
  EXPECT_TRUE(std::equal(names.begin(), names.end(), full.begin()));
  Extractor x;
  for (const auto& e : o->archive->entries()) {
    ByteBuffer storage;
    Diagnostics d;
    EXPECT_TRUE(x.Extract(*o->archive, e, storage, d).ok()) << e.name;
    EXPECT_FALSE(d.Has(ErrorCode::kZipCrcMismatch)) << e.name;
  }
}

TEST(Zip, CentralDirectoryBeyondTheFileIsAnError) {
  // A 22-byte end record claiming a directory at offset 100.
  uint8_t eocd[22] = {0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 46, 0, 0, 0, 100, 0, 0, 0, 0, 0};
  Diagnostics d;
  auto a = Archive::Open(ByteView(eocd, sizeof eocd), "zip", d);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kZipBadOffsets);
}

}  // namespace
}  // namespace vigie::zip

namespace vigie {
namespace {

std::string Sha256sum(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("sha256sum '" + path + "'").c_str(), "r"), pclose);
  char buf[128] = {};
  if (!p || !fgets(buf, sizeof buf, p.get())) return {};
  return std::string(buf).substr(0, 64);
}

TEST(Sha256, MatchesSha256sum) {
  for (const char* name : {"basic.apk", "classes.dex", "notzip.apk"}) {
    auto f = MappedFile::Open(vigie::testing::Fixture(name));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(Sha256File(*f), Sha256sum(vigie::testing::Fixture(name))) << name;
  }
  // The empty file, from FIPS 180-4's well-known digest.
  char path[] = "/tmp/vigie_empty_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto empty = MappedFile::Open(path);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Sha256File(*empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::remove(path);
  // A file read in several chunks, the last one short.
  char big[] = "/tmp/vigie_big_XXXXXX";
  const int big_fd = mkstemp(big);
  ASSERT_GE(big_fd, 0);
  std::vector<uint8_t> bytes((size_t{3} << 16) + 77);
  uint32_t x = 12345;
  for (auto& b : bytes) b = static_cast<uint8_t>((x = x * 1103515245u + 12345u) >> 24);
  ASSERT_EQ(write(big_fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  close(big_fd);
  auto file = MappedFile::Open(big);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(Sha256File(*file), Sha256sum(big));
  std::remove(big);
}

// The resident size, in KiB, of the mapping that holds `p`: the pages this
// process has mapped.
long MappingRssKb(const void* p) {
  const std::string line = vigie::testing::MappingField(p, "Rss:");
  return line.empty() ? -1 : std::stol(line.substr(4));
}

// Release drops the whole pages inside its range from the process; it takes
// any range without harm (a length that would run past the end of the
// address space included), and leaves the bytes as they are.
TEST(MappedFile, ReleaseDropsTheWholePagesOfItsRange) {
  const long page = sysconf(_SC_PAGESIZE);
  char path[] = "/tmp/vigie_release_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::vector<uint8_t> bytes(static_cast<size_t>(page) * 64, 7);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  close(fd);
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok());
  const uint8_t* base = file->view().data();
  EXPECT_EQ(MappingRssKb(base), 0);  // Nothing read yet.
  uint64_t sum = 0;
  for (size_t i = 0; i < bytes.size(); i += static_cast<size_t>(page)) sum += base[i];
  EXPECT_EQ(sum, 7u * 64);
  EXPECT_EQ(MappingRssKb(base), 64 * page / 1024);
  file->Release(static_cast<uint64_t>(page) * 2 + 1, static_cast<uint64_t>(page) / 2);  // No whole page.
  file->Release(bytes.size() + 1, 100);
  EXPECT_EQ(MappingRssKb(base), 64 * page / 1024);
  file->Release(static_cast<uint64_t>(page) * 2 + 1, UINT64_MAX);  // Pages 3 to 63.
  EXPECT_EQ(MappingRssKb(base), 3 * page / 1024);
  EXPECT_EQ(base[page * 10 + 5], 7);
  std::remove(path);
}

// A scan that ends at once (this file is neither a ZIP nor a DEX) still
// reports the whole file's digest.
TEST(Sha256, OfAScanThatFails) {
  char path[] = "/tmp/vigie_noise_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::vector<uint8_t> bytes(size_t{3} << 20);
  std::mt19937 rng(7);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  bytes[0] = 'x';  // Not "PK", not "dex".
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  close(fd);
  ScanResult r = ScanFile(path);
  EXPECT_EQ(r.status, ScanStatus::kFailed);
  EXPECT_EQ(r.file.sha256, Sha256sum(path));
  std::remove(path);
}

}  // namespace
}  // namespace vigie
