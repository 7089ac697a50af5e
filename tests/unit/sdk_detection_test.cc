// SDK detection with the built-in knowledge base on smali-built fixtures
// (tests/fixtures/sdkapp): code, network strings and manifest evidence, and
// what survives when the code is renamed.
#include <gtest/gtest.h>

#include "test_support.h"
#include "vigie/analysis/scanner.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie {
namespace {

using vigie::testing::Fixture;

ScanOptions WithKb() {
  ScanOptions o;
  o.matcher = *sig::SdkMatcher::Compile(*sig::LoadBuiltinKb());
  return o;
}

const SdkFinding* Find(const ScanResult& r, const std::string& id) {
  for (const auto& s : r.sdks)
    if (s.id == id) return &s;
  return nullptr;
}

TEST(SdkDetection, CodeStringsAndManifestEvidence) {
  REQUIRE_FIXTURE(Fixture("sdkapp.apk"));
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), WithKb());
  const SdkFinding* af = Find(r, "vigie:appsflyer");
  ASSERT_NE(af, nullptr);
  EXPECT_EQ(af->confidence, "high");
  EXPECT_EQ(af->classes.examples, std::vector<std::string>{"com.appsflyer.AppsFlyerLib"});
  EXPECT_EQ(af->strings.count, 2u) << "conversions. and launches.appsflyer.com";
  EXPECT_EQ(af->exodus_id, 12);
  EXPECT_EQ(af->vendor, "appsflyer");

  const SdkFinding* xmode = Find(r, "vigie:xmode");
  ASSERT_NE(xmode, nullptr);
  EXPECT_EQ(xmode->confidence, "medium");
  EXPECT_EQ(xmode->basis, "code");
  EXPECT_NE(std::find(xmode->categories.begin(), xmode->categories.end(), "data_broker"), xmode->categories.end());

  const SdkFinding* pw = Find(r, "vigie:pushwoosh");
  ASSERT_NE(pw, nullptr);
  EXPECT_EQ(pw->manifest.examples, std::vector<std::string>{"meta-data com.pushwoosh.appid"});
  EXPECT_EQ(r.sdks.size(), 3u) << "nothing else: the app's own code is not an SDK";
}

TEST(SdkDetection, RenamedCodeIsStillFoundByItsEndpointsWithLowConfidence) {
  ScanResult r = ScanFile(Fixture("sdkapp_renamed.apk"), WithKb());
  const SdkFinding* af = Find(r, "vigie:appsflyer");
  ASSERT_NE(af, nullptr);
  EXPECT_EQ(af->classes.count, 0u);
  EXPECT_EQ(af->strings.count, 2u);
  EXPECT_EQ(af->confidence, "low");
  EXPECT_NE(af->basis.find("renamed"), std::string::npos) << "the report says why the confidence is low";
  EXPECT_EQ(Find(r, "vigie:xmode"), nullptr) << "no endpoint string: renamed X-Mode code is not claimed";
}

TEST(SdkDetection, NoSignaturesNoFindings) {
  ScanResult r = ScanFile(Fixture("sdkapp.apk"));
  EXPECT_TRUE(r.sdks.empty());
  EXPECT_TRUE(r.signature_sources.empty());
}

}  // namespace
}  // namespace vigie
