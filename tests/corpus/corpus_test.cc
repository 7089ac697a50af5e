// Checks Vigie against the oracle answers in ../shared/corpus/expected
// (aapt for identity and permissions, the DEX headers for class counts).
// Label: corpus. Skips, saying why, when the corpus is not beside the repo.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <filesystem>
#include <map>
#include <memory>
#include <fstream>
#include <nlohmann/json.hpp>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_set>

#include "test_support.h"
#include "vigie/android/package_layout.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/base/mapped_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/report/report.h"
#include "vigie/exodus/importer.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/exodus/class_set.h"
#include "vigie/sig/sdk_matcher.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct CorpusCase {
  std::string file;      // Path of the package.
  std::string expected;  // Path of its oracle JSON.
};

// Every corpus package of the given folders that has an oracle file.
std::vector<CorpusCase> Cases(std::initializer_list<const char*> dirs = {"apk", "aab"}) {
  std::vector<CorpusCase> out;
  const fs::path root = vigie::testing::CorpusDir();
  if (!fs::exists(root / "expected")) return out;
  for (std::string dir : dirs) {
    // Oracle files are named after the file, prefixed by their folder
    // ("aab__x.json", "sdk_android__y.json"), except for APKs.
    std::string prefix = dir == "apk" ? "" : dir == "sdk/android" ? "sdk_android__" : dir + "__";
    for (const auto& e : fs::directory_iterator(root / dir)) {
      fs::path expected = root / "expected" / (prefix + e.path().stem().string() + ".json");
      if (fs::exists(expected)) out.push_back({e.path().string(), expected.string()});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  return out;
}

std::optional<std::string> Str(const Json& j) {
  if (j.is_null()) return std::nullopt;
  std::string s = j.get<std::string>();
  if (s.empty()) return std::nullopt;  // aapt prints '' for an absent value.
  return s;
}

// aapt cannot read App Bundles (their manifest is protobuf): the oracle for
// them is tests/corpus/proto_manifest_oracle.py, built on protoc --decode_raw.
Json BundleOracle(const std::string& path) {
  std::string cmd = "python3 tests/corpus/proto_manifest_oracle.py '" + path + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p.get())) out += buf;
  return Json::parse(out);
}

// aapt could not open the archive at all: Android's own ZIP reader refuses it.
bool AaptRejectedArchive(const Json& e) {
  for (const auto& err : e["aapt_errors"]) {
    std::string s = err.get<std::string>();
    if (s.find("Error opening archive") != std::string::npos) return true;
  }
  return false;
}

class Corpus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(fs::path(vigie::testing::CorpusDir()) / "expected"))
      GTEST_SKIP() << "corpus not found at " << vigie::testing::CorpusDir() << " (set VIGIE_CORPUS_DIR)";
  }
};

TEST_F(Corpus, IdentityPermissionsAndClassCountsMatchTheOracle) {
  auto cases = Cases();
  ASSERT_GE(cases.size(), 40u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Json e = Json::parse(std::ifstream(c.expected));
    ScanResult r = ScanFile(c.file);
    if (r.file.kind == PackageKind::kAab) {
      Json oracle = BundleOracle(c.file);
      for (const char* field : {"package", "version_code", "permissions"}) e[field] = oracle[field];
    }
    const AppIdentity& id = r.manifest.identity;
    if (AaptRejectedArchive(e) && r.status != ScanStatus::kFailed) {
      // Android refuses this archive; Vigie reads it but must say why a
      // phone would not, with one of the codes for what Android rejects.
      bool explained = r.diagnostics.Has(ErrorCode::kZipJanus) || r.diagnostics.Has(ErrorCode::kZipInvalidName) ||
                       r.diagnostics.Has(ErrorCode::kZipRecovered) ||
                       r.diagnostics.Has(ErrorCode::kManifestMissing) || r.code.dex.empty();
      EXPECT_TRUE(explained) << "aapt rejected the archive but Vigie gives no reason";
    } else {
      EXPECT_EQ(id.package, Str(e["package"]));
      std::optional<std::string> code = id.version_code ? std::optional(std::to_string(*id.version_code)) : std::nullopt;
      EXPECT_EQ(code, Str(e["version_code"]));
      std::set<std::string> ours, theirs;
      for (const auto& p : r.manifest.permissions) ours.insert(p.name);
      for (const auto& p : e["permissions"]) theirs.insert(p.get<std::string>());
      EXPECT_EQ(ours, theirs);
    }
    if (e["nested_apks"].empty() && !e["exodus_would_fail"].get<bool>()) {
      EXPECT_EQ(r.code.class_count, e["dex_class_count"].get<uint64_t>());
    }
  }
}

