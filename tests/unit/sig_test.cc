// Signature databases and matching.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <unistd.h>

#include "test_support.h"
#include "vigie/sig/cache.h"
#include "vigie/sig/db_codec.h"
#include "vigie/intel/entities.h"
#include "vigie/exodus/class_set.h"
#include "vigie/sig/hs_compiler.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::sig {
namespace {

// Runs a Python script with `input` on its stdin; returns its output lines.
// Python itself is the oracle for Exodus' regexes.
std::vector<std::string> RunPython(const std::string& script, const std::string& input) {
  char script_path[] = "/tmp/vigie_oracle_py_XXXXXX";
  char input_path[] = "/tmp/vigie_oracle_in_XXXXXX";
  int sfd = mkstemp(script_path), ifd = mkstemp(input_path);
  (void)!write(sfd, script.data(), script.size());
  (void)!write(ifd, input.data(), input.size());
  close(sfd);
  close(ifd);
  std::string cmd = std::string("python3 ") + script_path + " < " + input_path;
  std::vector<std::string> out;
  {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    // Whole lines, however long: a match can be thousands of characters.
    std::string text;
    char buf[4096];
    for (size_t n; p && (n = fread(buf, 1, sizeof buf, p.get())) > 0;) text.append(buf, n);
    for (size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
      out.push_back(text.substr(at, nl - at));
  }
  unlink(script_path);
  unlink(input_path);
  return out;
}

std::string JoinWith(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(sep);
    out += items[i];
  }
  return out;
}

// Exodus' class-name regex, findall, one line of tab-separated matches per input.
std::vector<std::string> PythonFindall(const std::vector<std::string>& inputs) {
  return RunPython(
      "import re,sys\n"
      "for line in sys.stdin.buffer.read().decode('utf-8').split('\\0'):\n"
      "    print('\\t'.join(re.findall(r'[A-Z]+((?:\\w+\\/)+\\w+)', line)))\n",
      JoinWith(inputs, '\0'));
}

// re.search over decoded names, the way Exodus applies its signatures: "1"
// or "0" per (pattern, name), one line per pattern.
std::vector<std::string> PythonSearch(const std::vector<std::string>& patterns,
                                      const std::vector<std::string>& names) {
  return RunPython(
      "import re,sys\n"
      "pats, names = sys.stdin.buffer.read().decode('utf-8', errors='ignore').split('\\1')\n"
      "names = names.split('\\0')\n"
      "for p in pats.split('\\0'):\n"
      "    r = re.compile(p)\n"
      "    print(''.join('1' if r.search(n) else '0' for n in names))\n",
      JoinWith(patterns, '\0') + '\1' + JoinWith(names, '\0'));
}

TEST(ExodusSignatures, AgreeWithPythonReSearch) {
  // Dotted literals (matched by anchors) and real regexes (by vectorscan),
  // against names with non-ASCII characters where a '.' must take one code
  // point, names too short for the pattern, and matches at either end.
  const std::vector<std::string> patterns = {
      "com.adjust.sdk.|com.adjust.android.sdk.", "com.tune", ".LigatusManager|com.ligatus.android",
      "io.a.b", "xa.c", "com.google.ads.", "x..y", "ab.cd.ef", "com\\.strict\\.dot", "^io/start", "end$",
      "(foo|bar)/baz"};
  const std::vector<std::string> names = {
      "com/adjust/sdk/Adjust", "com/adjust/sdk", "comXadjustYsdkZ", "org/com/adjust/sdk/x", "com/tune",
      "com/tuneup/X", "a/LigatusManager", "LigatusManager", "io/a/b", "io/a/", "xa\xc3\xa4" "c", "xabc", "xa/c/d",
      "com/google/ads/", "com/google/ads", "x\xc3\xa4\xc3\xb6y", "x\xc3\xa4y", "xaby", "ab/cd/ef",
      "abXcd\xe2\x82\xac" "ef", "com.strict.dot", "com/strict/dot", "io/start/x", "x/io/start", "the/end",
      "end/x", "foo/baz", "x/bar/baz/y", ""};
  auto python = PythonSearch(patterns, names);
  ASSERT_EQ(python.size(), patterns.size()) << "python3 is needed as the oracle";
  std::string json = R"({"trackers":{)";
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::string escaped;
    for (char c : patterns[i]) {
      if (c == '\\' || c == '"') escaped.push_back('\\');
      escaped.push_back(c);
    }
    if (i) json.push_back(',');
    json.append("\"").append(std::to_string(i)).append(R"(":{"id":)").append(std::to_string(i));
    json.append(R"(,"name":"P)").append(std::to_string(i)).append(R"(","code_signature":")");
    json.append(escaped).append("\"}");
  }
  json += "}}";
  auto db = ParseExodus(json, "exodus:test");
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto m = SdkMatcher::Compile(std::move(*db));
  ASSERT_TRUE(m.ok()) << m.error().message;
  // All names in one list, as a scan matches them.
  ClassNameList list;
  for (const auto& n : names) list.Add(n);
  std::vector<std::string> ours(patterns.size(), std::string(names.size(), '0'));
  MatchSession s(**m);
  s.MatchExodusNames(list, [&](uint32_t sdk, size_t i) { ours[sdk][i] = '1'; });
  for (size_t p = 0; p < patterns.size(); ++p) EXPECT_EQ(ours[p], python[p]) << patterns[p];
}

TEST(ExodusClassRegex, AgreesWithPythonRe) {
  std::vector<std::string> inputs = {
      "Lcom/facebook/ads/AdView;", "LCOM/foo/Bar;", "LFoo;", "Lcom/a/B$Inner;", "(ILcom/a/B;[Lcom/c/D;)V",
      "Ljava/util/List<Lcom/x/Y;>;", "/tmp/tmpab12/initialInstall/dex/classes.dex", "https://www.Example.com/Path/x",
      "LABC/DEF/ghi;", "L/foo;", "La/b//c;", "Lcom/a/b/;", "ZZLcom_x/y9/Z_z;", "LÄpfel/Birne;", "",
      "AB/c", "A/b", "AB/", "ABC", "xA/b/", "A" + std::string(5000, 'b') + "/c", std::string(3000, 'A') + "/x"};
  // Random strings over the characters that decide a match, where
  // backtracking and word skipping could go wrong.
  std::mt19937 rng(7);
  const std::string alphabet = "ABLZabz09_/;$<>. ";
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 24, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    inputs.push_back(std::move(s));
  }
  auto python = PythonFindall(inputs);
  ASSERT_EQ(python.size(), inputs.size()) << "python3 is needed as the oracle";
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string ours;
    ForEachExodusClassMatch(inputs[i], [&](std::string_view m) {
      if (!ours.empty()) ours.push_back('\t');
      ours.append(m);
    });
    EXPECT_EQ(ours, python[i]) << inputs[i];
  }
}

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
  auto m = Kb(R"({"schema_version":1,"sdks":[
      {"id":"a","name":"A","code":{"packages":["com.foo"]}},
      {"id":"b","name":"B","code":{"packages":["com.foo.ads."], "regex":["^io/x[0-9]+/"]}}]})");
  EXPECT_EQ(Defined(*m, "Lcom/foo/Bar;"), (std::set<uint32_t>{0}));
  EXPECT_EQ(Defined(*m, "Lcom/foo/ads/View;"), (std::set<uint32_t>{0, 1}));
  EXPECT_TRUE(Defined(*m, "Lcom/foobar/X;").empty());
  EXPECT_TRUE(Defined(*m, "Lorg/com/foo/X;").empty());
  EXPECT_EQ(Defined(*m, "Lio/x42/Y;"), (std::set<uint32_t>{1}));
  EXPECT_TRUE(Defined(*m, "Lio/x/Y;").empty());
  EXPECT_TRUE(Defined(*m, "com/foo/Bar").empty()) << "only descriptors are class names";
}

