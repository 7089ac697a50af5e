// The corpus store, on SQLite and on a real PostgreSQL server. The same
// tests run against both: ctest runs this binary once as is (SQLite files
// in a temporary folder) and once with VIGIE_TEST_POSTGRES naming the
// file where tests/support/postgres.sh wrote its server's URL (label
// postgres); each test then gets a database of its own on that server.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "test_support.h"
#include "vigie/base/mapped_file.h"
#include "vigie/corpus/corpus.h"
#include "vigie/features/app_features.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/store/store.h"

namespace vigie {
namespace {

using store::PutOutcome;
using store::Stored;
using store::Store;
using store::StoreUrl;

// A database for one test: an SQLite file, or a database created on the
// test server and dropped afterwards.
class TestDb {
 public:
  TestDb() {
    static std::atomic<int> counter{0};
    const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (const char* file = std::getenv("VIGIE_TEST_POSTGRES")) {
      std::ifstream in(file);
      std::string url;
      std::getline(in, url);
      if (url.rfind("postgresql:", 0) != 0) throw std::runtime_error(std::string("no server URL in ") + file);
      server_ = url.substr(11);
      AdminExec("CREATE DATABASE " + name);
      name_ = name;
      url_ = "postgresql:" + server_ + " dbname=" + name;
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("vigie-store-" + name);
      std::filesystem::create_directories(dir_);
      url_ = (dir_ / "corpus.sqlite").string();
    }
  }
  ~TestDb() {
    if (!name_.empty()) AdminExec("DROP DATABASE " + name_ + " WITH (FORCE)");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  bool postgres() const { return !server_.empty(); }
  const std::string& url() const { return url_; }

  std::unique_ptr<Store> Open() const {
    auto s = Store::Open(StoreUrl::Parse(url_));
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(*s);
  }

  // Runs `sql` on the database itself, behind the store's back.
  void Exec(const std::string& sql) const {
    if (postgres()) return Run(server_ + " dbname=" + name_, sql);
    sqlite3* db = nullptr;
    sqlite3_open(url_.c_str(), &db);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error(message);
  }

 private:
  void AdminExec(const std::string& sql) const { Run(server_ + " dbname=postgres", sql); }
  static void Run(const std::string& conninfo, const std::string& sql) {
    PGconn* c = PQconnectdb((conninfo + " gssencmode=disable").c_str());
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    const std::string message = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error(sql + ": " + message);
  }

  std::string server_, name_, url_;
  std::filesystem::path dir_;
};

const Knowledge& BuiltinKnowledge() {
  static const Knowledge k = [] {
    auto loaded = LoadKnowledge({});
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return std::move(*loaded);
  }();
  return k;
}

ScanResult ScanFixture(const std::string& name) {
  ScanOptions options;
  options.knowledge = BuiltinKnowledge();
  return ScanFile(testing::Fixture(name), options);
}

store::ScanProvenance Provenance() { return {store::UtcTimestamp(), 0.01, "test", KnowledgeVersion({})}; }

int64_t Count(Store& s, const std::string& sql, const std::vector<std::string>& params = {}) {
  auto t = s.Query(sql, params);
  if (!t) throw std::runtime_error(t.error().message);
  return std::stoll(t->rows.at(0).at(0).value());
}

std::vector<std::string> Column(const store::Table& t, const std::string& name) {
  const auto it = std::find(t.columns.begin(), t.columns.end(), name);
  if (it == t.columns.end()) throw std::runtime_error("no column " + name);
  std::vector<std::string> out;
  for (const auto& row : t.rows) out.push_back(row[it - t.columns.begin()].value_or("NULL"));
  return out;
}

// The three fixture apps the questions are asked about: an X-Mode prayer
// app, an app with Pushwoosh, and one with both and AppsFlyer.
std::vector<ScanResult> FixtureApps() {
  std::vector<ScanResult> apps;
  for (const char* name : {"prayerapp.apk", "pushapp.apk", "sdkapp.apk"}) {
    if (!std::filesystem::exists(testing::Fixture(name)))
      throw std::runtime_error("fixture " + testing::Fixture(name) + " missing: run ctest (it builds them)");
    apps.push_back(ScanFixture(name));
  }
  return apps;
}

TEST(Store, EveryPartOfAScanIsStored) {
  const std::vector<ScanResult> apps = FixtureApps();
  TestDb db;
  auto s = db.Open();
  EXPECT_EQ(s->backend(), db.postgres() ? "postgresql" : "sqlite");
  EXPECT_EQ(s->schema_version(), store::CurrentSchemaVersion());
  size_t sdks = 0, permissions = 0, components = 0, findings = 0, recipients = 0, countries = 0, access = 0,
         endpoints = 0, diagnostics = 0;
  for (const ScanResult& r : apps) {
    ASSERT_EQ(*s->Put(r, Provenance(), false), PutOutcome::kStored);
    sdks += r.sdks.size();
    permissions += r.manifest.permissions.size();
    components += r.manifest.components.size();
    findings += r.findings.size();
    recipients += r.recipients.size();
    for (const auto& rec : r.recipients) countries += rec.countries.size();
    for (const auto& f : r.sdks) access += f.data_access.size();
    endpoints += r.endpoints.size();
    diagnostics += r.diagnostics.items().size();
  }
  ASSERT_GT(sdks, 3u);
  ASSERT_GT(findings, 0u);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps"), 3);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks"), static_cast<int64_t>(sdks));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM permissions"), static_cast<int64_t>(permissions));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM components"), static_cast<int64_t>(components));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM findings"), static_cast<int64_t>(findings));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM recipients"), static_cast<int64_t>(recipients));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM recipient_countries"), static_cast<int64_t>(countries));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM data_access"), static_cast<int64_t>(access));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM endpoints"), static_cast<int64_t>(endpoints));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM diagnostics"), static_cast<int64_t>(diagnostics));

  // One SDK row read back whole, against the model it came from.
  const ScanResult& sdkapp = apps[2];
  const auto xmode = std::find_if(sdkapp.sdks.begin(), sdkapp.sdks.end(),
                                  [](const SdkFinding& f) { return f.id == "vigie:xmode"; });
  ASSERT_NE(xmode, sdkapp.sdks.end());
  auto row = s->Query(
      "SELECT s.name, s.vendor_id, s.confidence, s.classes, s.strings, s.basis, a.package, a.kb_version "
      "FROM sdks s JOIN apps a ON a.id = s.app_id WHERE a.sha256 = ? AND s.sdk_id = 'vigie:xmode'",
      {sdkapp.file.sha256});
  ASSERT_TRUE(row) << row.error().message;
  ASSERT_EQ(row->rows.size(), 1u);
  EXPECT_EQ(row->rows[0][0], xmode->name);
  EXPECT_EQ(row->rows[0][1], xmode->vendor);
  EXPECT_EQ(row->rows[0][2], std::string(ConfidenceName(xmode->confidence)));
  EXPECT_EQ(row->rows[0][3], std::to_string(xmode->classes.count));
  EXPECT_EQ(row->rows[0][4], std::to_string(xmode->strings.count));
  EXPECT_EQ(row->rows[0][5], xmode->basis);
  EXPECT_EQ(row->rows[0][6], sdkapp.manifest.identity.package);
  EXPECT_EQ(row->rows[0][7], KnowledgeVersion({}));
  // Its evidence: the example classes, as the report shows them.
  auto examples = s->Query(
      "SELECT e.example FROM sdk_evidence e JOIN apps a ON a.id = e.app_id "
      "WHERE a.sha256 = ? AND e.sdk_id = 'vigie:xmode' AND e.kind = 'class'",
      {sdkapp.file.sha256});
  ASSERT_TRUE(examples);
  std::vector<std::string> stored = Column(*examples, examples->columns[0]);
  std::sort(stored.begin(), stored.end());
  std::vector<std::string> expected = xmode->classes.examples;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(stored, expected);
}

