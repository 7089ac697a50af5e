// Signature databases, their compiled form and cache, and matching.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>

#include "test_support.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/sig/cache.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/hs_compiler.h"
#include "vigie/sig/sdk_matcher.h"
#include "vigie/sig/segment_trie.h"

namespace vigie::sig {
namespace {

std::shared_ptr<const SdkMatcher> Kb(const std::string& json) {
  auto db = ParseKb(json, "test");
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  auto m = SdkMatcher::Compile(std::move(*db));
  EXPECT_TRUE(m.ok());
  return *m;
}

std::set<uint32_t> Defined(const SdkMatcher& m, std::string_view desc) {
  MatchSession s(m);
  std::set<uint32_t> out;
  s.MatchDefinedClass(desc, [&](uint32_t i) { out.insert(i); });
  return out;
}

TEST(SdkMatcher, PackagePrefixesStopAtSegmentBoundaries) {
  auto m = Kb(R"({"schema_version":2,"sdks":[
      {"id":"a","name":"A","code":{"packages":["com.foo"]}},
      {"id":"b","name":"B","code":{"packages":["com.foo.ads."], "regex":["^io/x[0-9]+/"]}}]})");
  EXPECT_EQ(Defined(*m, "Lcom/foo/Bar;"), (std::set<uint32_t>{0}));
  EXPECT_EQ(Defined(*m, "Lcom/foo/ads/View;"), (std::set<uint32_t>{1})) << "the longest prefix owns the class";
  EXPECT_TRUE(Defined(*m, "Lcom/foobar/X;").empty());
  EXPECT_TRUE(Defined(*m, "Lorg/com/foo/X;").empty());
  EXPECT_EQ(Defined(*m, "Lio/x42/Y;"), (std::set<uint32_t>{1}));
  EXPECT_TRUE(Defined(*m, "Lio/x/Y;").empty());
  EXPECT_TRUE(Defined(*m, "com/foo/Bar").empty()) << "only descriptors are class names";
}

// An excluded sub-package belongs to nobody, not to the SDK around it: the
// advertising-ID client inside AdMob's namespace is not AdMob.
TEST(SdkMatcher, ExcludedPackagesBelongToNobody) {
  auto m = Kb(R"({"schema_version":2,"sdks":[{"id":"ads","name":"Ads","code":{
      "packages":["com.google.android.gms.ads"], "exclude":["com.google.android.gms.ads.identifier"]}}]})");
  EXPECT_EQ(Defined(*m, "Lcom/google/android/gms/ads/AdView;"), (std::set<uint32_t>{0}));
  EXPECT_TRUE(Defined(*m, "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;").empty());
  EXPECT_TRUE(Defined(*m, "Lcom/google/android/gms/ads/identifier/a/b;").empty());
  EXPECT_EQ(Defined(*m, "Lcom/google/android/gms/ads/identifiers/X;"), (std::set<uint32_t>{0}));
}

// The most specific listed domain decides, and a shared listing says so.
TEST(SdkMatcher, HostsBelongToTheirMostSpecificListing) {
  auto m = Kb(R"({"schema_version":2,"sdks":[
      {"id":"a","name":"A","network":{"domains":["crashlytics.com"]}},
      {"id":"b","name":"B","network":{"shared_domains":["settings.crashlytics.com", "googleapis.com"]}},
      {"id":"c","name":"C","network":{"shared_domains":["googleapis.com"]}}]})");
  auto hits = [&](std::string_view host) {
    std::set<std::pair<uint32_t, bool>> out;
    m->MatchHost(host, [&](uint32_t sdk, bool shared) { out.insert({sdk, shared}); });
    return out;
  };
  using Hits = std::set<std::pair<uint32_t, bool>>;
  EXPECT_EQ(hits("e.crashlytics.com"), (Hits{{0, false}}));
  EXPECT_EQ(hits("x.settings.crashlytics.com"), (Hits{{1, true}}));
  EXPECT_EQ(hits("fcm.googleapis.com"), (Hits{{1, true}, {2, true}}));
}

