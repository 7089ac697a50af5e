// `vigie check` against MVT's own CLI on MVT's test artifacts
// (../shared/corpus/mvt/generated/oracle_cli.json, with and without MVT's
// test indicators): the same records per module and the same alerts, in
// MVT's order, with MVT's level and message.
//
// Every run of the oracle is covered: Android backups, AndroidQF,
// bugreport, the iOS backup, and the iOS backup read as a filesystem dump
// (MVT's check-fs on the backup folder). An alert for an indicator is
// compared by level, module and the indicator's value (MVT words its
// messages per matching function); a heuristic's by its whole message.
// Also the per-artifact counts of ../shared/MVT.md §4 for Android.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <map>
#include <regex>
#include <nlohmann/json.hpp>

#include "check_support.h"
#include "test_support.h"
#include "vigie/acquisition/file_tree.h"
#include "vigie/check/check.h"

namespace vigie::check {
namespace {
namespace fs = std::filesystem;

using vigie::testing::Alerts;
using vigie::testing::Records;

std::string MvtLevel(AlertLevel level) {
  switch (level) {
    case AlertLevel::kInfo: return "INFORMATIONAL";
    case AlertLevel::kLow: return "LOW";
    case AlertLevel::kMedium: return "MEDIUM";
    case AlertLevel::kHigh: return "HIGH";
    case AlertLevel::kCritical: return "CRITICAL";
  }
  return "";
}

struct OracleRun {
  const char* oracle_key;
  const char* artifact;
  const char* password;
  AcquisitionKind kind = AcquisitionKind::kUnknown;  // Read from the layout.
};

// The indicator's value in an alert of MVT's: 'matching indicator "v"', or
// the value quoted first ('process name "Launch" matching indicators').
std::string MvtMatchedValue(const std::string& message) {
  static const std::regex kIndicator(R"re(matching indicator "([^"]+)")re"), kQuoted(R"re("([^"]+)")re");
  std::smatch m;
  if (std::regex_search(message, m, kIndicator) || std::regex_search(message, m, kQuoted)) return m[1].str();
  return message;
}

TEST(CheckParity, EveryOracleRunGivesWhatMvtGives) {
  const std::string mvt = vigie::testing::CorpusDir() + "/mvt";
  if (!fs::exists(mvt)) GTEST_SKIP() << "corpus not found at " << mvt << " (set VIGIE_CORPUS_DIR)";
  std::ifstream in(mvt + "/generated/oracle_cli.json");
  const nlohmann::json oracle = nlohmann::json::parse(in);
  indicators::IndicatorSet none, test;
  ASSERT_FALSE(test.AddStix2File(mvt + "/generated/test.stix2").has_value());
  const std::string artifacts = mvt + "/mvt-tests/artifacts/";
  const OracleRun runs[] = {
      {"androidqf", "androidqf", ""},
      {"androidqf_zip", "androidqf.zip", ""},
      {"androidqf_encrypted", "androidqf_encrypted", "123456"},
      {"android_backup_ab", "android_backup/backup.ab", ""},
      {"android_backup2_ab", "android_backup/backup2.ab", "123456"},
      {"android_backup3_ab", "android_backup/backup3.ab", ""},
      {"android_backup_dir", "android_backup", ""},
      {"bugreport", "android_data/bugreport", ""},
      {"ios_backup", "ios_backup", ""},
      {"ios_fs_on_backup_dir", "ios_backup", "", AcquisitionKind::kIosFilesystem},
      {"bugreport", "bugreport.zip", ""},  // The same bugreport zipped, as phones write it (made below).
  };
  // A bugreport as Android writes it: a ZIP of the folder.
  const std::string zipped = (fs::temp_directory_path() / ("vigie_bugreport_" + std::to_string(::getpid()))).string();
  fs::create_directories(zipped);
  ASSERT_EQ(std::system(("cd '" + artifacts + "android_data/bugreport' && zip -qr '" + zipped + "/bugreport.zip' .").c_str()), 0)
      << "Debian's zip (scripts/bootstrap)";
  for (const OracleRun& run : runs) {
    for (const char* with : {"ioc", "noioc"}) {
      SCOPED_TRACE(std::string(run.oracle_key) + " " + with);
      const nlohmann::json& expected = oracle.at(run.oracle_key).at(with);
      CheckOptions options;
      options.password = run.password;
      options.kind = run.kind;
      const std::string input =
          std::string(run.artifact) == "bugreport.zip" ? zipped + "/bugreport.zip" : artifacts + run.artifact;
      const CheckResult result = Check(input, std::string(with) == "ioc" ? test : none, options);
      std::map<std::string, size_t> records, want_records;
      for (const ModuleResult& m : result.modules) records[m.name] = m.count;
      for (const auto& [name, m] : expected.at("modules").items()) want_records[name] = m.at("records").get<size_t>();
      EXPECT_EQ(records, want_records);
      std::vector<std::vector<std::string>> alerts, want_alerts;
      for (const Alert& a : result.alerts)
        alerts.push_back({MvtLevel(a.level), a.module, a.matched ? a.matched->value : a.message});
      for (const auto& a : expected.at("alerts")) {
        auto want = a.get<std::vector<std::string>>();
        if (want[2].find("matching indicator") != std::string::npos) want[2] = MvtMatchedValue(want[2]);
        want_alerts.push_back(want);
      }
      EXPECT_EQ(alerts, want_alerts);
      EXPECT_EQ(result.timeline.size(), expected.at("timeline_rows").get<size_t>());
      EXPECT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.items().front().message;
      // Counting without keeping the records (the CLI without -o) counts the same.
      options.keep_records = false;
      const CheckResult counted = Check(input, std::string(with) == "ioc" ? test : none, options);
      std::map<std::string, size_t> counts;
      for (const ModuleResult& m : counted.modules) {
        counts[m.name] = m.count;
        EXPECT_TRUE(m.records.empty()) << m.name;
      }
      EXPECT_EQ(counts, want_records);
      EXPECT_EQ(counted.alerts.size(), result.alerts.size());
      EXPECT_EQ(counted.timeline_rows, expected.at("timeline_rows").get<size_t>());
      EXPECT_EQ(result.timeline_rows, result.timeline.size());
    }
  }
  fs::remove_all(zipped);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}



// MVT's tests read one dumpsys artifact at a time; here each becomes the
// dumpstate of a bugreport (under its service's heading when the file has
// none), and the indicators are MVT's test ones plus the one its test adds.
class Artifacts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vigie::testing::CorpusDir() + "/mvt/mvt-tests/artifacts/";
    if (!std::filesystem::exists(dir_)) GTEST_SKIP() << "corpus not found at " << dir_ << " (set VIGIE_CORPUS_DIR)";
  }

