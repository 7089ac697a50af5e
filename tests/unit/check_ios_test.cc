// The iOS modules of `vigie check` that MVT's test backup holds no data
// for, on the dump and backup tests/fixtures/ios_dump.py writes with SQLite
// and plistlib: each module reads its records, and each planted trace gives
// the alert MVT would give, at MVT's level.
#include <gtest/gtest.h>

#include <filesystem>

#include "check_support.h"
#include "test_support.h"
#include "vigie/check/check.h"

namespace vigie::check {
namespace {

using vigie::testing::Alerts;
using vigie::testing::Records;

using indicators::IndicatorType;



const Alert* Find(const CheckResult& r, std::string_view module, AlertLevel level) {
  for (const Alert& a : r.alerts)
    if (a.module == module && a.level == level) return &a;
  return nullptr;
}

class IosModules : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(vigie::testing::Fixture("ios_fs"))) GTEST_SKIP() << "fixtures not built";
    const uint32_t c = iocs_.AddCollection("Fixture Spyware", "fixture.stix2");
    iocs_.Add(IndicatorType::kDomain, "evil.example", c);
    iocs_.Add(IndicatorType::kProcess, "evilproc", c);
    iocs_.Add(IndicatorType::kProcess, "com.evil.locator", c);
    iocs_.Add(IndicatorType::kEmail, "target@evil.example", c);
    iocs_.Add(IndicatorType::kAppId, "com.evil.spyapp", c);
  }
  indicators::IndicatorSet iocs_;
};

TEST_F(IosModules, FilesystemDumpModulesFindWhatWasPlanted) {
  const CheckResult r = Check(vigie::testing::Fixture("ios_fs"), iocs_, {});
  ASSERT_EQ(r.kind, AcquisitionKind::kIosFilesystem) << "private/var/… is a filesystem dump";
  EXPECT_FALSE(r.diagnostics.HasErrors());

  // Safari: the plain-HTTP visit redirected 12.5 ms later to another host.
  EXPECT_EQ(Records(r, "safari_history"), 2u);
  const Alert* redirect = Find(r, "safari_history", AlertLevel::kMedium);
  ASSERT_NE(redirect, nullptr);
  EXPECT_EQ(redirect->message, "Redirect took less than a second! (12.5 milliseconds)");
  EXPECT_EQ(Alerts(r, "safari_history", AlertLevel::kCritical), 1u) << "landing.evil.example";
  EXPECT_EQ(Alerts(r, "chrome_history", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Records(r, "firefox_history"), 1u);
  EXPECT_EQ(Records(r, "firefox_favicon"), 1u);
  EXPECT_EQ(Alerts(r, "safari_favicon", AlertLevel::kCritical), 1u) << "the rejected icon's host";
  EXPECT_EQ(Alerts(r, "cache_files", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Alerts(r, "webkit_local_storage", AlertLevel::kCritical), 1u) << "https_storage.evil.example_0";

  EXPECT_EQ(Records(r, "calls"), 1u);
  EXPECT_EQ(Records(r, "contacts"), 1u);
  EXPECT_EQ(Alerts(r, "id_status_cache", AlertLevel::kCritical), 1u) << "the looked-up address";
  EXPECT_EQ(Alerts(r, "id_status_cache", AlertLevel::kHigh), 1u) << "a handle with two NULs";
  EXPECT_EQ(Alerts(r, "locationd_clients", AlertLevel::kHigh), 1u);
  EXPECT_EQ(Alerts(r, "os_analytics_ad_daily", AlertLevel::kCritical), 1u);
  const Alert* attachment = Find(r, "sms_attachments", AlertLevel::kMedium);
  ASSERT_NE(attachment, nullptr);
  EXPECT_NE(attachment->message.find("/var/tmp/com.apple.messages/ABCD-1"), std::string::npos);
  EXPECT_EQ(Alerts(r, "shortcuts", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Alerts(r, "applications", AlertLevel::kMedium), 1u) << "installed from another store";

  EXPECT_EQ(Records(r, "shutdown_log"), 3u) << "backboardd, and evilproc before and after the delay";
  EXPECT_EQ(Alerts(r, "shutdown_log", AlertLevel::kCritical), 2u);
  EXPECT_EQ(Alerts(r, "analytics", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Records(r, "netusage"), 2u);
  EXPECT_EQ(Alerts(r, "netusage", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Alerts(r, "netusage", AlertLevel::kMedium), 1u) << "no bundle, and no binary named evilproc";

  // Without indicators only the heuristics remain.
  const CheckResult clean = Check(vigie::testing::Fixture("ios_fs"), indicators::IndicatorSet(), {});
  for (const Alert& a : clean.alerts) EXPECT_FALSE(a.matched.has_value()) << a.message;
  EXPECT_EQ(Alerts(clean, "safari_history", AlertLevel::kMedium), 1u);
}

// sms.db with junk over a page of its messages: reading stops there, and
// the rows after it come from sqlite3's row-by-row copy (.clone), as MVT
// recovers a damaged database; the diagnostic says how many.
TEST_F(IosModules, DamagedDatabaseIsRecoveredRowByRow) {
  const CheckResult r = Check(vigie::testing::Fixture("ios_fs_damaged"), iocs_, {});
  const size_t sms = Records(r, "sms");
  EXPECT_GT(sms, 2900u) << "the rows on undamaged pages";
  EXPECT_LT(sms, 3000u) << "the damaged page's rows are lost";
  bool said = false;
  for (const Diagnostic& d : r.diagnostics.items())
    said |= d.code == ErrorCode::kAcquisitionMalformed && d.message.find("recovered by sqlite3 .clone") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST_F(IosModules, BackupProfilesEventsAndApps) {
  const CheckResult r = Check(vigie::testing::Fixture("ios_backup"), iocs_, {});
  ASSERT_EQ(r.kind, AcquisitionKind::kIosBackup);
  EXPECT_EQ(Records(r, "configuration_profiles"), 1u);
  EXPECT_EQ(Alerts(r, "configuration_profiles", AlertLevel::kMedium), 1u) << "a notification-settings profile";
  EXPECT_EQ(Records(r, "profile_events"), 1u);
  EXPECT_EQ(Alerts(r, "profile_events", AlertLevel::kLow), 1u);
  EXPECT_EQ(Alerts(r, "applications", AlertLevel::kCritical), 1u) << "com.evil.spyapp";
  EXPECT_EQ(Records(r, "manifest"), 2u);
}

}  // namespace
}  // namespace vigie::check