// Keys cut both ways, with separators at either end or doubled: empty
// segments are skipped, and nothing loops (a leading '.' once made Insert
// loop; found by fuzz_knowledge).
TEST(SegmentTrie, SeparatorsAtTheEndsAndDoubled) {
  SegmentTrie hosts('.', true);
  hosts.Insert(".evil.example", 1);
  hosts.Insert("a..b.example.", 2);
  hosts.Insert(".", 3);
  hosts.Insert("", 4);
  hosts.Finish();
  auto owners = [&](std::string_view key) {
    auto span = hosts.Owners(key);
    return std::vector<uint32_t>(span.begin(), span.end());
  };
  EXPECT_EQ(owners("x.evil.example"), std::vector<uint32_t>{1});
  EXPECT_EQ(owners(".evil.example"), std::vector<uint32_t>{1});
  EXPECT_EQ(owners("a.b.example"), std::vector<uint32_t>{2});
  EXPECT_TRUE(owners("example").empty());
  EXPECT_TRUE(owners(".").empty());
  SegmentTrie packages('/', false);
  packages.Insert("/com//foo/", 7);
  packages.Finish();
  EXPECT_EQ(std::vector<uint32_t>(packages.Owners("com/foo/Bar").begin(), packages.Owners("com/foo/Bar").end()),
            std::vector<uint32_t>{7});
}

TEST(SdkMatcher, HostsMatchTheDomainAndItsSubdomainsOnly) {
  auto m = Kb(R"({"schema_version":2,"sdks":[{"id":"a","name":"A","network":{"domains":["appsflyer.com"]}}]})");
  auto hits = [&](std::string_view host) {
    int n = 0;
    m->MatchHost(host, [&](uint32_t, bool) { ++n; });
    return n;
  };
  EXPECT_EQ(hits("appsflyer.com"), 1);
  EXPECT_EQ(hits("t.appsflyer.com"), 1);
  EXPECT_EQ(hits("notappsflyer.com"), 0);
  EXPECT_EQ(hits("appsflyer.com.evil.io"), 0);
  EXPECT_EQ(hits("com"), 0);
}

// Whether a host ending in a label could match: the question asked of every
// dotted DEX string's last label, turned down by length and first letter
// before any lookup.
TEST(SdkMatcher, OnlyLabelsEndingASignatureDomainMayMatch) {
  auto m = Kb(R"({"schema_version":2,"sdks":[{"id":"a","name":"A","network":{"domains":["appsflyer.com","x.io"]}},
      {"id":"b","name":"B","network":{"domains":["tracker.cn"]}}]})");
  for (const char* label : {"com", "COM", "Com", "io", "cn"}) EXPECT_TRUE(m->MayMatchHostEndingIn(label)) << label;
  for (const char* label : {"AdView", "co", "ci", "net", "org", "c", "", "comx"})
    EXPECT_FALSE(m->MayMatchHostEndingIn(label)) << label;
  EXPECT_TRUE(m->MayMatchHostEndingIn(std::string(65, 'a'))) << "longer than a DNS label: the walk decides";
}

TEST(SdkMatcher, ManifestKeys) {
  auto m = Kb(R"({"schema_version":2,"sdks":[{"id":"a","name":"A","manifest":{
      "components":["com.appsflyer."], "meta_data":["com.appsflyer.Key"]}}]})");
  int n = 0;
  m->MatchComponent("com.appsflyer.SingleInstallBroadcastReceiver", [&](uint32_t) { ++n; });
  m->MatchComponent("com.appsflyerx.R", [&](uint32_t) { ++n; });
  m->MatchMetaData("com.appsflyer.Key", [&](uint32_t) { ++n; });
  EXPECT_EQ(n, 2);
}