TEST(SdkMatcher, HostsMatchTheDomainAndItsSubdomainsOnly) {
  auto m = Kb(R"({"schema_version":1,"sdks":[{"id":"a","name":"A","network":{"domains":["appsflyer.com"]}}]})");
  auto hits = [&](std::string_view host) {
    int n = 0;
    m->MatchHost(host, [&](uint32_t) { ++n; });
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
  auto m = Kb(R"({"schema_version":1,"sdks":[{"id":"a","name":"A","network":{"domains":["appsflyer.com","x.io"]}},
      {"id":"b","name":"B","network":{"domains":["tracker.cn"]}}]})");
  for (const char* label : {"com", "COM", "Com", "io", "cn"}) EXPECT_TRUE(m->MayMatchHostEndingIn(label)) << label;
  for (const char* label : {"AdView", "co", "ci", "net", "org", "c", "", "comx"})
    EXPECT_FALSE(m->MayMatchHostEndingIn(label)) << label;
  EXPECT_TRUE(m->MayMatchHostEndingIn(std::string(65, 'a'))) << "longer than a DNS label: the walk decides";
}

TEST(SdkMatcher, ManifestKeys) {
  auto m = Kb(R"({"schema_version":1,"sdks":[{"id":"a","name":"A","manifest":{
      "components":["com.appsflyer."], "meta_data":["com.appsflyer.Key"]}}]})");
  int n = 0;
  m->MatchComponent("com.appsflyer.SingleInstallBroadcastReceiver", [&](uint32_t) { ++n; });
  m->MatchComponent("com.appsflyerx.R", [&](uint32_t) { ++n; });
  m->MatchMetaData("com.appsflyer.Key", [&](uint32_t) { ++n; });
  EXPECT_EQ(n, 2);
}

