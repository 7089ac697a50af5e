// Rematch over the shared corpus: the features a corpus scan keeps give,
// under other knowledge, what a fresh scan under that knowledge gives.
// Label: corpus. Skips, saying why, when the corpus is not beside the repo.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <variant>
#include <string>
#include <vector>

#include "test_support.h"
#include "vigie/base/mapped_file.h"
#include "vigie/features/app_features.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"

namespace vigie {
namespace {

namespace fs = std::filesystem;

// Every package of the corpus folders a corpus scan reads.
std::vector<std::string> Packages() {
  std::vector<std::string> out;
  const fs::path root = testing::CorpusDir();
  for (const char* dir : {"apk", "aab", "jar", "sdk/android"})
    if (fs::exists(root / dir))
      for (const auto& e : fs::directory_iterator(root / dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

using testing::VerdictsJson;

ScanOptions Options(const KnowledgeSpec& spec) {
  auto knowledge = LoadKnowledge(spec);
  EXPECT_TRUE(knowledge) << knowledge.error().message;
  ScanOptions o;
  if (knowledge) o.knowledge = *knowledge;
  return o;
}

class RematchCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(testing::CorpusDir() + "/apk"))
      GTEST_SKIP() << "corpus not found at " << testing::CorpusDir() << " (set VIGIE_CORPUS_DIR)";
    exodus_ = testing::CorpusDir() + "/signatures/exodus_trackers.json";
    // A knowledge file of our own: an SDK by package prefix, a domain and
    // a preference name the built-in knowledge does not know.
    extra_ = (fs::temp_directory_path() / ("vigie-rematch-kb-" + std::to_string(getpid()) + ".json")).string();
    std::ofstream(extra_) << R"({"schema_version": 2, "sdks": [{"id": "test-support", "name": "Support library",
      "vendor": "google", "categories": ["development"],
      "code": {"packages": ["android.support.v4"]},
      "network": {"domains": ["github.com"]}}]})";
  }
  void TearDown() override {
    if (!extra_.empty()) fs::remove(extra_);
  }
  std::string exodus_, extra_;
};

TEST_F(RematchCorpus, EqualsAFreshScanUnderOtherKnowledge) {
  const ScanOptions scanned = Options({});
  KnowledgeSpec with_exodus;
  with_exodus.signatures = {{"exodus", exodus_}};
  KnowledgeSpec exodus_only = with_exodus;
  exodus_only.builtin_kb = false;
  KnowledgeSpec with_extra;
  with_extra.signatures = {{"vigie", extra_}};
  const std::vector<std::pair<std::string, ScanOptions>> others = {
      {"the same knowledge", Options({})},
      {"the KB and Exodus' signatures", Options(with_exodus)},
      {"Exodus' signatures alone", Options(exodus_only)},
      {"the KB and a knowledge file", Options(with_extra)},
  };
  size_t packages = 0, with_sdks = 0, bytes = 0, structure = 0, renamed = 0;
  std::map<std::string, size_t> changed;  // Packages whose verdicts the other knowledge changes.
  for (const std::string& path : Packages()) {
    SCOPED_TRACE(path);
    auto file = MappedFile::Open(path);
    ASSERT_TRUE(file);
    features::AppFeatures kept;
    const ScanResult through_features = ScanMapped(*file, path, scanned, &kept);
    // Reading the evidence through the features changes nothing.
    ASSERT_EQ(VerdictsJson(through_features), VerdictsJson(ScanMapped(*file, path, scanned))) << "features path";
    for (const features::Record& record : kept.records) {
      if (const auto* d = std::get_if<features::DexFeatures>(&record)) structure += d->structure.size();
      if (const auto* c = std::get_if<features::JvmClass>(&record)) structure += c->structure.has_value();
    }
    for (const SdkFinding& f : through_features.sdks) renamed += f.renamed_classes.count > 0;
    const std::string encoded = features::Encode(kept);
    bytes += encoded.size();
    auto decoded = features::Decode(ByteView(std::string_view(encoded)));
    ASSERT_TRUE(decoded) << decoded.error().message;
    ASSERT_EQ(features::Encode(*decoded), encoded) << "the encoding loses something";
    for (const auto& [what, options] : others) {
      SCOPED_TRACE(what);
      const Rematched again = Rematch(*decoded, options);
      EXPECT_EQ(again.stale, "");
      const ScanResult fresh = ScanMapped(*file, path, options);
      EXPECT_EQ(VerdictsJson(again.result), VerdictsJson(fresh));
      with_sdks += !fresh.sdks.empty();
      changed[what] += VerdictsJson(fresh) != VerdictsJson(through_features);
    }
    ++packages;
  }
  EXPECT_GE(packages, 50u);
  EXPECT_GE(with_sdks, 60u);  // The comparisons are not of empty results.
  EXPECT_EQ(changed["the same knowledge"], 0u);
  for (const auto& [what, options] : others)
    if (what != "the same knowledge") EXPECT_GE(changed[what], 5u) << what << " changes too little to test";
  std::printf("%zu packages, features %zu bytes on average, %zu structure matches, %zu SDKs with renamed code\n",
              packages, packages ? bytes / packages : 0, structure, renamed);
}

// Features made without the KB hold neither its SDK strings nor structure
// matches: a rematch under the KB says so instead of passing its result off
// as a rescan's.
TEST_F(RematchCorpus, SaysWhenTheFeaturesFallShort) {
  KnowledgeSpec exodus_only;
  exodus_only.builtin_kb = false;
  exodus_only.signatures = {{"exodus", exodus_}};
  const std::string path = testing::CorpusDir() + "/apk/appsflyer_sample.apk";
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file);
  features::AppFeatures kept;
  ScanMapped(*file, path, Options(exodus_only), &kept);
  EXPECT_EQ(Rematch(kept, Options(exodus_only)).stale, "");
  EXPECT_EQ(Rematch(kept, Options({})).stale, "the SDK profiles differ from the scan's");
  KnowledgeSpec no_profiles;
  no_profiles.profiles = false;
  EXPECT_EQ(Rematch(kept, Options(no_profiles)).stale,
            "the knowledge has SDK strings the scan's did not, which the features did not keep");
}

}  // namespace
}  // namespace vigie
