// The STIX2 files of MVT's tests and of Amnesty Tech's investigations, in
// ../shared/corpus/mvt, as `vigie check` reads them.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"
#include "vigie/indicators/indicator_set.h"

namespace vigie::indicators {
namespace {

// The STIX2 files of MVT's tests and Amnesty's investigations load with the
// counts ../shared/MVT.md gives, and without warnings.
TEST(IndicatorCorpus, LoadsMvtsAndAmnestysFiles) {
  namespace fs = std::filesystem;
  const std::string mvt = vigie::testing::CorpusDir() + "/mvt";
  if (!fs::exists(mvt)) GTEST_SKIP() << "corpus not found at " << mvt << " (set VIGIE_CORPUS_DIR)";
  {
    IndicatorSet set;
    ASSERT_FALSE(set.AddStix2File(mvt + "/generated/test.stix2").has_value());
    EXPECT_EQ(set.indicators().size(), 9u);
    EXPECT_EQ(set.count(IndicatorType::kDomain), 2u) << "example.org and 198.51.100.1";
    EXPECT_TRUE(set.warnings().empty());
    ASSERT_NE(set.MatchUrl("http://example.com/thisisbad"), nullptr);
    EXPECT_EQ(set.collections()[set.MatchHost("example.org")->collection].name, "TestMalware");
    EXPECT_NE(set.MatchProcess("Launch"), nullptr);
    EXPECT_NE(set.MatchAndroidProperty("sys.foobar"), nullptr);
  }
  {
    IndicatorSet set;
    ASSERT_FALSE(set.AddStix2File(mvt + "/mvt-tests/artifacts/stix2/cytrox.stix2").has_value());
    EXPECT_EQ(set.count(IndicatorType::kDomain), 336u);
    EXPECT_EQ(set.count(IndicatorType::kFilePath), 6u);
    EXPECT_EQ(set.count(IndicatorType::kConfigurationProfile), 1u);
  }
  {
    IndicatorSet set;
    ASSERT_FALSE(set.AddStix2File(mvt + "/amnesty-iocs/2021-07-18_nso/pegasus.stix2").has_value());
    EXPECT_EQ(set.count(IndicatorType::kDomain), 1438u);
    EXPECT_EQ(set.count(IndicatorType::kProcess), 81u);
    EXPECT_EQ(set.count(IndicatorType::kEmail), 29u);
    EXPECT_EQ(set.count(IndicatorType::kFileName), 1u);
    EXPECT_EQ(set.indicators().size(), 1549u);
    EXPECT_TRUE(set.warnings().empty()) << set.warnings()[0].message;
  }
  for (const char* f : {"2023-03-29_android_campaign/malware.stix2", "2024-05-02_wintego_helios/wintego_helios.stix2",
                        "2024-12-16_serbia_novispy/novispy.stix2"}) {
    IndicatorSet set;
    ASSERT_FALSE(set.AddStix2File(mvt + "/amnesty-iocs/" + f).has_value()) << f;
    EXPECT_GT(set.indicators().size(), 0u) << f;
    for (const auto& w : set.warnings()) ADD_FAILURE() << f << ": " << w.indicator << ": " << w.message;
  }
}

}  // namespace
}  // namespace vigie::indicators
