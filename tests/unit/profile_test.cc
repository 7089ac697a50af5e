// SDK profiles (renamed code): the text format, what a shape keeps of a
// type, and matching against an index.
#include <gtest/gtest.h>

#include "vigie/profile/class_shape.h"
#include "vigie/profile/profile.h"
#include "vigie/profile/profile_index.h"

namespace vigie::profile {
namespace {

TEST(Profile, WritesWhatItReads) {
  Profile p;
  p.sdk = "pushwoosh";
  p.binary = "pushwoosh.jar";
  p.sha256 = "00ff";
  p.sources = {"https://example.org/a", "https://example.org/b"};
  p.classes = {{"com.pushwoosh.A", {2, 77, 0xfedcba9876543210ull}}, {"com.pushwoosh.B$1", {}}};
  auto back = ParseProfile(WriteProfile(p), "test");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->sdk, "pushwoosh");
  EXPECT_EQ(back->sources, p.sources);
  ASSERT_EQ(back->classes.size(), 2u);
  EXPECT_EQ(back->classes[0].shape, p.classes[0].shape);
  EXPECT_EQ(back->classes[1].name, "com.pushwoosh.B$1");
  // Two profiles one after another, as vigie_kbc bundles them.
  auto both = ParseProfiles(WriteProfile(p) + "# next\n" + WriteProfile(p), "test");
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->size(), 2u);
}

TEST(Profile, RejectsWhatItCannotRead) {
  for (const char* bad : {"", "vigie-profile 2\nsdk x\n", "vigie-profile 1\n", "vigie-profile 1\nsdk x\nclass a.B AAAA\n",
                          "vigie-profile 1\nsdk x\nclass a.B AAAAAAAAA*A\n", "vigie-profile 1\nsdk x\nwhat\n",
                          "vigie-profile 1\nsdk x\nclass a.B AAAAAAAAAABAAAAAAAAAAA\n"}) {
    auto p = ParseProfile(bad, "bad.vprof");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kProfileMalformed);
    EXPECT_NE(p.error().message.find("bad.vprof:"), std::string::npos) << p.error().message;
  }
}

TEST(ClassShape, KeepsPlatformTypesAndAbstractsTheRest) {
  EXPECT_TRUE(IsPlatformType("android/location/LocationManager"));
  EXPECT_TRUE(IsPlatformType("java/lang/String"));
  EXPECT_FALSE(IsPlatformType("android/support/v4/app/Fragment"));
  EXPECT_FALSE(IsPlatformType("androidx/core/app/JobIntentService"));
  EXPECT_FALSE(IsPlatformType("com/pushwoosh/Pushwoosh"));
  EXPECT_EQ(AbstractDescriptor("(Lcom/foo/Bar;[Ljava/lang/String;I[[La/b;)Landroid/content/Intent;"),
            "(X[Ljava/lang/String;I[[X)Landroid/content/Intent;");
  EXPECT_EQ(AbstractDescriptor("(Lbroken"), "(Lbroken");
}

TEST(ClassShape, RenamedNamesAreShort) {
  EXPECT_TRUE(LooksRenamed("a.b.c"));
  EXPECT_TRUE(LooksRenamed("aX"));
  EXPECT_TRUE(LooksRenamed("o.ab$1"));
  EXPECT_TRUE(LooksRenamed("com.a.b$LongInner"));
  // Renamed inside a package its developers named: that library's code.
  EXPECT_FALSE(LooksRenamed("android.support.v4.a.c"));
  EXPECT_FALSE(LooksRenamed("com.bumptech.glide.b.c"));
  EXPECT_FALSE(LooksRenamed("a..b"));
  EXPECT_FALSE(LooksRenamed("android.support.v4.app.JobIntentService"));
  EXPECT_FALSE(LooksRenamed("com.onesignal.OneSignal$a"));
  EXPECT_FALSE(LooksRenamed(""));
  // DEX descriptors read the same.
  EXPECT_TRUE(LooksRenamed("La/b/c$1;"));
  EXPECT_TRUE(LooksRenamed("Lab;"));
  EXPECT_FALSE(LooksRenamed("Lcom/onesignal/OneSignal;"));
}

