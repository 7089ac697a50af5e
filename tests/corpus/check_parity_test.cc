// `vigie check` against MVT's own CLI on MVT's test artifacts
// (../shared/corpus/mvt/generated/oracle_cli.json, with and without MVT's
// test indicators): the same records per module and the same alerts, in
// MVT's order, with MVT's level and message.
//
// Covered so far: the Android backup and AndroidQF runs. The bugreport and
// iOS runs of the oracle are not read by vigie check yet (issue 18).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "vigie/check/check.h"

namespace vigie::check {
namespace {

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
};

TEST(CheckParity, AndroidRunsGiveWhatMvtGives) {
  namespace fs = std::filesystem;
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
  };
  for (const OracleRun& run : runs) {
    for (const char* with : {"ioc", "noioc"}) {
      SCOPED_TRACE(std::string(run.oracle_key) + " " + with);
      const nlohmann::json& expected = oracle.at(run.oracle_key).at(with);
      CheckOptions options;
      options.password = run.password;
      const CheckResult result = Check(artifacts + run.artifact, std::string(with) == "ioc" ? test : none, options);
      std::map<std::string, size_t> records, want_records;
      for (const ModuleResult& m : result.modules) records[m.name] = m.records.size();
      for (const auto& [name, m] : expected.at("modules").items()) want_records[name] = m.at("records").get<size_t>();
      EXPECT_EQ(records, want_records);
      std::vector<std::vector<std::string>> alerts, want_alerts;
      for (const Alert& a : result.alerts) alerts.push_back({MvtLevel(a.level), a.module, a.message});
      for (const auto& a : expected.at("alerts")) want_alerts.push_back(a.get<std::vector<std::string>>());
      EXPECT_EQ(alerts, want_alerts);
      EXPECT_EQ(result.timeline.size(), expected.at("timeline_rows").get<size_t>());
      EXPECT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.items().front().message;
    }
  }
}

}  // namespace
}  // namespace vigie::check
