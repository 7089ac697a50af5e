// Exodus' method, reproduced: its importer, its class-name regex and its
// signatures' semantics, each checked against Python itself.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>

#include "vigie/exodus/class_set.h"
#include "vigie/exodus/importer.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::exodus {
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
  auto m = sig::SdkMatcher::Compile(std::move(*db));
  ASSERT_TRUE(m.ok()) << m.error().message;
  // All names in one list, as a scan matches them.
  sig::NameList list;
  for (const auto& n : names) list.Add(n);
  std::vector<std::string> ours(patterns.size(), std::string(names.size(), '0'));
  sig::MatchSession s(**m);
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

TEST(ExodusImport, KeepsExodusRulesAndRejectsBadInput) {
  auto db = ParseExodus(R"({"trackers":{
      "7":{"id":7,"name":"Long","code_signature":"com.long.sdk|.Weird","network_signature":"long\\.io","categories":["Analytics"]},
      "3":{"id":3,"name":"Short","code_signature":"a.b","network_signature":""}}})", "exodus:t");
  ASSERT_TRUE(db.ok());
  ASSERT_EQ(db->sdks.size(), 2u);
  EXPECT_EQ(db->sdks[0].name, "Short") << "ordered by Exodus id";
  EXPECT_TRUE(db->sdks[0].code_regexes.empty()) << "Exodus ignores signatures of 3 characters or fewer";
  EXPECT_EQ(db->sdks[1].code_regexes, std::vector<std::string>{"com.long.sdk|.Weird"});
  EXPECT_EQ(db->sdks[1].semantics, sig::CodeSemantics::kExodus);
  auto m = sig::SdkMatcher::Compile(std::move(*db));
  ASSERT_TRUE(m.ok());
  sig::MatchSession s(**m);
  std::set<uint32_t> hit;
  s.MatchExodusClass("com/long/sdk/X", [&](uint32_t i) { hit.insert(i); });
  s.MatchExodusClass("comXlongYsdk", [&](uint32_t i) { hit.insert(i); });  // '.' is a wildcard in Exodus.
  EXPECT_EQ(hit, (std::set<uint32_t>{1}));

  EXPECT_FALSE(ParseExodus("not json", "x").ok());
  EXPECT_FALSE(ParseExodus("42", "x").ok());
  auto bad = ParseExodus(R"({"trackers":{"1":{"id":1,"name":"Broken","code_signature":"com.(broken"}}})", "x");
  ASSERT_TRUE(bad.ok());
  auto compiled = sig::SdkMatcher::Compile(std::move(*bad));
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message.find("Broken"), std::string::npos) << "the error names the SDK";
}

TEST(ExodusImport, IsCachedInCompiledFormKeyedByContent) {
  char dir[] = "/tmp/vigie_cache_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  setenv("VIGIE_CACHE_DIR", dir, 1);
  const std::string path = std::string(dir) + "/trackers.json";
  std::ofstream(path) << R"({"trackers":{"5":{"id":5,"name":"First","code_signature":"com.first.sdk"}}})";
  sig::SignatureDb a, b, c;
  ASSERT_FALSE(sig::ImportFile(path, "exodus:" + path, ParseExodus, a));
  size_t cached = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".vsdb") ++cached;
  EXPECT_EQ(cached, 1u);
  ASSERT_FALSE(sig::ImportFile(path, "exodus:" + path, ParseExodus, b));  // Served from the cache.
  EXPECT_EQ(sig::EncodeDb(a), sig::EncodeDb(b));
  // An import appends to what the database holds.
  ASSERT_FALSE(sig::ImportFile(path, "exodus:" + path, ParseExodus, b));
  ASSERT_EQ(b.sdks.size(), 2u);
  EXPECT_EQ(b.sources.size(), 2u);
  std::ofstream(path) << R"({"trackers":{"5":{"id":5,"name":"Edited","code_signature":"com.first.sdk"}}})";
  ASSERT_FALSE(sig::ImportFile(path, "exodus:" + path, ParseExodus, c));
  EXPECT_EQ(c.sdks[0].name, "Edited") << "an edited file is never served stale";
  // A file that does not parse leaves the database as it was.
  std::ofstream(path) << "{not json";
  EXPECT_TRUE(sig::ImportFile(path, "exodus:" + path, ParseExodus, c).has_value());
  EXPECT_EQ(c.sdks.size(), 1u);
  unsetenv("VIGIE_CACHE_DIR");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigie::exodus
