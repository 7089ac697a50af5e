// `vigie check` on damaged acquisitions: MVT's iOS backup and AndroidQF
// artifacts copied to a temporary folder and broken there (a database cut
// in half, a plist overwritten, a zip truncated, a wrong password). Each
// damage gets a diagnostic naming the file, the rest is read, and nothing
// crashes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "check_support.h"
#include "test_support.h"
#include "vigie/check/check.h"

namespace vigie::check {
namespace {

using vigie::testing::Alerts;
using vigie::testing::Records;
namespace fs = std::filesystem;


bool Names(const CheckResult& r, std::string_view part, ErrorCode code) {
  for (const Diagnostic& d : r.diagnostics.items())
    if (d.code == code && d.where.find(part) != std::string::npos) return true;
  return false;
}

class Damaged : public ::testing::Test {
 protected:
  void SetUp() override {
    artifacts_ = vigie::testing::CorpusDir() + "/mvt/mvt-tests/artifacts/";
    if (!fs::exists(artifacts_)) GTEST_SKIP() << "corpus not found at " << artifacts_ << " (set VIGIE_CORPUS_DIR)";
    dir_ = fs::temp_directory_path() / ("vigie_damaged_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  fs::path Copy(const std::string& artifact) {
    const fs::path to = dir_ / fs::path(artifact).filename();
    fs::copy(artifacts_ + artifact, to, fs::copy_options::recursive);
    if (fs::is_directory(to))
      for (auto& e : fs::recursive_directory_iterator(to))
        fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
    return to;
  }
  std::string artifacts_;
  fs::path dir_;
};

TEST_F(Damaged, IosBackupWithACutDatabaseAndABrokenPlist) {
  const fs::path backup = Copy("ios_backup");
  // sms.db cut in half, and the global preferences overwritten with junk.
  const fs::path sms = backup / "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28";
  fs::resize_file(sms, fs::file_size(sms) / 2);
  std::ofstream(backup / "0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d", std::ios::trunc) << "bplist00 not really";
  const CheckResult r = Check(backup.string(), indicators::IndicatorSet(), {});
  EXPECT_TRUE(Names(r, "0dc926a1810f7aee4e8f38793ed788701f93bf9d", ErrorCode::kPlistMalformed));
  EXPECT_EQ(Records(r, "global_preferences"), 0u);
  EXPECT_EQ(Records(r, "tcc"), 11u) << "the other modules are read whole";
  EXPECT_EQ(Records(r, "manifest"), 3721u);
  EXPECT_TRUE(Names(r, "3d0d7e5fb2ce288813306e4d4636395e047a3d28", ErrorCode::kAcquisitionMalformed))
      << "the cut database is named";
  EXPECT_TRUE(r.diagnostics.HasErrors());
}

TEST_F(Damaged, TruncatedZipAndWrongPassword) {
  const fs::path zip = Copy("androidqf.zip");
  fs::resize_file(zip, fs::file_size(zip) - 40);  // Into the central directory.
  const CheckResult cut = Check(zip.string(), indicators::IndicatorSet(), {});
  EXPECT_TRUE(cut.diagnostics.Has(ErrorCode::kZipNoEocd));
  EXPECT_EQ(Records(cut, "aqf_get_prop"), 10u) << "entries recovered from their local headers";

  const fs::path ab = Copy("android_backup/backup2.ab");
  CheckOptions wrong;
  wrong.password = "not-the-password";
  const CheckResult r = Check(ab.string(), indicators::IndicatorSet(), wrong);
  EXPECT_TRUE(r.diagnostics.Has(ErrorCode::kBackupPassword));
  EXPECT_TRUE(r.modules.empty());
}

TEST_F(Damaged, TruncatedBackupKeepsItsFirstMembers) {
  const fs::path ab = Copy("android_backup/backup3.ab");
  fs::resize_file(ab, fs::file_size(ab) - 100);
  const CheckResult r = Check(ab.string(), indicators::IndicatorSet(), {});
  EXPECT_TRUE(r.diagnostics.Has(ErrorCode::kAcquisitionMalformed));
}

// A huge file (a process list of 600 MB, sparse) is read up to
// limits::kMaxAcquisitionFileBytes with a diagnostic naming it; the other
// files are read whole.
TEST(HugeFile, IsReadUpToTheCap) {
  const fs::path dir = fs::temp_directory_path() / ("vigie_huge_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "getprop.txt") << "[ro.product.model]: [Demo]\n";
  {
    std::ofstream ps(dir / "ps.txt");
    ps << "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 1 1 0 0 S init\n";
  }
  fs::resize_file(dir / "ps.txt", 600ull << 20);
  const CheckResult r = Check(dir.string(), indicators::IndicatorSet(), {});
  fs::remove_all(dir);
  EXPECT_TRUE(r.diagnostics.Has(ErrorCode::kAcquisitionTooLarge));
  EXPECT_EQ(Records(r, "aqf_processes"), 1u) << "init, before the zeros";
  EXPECT_EQ(Records(r, "aqf_get_prop"), 1u);
}

// MVT's test backup encrypted as iTunes does (tests/fixtures/ios_encrypt.py):
// with its password it reads as the clear backup does; without it, or with
// a wrong one, only what Info.plist says is read, and the error says why.
TEST_F(Damaged, EncryptedIosBackupNeedsItsPassword) {
  const std::string encrypted = vigie::testing::Fixture("ios_backup_encrypted");
  if (!fs::exists(encrypted)) GTEST_SKIP() << "fixture not built (build_fixtures.sh needs the corpus)";
  indicators::IndicatorSet iocs;
  ASSERT_FALSE(iocs.AddStix2File(vigie::testing::CorpusDir() + "/mvt/generated/test.stix2").has_value());
  const CheckResult clear = Check(artifacts_ + "ios_backup", iocs, {});
  CheckOptions right;
  right.password = "vigie-test-password";
  const CheckResult opened = Check(encrypted, iocs, right);
  EXPECT_FALSE(opened.diagnostics.HasErrors());
  ASSERT_EQ(opened.modules.size(), clear.modules.size());
  for (size_t i = 0; i < clear.modules.size(); ++i) {
    EXPECT_EQ(opened.modules[i].name, clear.modules[i].name);
    EXPECT_EQ(opened.modules[i].records.size(), clear.modules[i].records.size()) << clear.modules[i].name;
  }
  EXPECT_EQ(opened.alerts.size(), clear.alerts.size());
  EXPECT_EQ(opened.timeline.size(), clear.timeline.size());

  for (const char* password : {"", "wrong"}) {
    CheckOptions options;
    options.password = password;
    const CheckResult locked = Check(encrypted, iocs, options);
    EXPECT_TRUE(locked.diagnostics.Has(ErrorCode::kBackupPassword)) << password;
    ASSERT_EQ(locked.modules.size(), 1u) << password;
    EXPECT_EQ(locked.modules[0].name, "backup_info");
  }
}

}  // namespace
}  // namespace vigie::check