TEST(Store, AnAppIsStoredOnceBySha256AndReplacedOnRescan) {
  const ScanResult app = ScanFixture("sdkapp.apk");
  TestDb db;
  auto s = db.Open();
  ASSERT_EQ(*s->Put(app, Provenance(), false), PutOutcome::kStored);
  const int64_t sdks = Count(*s, "SELECT COUNT(*) FROM sdks");
  EXPECT_EQ(*s->Put(app, Provenance(), false), PutOutcome::kAlreadyStored);
  EXPECT_EQ(*s->Put(app, Provenance(), true), PutOutcome::kReplaced);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps"), 1);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks"), sdks);  // Replaced, not added to.
  EXPECT_EQ(*s->Lookup(app.file.sha256, features::kFormat), Stored::kResults);
  EXPECT_EQ(*s->Lookup(std::string(64, 'f'), features::kFormat), Stored::kAbsent);
  // Features count only in the format asked about; a failed app has none
  // to add.
  ASSERT_EQ(*s->Put(app, Provenance(), true, {features::kFormat, "features"}), PutOutcome::kReplaced);
  EXPECT_EQ(*s->Lookup(app.file.sha256, features::kFormat), Stored::kWithFeatures);
  EXPECT_EQ(*s->Lookup(app.file.sha256, features::kFormat + 1), Stored::kResults);
  ScanResult failed = app;
  failed.file.sha256 = std::string(64, 'e');
  failed.status = ScanStatus::kFailed;
  ASSERT_EQ(*s->Put(failed, Provenance(), false), PutOutcome::kStored);
  EXPECT_EQ(*s->Lookup(failed.file.sha256, features::kFormat), Stored::kWithFeatures);

  ScanResult unhashed = app;
  unhashed.file.sha256.clear();
  EXPECT_FALSE(s->Put(unhashed, Provenance(), false));
}

