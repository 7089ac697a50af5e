// The policy gate (`--policy`, `--suppressions`) on sdkapp.apk, scanned with
// the built-in knowledge: X-Mode (a data broker reaching the location, with
// a contacts call it has no permission for), AppsFlyer (US, developed in
// IL) and Pushwoosh (RU, medium confidence).
#include <gtest/gtest.h>

#include <set>

#include "test_support.h"
#include "vigie/assess/policy.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"

namespace vigie::assess {
namespace {

using vigie::testing::Fixture;

const ScanResult& SdkApp() {
  static const ScanResult r = [] {
    ScanOptions o;
    o.knowledge = *LoadKnowledge({});
    return ScanFile(Fixture("sdkapp.apk"), o);
  }();
  return r;
}

Policy Parsed(const std::string& json) {
  auto p = ParsePolicy(json);
  EXPECT_TRUE(p) << p.error().message;
  return p ? *p : Policy{};
}

// (rule, subject) of the standing violations.
std::set<std::pair<std::string, std::string>> Standing(const PolicyVerdict& v) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& x : v.violations)
    if (x.suppressed_by.empty()) out.emplace(x.rule, x.subject);
  return out;
}

TEST(Policy, EachRuleDeniesWhatItNames) {
  REQUIRE_FIXTURE(Fixture("sdkapp.apk"));
  const ScanResult& r = SdkApp();
  auto eval = [&](const std::string& deny) {
    return Standing(EvaluatePolicy(r, Parsed(R"({"deny":)" + deny + "}"), {}, "2026-12-06"));
  };
  using V = std::set<std::pair<std::string, std::string>>;
  EXPECT_EQ(eval(R"({"vendors":["xmode"]})"), (V{{"vendor", "vigie:xmode"}}));
  EXPECT_EQ(eval(R"({"vendor_countries":["RU"]})"), (V{{"vendor_country", "vigie:pushwoosh"}}));
  EXPECT_EQ(eval(R"({"vendor_countries":["IL"]})"), (V{{"vendor_country", "vigie:appsflyer"}}));
  EXPECT_EQ(eval(R"({"vendor_ties":[{"country":"IL","ties":["development"]}]})"),
            (V{{"vendor_tie", "vigie:appsflyer"}}));
  EXPECT_EQ(eval(R"({"vendor_ties":[{"country":"IL","ties":["ownership"]}]})"), V{}) << "another kind of tie";
  EXPECT_EQ(eval(R"({"vendor_flags":["data_broker","sanctions"]})"), (V{{"vendor_flag", "vigie:xmode"}}));
  EXPECT_EQ(eval(R"({"sdk_categories":["push"]})"), (V{{"sdk_category", "vigie:pushwoosh"}}));
  EXPECT_EQ(eval(R"({"data_kinds":["location"]})"), (V{{"data_kind", "vigie:xmode"}}));
  EXPECT_EQ(eval(R"({"data_kinds":["contacts"]})"), V{}) << "the code calls it, but the app lacks the permission";
  EXPECT_EQ(eval(R"({"findings":"critical"})"), (V{{"finding", "location-to-data-broker"}}));
  EXPECT_EQ(EvaluatePolicy(r, Parsed(R"({"deny":{"findings":"low"}})"), {}, "2026-12-06").violations.size(),
            r.findings.size())
      << "one violation per finding, two of one rule included";
  EXPECT_EQ(eval(R"({})"), V{});
}

TEST(Policy, ViolationsCarryTheirEvidence) {
  REQUIRE_FIXTURE(Fixture("sdkapp.apk"));
  const PolicyVerdict v = EvaluatePolicy(SdkApp(), Parsed(R"({"deny":{"data_kinds":["location"]}})"), {}, "2026-12-06");
  ASSERT_EQ(v.violations.size(), 1u);
  const PolicyViolation& x = v.violations[0];
  EXPECT_TRUE(v.violated());
  EXPECT_NE(x.message.find("location goes to a third party"), std::string::npos) << x.message;
  std::string all;
  for (const auto& e : x.evidence) all += e + "\n";
  EXPECT_NE(all.find("LocationManager."), std::string::npos) << all;
  EXPECT_NE(all.find("io.mysdk.locs.LocationSdk.start()"), std::string::npos) << all;
  EXPECT_NE(all.find("ACCESS_FINE_LOCATION"), std::string::npos) << all;
}

