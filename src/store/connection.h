// One connection to the corpus database, SQLite or PostgreSQL, behind the
// few operations the store needs: the schema, the writes and the questions
// are written once, in the SQL both understand.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/store/store.h"

namespace vigie::store {

/// Bytes bound as a BLOB (SQLite) or bytea (PostgreSQL).
struct Blob {
  std::string bytes;
};

/// A bound parameter: NULL, an integer, a real, text or bytes.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline Value Text(std::string_view s) { return std::string(s); }
template <typename T>
Value OrNull(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  if constexpr (std::is_integral_v<T>) return static_cast<int64_t>(*v);
  else return std::string(*v);
}

/// Failure: the error, or nullopt.
using Status = std::optional<Error>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::string_view backend() const = 0;
  /// Runs a script of statements without parameters.
  virtual Status Exec(std::string_view script) = 0;
  /// Runs one statement, `?` placeholders bound to `params` in order, its
  /// rows to `sink` as they are read (none for a statement that returns
  /// none).
  virtual Status Stream(std::string_view sql, const std::vector<Value>& params, RowSink& sink) = 0;
  /// The same, the rows held whole.
  Result<Table> Run(std::string_view sql, const std::vector<Value>& params = {});
  /// Opens a transaction that writes, taking the lock writers queue on
  /// before they read (SQLite's BEGIN IMMEDIATE; PostgreSQL's rows lock as
  /// they are written).
  virtual Status BeginWrite() = 0;
  /// Opens a transaction that cannot write.
  virtual Status BeginReadOnly() = 0;
  /// Within a write transaction: waits until no other connection migrates
  /// the schema (one migration at a time across processes).
  virtual Status LockSchema() = 0;
  /// Ends the transaction opened by BeginReadOnly.
  virtual Status EndReadOnly() = 0;
  /// The type of an auto-numbered primary key, and of a binary column, in
  /// this dialect (the schema's only differences).
  virtual std::string_view IdColumnType() const = 0;
  virtual std::string_view BlobColumnType() const = 0;
  /// The bytes of a BLOB column as Stream hands its cell over.
  virtual std::string BlobFromCell(std::string cell) const { return cell; }
};

/// Collects an answer into a Table.
class TableSink final : public RowSink {
 public:
  void Columns(const std::vector<std::string>& names) override { table.columns = names; }
  void Add(Row row) override { table.rows.push_back(std::move(row)); }
  Table table;
};

inline Result<Table> Connection::Run(std::string_view sql, const std::vector<Value>& params) {
  TableSink sink;
  if (auto e = Stream(sql, params, sink)) return *e;
  return std::move(sink.table);
}

/// Opens an SQLite database file (created when absent) in WAL mode.
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
/// Connects to PostgreSQL through libpq.
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo);

/// A store.failed error naming what failed.
inline Error StoreError(std::string message) { return MakeError(ErrorCode::kStore, 0, std::move(message)); }

}  // namespace vigie::store