  CheckResult Bugreport(const std::string& artifact, const std::string& service,
                        const std::vector<std::pair<indicators::IndicatorType, std::string>>& iocs = {}) {
    std::string text = ReadAll(dir_ + "android_data/" + artifact);
    const std::string heading = "DUMP OF SERVICE " + service + ":";
    if (text.find(heading) == std::string::npos) text = heading + "\n" + text;
    std::vector<std::pair<acquisition::FileEntry, std::string>> files = {
        {{"main_entry.txt", 13, 0}, "dumpstate.txt"}, {{"dumpstate.txt", text.size(), 0}, text}};
    return Run(AcquisitionKind::kBugreport, std::move(files), iocs);
  }

  CheckResult Run(AcquisitionKind kind, std::vector<std::pair<acquisition::FileEntry, std::string>> files,
                  const std::vector<std::pair<indicators::IndicatorType, std::string>>& iocs) {
    indicators::IndicatorSet set;
    const uint32_t c = set.AddCollection("TestMalware", "test");
    for (const auto& [type, value] : iocs) set.Add(type, value, c);
    CheckResult result;
    CheckFiles(kind, *acquisition::InMemory("artifact", std::move(files)), set, result);
    return result;
  }

  std::string dir_;
};

using indicators::IndicatorType;