TEST(Policy, MinConfidenceLeavesWeakDetectionsOut) {
  REQUIRE_FIXTURE(Fixture("sdkapp.apk"));
  const auto high = Parsed(R"({"min_confidence":"high","deny":{"vendor_countries":["RU","IL"]}})");
  using V = std::set<std::pair<std::string, std::string>>;
  EXPECT_EQ(Standing(EvaluatePolicy(SdkApp(), high, {}, "2026-12-06")), (V{{"vendor_country", "vigie:appsflyer"}}))
      << "Pushwoosh is found at medium confidence";
}

TEST(Policy, SuppressionsWaiveOneAppUntilTheirDate) {
  REQUIRE_FIXTURE(Fixture("sdkapp.apk"));
  const auto policy = Parsed(R"({"deny":{"vendor_countries":["RU"],"findings":"critical"}})");
  auto suppressions = ParseSuppressions(R"({"suppressions":[
      {"app":"org.vigie.sdkfixture","sdk":"vigie:pushwoosh","reason":"vetted","expires":"2026-12-06"},
      {"app":"org.vigie.sdkfixture","finding":"location-to-data-broker","reason":"old","expires":"2026-12-05"},
      {"app":"org.other","sdk":"vigie:xmode","reason":"another app","expires":"2999-01-01"}]})");
  ASSERT_TRUE(suppressions) << suppressions.error().message;
  const PolicyVerdict v = EvaluatePolicy(SdkApp(), policy, *suppressions, "2026-12-06");
  using V = std::set<std::pair<std::string, std::string>>;
  EXPECT_EQ(Standing(v), (V{{"finding", "location-to-data-broker"}})) << "expired the day before";
  ASSERT_EQ(v.violations.size(), 2u);
  EXPECT_TRUE(v.violations[0].suppressed_by.empty()) << "standing ones first";
  EXPECT_EQ(v.violations[1].suppressed_by, "vetted (until 2026-12-06)") << "the last day still applies";
  ASSERT_EQ(v.expired.size(), 1u);
  EXPECT_NE(v.expired[0].find("location-to-data-broker expired on 2026-12-05"), std::string::npos) << v.expired[0];
  EXPECT_FALSE(EvaluatePolicy(SdkApp(), policy, *suppressions, "2026-12-07").violations.empty());
}

TEST(Policy, BadFilesAreRefusedWithWhy) {
  auto error = [](Result<Policy> p) { return p ? std::string("accepted") : p.error().message; };
  EXPECT_NE(error(ParsePolicy("not json")).find("JSON object"), std::string::npos);
  EXPECT_NE(error(ParsePolicy(R"({"deny":{"vendor":["x"]}})")).find("deny.vendor"), std::string::npos);
  EXPECT_NE(error(ParsePolicy(R"({"deny":{"vendor_countries":["Russia"]}})")).find("ISO 3166-1"), std::string::npos);
  EXPECT_NE(error(ParsePolicy(R"({"deny":{"findings":"dire"}})")).find("severity"), std::string::npos);
  EXPECT_NE(error(ParsePolicy(R"({"deny":{"vendors":"xmode"}})")).find("not a list"), std::string::npos);
  EXPECT_NE(error(ParsePolicy(R"({"min_confidence":"sure","deny":{}})")).find("min_confidence"), std::string::npos);
  EXPECT_NE(error(ParsePolicy(R"({"deny":{"vendor_ties":[{"country":"RU"}]}})")).find("ties"), std::string::npos);
  auto s_error = [](const char* json) {
    auto s = ParseSuppressions(json);
    return s ? std::string("accepted") : s.error().message;
  };
  EXPECT_NE(s_error(R"({"suppressions":[{"sdk":"a","reason":"r","expires":"2027-01-01"}]})").find("no app"),
            std::string::npos);
  EXPECT_NE(s_error(R"({"suppressions":[{"app":"a","sdk":"s","finding":"f","reason":"r","expires":"2027-01-01"}]})")
                .find("both"),
            std::string::npos);
  EXPECT_NE(s_error(R"({"suppressions":[{"app":"a","sdk":"s","expires":"2027-01-01"}]})").find("reason"),
            std::string::npos);
  EXPECT_NE(s_error(R"({"suppressions":[{"app":"a","sdk":"s","reason":"r","expires":"2027-13-01"}]})").find("date"),
            std::string::npos);
  EXPECT_NE(s_error(R"({"suppressions":[{"app":"a","sdk":"s","reason":"r","expires":"soon"}]})").find("date"),
            std::string::npos);
}

}  // namespace
}  // namespace vigie::assess