TEST(ExodusImport, KeepsExodusRulesAndRejectsBadInput) {
  auto db = ParseExodus(R"({"trackers":{
      "7":{"id":7,"name":"Long","code_signature":"com.long.sdk|.Weird","network_signature":"long\\.io","categories":["Analytics"]},
      "3":{"id":3,"name":"Short","code_signature":"a.b","network_signature":""}}})", "exodus:t");
  ASSERT_TRUE(db.ok());
  ASSERT_EQ(db->sdks.size(), 2u);
  EXPECT_EQ(db->sdks[0].name, "Short") << "ordered by Exodus id";
  EXPECT_TRUE(db->sdks[0].code_regexes.empty()) << "Exodus ignores signatures of 3 characters or fewer";
  EXPECT_EQ(db->sdks[1].code_regexes, std::vector<std::string>{"com.long.sdk|.Weird"});
  EXPECT_EQ(db->sdks[1].semantics, CodeSemantics::kExodus);
  auto m = SdkMatcher::Compile(std::move(*db));
  ASSERT_TRUE(m.ok());
  MatchSession s(**m);
  std::set<uint32_t> hit;
  s.MatchExodusClass("com/long/sdk/X", [&](uint32_t i) { hit.insert(i); });
  s.MatchExodusClass("comXlongYsdk", [&](uint32_t i) { hit.insert(i); });  // '.' is a wildcard in Exodus.
  EXPECT_EQ(hit, (std::set<uint32_t>{1}));

  EXPECT_FALSE(ParseExodus("not json", "x").ok());
  EXPECT_FALSE(ParseExodus("42", "x").ok());
  auto bad = ParseExodus(R"({"trackers":{"1":{"id":1,"name":"Broken","code_signature":"com.(broken"}}})", "x");
  ASSERT_TRUE(bad.ok());
  auto compiled = SdkMatcher::Compile(std::move(*bad));
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message.find("Broken"), std::string::npos) << "the error names the SDK";
}

TEST(Kb, BuiltinKbLoadsAndCompiles) {
  auto db = LoadBuiltinKb();
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(SdkMatcher::Compile(std::move(*db)).ok());
  EXPECT_FALSE(ParseKb(R"({"schema_version":2,"sdks":[]})", "x").ok());
  EXPECT_FALSE(ParseKb(R"({"schema_version":1,"sdks":[{"name":"no id"}]})", "x").ok());
}

}  // namespace
}  // namespace vigie::sig