// A group's apps share one commit: none is seen from another connection
// before it, each whole; an app the database refuses leaves the others.
TEST(Store, AGroupCommitsItsAppsTogetherEachWhole) {
  TestDb db;
  auto writer = db.Open(), reader = db.Open();
  db.Exec(db.postgres() ? "ALTER TABLE sdks ADD CONSTRAINT no_pushwoosh CHECK (sdk_id <> 'vigie:pushwoosh')"
                        : "CREATE TRIGGER no_pushwoosh BEFORE INSERT ON sdks WHEN NEW.sdk_id = 'vigie:pushwoosh' "
                          "BEGIN SELECT RAISE(ABORT, 'no Pushwoosh here'); END");
  ASSERT_FALSE(writer->BeginGroup());
  EXPECT_EQ(*writer->Put(ScanFixture("prayerapp.apk"), Provenance(), false), PutOutcome::kStored);
  EXPECT_FALSE(writer->Put(ScanFixture("pushapp.apk"), Provenance(), false)) << "refused: it carries Pushwoosh";
  EXPECT_EQ(*writer->Put(ScanFixture("basic.apk"), Provenance(), false), PutOutcome::kStored);
  EXPECT_EQ(Count(*reader, "SELECT COUNT(*) FROM apps"), 0) << "nothing is seen before the commit";
  ASSERT_FALSE(writer->CommitGroup());
  EXPECT_EQ(Count(*reader, "SELECT COUNT(*) FROM apps"), 2);
  EXPECT_EQ(Count(*reader, "SELECT COUNT(*) FROM apps a JOIN sdks s ON s.app_id = a.id WHERE a.path LIKE "
                           "'%prayerapp.apk'"),
            static_cast<int64_t>(ScanFixture("prayerapp.apk").sdks.size()));
  EXPECT_EQ(Count(*reader, "SELECT COUNT(*) FROM apps WHERE path LIKE '%pushapp.apk'"), 0);
  EXPECT_FALSE(writer->CommitGroup()) << "no group open: nothing to do";
}

// When the database ends a group's whole transaction (here a trigger's
// RAISE(ROLLBACK), as a full disk would), its apps are gone, and the store
// says so on every later call rather than storing on as if they were not.
TEST(Store, AGroupWhoseTransactionIsLostFailsFromThenOn) {
  TestDb db;
  if (db.postgres()) GTEST_SKIP() << "PostgreSQL keeps a transaction through a failed statement under a savepoint";
  auto writer = db.Open(), reader = db.Open();
  db.Exec("CREATE TRIGGER lose_all BEFORE INSERT ON sdks WHEN NEW.sdk_id = 'vigie:pushwoosh' "
          "BEGIN SELECT RAISE(ROLLBACK, 'the transaction ends here'); END");
  ASSERT_FALSE(writer->BeginGroup());
  EXPECT_EQ(*writer->Put(ScanFixture("prayerapp.apk"), Provenance(), false), PutOutcome::kStored);
  auto lost = writer->Put(ScanFixture("pushapp.apk"), Provenance(), false);
  ASSERT_FALSE(lost);
  EXPECT_NE(lost.error().message.find("was lost"), std::string::npos) << lost.error().message;
  EXPECT_FALSE(writer->Put(ScanFixture("basic.apk"), Provenance(), false));
  EXPECT_TRUE(writer->CommitGroup());
  EXPECT_EQ(Count(*reader, "SELECT COUNT(*) FROM apps"), 0);
}

// Hostile apps put any bytes in names and labels: invalid UTF-8, encoded
// surrogates, NUL. Both backends store them alike, each bad byte as
// U+FFFD, and the app is stored rather than failing the run.
TEST(Store, BytesThatAreNoTextAreStoredAsReplacementCharacters) {
  ScanResult app = ScanFixture("pushapp.apk");
  app.manifest.identity.label = std::string("caf\xC3\xA9 \xFF\xED\xA0\x80x\0y", 13);
  app.manifest.permissions.push_back({std::string("android.permission.\xC0\xAF", 21), std::nullopt, false, {}});
  app.diagnostics.Add(Level::kWarning, ErrorCode::kZipInvalidName, std::string("a\0b.dex", 7), "name with NUL");
  TestDb db;
  auto s = db.Open();
  ASSERT_EQ(*s->Put(app, Provenance(), false), PutOutcome::kStored);
  auto label = s->Query("SELECT label FROM apps");
  ASSERT_TRUE(label) << label.error().message;
  EXPECT_EQ(label->rows[0][0], "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBDy");
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM permissions WHERE name = ?",
                  {"android.permission.\xEF\xBF\xBD\xEF\xBF\xBD"}),
            1);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM diagnostics WHERE location = ?", {"a\xEF\xBF\xBD" "b.dex"}), 1);
}