TEST_F(Corpus, EveryFileEndsWithAStatusNeverACrash) {
  size_t scanned = 0;
  for (const auto& entry : fs::recursive_directory_iterator(vigie::testing::CorpusDir())) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    if (ext != ".apk" && ext != ".aab" && ext != ".jar" && ext != ".aar" && ext != ".ipa" && ext != ".a") continue;
    ScanResult r = ScanFile(entry.path().string());
    EXPECT_FALSE(r.file.sha256.empty()) << entry.path();
    ++scanned;
  }
  EXPECT_GE(scanned, 60u);
}

// The libraries a package records (META-INF/<group>_<artifact>.version,
// pom.properties) against unzip: every record of the top-level archive,
// with the text unzip -p gives, and nothing else.
TEST_F(Corpus, LibraryRecordsMatchUnzip) {
  auto run = [](const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    std::string out;
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p.get())) out += buf;
    return out;
  };
  size_t apps = 0, libraries = 0;
  for (const auto& entry : fs::recursive_directory_iterator(vigie::testing::CorpusDir())) {
    const std::string path = entry.path().string(), ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".apk" && ext != ".aab")) continue;
    std::map<std::string, std::string> expected;  // "group:artifact" -> version
    std::istringstream names(run("unzip -Z1 '" + path + "' 2>/dev/null"));
    for (std::string name; std::getline(names, name);) {
      if (!android::IsLibraryRecord(name) || name.find("/maven/") != std::string::npos) continue;
      const std::string base = name.substr(name.rfind('/') + 1, name.size() - name.rfind('/') - 9);
      std::string version = run("unzip -p '" + path + "' '" + name + "'");
      while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) version.pop_back();
      expected.emplace(base.substr(0, base.find('_')) + ":" + base.substr(base.find('_') + 1), version);
    }
    std::map<std::string, std::string> found;
    for (const Library& l : ScanFile(path).code.libraries) {
      if (l.where.find('!') != std::string::npos) continue;  // In a nested archive: unzip -Z1 lists the outer one.
      found.emplace(l.group + ":" + l.artifact, l.version);
    }
    EXPECT_EQ(found, expected) << path;
    apps += !expected.empty();
    libraries += expected.size();
  }
  EXPECT_GE(apps, 5u);
  EXPECT_GE(libraries, 150u);
}