namespace vigie::sig {
namespace {

TEST(VendorKb, DescribesEveryVendorOfTheSdkKbWithSources) {
  auto kb = LoadBuiltinKb();
  ASSERT_TRUE(kb.ok()) << kb.error().message;
  ASSERT_FALSE(kb->vendors.empty());
  for (const auto& s : kb->sdks) {
    const Vendor* v = kb->FindVendor(s.vendor);
    ASSERT_NE(v, nullptr) << s.id << " names vendor " << s.vendor;
    EXPECT_FALSE(v->sources.empty()) << v->id;
    if (!v->hq_country.empty()) {
      EXPECT_EQ(v->hq_country.size(), 2u) << v->id << ": ISO 3166-1 alpha-2";
    }
    for (const auto& i : v->incidents) {
      EXPECT_EQ(i.date.size(), 10u) << v->id;
      EXPECT_EQ(i.source.rfind("https://", 0), 0u) << v->id;
    }
  }
  const Vendor* pushwoosh = kb->FindVendor("pushwoosh");
  ASSERT_NE(pushwoosh, nullptr);
  bool russia = false;
  for (const auto& t : pushwoosh->jurisdictions) russia |= t.country == "RU";
  EXPECT_TRUE(russia) << "developed in Russia, per Reuters";
  EXPECT_FALSE(ParseVendors(R"({"schema_version":1,"vendors":[{"id":"x","name":"X"}]})", "t").ok())
      << "an entry without a source is refused";
  EXPECT_FALSE(ParseVendors(R"({"schema_version":1,"vendors":[{"name":"no id"}]})", "t").ok());
}

TEST(Entities, ImportersForXRayAndDisconnectGiveDomainOwners) {
  EntityDb db;
  EXPECT_FALSE(db.Import("xray", R"([
      {"country": "us", "doms": ["tynt.com"], "owner_name": "tynt", "root_parent": "33Across", "parent": "33Across"},
      {"country": "ru", "doms": ["example-tracker.ru"], "owner_name": "Example RU", "root_parent": null, "parent": null},
      {"doms": ["nameless.com"]}])", "xray:t").has_value());
  EXPECT_FALSE(db.Import("disconnect", R"({"entities": {
      "Tynt Elsewhere": {"properties": ["tynt.com"], "resources": ["cdn.tynt.net"]}}})", "disconnect:t").has_value());
  const Entity* e = db.Owner("api.TYNT.com");
  ASSERT_NE(e, nullptr) << "a subdomain belongs to the domain's owner, whatever its case";
  EXPECT_EQ(e->name, "tynt") << "an earlier import is not overridden";
  EXPECT_EQ(e->root_parent, "33Across");
  EXPECT_EQ(e->country, "US");
  ASSERT_NE(db.Owner("x.cdn.tynt.net"), nullptr);
  EXPECT_EQ(db.Owner("x.cdn.tynt.net")->source, "disconnect:t");
  EXPECT_EQ(db.Owner("notynt.com"), nullptr);
  EXPECT_EQ(db.Owner("nameless.com"), nullptr) << "an entry without an owner is skipped";
  EXPECT_TRUE(db.Import("xray", "{}", "x").has_value()) << "X-Ray data is an array";
  EXPECT_TRUE(db.Import("disconnect", "[]", "x").has_value());
  EXPECT_TRUE(db.Import("whois", "[]", "x").has_value()) << "unknown format";
}

TEST(DbCodec, RoundTripsTheBuiltinKbAndRejectsDamage) {
  auto kb = LoadBuiltinKb();
  ASSERT_TRUE(kb.ok());
  // The built-in KB is the compiled form of data/sdk_kb.json and
  // data/vendors.json: same content.
  auto text = vigie::testing::ReadBytes("data/sdk_kb.json");
  auto parsed = ParseKb(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), "vigie-kb");
  ASSERT_TRUE(parsed.ok());
  auto vendor_text = vigie::testing::ReadBytes("data/vendors.json");
  auto vendors = ParseVendors(
      std::string_view(reinterpret_cast<const char*>(vendor_text.data()), vendor_text.size()), "vigie-vendors");
  ASSERT_TRUE(vendors.ok());
  parsed->vendors = std::move(*vendors);
  EXPECT_EQ(EncodeDb(*kb), EncodeDb(*parsed));
  ASSERT_GE(kb->sdks.size(), 100u);
  const Vendor* xmode = kb->FindVendor("xmode");
  ASSERT_NE(xmode, nullptr);
  EXPECT_EQ(xmode->hq_country, "US");
  EXPECT_FALSE(xmode->incidents.empty());
  EXPECT_FALSE(xmode->sources.empty());