TEST(Store, FailedAppsAreStoredWithTheirDiagnostics) {
  REQUIRE_FIXTURE(testing::Fixture("notzip.apk"));
  const ScanResult failed = ScanFixture("notzip.apk");
  ASSERT_EQ(failed.status, ScanStatus::kFailed);
  TestDb db;
  auto s = db.Open();
  ASSERT_EQ(*s->Put(failed, Provenance(), false), PutOutcome::kStored);
  auto answer = corpus::Ask(*s, "failures", {});
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->rows.size(), 1u);
  EXPECT_EQ(Column(*answer, "status")[0], "failed");
  EXPECT_EQ(Column(*answer, "code")[0], "input.unknown_format");
  EXPECT_EQ(Column(*answer, "path")[0], failed.file.path);
}

TEST(Store, NamedQuestionsAnswerFromTheStoredApps) {
  const std::vector<ScanResult> apps = FixtureApps();
  TestDb db;
  auto s = db.Open();
  for (const ScanResult& r : apps) ASSERT_TRUE(s->Put(r, Provenance(), false));
  const std::string prayer = apps[0].file.path, push = apps[1].file.path, both = apps[2].file.path;
  auto paths = [&](const char* question, std::vector<std::string> args) {
    auto t = corpus::Ask(*s, question, args);
    if (!t) throw std::runtime_error(t.error().message);
    std::vector<std::string> p = Column(*t, "path");
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
    return p;
  };
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(paths("sdk", {"vigie:xmode"}), sorted({prayer, both}));
  EXPECT_EQ(paths("sdk", {"xmode"}), sorted({prayer, both}));  // The KB's id without its prefix.
  EXPECT_EQ(paths("sdk", {"pushwoosh"}), sorted({push, both}));
  EXPECT_EQ(paths("broker-location", {}), sorted({prayer, both}));
  EXPECT_EQ(paths("vendor-country", {"ru"}), sorted({push, both}));  // Pushwoosh's ties, in either case.
  EXPECT_EQ(paths("vendor-country", {"IL"}), std::vector<std::string>{both});  // AppsFlyer's.
  EXPECT_EQ(paths("finding", {"location-to-data-broker"}), sorted({prayer, both}));
  EXPECT_TRUE(paths("sdk", {"no-such-sdk"}).empty());

  auto top = corpus::Ask(*s, "top-sdks", {"2"});
  ASSERT_TRUE(top);
  EXPECT_EQ(Column(*top, "sdk_id"), (std::vector<std::string>{"vigie:pushwoosh", "vigie:xmode"}));
  EXPECT_EQ(Column(*top, "apps"), (std::vector<std::string>{"2", "2"}));
  auto summary = corpus::Ask(*s, "summary", {});
  ASSERT_TRUE(summary);
  EXPECT_EQ(Column(*summary, "apps"), std::vector<std::string>{"3"});

  // Wrong use is an error with a message, not an answer.
  EXPECT_FALSE(corpus::Ask(*s, "sdk", {}));
  EXPECT_FALSE(corpus::Ask(*s, "no-such-question", {}));
  EXPECT_FALSE(corpus::Ask(*s, "top-sdks", {"1; DROP TABLE apps"}));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps"), 3);
}

// Three stored versions of one package: X-Mode enters in the second, the
// analytics SDK leaves in the third.
TEST(Store, HistoryTellsWhenAnSdkEnteredAndLeft) {
  TestDb db;
  auto s = db.Open();
  // A version without a version code comes last, on either backend.
  auto version = [&](std::optional<int64_t> code, std::vector<std::string> sdk_ids) {
    ScanResult r;
    const std::string n = code ? std::to_string(*code) : "x";
    r.file.path = "prayer-" + n + ".apk";
    r.file.sha256 = std::string(63, '0') + n;
    r.manifest.present = true;
    r.manifest.identity.package = "com.example.prayer";
    r.manifest.identity.version_code = code;
    r.manifest.identity.version_name = "1." + n;
    for (const auto& id : sdk_ids) {
      SdkFinding f;
      f.id = id;
      f.name = id.substr(6);
      r.sdks.push_back(f);
    }
    ASSERT_EQ(*s->Put(r, Provenance(), false), PutOutcome::kStored);
  };
  version(std::nullopt, {"vigie:xmode", "vigie:adjust"});
  version(3, {"vigie:xmode"});  // Stored out of order: history sorts by version.
  version(1, {"vigie:firebase_analytics"});
  version(2, {"vigie:firebase_analytics", "vigie:xmode"});
  version(4, {"vigie:xmode"});
  auto h = corpus::Ask(*s, "history", {"com.example.prayer"});
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(Column(*h, "version_code"), (std::vector<std::string>{"1", "2", "3", "4", "NULL"}));
  EXPECT_EQ(Column(*h, "change"), (std::vector<std::string>{"present", "added", "removed", "unchanged", "added"}));
  EXPECT_EQ(Column(*h, "sdk_id"), (std::vector<std::string>{"vigie:firebase_analytics", "vigie:xmode",
                                                            "vigie:firebase_analytics", "NULL", "vigie:adjust"}));
  auto none = corpus::Ask(*s, "history", {"com.example.absent"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->rows.empty());
}

TEST(Store, RawSqlIsReadOnly) {
  TestDb db;
  auto s = db.Open();
  ASSERT_TRUE(s->Put(ScanFixture("pushapp.apk"), Provenance(), false));
  auto select = s->Query("SELECT package, status FROM apps");
  ASSERT_TRUE(select) << select.error().message;
  EXPECT_EQ(select->rows.size(), 1u);
  std::vector<std::string> writes = {"DELETE FROM apps", "UPDATE apps SET status = 'x'",
                                     "INSERT INTO schema_migrations VALUES (99, 'x', 'x')", "DROP TABLE sdks",
                                     "CREATE TABLE evil (x INTEGER)"};
  if (!db.postgres()) {
    writes.push_back("ATTACH DATABASE '/tmp/vigie-store-evil.sqlite' AS evil");
    writes.push_back("PRAGMA journal_mode = DELETE");
  }
  for (const auto& sql : writes) {
    auto r = s->Query(sql);
    EXPECT_FALSE(r) << sql;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kStore) << sql;
    }
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/vigie-store-evil.sqlite"));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps"), 1);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks WHERE sdk_id = ?", {"vigie:pushwoosh"}), 1);
  // And the store still writes afterwards.
  EXPECT_EQ(*s->Put(ScanFixture("prayerapp.apk"), Provenance(), false), PutOutcome::kStored);
}

