// The corpus database: every scanned app's results, in one documented
// schema (docs/corpus.md) kept in SQLite (the embedded default) or
// PostgreSQL. A sink like report/: it reads the app model and nothing else.
//
// Each app is written in one transaction, keyed by its SHA-256: a process
// killed at any moment leaves every app either stored whole or not at all,
// and an app is never stored twice, whatever number of processes write.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/model/scan_result.h"

namespace vigie::store {

/// The schema version this Vigie writes (docs/corpus.md lists each).
int CurrentSchemaVersion();

/// The time now, UTC, as the store writes it: "2026-12-06T16:07:08Z".
std::string UtcTimestamp();

/// Where the database is: "postgresql://…" or "postgres://…" (libpq's URI
/// form, or "postgresql:" followed by a libpq key=value string), else a
/// path to an SQLite file, "sqlite:PATH" included.
struct StoreUrl {
  enum class Backend { kSqlite, kPostgres } backend = Backend::kSqlite;
  std::string target;  ///< The SQLite path, or the libpq connection string.
  static StoreUrl Parse(std::string_view url);
  /// The URL with any password replaced by "***", for messages.
  std::string Display() const;
};

/// One row of an answer: text cells, nullopt for NULL.
using Row = std::vector<std::optional<std::string>>;

/// A query's answer: column names and rows.
struct Table {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

/// Receives an answer as it comes: its column names once, then each row.
/// An answer of millions of rows is never held whole.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void Columns(const std::vector<std::string>& names) = 0;
  virtual void Add(Row row) = 0;
};

/// What a stored app was scanned with.
struct ScanProvenance {
  std::string scanned_at;     ///< UTC, "2026-12-06T16:07:08Z".
  double scan_seconds = 0;    ///< Reading and detection, storing excluded.
  std::string vigie_version;  ///< vigie::kVersion.
  std::string kb_version;     ///< Knowledge::version.
};

/// An app's features, encoded (features/app_features.h: the store keeps
/// them as bytes and their format's number).
struct FeaturesBlob {
  int format = 0;
  std::string_view data;  ///< Empty: none.
};

/// An app's features as a corpus scan stored them, for a rematch.
struct StoredFeatures {
  int64_t app_id = 0;
  std::string path;
  std::string verdicts_digest;  ///< Of the verdict rows last written for it.
  std::string data;             ///< features::Encode's bytes.
};

/// An app's verdicts under other knowledge (pipeline::Rematch).
struct Reverdict {
  int64_t app_id = 0;
  std::string verdicts_digest;  ///< The stored one, from StoredFeatures.
  const ScanResult* verdicts = nullptr;  ///< Its SDKs, recipients, endpoints, secrets, findings, signatures.
  std::string stale;                    ///< Why they may differ from a rescan's, or empty.
};

/// How an app is stored (Store::Lookup).
enum class Stored {
  kAbsent,        ///< Not at all.
  kResults,       ///< Its results, without features a rematch could read.
  kWithFeatures,  ///< Its results and its features; or it failed, and has none to keep.
};

enum class PutOutcome {
  kStored,         ///< A new app.
  kReplaced,       ///< An app stored before, rescanned.
  kAlreadyStored,  ///< Another writer stored the same SHA-256 first.
};

class Store {
 public:
  /// Opens (creating when needed) and migrates the database at `url` to
  /// the current schema. Fails with store.failed when it cannot be reached
  /// or written, and with store.schema when a newer Vigie wrote it.
  static Result<std::unique_ptr<Store>> Open(const StoreUrl& url);
  virtual ~Store();

  /// "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  /// The schema version of the database, after migration.
  virtual int schema_version() const = 0;

  /// How the app of this SHA-256 is stored. Asked per file, so that a
  /// run's memory does not grow with the database. Features count when
  /// they are of `features_format`.
  virtual Result<Stored> Lookup(const std::string& sha256, int features_format) = 0;
  /// How many apps are stored as kResults: without the features (of
  /// `features_format`) a rematch needs.
  virtual Result<size_t> CountWithoutFeatures(int features_format) = 0;

  /// Stores `app` (its file.sha256 must be set) in one transaction, with
  /// its `features` unless they are empty; inside a group, in the group's
  /// transaction, whole or not at all. With `replace`, an app stored before
  /// under that SHA-256 is replaced; without, it is kept and the outcome is
  /// kAlreadyStored.
  virtual Result<PutOutcome> Put(const ScanResult& app, const ScanProvenance& provenance, bool replace,
                                 FeaturesBlob features = {}) = 0;

  /// Opens a group: the apps Put until CommitGroup share one transaction,
  /// and one commit, as many apps' results commit faster together. Each app
  /// is still stored whole or not at all (a savepoint each). When the group's
  /// transaction is lost (the database failed), every later call fails.
  virtual std::optional<Error> BeginGroup() = 0;
  /// Commits the open group, if any.
  virtual std::optional<Error> CommitGroup() = 0;

  /// Up to `limit` apps with features of `format`, in id order, after app
  /// `after_id`, and no more once their features pass `max_bytes` (at least
  /// one app is returned while any is left).
  virtual Result<std::vector<StoredFeatures>> FeaturesAfter(int64_t after_id, size_t limit, int format,
                                                            size_t max_bytes) = 0;
  /// Writes the verdicts of a rematch, in one transaction: an app whose
  /// verdict rows differ from those stored gets them replaced, and every
  /// app records `kb_version`, the time and its staleness. Returns how
  /// many apps' verdicts changed.
  virtual Result<size_t> Rewrite(const std::vector<Reverdict>& apps, const std::string& kb_version) = 0;

  /// Runs `sql` with `?` placeholders bound to `params`, as a read-only
  /// transaction: a statement that writes fails (store.failed), and
  /// changes nothing. The rows go to `sink` as they are read.
  virtual std::optional<Error> QueryEach(std::string_view sql, const std::vector<std::string>& params,
                                         RowSink& sink) = 0;
  /// The same, the answer held whole.
  Result<Table> Query(std::string_view sql, const std::vector<std::string>& params = {});
};

}  // namespace vigie::store