  std::string blob = EncodeDb(*kb);
  auto back = DecodeDb(ByteView(blob));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeDb(*back), blob);
  for (size_t n : {size_t{0}, size_t{3}, size_t{8}, blob.size() / 2, blob.size() - 1})
    EXPECT_FALSE(DecodeDb(ByteView(std::string_view(blob).substr(0, n))).ok()) << n;
  std::string lying = blob;
  lying[8] = '\xff';  // The source count now claims billions of strings.
  lying[9] = '\xff';
  lying[10] = '\xff';
  EXPECT_FALSE(DecodeDb(ByteView(lying)).ok());
  std::string older = blob;
  older[4] = '\x01';  // Version 1 had no vendors: refused, so a cache is rebuilt.
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

// A database built by CompileHs (in release builds, by vigie-hs-compile,
// then handed to the runtime linked in) matches what its patterns say; a
// pattern that does not compile is named.
TEST(HsCompiler, BuildsDatabasesTheRuntimeScans) {
  const std::vector<const char*> patterns = {"com/appsflyer", "^io/[a-z]+sdk", "track(er|ing)$"};
  const std::vector<unsigned> flags(patterns.size(), HS_FLAG_SINGLEMATCH), ids = {10, 11, 12};
  HsCompileError error;
  hs_database_t* db = CompileHs(patterns, flags, ids, error);
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
  EXPECT_EQ(matches("x/com/appsflyer/Lib"), (std::set<unsigned>{10}));
  EXPECT_EQ(matches("io/fastsdk/tracking"), (std::set<unsigned>{11, 12}));
  EXPECT_EQ(matches("x/io/fastsdk"), (std::set<unsigned>{}));
  hs_free_scratch(scratch);
  hs_free_database(db);

  const std::vector<const char*> bad = {"fine", "(unclosed"};
  HsCompileError bad_error;
  EXPECT_EQ(CompileHs(bad, {0, 0}, {0, 1}, bad_error), nullptr);
  EXPECT_EQ(bad_error.expression, 1);
  EXPECT_FALSE(bad_error.message.empty());
}

// CompileHsCached builds a database once per content: the same patterns
// are served from the cache, and a change of flags makes a new entry.
TEST(HsCompiler, CachesDatabasesByContent) {
  char dir[] = "/tmp/vigie_hs_cache_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  setenv("VIGIE_CACHE_DIR", dir, 1);
  auto entries = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".hsdb";
    return n;
  };
  const std::vector<const char*> patterns = {"com/appsflyer", "io/branch"};
  HsCompileError error;
  for (int round = 0; round < 2; ++round) {
    hs_database_t* db = CompileHsCached(patterns, {0, 0}, {0, 1}, error);
    ASSERT_NE(db, nullptr) << error.message;
    hs_scratch_t* scratch = nullptr;
    ASSERT_EQ(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
    unsigned hits = 0;
    const std::string text = "x/io/branch/y";
    hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
            [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
              *static_cast<unsigned*>(ctx) += id == 1 ? 1 : 100;
              return 0;
            },
            &hits);
    EXPECT_EQ(hits, 1u) << "round " << round;
    hs_free_scratch(scratch);
    hs_free_database(db);
    EXPECT_EQ(entries(), 1u) << "round " << round;
  }
  hs_database_t* other = CompileHsCached(patterns, {HS_FLAG_CASELESS, 0}, {0, 1}, error);
  ASSERT_NE(other, nullptr);
  hs_free_database(other);
  EXPECT_EQ(entries(), 2u);
  unsetenv("VIGIE_CACHE_DIR");
  std::filesystem::remove_all(dir);
}

TEST(ExodusImport, IsCachedInCompiledFormKeyedByContent) {
  char dir[] = "/tmp/vigie_cache_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  setenv("VIGIE_CACHE_DIR", dir, 1);
  const std::string path = std::string(dir) + "/trackers.json";
  std::ofstream(path) << R"({"trackers":{"5":{"id":5,"name":"First","code_signature":"com.first.sdk"}}})";
  auto a = ImportFile("exodus", path);
  ASSERT_TRUE(a.ok());
  size_t cached = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".vsdb") ++cached;
  EXPECT_EQ(cached, 1u);
  auto b = ImportFile("exodus", path);  // Served from the cache.
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(EncodeDb(*a), EncodeDb(*b));
  std::ofstream(path) << R"({"trackers":{"5":{"id":5,"name":"Edited","code_signature":"com.first.sdk"}}})";
  auto c = ImportFile("exodus", path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sdks[0].name, "Edited") << "an edited file is never served stale";
  unsetenv("VIGIE_CACHE_DIR");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigie::sig