// Strings only one SDK's code holds, which renamed code still loads: its
// meta-data keys and `strings`, authorities with or without their leading
// dot. A string two SDKs list names neither.
TEST(SdkMatcher, SdkStrings) {
  auto m = Kb(R"({"schema_version":2,"sdks":[{"id":"a","name":"A","manifest":{"meta_data":["com.a.Key"]},
      "strings":{"preferences":["a-sdk-data","both-prefs"],"authorities":["a.initprovider"],"versions":["ASdkAndroid"]}},
      {"id":"b","name":"B","strings":{"preferences":["both-prefs"]}}]})");
  using Kind = SdkMatcher::SdkString::Kind;
  const std::pair<const char*, Kind> cases[] = {{"com.a.Key", Kind::kMetaDataKey},
                                                {"a-sdk-data", Kind::kPreferences},
                                                {"a.initprovider", Kind::kAuthority},
                                                {".a.initprovider", Kind::kAuthority},
                                                {"ASdkAndroid", Kind::kVersion}};
  for (const auto& [text, kind] : cases) {
    const auto s = m->SdkStringOf(text);
    ASSERT_TRUE(s.has_value()) << text;
    EXPECT_EQ(s->sdk, 0u) << text;
    EXPECT_EQ(s->kind, kind) << text;
  }
  EXPECT_EQ(m->SdkStringOf(".a.initprovider")->KindName(), "authority");
  for (const char* other : {"both-prefs", "a-sdk-dat", "A-sdk-data", "", "x"}) EXPECT_FALSE(m->SdkStringOf(other)) << other;
}

// Within one database, every package, owned domain, component, meta-data
// key and SDK string has one owner; kbc refuses a KB where two entries claim one.
TEST(Kb, OwnershipClashesNameBothEntries) {
  auto db = ParseKb(R"({"schema_version":2,"sdks":[
      {"id":"a","name":"A","code":{"packages":["com.x"]},"network":{"domains":["x.com"],"shared_domains":["g.com"]},
       "manifest":{"meta_data":["K"]}},
      {"id":"b","name":"B","code":{"packages":["com.x.sub"]},"network":{"domains":["api.x.com"],"shared_domains":["g.com"]}},
      {"id":"c","name":"C","code":{"packages":["com.x"]},"network":{"domains":["x.com"]},"manifest":{"meta_data":["K"]},
       "strings":{"versions":["XSdk"]}},
      {"id":"d","name":"D","strings":{"preferences":["XSdk"]}}]})",
                    "t");
  ASSERT_TRUE(db.ok());
  const auto clashes = OwnershipClashes(*db);
  ASSERT_EQ(clashes.size(), 4u);
  EXPECT_EQ(clashes[0], "package 'com.x' is claimed by both 'vigie:a' and 'vigie:c'");
  EXPECT_EQ(clashes[1], "domain 'x.com' is claimed by both 'vigie:a' and 'vigie:c'");
  EXPECT_EQ(clashes[2], "meta-data key 'K' is claimed by both 'vigie:a' and 'vigie:c'");
  EXPECT_EQ(clashes[3], "SDK string 'XSdk' is claimed by both 'vigie:c' and 'vigie:d'");
  EXPECT_FALSE(ParseKb(R"({"schema_version":2,"sdks":[{"id":"a","name":"A","exodus_ids":["12"]}]})", "t").ok());
  auto ids = ParseKb(R"({"schema_version":2,"sdks":[{"id":"a","name":"A","exodus_ids":[444, 17]}]})", "t");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->sdks[0].exodus_ids, (std::vector<int>{17, 444}));
}