TEST(Store, SchemaIsMigratedOnceAndANewerOneRefused) {
  TestDb db;
  { auto s = db.Open(); }
  auto again = db.Open();  // Opening a current database changes nothing.
  EXPECT_EQ(Count(*again, "SELECT COUNT(*) FROM schema_migrations"), store::CurrentSchemaVersion());
  again.reset();
  db.Exec("INSERT INTO schema_migrations (version, description, applied_at) VALUES (" +
          std::to_string(store::CurrentSchemaVersion() + 1) + ", 'from the future', 'now')");
  auto newer = Store::Open(StoreUrl::Parse(db.url()));
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, ErrorCode::kStoreSchema);
}

// Writers on connections of their own store the same apps at the same
// time; each app ends up stored once, whole.
TEST(Store, ConcurrentWritersStoreEachAppOnce) {
  const std::vector<ScanResult> apps = FixtureApps();
  TestDb db;
  { auto create = db.Open(); }
  std::atomic<int> stored{0}, already{0}, errors{0};
  {
    std::vector<std::jthread> writers;
    for (int w = 0; w < 4; ++w)
      writers.emplace_back([&, w] {
        auto s = Store::Open(StoreUrl::Parse(db.url()));
        if (!s) return void(++errors);
        for (size_t i = 0; i < apps.size(); ++i) {
          auto r = (*s)->Put(apps[(i + w) % apps.size()], Provenance(), false);
          if (!r) ++errors;
          else if (*r == PutOutcome::kStored) ++stored;
          else ++already;
        }
      });
  }
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(stored, 3);
  EXPECT_EQ(already, 9);
  auto s = db.Open();
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps"), 3);
  size_t sdks = 0;
  for (const auto& a : apps) sdks += a.sdks.size();
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks"), static_cast<int64_t>(sdks));
}

TEST(StoreUrl, TellsTheBackendAndHidesPasswords) {
  EXPECT_EQ(StoreUrl::Parse("corpus.sqlite").backend, StoreUrl::Backend::kSqlite);
  EXPECT_EQ(StoreUrl::Parse("sqlite:/data/c.db").target, "/data/c.db");
  const StoreUrl uri = StoreUrl::Parse("postgresql://vigie:s3cret@db.example/corpus");
  EXPECT_EQ(uri.backend, StoreUrl::Backend::kPostgres);
  EXPECT_EQ(uri.target, "postgresql://vigie:s3cret@db.example/corpus");
  EXPECT_EQ(uri.Display(), "postgresql://vigie:***@db.example/corpus");
  const StoreUrl kv = StoreUrl::Parse("postgresql:host=/tmp/pg user=vigie password=s3cret dbname=c");
  EXPECT_EQ(kv.target, "host=/tmp/pg user=vigie password=s3cret dbname=c");
  EXPECT_EQ(kv.Display(), "postgresql:host=/tmp/pg user=vigie password=*** dbname=c");
  EXPECT_EQ(StoreUrl::Parse("postgres://h/db").backend, StoreUrl::Backend::kPostgres);
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// Counts what a query streams, without holding it.
struct CountingSink final : store::RowSink {
  void Columns(const std::vector<std::string>& names) override { columns = names; }
  void Add(store::Row row) override {
    ++rows;
    last = std::move(row);
  }
  std::vector<std::string> columns;
  size_t rows = 0;
  store::Row last;
};

TEST(Store, AnswersStreamRowByRow) {
  TestDb db;
  auto s = db.Open();
  for (const char* name : {"prayerapp.apk", "pushapp.apk", "sdkapp.apk"})
    ASSERT_TRUE(s->Put(ScanFixture(name), Provenance(), false));
  CountingSink sink;
  ASSERT_FALSE(s->QueryEach("SELECT s.sdk_id, a.package FROM sdks s JOIN apps a ON a.id = s.app_id ORDER BY 1, 2", {},
                            sink));
  EXPECT_EQ(sink.columns, (std::vector<std::string>{"sdk_id", "package"}));
  EXPECT_EQ(sink.rows, static_cast<size_t>(Count(*s, "SELECT COUNT(*) FROM sdks")));
  EXPECT_EQ(sink.last[0], "vigie:xmode");
  CountingSink refused;
  auto e = s->QueryEach("DELETE FROM sdks", {}, refused);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, ErrorCode::kStore);
  EXPECT_EQ(refused.rows, 0u);
}