// Features 100.. are the SDK's own; 1..9 are what every class has.
Shape Range(uint64_t from, uint64_t to) {
  Shape s;
  for (uint64_t h = from; h < to; ++h) s.push_back(h);
  return s;
}

ProfileIndex TwoSdks() {
  Profile a{"alpha", "alpha.jar", "", {"src"}, {}};
  Profile b{"beta", "beta.jar", "", {"src"}, {}};
  Shape common = Range(2, 10);
  for (int k = 0; k < 40; ++k) {
    Shape s = common;
    for (uint64_t h : Range(1000 + 20 * k, 1020 + 20 * k)) s.push_back(h);
    a.classes.push_back({"alpha.C" + std::to_string(k), s});
    b.classes.push_back({"beta.C" + std::to_string(k), common});
  }
  return ProfileIndex::Build({a, b});
}

TEST(ProfileIndex, FindsAWholeOrShrunkClassAndNotGenericOnes) {
  const ProfileIndex index = TwoSdks();
  ProfileIndex::Background background(index);
  Shape whole = Range(2, 10);
  for (uint64_t h : Range(1100, 1120)) whole.push_back(h);  // alpha.C5
  auto m = index.Match(background.Add(whole), background);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(index.class_name(m->klass), "alpha.C5");
  EXPECT_EQ(index.profile(m->profile).sdk, "alpha");
  EXPECT_TRUE(m->strong);
  EXPECT_FLOAT_EQ(m->score, 1.0f);
  // Shrinking kept half the class: still it.
  Shape half = Range(1100, 1110);
  m = index.Match(background.Describe(half), background);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(index.class_name(m->klass), "alpha.C5");
  EXPECT_EQ(index.profile(m->profile).sdk, "alpha");
  // Only what every class has: no match.
  EXPECT_FALSE(index.Match(background.Describe(Range(2, 10)), background).has_value());
  // Two of the SDK's features among many of the app's own: no match.
  Shape mostly_app = Range(5000, 5030);
  mostly_app.push_back(1100);
  mostly_app.push_back(1101);
  EXPECT_FALSE(index.Match(background.Describe(mostly_app), background).has_value());
}

// The compiled form (vigie_kbc) matches as the index it was made from.
TEST(ProfileIndex, DecodesWhatItEncodes) {
  const ProfileIndex built = TwoSdks();
  const std::string blob = built.Encode();
  auto decoded = ProfileIndex::Decode(ByteView(blob), "test.bin");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->profile_count(), 2u);
  EXPECT_EQ(decoded->profile(1).sdk, "beta");
  EXPECT_EQ(decoded->profile(1).sources, std::vector<std::string>{"src"});
  EXPECT_EQ(decoded->profile(1).first_class, 40u);
  Shape half = Range(1100, 1110);
  ProfileIndex::Background b1(built), b2(*decoded);
  const auto m1 = built.Match(b1.Describe(half), b1), m2 = decoded->Match(b2.Describe(half), b2);
  ASSERT_TRUE(m1 && m2);
  EXPECT_EQ(decoded->class_name(m2->klass), "alpha.C5");
  EXPECT_EQ(m1->klass, m2->klass);
  EXPECT_FLOAT_EQ(m1->score, m2->score);
  // Every cut of the blob, and a changed magic, is an error, never a
  // partial index.
  for (size_t n = 0; n < blob.size(); n += 7) {
    auto cut = ProfileIndex::Decode(ByteView(std::string_view(blob).substr(0, n)), "cut.bin");
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().code, ErrorCode::kProfileMalformed);
    EXPECT_NE(cut.error().message.find("cut.bin"), std::string::npos);
  }
  std::string foreign = blob;
  foreign[0] = 'X';
  EXPECT_FALSE(ProfileIndex::Decode(ByteView(foreign), "x").ok());
}

}  // namespace
}  // namespace vigie::profile