TEST_F(Corpus, EdgeCasesAreReportedTheWayAndroidSeesThem) {
  const std::string apk = vigie::testing::CorpusDir() + "/apk/";
  EXPECT_TRUE(ScanFile(apk + "edge_janus.apk").diagnostics.Has(ErrorCode::kZipJanus));
  EXPECT_TRUE(ScanFile(apk + "edge_nul_in_entry_name.apk").diagnostics.Has(ErrorCode::kZipInvalidName));
  EXPECT_TRUE(ScanFile(apk + "edge_garbage_cd_eocd.apk").diagnostics.Has(ErrorCode::kZipCdGap));
  // Android refuses the truncated directory; Vigie says so and recovers the
  // entries from their local headers.
  ScanResult truncated = ScanFile(apk + "edge_truncated_cd.apk");
  EXPECT_EQ(truncated.status, ScanStatus::kPartial);
  EXPECT_TRUE(truncated.diagnostics.Has(ErrorCode::kZipBadOffsets));
  EXPECT_TRUE(truncated.diagnostics.Has(ErrorCode::kZipRecovered));
  EXPECT_EQ(truncated.manifest.identity.package, "android.appsecurity.cts.tinyapp");
  ScanResult weird = ScanFile(apk + "edge_weird_compression.apk");
  EXPECT_EQ(weird.manifest.identity.package, "android.appsecurity.cts.tinyapp");
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

std::string ExodusDb() { return vigie::testing::CorpusDir() + "/signatures/exodus_trackers.json"; }

std::shared_ptr<const sig::SdkMatcher> ExodusOnly() {
  static auto matcher = [] {
    sig::SignatureDb db;
    EXPECT_FALSE(sig::ImportFile(ExodusDb(), "exodus:" + ExodusDb(), exodus::ParseExodus, db));
    return *sig::SdkMatcher::Compile(std::move(db));
  }();
  return matcher;
}

std::set<std::string> SdkNames(const ScanResult& r) {
  std::set<std::string> names;
  for (const auto& s : r.sdks) names.insert(s.name);
  return names;
}

// `vigie scan --no-default-kb --signatures exodus:...` gives Exodus' verdict:
// exodus_trackers for APKs and AABs (where Exodus itself would not fail),
// trackers_by_class_names for JARs and AARs.
TEST_F(Corpus, ExodusDatabaseGivesExodusVerdicts) {
  ScanOptions options;
  options.knowledge.signatures = ExodusOnly();
  size_t compared = 0;
  for (const auto& c : Cases({"apk", "aab", "jar", "sdk/android"})) {
    SCOPED_TRACE(c.file);
    Json e = Json::parse(std::ifstream(c.expected));
    std::set<std::string> want;
    if (e.contains("exodus_trackers")) {
      if (e["exodus_would_fail"].get<bool>()) continue;
      for (const auto& t : e["exodus_trackers"]) want.insert(t.get<std::string>());
    } else {
      for (const auto& t : e["trackers_by_class_names"]) want.insert(t.get<std::string>());
    }
    ScanResult r = ScanFile(c.file, options);
    EXPECT_EQ(SdkNames(r), want);
    for (const auto& s : r.sdks) {
      EXPECT_GT(s.classes.count, 0u) << s.name << " must carry its matching classes";
      EXPECT_EQ(s.source.rfind("exodus:", 0), 0u);
    }
    ++compared;
  }
  EXPECT_GE(compared, 50u);
}

// Vigie's emulation of dexdump's text yields the very class set Exodus builds
// (the size Debian's dexdump gives; AOSP's differs by one or two on three
// apps, without changing any verdict).
TEST_F(Corpus, ExodusClassSetMatchesDexdump) {
  size_t compared = 0;
  for (const auto& c : Cases()) {
    Json e = Json::parse(std::ifstream(c.expected));
    if (e["exodus_would_fail"].get<bool>()) continue;
    SCOPED_TRACE(c.file);
    // The class-set size is not in the report; rebuild it through the same
    // entry points the detector uses.
    std::unordered_set<std::string> set;
    auto f = MappedFile::Open(c.file);
    ASSERT_TRUE(f.ok());
    Diagnostics d;
    std::function<void(ByteView, int)> walk = [&](ByteView bytes, int depth) {
      auto a = zip::Archive::Open(bytes, "z", d);
      if (!a) return;
      zip::Extractor x;
      for (const auto& entry : a->entries()) {
        std::string name(entry.name);
        ByteBuffer storage;
        if (name.find(".apk") != std::string::npos && depth < 10) {
          if (auto b = x.Extract(*a, entry, storage, d)) walk(*b, depth + 1);
        } else if (std::regex_search(name, std::regex("classes.*\\.dex"))) {
          auto b = x.Extract(*a, entry, storage, d);
          if (!b) continue;
          sig::NameList names;
          for (const auto& dex : dex::DexFile::OpenAll(*b, name, d)) {
            // Two halves, merged: marking ranges of classes apart must give
            // what marking them at once does.
            const uint32_t half = dex.class_count() / 2;
            exodus::PrintedItems printed = exodus::MarkPrintedItems(dex, 0, half);
            printed.Merge(exodus::MarkPrintedItems(dex, half));
            exodus::AddPrintedTypes(names, dex, printed.types);
            exodus::AddPrintedStrings(names, dex, printed.strings);
          }
          exodus::AddClassNames(names, name);
          for (size_t i = 0; i < names.size(); ++i) set.emplace(names.name(i));
        }
      }
    };
    walk(f->view(), 0);
    EXPECT_EQ(set.size(), e["crosscheck_debian_dexdump"]["class_set_size"].get<size_t>());
    ++compared;
  }
  EXPECT_GE(compared, 35u);
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

const Knowledge& BuiltinKnowledge() {
  static const Knowledge knowledge = *LoadKnowledge({});
  return knowledge;
}

// Every class an Exodus signature names is owned by a built-in KB entry that
// carries that tracker's id: for each alternative of each code_signature, a
// class it matches ("com.adjust.sdk." -> com/adjust/sdk/X; ".sizmek." ->
// com/example/sizmek/X) is matched and owned. With the longest-prefix rule,
// a nested entry takes its classes; it must then carry the id too. Where the
// KB is deliberately narrower (Exodus' 'com.bytedance' for Pangle), the
// entry's code.exodus_note quotes the alternative and says why.
TEST_F(Corpus, BuiltinKbOwnsTheClassesOfEveryExodusSignature) {
  const fs::path db = fs::path(vigie::testing::CorpusDir()) / "signatures" / "exodus_trackers.json";
  if (!fs::exists(db)) GTEST_SKIP() << "no Exodus database at " << db;
  const sig::SdkMatcher& kb = *BuiltinKnowledge().signatures;
  sig::MatchSession session(kb);
  std::map<int, std::string> notes;  // Exodus id -> the code notes of the entries carrying it.
  const Json entries = Json::parse(std::ifstream("data/sdk_kb.json"))["sdks"];
  for (const auto& e : entries)
    for (const auto& id : e["exodus_ids"]) notes[id.get<int>()] += e["code"].value("exodus_note", "") + "\n";
  size_t checked = 0, explained = 0;
  const Json trackers = Json::parse(std::ifstream(db))["trackers"];
  for (const auto& [key, t] : trackers.items()) {
    const int id = t["id"].get<int>();
    const std::string signature = t["code_signature"].get<std::string>();
    if (signature.size() <= 3) continue;  // Exodus ignores these too.
    std::istringstream alternatives(signature);
    for (std::string cls; std::getline(alternatives, cls, '|');) {
      if (cls.empty()) continue;
      if (notes[id].find("'" + cls + "'") != std::string::npos) {
        ++explained;
        continue;
      }
      if (cls.front() == '.') cls = "com.example" + cls;
      if (cls.back() == '.') cls += "X";
      std::replace(cls.begin(), cls.end(), '.', '/');
      bool owned = false;
      session.MatchDefinedClass("L" + cls + ";", [&](uint32_t sdk) {
        const auto& ids = kb.db().sdks[sdk].exodus_ids;
        owned |= std::find(ids.begin(), ids.end(), id) != ids.end();
      });
      EXPECT_TRUE(owned) << "Exodus " << id << " (" << t["name"].get<std::string>() << "): " << cls
                         << " is not owned by an entry carrying its id";
      ++checked;
    }
  }
  EXPECT_GT(checked, 500u);
  EXPECT_LT(explained, 20u) << "narrowing is the exception (" << explained << " of " << checked << ")";
}

// With the built-in KB alone, the exodus_ids of the SDKs found cover every
// tracker Exodus finds, on every real app and SDK binary of the corpus; and
// tracker-free real apps get no SDK at all, and no third-party finding.
TEST_F(Corpus, BuiltinKbCoversExodusAndStaysQuietOnCleanApps) {
  ScanOptions options;
  options.knowledge = BuiltinKnowledge();
  size_t binaries = 0;
  for (const auto& c : Cases({"apk", "aab", "jar", "sdk/android"})) {
    if (fs::path(c.file).stem().string().rfind("edge_", 0) == 0) continue;  // Parsing cases, not SDKs.
    SCOPED_TRACE(c.file);
    Json e = Json::parse(std::ifstream(c.expected));
    std::set<int> want;
    for (const char* key : {"exodus_tracker_ids", "tracker_ids"})
      if (e.contains(key))
        for (const auto& id : e[key]) want.insert(id.get<int>());
    ScanResult r = ScanFile(c.file, options);
    std::set<int> got;
    for (const auto& s : r.sdks) got.insert(s.exodus_ids.begin(), s.exodus_ids.end());
    for (int id : want) EXPECT_TRUE(got.count(id)) << "Exodus tracker " << id << " not covered";
    if (want.empty()) {
      for (const auto& s : r.sdks) ADD_FAILURE() << "no SDK on a tracker-free app, but " << s.name << ": " << s.basis;
      // No third-party alarm on a tracker-free app: only findings about the
      // app itself (its manifest, the secrets in its strings) may fire.
      static const std::set<std::string> own = {"debuggable", "cleartext-traffic-allowed", "backup-allowed",
                                                "hardcoded-secret", "open-backend-hint", "service-config"};
      for (const auto& f : r.findings)
        if (!own.count(f.id)) ADD_FAILURE() << f.id << ": " << f.title;
    }
    if (c.file.find("/sdk/android/") != std::string::npos) {
      EXPECT_FALSE(r.sdks.empty()) << "an SDK binary must be recognised";
      ++binaries;
    }
  }
  EXPECT_EQ(binaries, 11u);
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// A scan given several threads reads an input's DEX files on all of them
// and merges them in entry order: its report is the one of a scan on one
// thread. Built-in KB and Exodus' database together, on every app,
// multidex ones included; ScanFile and ScanBytes (the fuzzers' entry) too.
TEST_F(Corpus, ThreadsGiveTheSameReport) {
  KnowledgeSpec spec;
  spec.signatures.emplace_back("exodus", ExodusDb());
  auto knowledge = LoadKnowledge(spec);
  ASSERT_TRUE(knowledge.ok()) << knowledge.error().message;
  ScanOptions one, two;
  one.knowledge = two.knowledge = *knowledge;
  one.deep = two.deep = true;
  two.threads = 2;
  size_t multidex = 0;
  for (const auto& c : Cases({"apk", "aab"})) {
    SCOPED_TRACE(c.file);
    ScanResult a = ScanFile(c.file, one);
    ScanResult b = ScanFile(c.file, two);
    EXPECT_EQ(a.file.sha256.size(), 64u);
    EXPECT_EQ(report::ToJson(a, report::JsonStyle::kPretty), report::ToJson(b, report::JsonStyle::kPretty));
    auto f = MappedFile::Open(c.file);
    ASSERT_TRUE(f.ok());
    ScanResult bytes = ScanBytes(f->view(), c.file, two);
    bytes.file.sha256 = a.file.sha256;
    EXPECT_EQ(report::ToJson(a, report::JsonStyle::kPretty), report::ToJson(bytes, report::JsonStyle::kPretty));
    if (a.code.dex.size() > 1) ++multidex;
  }
  EXPECT_GE(multidex, 5u) << "the corpus must exercise several DEX files per app";
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// The instruction walk that data access rests on (dex::ForEachInstruction),
// against Debian's dexdump -d: over every method of every code DEX of the
// corpus APKs, the invokes (35c/3rc) and static field reads (sget*) and the
// ids they name must be exactly those dexdump disassembles. One wrong
// instruction size or payload length would put the walk out of step and
// show up here.
TEST_F(Corpus, InstructionWalkAgreesWithDexdump) {
  const std::regex line(R"(\|[0-9a-f]{4}: (invoke-(?:virtual|super|direct|static|interface)(?:/range)?|sget(?:-[a-z]+)?) .*// (?:method|field)@([0-9a-f]+))");
  size_t dexes = 0;
  for (const auto& c : Cases({"apk"})) {
    auto f = MappedFile::Open(c.file);
    ASSERT_TRUE(f.ok());
    Diagnostics d;
    auto a = zip::Archive::Open(f->view(), "z", d);
    if (!a) continue;
    zip::Extractor x;
    for (const auto& entry : a->entries()) {
      std::string name(entry.name);
      if (!std::regex_match(name, std::regex(R"(classes\d*\.dex)"))) continue;
      SCOPED_TRACE(c.file + "!" + name);
      ByteBuffer storage;
      auto bytes = x.Extract(*a, entry, storage, d);
      if (!bytes) continue;
      auto opened = dex::DexFile::Open(*bytes, name, d);
      if (!opened) continue;
      // Ours: "opcode-group index" for every invoke and sget, as a sorted list.
      std::vector<std::string> ours;
      for (uint32_t i = 0; i < opened->class_count(); ++i) {
        opened->ForEachMethod(opened->class_def(i), [&](const dex::EncodedMethod& m) {
          auto code = opened->Code(m.code_off);
          if (!code) return;
          dex::ForEachInstruction(code->insns, [&](const dex::Instruction& in) {
            const bool invoke = dex::HasFlag(in.opcode, dex::kInvoke);
            const bool sget = dex::HasFlag(in.opcode, dex::kStaticGet);
            if (invoke || sget) ours.push_back((invoke ? "i " : "s ") + std::to_string(in.Index16()));
          });
        });
      }
      // dexdump's, from its disassembly of the same bytes.
      char path[] = "/tmp/vigie_dexdump_XXXXXX";
      int fd = mkstemp(path);
      ASSERT_GE(fd, 0);
      ASSERT_EQ(write(fd, bytes->data(), bytes->size()), static_cast<ssize_t>(bytes->size()));
      close(fd);
      std::vector<std::string> theirs;
      {
        std::unique_ptr<FILE, int (*)(FILE*)> p(popen((std::string("dexdump -d ") + path + " 2>/dev/null").c_str(), "r"),
                                                pclose);
        char buf[8192];
        std::cmatch m;
        while (p && fgets(buf, sizeof buf, p.get()))
          if (std::strstr(buf, "// method@") || std::strstr(buf, "// field@"))
            if (std::regex_search(buf, m, line))
              theirs.push_back((m[1].str()[0] == 'i' ? "i " : "s ") + std::to_string(std::stoul(m[2].str(), nullptr, 16)));
      }
      unlink(path);
      std::sort(ours.begin(), ours.end());
      std::sort(theirs.begin(), theirs.end());
      EXPECT_EQ(ours.size(), theirs.size());
      EXPECT_TRUE(ours == theirs);
      ++dexes;
    }
  }
  EXPECT_GE(dexes, 40u);
}

}  // namespace
}  // namespace vigie