TEST(TableWriter, WritesEachFormatAsRowsCome) {
  store::Table t;
  t.columns = {"name", "note"};
  t.rows = {{std::string("a,b"), std::nullopt}, {std::string("say \"hi\"\n"), std::string("x")}};
  EXPECT_EQ(corpus::FormatTable(t, corpus::TableFormat::kCsv),
            "name,note\r\n\"a,b\",\r\n\"say \"\"hi\"\"\n\",x\r\n");
  EXPECT_EQ(corpus::FormatTable(t, corpus::TableFormat::kJsonl),
            "{\"name\":\"a,b\",\"note\":null}\n{\"name\":\"say \\\"hi\\\"\\n\",\"note\":\"x\"}\n");
  // The text table: control characters shown as '?', columns aligned.
  EXPECT_EQ(corpus::FormatTable(t, corpus::TableFormat::kTable),
            "name       note\n---------  ----\na,b\nsay \"hi\"?  x\n(2 rows)\n");

  // Past the rows it aligns on, the table keeps their widths and goes on.
  std::string out;
  size_t writes = 0;
  corpus::TableWriter w(corpus::TableFormat::kTable, [&](std::string_view s) {
    out.append(s);
    ++writes;
  });
  w.Columns({"n"});
  for (size_t i = 0; i < corpus::TableWriter::kAlignedRows + 500; ++i) {
    w.Add({std::to_string(i)});
    if (i == corpus::TableWriter::kAlignedRows + 10) {
      EXPECT_GT(writes, corpus::TableWriter::kAlignedRows);  // Written before the answer ends.
    }
  }
  w.Finish();
  EXPECT_NE(out.find("\n1499\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("(1500 rows)\n"));
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

corpus::ScanCorpusOptions CorpusOptions(bool features = false) {
  corpus::ScanCorpusOptions o;
  o.scan.knowledge = BuiltinKnowledge();
  o.kb_version = KnowledgeVersion({});
  o.jobs = 2;
  o.features = features;
  return o;
}

// The database refuses one app's rows (a constraint added behind the
// store's back): that app is stored bare, as failed with why, and the
// run goes on. When it refuses every app, the run stops with its error.
TEST(ScanCorpus, AnAppTheDatabaseRefusesIsStoredBareAndTheRunGoesOn) {
  const std::vector<std::string> files = {testing::Fixture("prayerapp.apk"), testing::Fixture("pushapp.apk"),
                                          testing::Fixture("sdkapp.apk")};
  TestDb db;
  auto s = db.Open();
  db.Exec(db.postgres() ? "ALTER TABLE sdks ADD CONSTRAINT no_pushwoosh CHECK (sdk_id <> 'vigie:pushwoosh')"
                        : "CREATE TRIGGER no_pushwoosh BEFORE INSERT ON sdks WHEN NEW.sdk_id = 'vigie:pushwoosh' "
                          "BEGIN SELECT RAISE(ABORT, 'no Pushwoosh here'); END");
  std::vector<std::string> problems;
  auto done = corpus::ScanCorpus(files, CorpusOptions(), {s.get()}, [](const corpus::CorpusProgress&) {},
                                 [&](const std::string& p) { problems.push_back(p); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->stored, 3u);
  EXPECT_EQ(done->failed, 2u);  // pushapp and sdkapp carry Pushwoosh.
  auto failures = corpus::Ask(*s, "failures", {});
  ASSERT_TRUE(failures);
  ASSERT_EQ(failures->rows.size(), 2u);
  for (const auto& code : Column(*failures, "code")) EXPECT_EQ(code, "store.failed");
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks WHERE sdk_id = 'vigie:xmode'"), 1);  // prayerapp, whole.

  TestDb full;
  auto f = full.Open();
  full.Exec(full.postgres() ? "ALTER TABLE apps ADD CONSTRAINT refuse_all CHECK (sha256 = '')"
                            : "CREATE TRIGGER refuse_all BEFORE INSERT ON apps BEGIN SELECT RAISE(ABORT, 'full'); END");
  auto stopped = corpus::ScanCorpus(files, CorpusOptions(), {f.get()}, [](const corpus::CorpusProgress&) {},
                                    [](const std::string&) {});
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::kStore);
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// Workers on connections of their own (as PostgreSQL runs): each app
// stored once, a copy of one under another name skipped.
TEST(ScanCorpus, WorkersOnTheirOwnConnectionsStoreEachAppOnce) {
  const std::vector<std::string> files = {testing::Fixture("prayerapp.apk"), testing::Fixture("pushapp.apk"),
                                          testing::Fixture("sdkapp.apk"), testing::Fixture("basic.apk"),
                                          testing::Fixture("notzip.apk")};
  TestDb db;
  auto a = db.Open(), b = db.Open();
  auto done = corpus::ScanCorpus(files, CorpusOptions(), {a.get(), b.get()}, [](const corpus::CorpusProgress&) {},
                                 [](const std::string&) {});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->total, 5u);
  EXPECT_EQ(done->stored, 5u);
  EXPECT_EQ(done->failed, 1u);  // notzip.apk, stored as failed.
  EXPECT_EQ(Count(*a, "SELECT COUNT(DISTINCT sha256) FROM apps"), 5);
  // Again: everything is stored already.
  auto again = corpus::ScanCorpus(files, CorpusOptions(), {b.get(), a.get()}, [](const corpus::CorpusProgress&) {},
                                  [](const std::string&) {});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->skipped, 5u);
  EXPECT_EQ(again->stored, 0u);
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// A rematch on either backend: features come back byte for byte, verdicts
// are rewritten only where they change, and an app whose features made
// under narrower knowledge is marked stale, with why, and listed.
TEST(CorpusRematch, RewritesWhatChangesAndMarksWhatIsStale) {
  const std::vector<std::string> files = {testing::Fixture("prayerapp.apk"), testing::Fixture("pushapp.apk"),
                                          testing::Fixture("sdkapp.apk"), testing::Fixture("notzip.apk")};
  TestDb db;
  auto s = db.Open();
  ASSERT_TRUE(corpus::ScanCorpus(files, CorpusOptions(true), {s.get()}, [](const corpus::CorpusProgress&) {},
                                 [](const std::string&) {}));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM features"), 3) << "notzip.apk was not read: nothing to rematch";
  auto stored = s->FeaturesAfter(0, 10, features::kFormat, SIZE_MAX);
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->size(), 3u);
  // A byte budget cuts a batch short, never to nothing: one app at a time.
  std::vector<std::string> one_by_one;
  for (int64_t after = 0;;) {
    auto batch = s->FeaturesAfter(after, 10, features::kFormat, 1);
    ASSERT_TRUE(batch);
    if (batch->empty()) break;
    ASSERT_EQ(batch->size(), 1u);
    one_by_one.push_back(batch->front().data);
    after = batch->front().app_id;
  }
  ASSERT_EQ(one_by_one.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(one_by_one[i], (*stored)[i].data);
  for (const store::StoredFeatures& f : *stored) {
    auto file = MappedFile::Open(f.path);
    ASSERT_TRUE(file);
    features::AppFeatures kept;
    ScanMapped(*file, f.path, CorpusOptions().scan, &kept);
    EXPECT_EQ(f.data, features::Encode(kept)) << f.path << ": the bytes come back as stored";
  }
  const int64_t sdk_rows = Count(*s, "SELECT COUNT(*) FROM sdks");

  auto no_progress = [](const corpus::RematchProgress&) {};
  std::vector<std::string> problems;
  auto collect = [&](const std::string& p) { problems.push_back(p); };
  corpus::RematchOptions same{CorpusOptions().scan, KnowledgeVersion({}), 2};
  auto again = corpus::RematchCorpus(*s, same, no_progress, collect);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->done, 3u);
  EXPECT_EQ(again->changed, 0u) << "the scan's own knowledge changes nothing";
  EXPECT_EQ(again->stale, 0u);

  // Without SDK signatures, every verdict changes.
  ScanOptions bare;
  bare.knowledge.vendors = BuiltinKnowledge().vendors;
  corpus::RematchOptions without{bare, "kb-none", 1};
  auto emptied = corpus::RematchCorpus(*s, without, no_progress, collect);
  ASSERT_TRUE(emptied) << emptied.error().message;
  EXPECT_EQ(emptied->changed, 3u);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks"), 0);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps WHERE kb_version = 'kb-none'"), 3);
  // And back: the rows are those of the scan.
  ASSERT_TRUE(corpus::RematchCorpus(*s, same, no_progress, collect));
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks"), sdk_rows);

  // A damaged blob is reported and skipped; the others are rematched.
  db.Exec("UPDATE features SET data = " + std::string(db.postgres() ? "'\\x00'::bytea" : "x'00'") +
          " WHERE app_id = (SELECT MIN(app_id) FROM features)");
  problems.clear();
  auto damaged = corpus::RematchCorpus(*s, same, no_progress, collect);
  ASSERT_TRUE(damaged);
  EXPECT_EQ(damaged->unreadable, 1u);
  EXPECT_EQ(damaged->done, 2u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("stored features: not Vigie features"), std::string::npos) << problems[0];
}

