// Golden reports: the JSON and text output for fixed fixtures, compared in
// full so that any change to the schema or wording shows up in review.
// Regenerate with tools/regen-goldens.sh (sets VIGIE_REGEN_GOLDEN=1).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "test_support.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"

namespace vigie {
namespace {

using vigie::testing::Fixture;

// Fields that change from build to build of a fixture (apksigner uses a fresh
// key, zip stores file times) are replaced by placeholders.
// Scans as the CLI does by default: with the built-in knowledge base.
ScanOptions DefaultOptions() {
  static const ScanOptions options = [] {
    ScanOptions o;
    o.knowledge = *LoadKnowledge({});
    return o;
  }();
  return options;
}

ScanResult Normalised(const std::string& name) {
  ScanResult r = ScanFile(Fixture(name), DefaultOptions());
  r.file.path = name;
  r.file.sha256 = "<sha256>";
  r.file.size = 0;
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CheckGolden(const std::string& golden_name, const std::string& actual) {
  const std::string path = "tests/golden/" + golden_name;
  if (std::getenv("VIGIE_REGEN_GOLDEN")) {
    std::ofstream(path) << actual;
    GTEST_SKIP() << "regenerated " << path;
  }
  EXPECT_EQ(ReadFile(path), actual) << "golden " << path << " differs; review, then run tools/regen-goldens.sh";
}

TEST(Golden, BasicApkJson) {
  REQUIRE_FIXTURE(Fixture("basic.apk"));
  CheckGolden("basic.json", report::ToJson(Normalised("basic.apk"), report::JsonStyle::kPretty) + "\n");
}

TEST(Golden, BasicApkText) {
  CheckGolden("basic.txt", report::ToText(Normalised("basic.apk"), {}));
}

TEST(Golden, JanusApkJson) {
  CheckGolden("janus.json", report::ToJson(Normalised("janus.apk"), report::JsonStyle::kPretty) + "\n");
}

TEST(Golden, EncryptedApkJson) {
  CheckGolden("encrypted.json", report::ToJson(Normalised("encrypted.apk"), report::JsonStyle::kPretty) + "\n");
}

}  // namespace
}  // namespace vigie