TEST_F(Artifacts, DumpsysParsersCountAsMvtsTests) {
  auto r = Bugreport("dumpsys_accessibility.txt", "accessibility");
  EXPECT_EQ(Records(r, "dumpsys_accessibility"), 4u);
  EXPECT_EQ(Alerts(r, "dumpsys_accessibility", AlertLevel::kMedium), 4u);
  r = Bugreport("dumpsys_accessibility.txt", "accessibility", {{IndicatorType::kAppId, "com.sec.android.app.camera"}});
  EXPECT_EQ(Alerts(r, "dumpsys_accessibility", AlertLevel::kMedium), 3u);
  EXPECT_EQ(Alerts(r, "dumpsys_accessibility", AlertLevel::kCritical), 1u);
  r = Bugreport("dumpsys_accessibility_v14_or_later.txt", "accessibility");
  EXPECT_EQ(Records(r, "dumpsys_accessibility"), 1u);
  EXPECT_EQ(Alerts(r, "dumpsys_accessibility", AlertLevel::kMedium), 1u);

  r = Bugreport("dumpsys_appops.txt", "appops");
  EXPECT_EQ(Records(r, "dumpsys_appops"), 13u);
  EXPECT_EQ(Alerts(r, "dumpsys_appops", AlertLevel::kMedium), 2u) << "firefox and F-Droid may install packages";
  r = Bugreport("dumpsys_appops.txt", "appops", {{IndicatorType::kAppId, "com.facebook.katana"}});
  EXPECT_EQ(r.alerts.size(), 3u);
  EXPECT_EQ(Alerts(r, "dumpsys_appops", AlertLevel::kCritical), 1u);

  r = Bugreport("dumpsys_battery.txt", "batterystats", {{IndicatorType::kAppId, "com.facebook.system"}});
  EXPECT_EQ(Records(r, "dumpsys_battery_daily"), 3u);
  EXPECT_EQ(Records(r, "dumpsys_battery_history"), 5u);
  EXPECT_EQ(Alerts(r, "dumpsys_battery_daily", AlertLevel::kCritical), 1u);
  r = Bugreport("dumpsys_battery.txt", "batterystats", {{IndicatorType::kAppId, "com.samsung.android.app.reminder"}});
  EXPECT_EQ(Alerts(r, "dumpsys_battery_history", AlertLevel::kCritical), 2u);

  r = Bugreport("dumpsys_dbinfo.txt", "dbinfo", {{IndicatorType::kAppId, "com.wssyncmldm"}});
  EXPECT_EQ(Records(r, "dbinfo"), 5u);
  EXPECT_EQ(Alerts(r, "dbinfo", AlertLevel::kCritical), 5u);

  r = Bugreport("dumpsys_packages.txt", "package",
                {{IndicatorType::kAppId, "com.sec.android.app.DataCreate"},
                 {IndicatorType::kAppId, "com.google.android.gms"},
                 {IndicatorType::kAppId, "com.android.storagemanager"}});
  EXPECT_EQ(Records(r, "dumpsys_packages"), 2u);
  EXPECT_EQ(Records(r, "dumpsys_activities"), 4u);
  EXPECT_EQ(Records(r, "dumpsys_receivers"), 4u);
  EXPECT_EQ(Alerts(r, "dumpsys_packages", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Alerts(r, "dumpsys_activities", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Alerts(r, "dumpsys_receivers", AlertLevel::kCritical), 1u);

  r = Bugreport("dumpsys_platform_compat.txt", "platform_compat",
                {{IndicatorType::kAppId, "org.torproject.torbrowser"}, {IndicatorType::kAppId, "org.article19.circulo.next"}});
  EXPECT_EQ(Records(r, "dumpsys_platform_compat"), 2u);
  EXPECT_EQ(Alerts(r, "dumpsys_platform_compat", AlertLevel::kCritical), 2u);

  for (const char* adb : {"dumpsys_adb.txt", "dumpsys_adb_wifi.txt", "dumpsys_adb_xml.txt"}) {
    r = Bugreport(adb, "adb");
    EXPECT_EQ(Records(r, "dumpsys_adb_state"), 1u) << adb;
    EXPECT_TRUE(r.alerts.empty()) << adb;
  }
}

TEST_F(Artifacts, GetpropProcessesAndTombstonesCountAsMvtsTests) {
  const std::string getprop = ReadAll(dir_ + "android_data/getprop.txt"), ps = ReadAll(dir_ + "android_data/ps.txt");
  auto r = Run(AcquisitionKind::kAndroidQf,
               {{{"getprop.txt", getprop.size(), 0}, getprop}, {{"ps.txt", ps.size(), 0}, ps}},
               {{IndicatorType::kAndroidProperty, "dalvik.vm.appimageformat"}, {IndicatorType::kProcess, "lru-add-drain"}});
  EXPECT_EQ(Records(r, "aqf_get_prop"), 13u);
  EXPECT_EQ(Records(r, "aqf_processes"), 17u);
  EXPECT_EQ(Alerts(r, "aqf_get_prop", AlertLevel::kCritical), 1u);
  EXPECT_EQ(Alerts(r, "aqf_processes", AlertLevel::kCritical), 1u);

  const std::string text = ReadAll(dir_ + "android_data/tombstone_process.txt");
  const std::string proto = ReadAll(dir_ + "android_data/tombstone_process.pb");
  r = Run(AcquisitionKind::kBugreport,
          {{{"FS/data/tombstones/tombstone_process.txt", text.size(), 0}, text},
           {{"FS/data/tombstones/tombstone_process.pb", proto.size(), 0}, proto}},
          {});
  ASSERT_EQ(Records(r, "tombstones"), 2u);
  for (const ModuleResult& m : r.modules) {
    if (m.name != "tombstones") continue;
    for (const Record& t : m.records) {
      EXPECT_EQ(t.Get("pid"), "25541");
      EXPECT_EQ(t.Get("tid"), "21307");
      EXPECT_EQ(t.Get("uid"), "1046");
      EXPECT_EQ(t.Get("signal"), "SIGSEGV");
      EXPECT_EQ(t.Get("code"), "SEGV_MAPERR");
      EXPECT_EQ(t.Get("timestamp"), "2023-04-12 12:32:40.518290");
      EXPECT_EQ(t.Get("cause"), "null pointer dereference");
    }
    EXPECT_EQ(m.records[0].Get("process_name"), "mtk.ape.decoder");
    EXPECT_EQ(m.records[0].Get("arch"), "ARM32") << "the protobuf's default architecture";
  }
}

// MVT's iOS tests add one indicator each to the backup: a file name in
// Manifest.db, the calendar organiser's address, the DataUsage process
// without a bundle, the Safari tab's host, the SMS's host, and (read as a
// filesystem dump) a file named like a process.
TEST_F(Artifacts, IosBackupMatchesWhatMvtsTestsAdd) {
  struct Case {
    IndicatorType type;
    const char* value;
    AcquisitionKind kind;
    const char* module;
    AlertLevel level;
    size_t alerts;
  };
  const Case cases[] = {
      {IndicatorType::kFileName, "com.apple.CoreBrightness.plist", AcquisitionKind::kIosBackup, "manifest", AlertLevel::kHigh, 1},
      {IndicatorType::kEmail, "user@example.org", AcquisitionKind::kIosBackup, "calendar", AlertLevel::kCritical, 1},
      {IndicatorType::kProcess, "CumulativeUsageTracker", AcquisitionKind::kIosBackup, "datausage", AlertLevel::kCritical, 2},
      {IndicatorType::kDomain, "en.wikipedia.org", AcquisitionKind::kIosBackup, "safari_browser_state", AlertLevel::kCritical, 1},
      {IndicatorType::kDomain, "badbadbad.example.org", AcquisitionKind::kIosBackup, "sms", AlertLevel::kCritical, 1},
      {IndicatorType::kProcess, "64d0019cb3d46bfc8cce545a8ba54b93e7ea9347", AcquisitionKind::kIosFilesystem, "filesystem",
       AlertLevel::kHigh, 1},
  };
  for (const Case& c : cases) {
    indicators::IndicatorSet set;
    set.Add(c.type, c.value, set.AddCollection("TestMalware", "test"));
    CheckOptions options;
    options.kind = c.kind;
    const CheckResult r = Check(dir_ + "ios_backup", set, options);
    EXPECT_EQ(Alerts(r, c.module, c.level), c.alerts) << c.value;
  }
}

// MVT's AndroidQF package tests add an app id, an APK hash and a signing
// certificate: each gives one more critical alert.
TEST_F(Artifacts, AndroidQfPackagesMatchIdsHashesAndCertificates) {
  const std::string packages = ReadAll(dir_ + "androidqf/packages.json");
  const std::vector<std::pair<IndicatorType, std::string>> iocs[] = {
      {{IndicatorType::kAppId, "com.malware.blah"}},
      {{IndicatorType::kSha256, "31037a27af59d4914906c01ad14a318eee2f3e31d48da8954dca62a99174e3fa"}},
      {{IndicatorType::kAppCertificate, "c7e56178748be1441370416d4c10e34817ea0c961eb636c8e9d98e0fd79bf730"}},
  };
  for (const auto& extra : iocs) {
    auto r = Run(AcquisitionKind::kAndroidQf, {{{"packages.json", packages.size(), 0}, packages}}, extra);
    EXPECT_EQ(Records(r, "aqf_packages"), 7u);
    EXPECT_EQ(Alerts(r, "aqf_packages", AlertLevel::kCritical), 1u) << extra[0].second;
    EXPECT_EQ(r.alerts.size(), 6u) << "the 5 heuristic alerts, and the match";
  }
  const std::string getprop = ReadAll(dir_ + "androidqf/getprop.txt");
  auto r = Run(AcquisitionKind::kAndroidQf, {{{"getprop.txt", getprop.size(), 0}, getprop}},
               {{IndicatorType::kAndroidProperty, "dalvik.vm.heapmaxfree"}});
  EXPECT_EQ(Alerts(r, "aqf_get_prop", AlertLevel::kCritical), 1u);
}

}  // namespace
}  // namespace vigie::check