// A group no worker comes back to (the next app is long to read) is
// committed once it is old enough: a reader sees the first app while the
// scan is still on the second.
TEST(ScanCorpus, AGroupIsCommittedWhenItAgesEvenWithoutAnotherApp) {
  const std::vector<std::string> files = {testing::Fixture("prayerapp.apk"), testing::Fixture("pushapp.apk")};
  TestDb db;
  auto s = db.Open(), reader = db.Open();
  corpus::ScanCorpusOptions options = CorpusOptions();
  options.jobs = 1;
  std::optional<int64_t> seen;
  auto progress = [&](const corpus::CorpusProgress& p) {
    if (p.done != 1) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // The worker is held here, between its apps.
    seen = Count(*reader, "SELECT COUNT(*) FROM apps");
  };
  auto done = corpus::ScanCorpus(files, options, {s.get()}, progress, [](const std::string&) {});
  ASSERT_TRUE(done) << done.error().message;
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, 1);
  EXPECT_EQ(Count(*reader, "SELECT COUNT(*) FROM apps"), 2);
}

// Apps stored without features are counted, not rematched; a scan that
// keeps features reads them again to add them, and skips the failed one,
// which has none to keep.
TEST(CorpusRematch, FeaturesAreAddedToAppsStoredWithout) {
  const std::vector<std::string> files = {testing::Fixture("prayerapp.apk"), testing::Fixture("pushapp.apk"),
                                          testing::Fixture("notzip.apk")};
  TestDb db;
  auto s = db.Open();
  auto scan = [&](bool features) {
    auto done = corpus::ScanCorpus(files, CorpusOptions(features), {s.get()}, [](const corpus::CorpusProgress&) {},
                                   [](const std::string&) {});
    EXPECT_TRUE(done) << done.error().message;
    return done ? *done : corpus::CorpusProgress{};
  };
  auto rematch = [&] {
    corpus::RematchOptions same{CorpusOptions().scan, KnowledgeVersion({}), 2};
    auto done = corpus::RematchCorpus(*s, same, [](const corpus::RematchProgress&) {}, [](const std::string&) {});
    EXPECT_TRUE(done) << done.error().message;
    return done ? *done : corpus::RematchProgress{};
  };
  EXPECT_EQ(scan(false).stored, 3u);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM features"), 0);
  const int64_t sdk_rows = Count(*s, "SELECT COUNT(*) FROM sdks");
  corpus::RematchProgress none = rematch();
  EXPECT_EQ(none.done, 0u);
  EXPECT_EQ(none.featureless, 2u);
  EXPECT_EQ(scan(false).skipped, 3u);

  corpus::CorpusProgress added = scan(true);
  EXPECT_EQ(added.stored, 2u);
  EXPECT_EQ(added.skipped, 1u);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM apps"), 3);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM features"), 2);
  EXPECT_EQ(Count(*s, "SELECT COUNT(*) FROM sdks"), sdk_rows) << "results replaced, not added to";
  EXPECT_EQ(scan(true).skipped, 3u);
  corpus::RematchProgress all = rematch();
  EXPECT_EQ(all.done, 2u);
  EXPECT_EQ(all.featureless, 0u);
  EXPECT_EQ(all.changed, 0u);
}

