// The embedded backend. WAL lets readers run beside the writer, and with
// synchronous=NORMAL a committed app survives a killed process (only a
// power cut can lose the last commits, never corrupt the file).
#include <sqlite3.h>

#include <unordered_map>

#include "connection.h"

namespace vigie::store {
namespace {

// How long a writer waits for another process's transaction to end.
constexpr int kBusyTimeoutMs = 60'000;

int ReadOnlyAuthorizer(void*, int action, const char*, const char* value, const char*, const char*);

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    for (auto& [sql, st] : prepared_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }

  std::string_view backend() const override { return "sqlite"; }
  std::string_view IdColumnType() const override { return "INTEGER PRIMARY KEY"; }
  std::string_view BlobColumnType() const override { return "BLOB"; }

  Status Exec(std::string_view script) override {
    char* message = nullptr;
    const std::string sql(script);
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return std::nullopt;
    Error e = Failure(message ? message : sqlite3_errmsg(db_));
    sqlite3_free(message);
    return e;
  }

  Status Stream(std::string_view sql, const std::vector<Value>& params, RowSink& sink) override {
    // The store runs the same few statements for every app: they are kept
    // prepared. Not while read-only: the authorizer judges a statement
    // when it is prepared.
    std::string key(sql);
    sqlite3_stmt* stmt = read_only_ ? nullptr : TakePrepared(key);
    const char* tail = nullptr;
    if (!stmt && sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail) != SQLITE_OK)
      return Failure(sqlite3_errmsg(db_));
    auto give_back = [&](sqlite3_stmt* st) { KeepPrepared(std::move(key), st); };
    std::unique_ptr<sqlite3_stmt, decltype(give_back)> owned(stmt, give_back);
    if (!stmt) return std::nullopt;  // Only whitespace or a comment.
    if (tail && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos)
      return Failure("one statement at a time");
    if (static_cast<size_t>(sqlite3_bind_parameter_count(stmt)) != params.size())
      return Failure("the statement takes " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                     " parameter(s), " + std::to_string(params.size()) + " given");
    for (size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&params[i])) rc = sqlite3_bind_int64(stmt, at, *n);
      else if (const auto* d = std::get_if<double>(&params[i])) rc = sqlite3_bind_double(stmt, at, *d);
      else if (const auto* s = std::get_if<std::string>(&params[i]))
        rc = sqlite3_bind_text64(stmt, at, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      else if (const auto* b = std::get_if<Blob>(&params[i]))
        rc = sqlite3_bind_blob64(stmt, at, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      else rc = sqlite3_bind_null(stmt, at);
      if (rc != SQLITE_OK) return Failure(sqlite3_errmsg(db_));
    }
    const int columns = sqlite3_column_count(stmt);
    std::vector<std::string> names;
    for (int c = 0; c < columns; ++c) names.emplace_back(sqlite3_column_name(stmt, c));
    sink.Columns(names);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Failure(sqlite3_errmsg(db_));
      Row row(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row[c].emplace(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
      }
      sink.Add(std::move(row));
    }
    return std::nullopt;
  }

  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  Status BeginReadOnly() override {
    if (auto e = Exec("BEGIN")) return e;
    sqlite3_set_authorizer(db_, ReadOnlyAuthorizer, nullptr);
    read_only_ = true;
    return std::nullopt;
  }
  Status EndReadOnly() override {
    sqlite3_set_authorizer(db_, nullptr, nullptr);
    read_only_ = false;
    return Exec("ROLLBACK");
  }
  Status LockSchema() override { return std::nullopt; }  // BEGIN IMMEDIATE holds the only write lock.

 private:
  Error Failure(const std::string& what) const { return StoreError(path_ + ": " + what); }

  sqlite3_stmt* TakePrepared(const std::string& sql) {
    const auto it = prepared_.find(sql);
    if (it == prepared_.end()) return nullptr;
    sqlite3_stmt* st = it->second;
    prepared_.erase(it);
    return st;
  }
  void KeepPrepared(std::string sql, sqlite3_stmt* st) {
    if (!st) return;
    if (read_only_ || prepared_.size() >= kMaxPrepared) {
      sqlite3_finalize(st);
      return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    prepared_.emplace(std::move(sql), st);
  }

  // Statements kept prepared: the store's own (an INSERT per table and
  // row count, a few queries) fit, a long run of other SQL does not grow it.
  static constexpr size_t kMaxPrepared = 128;

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> prepared_;
  bool read_only_ = false;
};

// While a read-only transaction is open, statements may read and call
// functions, nothing else: no writes, no ATTACH (which creates files), no
// PRAGMA that sets a value.
int ReadOnlyAuthorizer(void*, int action, const char*, const char* value, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      return value ? SQLITE_DENY : SQLITE_OK;
    default:
      return SQLITE_DENY;
  }
}

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return StoreError(path + ": " + message);
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  auto connection = std::make_unique<SqliteConnection>(db, path);
  if (auto e = connection->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"))
    return *e;
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace vigie::store