// The built-in KB, as a scan loads it: every entry compiles, and it is the
// compiled form of data/sdk_kb.json, with the same content. Its codec
// refuses damaged and older blobs.
TEST(Kb, BuiltinKbIsTheCompiledFormOfTheDataFile) {
  auto knowledge = LoadKnowledge({});
  ASSERT_TRUE(knowledge.ok()) << knowledge.error().message;
  const SignatureDb& kb = knowledge->signatures->db();
  ASSERT_GE(kb.sdks.size(), 100u);
  auto text = vigie::testing::ReadBytes("data/sdk_kb.json");
  auto parsed = ParseKb(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), "vigie-kb");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(EncodeDb(kb), EncodeDb(*parsed));
  EXPECT_FALSE(ParseKb(R"({"schema_version":1,"sdks":[]})", "x").ok());
  EXPECT_FALSE(ParseKb(R"({"schema_version":2,"sdks":[{"name":"no id"}]})", "x").ok());

  std::string blob = EncodeDb(kb);
  auto back = DecodeDb(ByteView(blob));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeDb(*back), blob);
  for (size_t n : {size_t{0}, size_t{3}, size_t{8}, blob.size() / 2, blob.size() - 1})
    EXPECT_FALSE(DecodeDb(ByteView(std::string_view(blob).substr(0, n))).ok()) << n;
  // Decoded into a database that holds entries already: appended, or, when
  // the blob is damaged, nothing of it kept.
  SignatureDb into = *back;
  EXPECT_TRUE(DecodeDbInto(ByteView(std::string_view(blob).substr(0, blob.size() / 2)), into).has_value());
  EXPECT_EQ(EncodeDb(into), blob);
  EXPECT_FALSE(DecodeDbInto(ByteView(blob), into).has_value());
  EXPECT_EQ(into.sdks.size(), 2 * kb.sdks.size());
  std::string lying = blob;
  lying[8] = '\xff';  // The source count now claims billions of strings.
  lying[9] = '\xff';
  lying[10] = '\xff';
  EXPECT_FALSE(DecodeDb(ByteView(lying)).ok());
  std::string older = blob;
  older[4] = '\x03';  // Version 3 had one Exodus id and no shared domains: refused, so a cache is rebuilt.
  EXPECT_FALSE(DecodeDb(ByteView(older)).ok());
}

TEST(ContentKey, ChangesWithTheContentNotWithHowItIsSplit) {
  const std::string a = ContentKey({ByteView(std::string_view("exodus\n")), ByteView(std::string_view("{}"))});
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, ContentKey({ByteView(std::string_view("exodus\n{}"))}));
  EXPECT_NE(a, ContentKey({ByteView(std::string_view("exodus\n{ }"))}));
  EXPECT_NE(ContentKey({}), ContentKey({ByteView(std::string_view("\0", 1))}));
}

// CompileHsCached builds a database once per content: the same patterns
// are served from the cache, and a change of flags makes a new entry. The
// database matches what its patterns say, and a pattern that does not
// compile is named.
TEST(HsCompiler, BuildsDatabasesOnceAndCachesThemByContent) {
  char dir[] = "/tmp/vigie_hs_cache_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  setenv("VIGIE_CACHE_DIR", dir, 1);
  auto entries = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".hsdb";
    return n;
  };
  const std::vector<const char*> patterns = {"com/appsflyer", "^io/[a-z]+sdk", "track(er|ing)$"};
  const std::vector<unsigned> flags(patterns.size(), HS_FLAG_SINGLEMATCH), ids = {10, 11, 12};
  HsCompileError error;
  for (int round = 0; round < 2; ++round) {
    hs_database_t* db = CompileHsCached(patterns, flags, ids, error);
    ASSERT_NE(db, nullptr) << error.message;
    hs_scratch_t* scratch = nullptr;
    ASSERT_EQ(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
    auto matches = [&](const std::string& text) {
      std::set<unsigned> found;
      auto on = [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
        static_cast<std::set<unsigned>*>(ctx)->insert(id);
        return 0;
      };
      EXPECT_EQ(hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, on, &found), HS_SUCCESS);
      return found;
    };
    EXPECT_EQ(matches("x/com/appsflyer/Lib"), (std::set<unsigned>{10})) << "round " << round;
    EXPECT_EQ(matches("io/fastsdk/tracking"), (std::set<unsigned>{11, 12})) << "round " << round;
    EXPECT_EQ(matches("x/io/fastsdk"), (std::set<unsigned>{})) << "round " << round;
    hs_free_scratch(scratch);
    hs_free_database(db);
    EXPECT_EQ(entries(), 1u) << "round " << round;
  }
  hs_database_t* other = CompileHsCached(patterns, {HS_FLAG_CASELESS, 0, 0}, ids, error);
  ASSERT_NE(other, nullptr);
  hs_free_database(other);
  EXPECT_EQ(entries(), 2u);

  const std::vector<const char*> bad = {"fine", "(unclosed"};
  HsCompileError bad_error;
  EXPECT_EQ(CompileHsCached(bad, {0, 0}, {0, 1}, bad_error), nullptr);
  EXPECT_EQ(bad_error.expression, 1);
  EXPECT_FALSE(bad_error.message.empty());
  unsetenv("VIGIE_CACHE_DIR");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigie::sig