// Features made without the KB's profiles cannot stand in for a rescan
// under the KB: those apps are stale, and the stale question lists them.
TEST(CorpusRematch, StaleAppsAreMarkedAndListed) {
  TestDb db;
  auto s = db.Open();
  corpus::ScanCorpusOptions narrow = CorpusOptions(true);
  KnowledgeSpec no_profiles;
  no_profiles.profiles = false;
  auto k = LoadKnowledge(no_profiles);
  ASSERT_TRUE(k);
  narrow.scan.knowledge = *k;
  ASSERT_TRUE(corpus::ScanCorpus({testing::Fixture("sdkapp.apk")}, narrow, {s.get()},
                                 [](const corpus::CorpusProgress&) {}, [](const std::string&) {}));
  corpus::RematchOptions full{CorpusOptions().scan, KnowledgeVersion({}), 1};
  auto done = corpus::RematchCorpus(*s, full, [](const corpus::RematchProgress&) {}, [](const std::string&) {});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->stale, 1u);
  auto stale = corpus::Ask(*s, "stale", {});
  ASSERT_TRUE(stale) << stale.error().message;
  ASSERT_EQ(stale->rows.size(), 1u);
  EXPECT_EQ(Column(*stale, "why")[0], "the SDK profiles differ from the scan's");
  EXPECT_EQ(Column(*stale, "path")[0], testing::Fixture("sdkapp.apk"));
}

}  // namespace
}  // namespace vigie
