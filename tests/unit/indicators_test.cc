// Indicators of compromise (vigie check): the Public Suffix List, STIX2
// patterns with what MVT cannot read, collections and matching. The corpus's
// STIX2 files are read by tests/corpus/indicators_corpus_test.cc.
#include <gtest/gtest.h>

#include "vigie/base/task_pool.h"
#include "vigie/indicators/indicator_set.h"
#include "vigie/indicators/public_suffix.h"

namespace vigie::indicators {
namespace {

TEST(PublicSuffix, RegistrableDomains) {
  const PublicSuffixList& psl = PublicSuffixList::Builtin();
  EXPECT_GT(psl.rules(), 5000u) << "Debian's list";
  EXPECT_EQ(psl.RegistrableDomain("a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.RegistrableDomain("example.com"), "example.com");
  EXPECT_EQ(psl.RegistrableDomain("www.example.com"), "example.com");
  EXPECT_EQ(psl.RegistrableDomain("co.uk"), "");
  EXPECT_EQ(psl.RegistrableDomain("com"), "");
  EXPECT_EQ(psl.RegistrableDomain("x.unknowntld"), "x.unknowntld") << "the default rule *";
  const PublicSuffixList own = PublicSuffixList::Parse("// c\nck\n*.ck\n!www.ck\nCOM\n");
  EXPECT_EQ(own.RegistrableDomain("a.b.ck"), "a.b.ck") << "*.ck: b.ck is a suffix";
  EXPECT_EQ(own.RegistrableDomain("x.www.ck"), "www.ck") << "!www.ck: an exception";
  EXPECT_EQ(own.RegistrableDomain("a.example.com"), "example.com");
  EXPECT_EQ(own.RegistrableDomain(".com"), "");
}

std::string Bundle(const std::string& objects) { return R"({"type":"bundle","objects":[)" + objects + "]}"; }

std::string Indicator(const std::string& id, const std::string& pattern) {
  std::string escaped;
  for (char c : pattern) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return R"({"type":"indicator","id":")" + id + R"(","pattern_type":"stix","pattern":")" + escaped + "\"}";
}

// What MVT cannot read: '=' and ']' inside values (MVT aborts the file on
// the first), OR and AND, ipv6-addr; what no one can read is a warning
// naming the indicator, and the rest of the file is still read.
TEST(IndicatorSet, ReadsWhatMvtCannotAndWarnsOnWhatNoOneCan) {
  IndicatorSet set;
  const std::string stix = Bundle(
      R"({"type":"malware","id":"malware--1","name":"Pegasus"},)" +
      Indicator("indicator--url", "[url:value = 'https://x.example/a?b=c&d=]e']") + "," +
      Indicator("indicator--or", "[domain-name:value = 'one.example' OR domain-name:value = 'two.example']") + "," +
      Indicator("indicator--and", "[file:name = 'evil.dylib' AND file:hashes.'SHA-256' = 'AB12']") + "," +
      Indicator("indicator--v6", "[ipv6-addr:value = '2001:DB8::1']") + "," +
      Indicator("indicator--obs", "([process:name = 'bh'] OR [process:name = 'roleaboutd']) WITHIN 5 SECONDS") + "," +
      Indicator("indicator--bad", "[domain-name:value = 'unclosed]") + "," +
      Indicator("indicator--type", "[x-custom:thing = 'q']") + "," +
      Indicator("indicator--neq", "[domain-name:value != 'fine.example']") + "," +
      R"({"type":"relationship","source_ref":"indicator--or","target_ref":"malware--1"})");
  ASSERT_FALSE(set.AddStix2(stix, "test.stix2").has_value());
  EXPECT_EQ(set.count(IndicatorType::kUrl), 1u);
  EXPECT_EQ(set.count(IndicatorType::kDomain), 3u);
  EXPECT_EQ(set.count(IndicatorType::kProcess), 2u);
  ASSERT_NE(set.MatchUrl("https://x.example/a?b=c&d=]e"), nullptr);
  const auto* two = set.MatchHost("TWO.example.");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(set.collections()[two->collection].name, "Pegasus");
  EXPECT_FALSE(two->conjunct);
  const auto* dylib = set.MatchFileName("/private/var/evil.dylib");
  ASSERT_NE(dylib, nullptr);
  EXPECT_TRUE(dylib->conjunct) << "one term of an AND";
  EXPECT_EQ(set.count(IndicatorType::kSha256), 1u) << "a hash of the wrong length is kept, and never matches";
  EXPECT_NE(set.MatchHost("2001:db8::1"), nullptr);
  EXPECT_EQ(set.collections()[set.MatchHost("2001:db8::1")->collection].name, "Default collection");
  ASSERT_EQ(set.warnings().size(), 3u);
  EXPECT_EQ(set.warnings()[0].indicator, "indicator--bad");
  EXPECT_EQ(set.warnings()[1].indicator, "indicator--type");
  EXPECT_NE(set.warnings()[1].message.find("x-custom:thing"), std::string::npos);
  EXPECT_EQ(set.warnings()[2].indicator, "indicator--neq");
  EXPECT_EQ(set.MatchHost("fine.example"), nullptr);

  EXPECT_TRUE(set.AddStix2("{\"objects\": 3}", "bad.stix2").has_value());
  EXPECT_TRUE(set.AddStix2("not json", "bad.stix2").has_value());
}

// A truncated or broken file keeps what was read before the damage, with a
// warning saying where reading stopped; JSON escapes are decoded.
TEST(IndicatorSet, KeepsWhatABrokenFileHeldBeforeTheDamage) {
  IndicatorSet set;
  const std::string whole =
      Bundle(R"({"type":"indicator","id":"indicator--a","pattern":"[domain-name:value = 'caf\u00e9.example']"},)" +
             Indicator("indicator--b", "[domain-name:value = 'second.example']"));
  const std::string cut = whole.substr(0, whole.find("indicator--b") + 20);
  ASSERT_FALSE(set.AddStix2(cut, "cut.stix2").has_value());
  EXPECT_NE(set.MatchHost("caf\xc3\xa9.example"), nullptr) << "\\u00e9 decoded to UTF-8";
  EXPECT_EQ(set.MatchHost("second.example"), nullptr);
  ASSERT_EQ(set.warnings().size(), 1u);
  EXPECT_NE(set.warnings()[0].message.find("not valid JSON from byte"), std::string::npos) << set.warnings()[0].message;
  // Nesting past the cap is an error, not a stack overflow.
  EXPECT_TRUE(set.AddStix2(std::string(100000, '['), "deep.stix2").has_value());
  EXPECT_TRUE(set.AddStix2("[1, 2]", "array.stix2").has_value());
  EXPECT_TRUE(set.AddStix2("{\"objects\": {}}", "object.stix2").has_value());
}

// A large bundle is read in parts on several threads, each part beginning
// at a guessed element: guesses inside strings (",{" in a value), escapes,
// a report and relationships far from their indicators, and damage must
// give the set that reading it alone gives, whatever the part size.
TEST(IndicatorSet, ReadingInPartsGivesWhatReadingAloneGives) {
  std::string objects = R"({"type":"report","name":"Report A","object_refs":["indicator--3", "indicator--7"]})";
  for (int i = 0; i < 12; ++i) {
    const std::string id = "indicator--" + std::to_string(i);
    objects += ",\n  " + Indicator(id, "[domain-name:value = 'h" + std::to_string(i) + ".example,{x}']") + ", " +
               Indicator("", "[url:value = 'https://u" + std::to_string(i) + ".example/?q=\\u0041']") + "," +
               R"({"type":"relationship","source_ref":")" + id + R"(","target_ref":"malware--m"})";
  }
  objects += R"(,{"type":"malware","id":"malware--m","name":"Late \"Malware\""})";
  const std::string whole = Bundle(objects), damaged = whole.substr(0, whole.size() * 2 / 3);
  TaskPool pool(2);
  for (const std::string* text : {&whole, &damaged}) {
    IndicatorSet alone;
    ASSERT_FALSE(alone.AddStix2(*text, "t.stix2").has_value());
    EXPECT_GE(alone.size(), 12u);
    for (size_t part : {1, 7, 64, 500}) {
      IndicatorSet parts;
      ASSERT_FALSE(parts.AddStix2(*text, "t.stix2", &pool, part).has_value());
      ASSERT_EQ(parts.size(), alone.size()) << part;
      for (size_t i = 0; i < alone.size(); ++i) {
        const auto& a = alone.indicators()[i];
        const auto& b = parts.indicators()[i];
        EXPECT_EQ(a.value, b.value) << part;
        EXPECT_EQ(alone.collections()[a.collection].name, parts.collections()[b.collection].name) << part;
      }
      ASSERT_EQ(parts.warnings().size(), alone.warnings().size()) << part;
      for (size_t i = 0; i < alone.warnings().size(); ++i)
        EXPECT_EQ(parts.warnings()[i].message, alone.warnings()[i].message) << part;
    }
  }
  IndicatorSet set;
  ASSERT_FALSE(set.AddStix2(whole, "t.stix2", &pool, 7).has_value());
  EXPECT_EQ(set.collections()[set.MatchHost("h3.example,{x}")->collection].name, "Report A");
  EXPECT_EQ(set.collections()[set.MatchHost("h4.example,{x}")->collection].name, "Late \"Malware\"");
}

TEST(IndicatorSet, MatchesAsMvtDoesAndWhereItDiffers) {
  IndicatorSet set;
  const uint32_t c = set.AddCollection("Test", "t");
  set.Add(IndicatorType::kDomain, "example.org", c);
  set.Add(IndicatorType::kDomain, "b.example.net", c);
  set.Add(IndicatorType::kProcess, "com.apple.Launch_", c);
  set.Add(IndicatorType::kFilePath, "/private/var/db/", c);
  set.Add(IndicatorType::kEmail, "Foobar@Example.org", c);
  set.Add(IndicatorType::kConfigurationProfile, "PROFILE-1234-ABCD", c);
  // A domain matches itself and its subdomains, through parents down to
  // the registrable domain; MVT misses a.b.example.net for b.example.net.
  EXPECT_NE(set.MatchHost("example.org"), nullptr);
  EXPECT_NE(set.MatchHost("deep.sub.example.org"), nullptr);
  EXPECT_NE(set.MatchHost("a.b.example.net"), nullptr);
  EXPECT_EQ(set.MatchHost("example.net"), nullptr);
  EXPECT_EQ(set.MatchHost("notexample.org"), nullptr);
  // "www." is a parent like any other; MVT's lstrip("www.") strips
  // characters, so it turns web.x.net into eb.x.net.
  EXPECT_NE(set.MatchHost("www.example.org"), nullptr);
  EXPECT_NE(set.MatchUrl("https://user@WEB.example.org:8443/x?y=z"), nullptr) << "port and user info dropped";
  // A process name of 16 characters may be a truncated one.
  EXPECT_NE(set.MatchProcess("com.apple.Launch"), nullptr);
  EXPECT_EQ(set.MatchProcess("com.apple.Launc"), nullptr);
  EXPECT_NE(set.MatchProcess("/usr/libexec/com.apple.Launch_"), nullptr);
  EXPECT_NE(set.MatchFilePath("/private/var/db/x/y"), nullptr);
  EXPECT_EQ(set.MatchFilePath("/private/var/"), nullptr);
  EXPECT_NE(set.MatchEmail("FOOBAR@example.ORG"), nullptr);
  EXPECT_NE(set.MatchConfigurationProfile("1234"), nullptr) << "MVT's substring test";
}

}  // namespace
}  // namespace vigie::indicators
