// SQLite databases of a phone's backup or dump, opened so that the evidence
// is never written: read-only and immutable in place, or, when a write-ahead
// log lies beside the database, from a copy of both in a temporary folder
// (so that SQLite applies the log to the copy). A query that meets a
// damaged page keeps the rows read before it and says why it stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"

struct sqlite3;

namespace vigie::acquisition {

/// One value of a row, typed as SQLite stored it.
struct Cell {
  enum class Kind : uint8_t { kNull, kInteger, kReal, kText, kBlob };
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string text;  ///< kText (UTF-8) and kBlob bytes.

  bool null() const { return kind == Kind::kNull; }
  /// Python's truth of the value: false for NULL, 0, 0.0 and "".
  bool truthy() const;
  /// Text as MVT prints the value: integers and reals written out, NULL as "None".
  std::string Text() const;
  /// A number (integer, real or numeric text), or nullopt.
  std::optional<double> Number() const;
};

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::string error;  ///< Why reading stopped before the end (a damaged page), or empty.

  /// The column's index, or -1.
  int Column(std::string_view name) const;
  const Cell& At(size_t row, std::string_view column) const;
};

class SqliteDb {
 public:
  SqliteDb(SqliteDb&&) noexcept;
  SqliteDb& operator=(SqliteDb&&) noexcept;
  ~SqliteDb();

  /// Opens a database on disk without writing to it (see above).
  static Result<SqliteDb> Open(const std::string& path);
  /// A database held in memory (a member of an archive), read-only.
  static Result<SqliteDb> FromBytes(std::string bytes);

  /// A damaged database copied table by table and row by row by SQLite's
  /// shell (`sqlite3 … .clone`, Debian's sqlite3 package, as MVT does) into
  /// a temporary database: rows on damaged pages are left out, those after
  /// them kept. `path` names the database on disk, else `bytes` hold it. An
  /// Error when the program is missing or the copy fails.
  static Result<SqliteDb> Recover(const std::string& path, std::string_view bytes);

  /// Runs one statement. A statement that cannot be prepared (no such
  /// table) is an Error; rows read before a damaged page are kept, with
  /// Table::error set.
  Result<Table> Query(std::string_view sql) const;
  /// The same, the rows handed to `on_rows` in batches of at most
  /// `batch_rows` (the Table's rows are cleared between batches), so that a
  /// table of a million rows needs the memory of one batch. The returned
  /// Table has the columns and the error, not the rows.
  Result<Table> Query(std::string_view sql, size_t batch_rows, const std::function<void(const Table&)>& on_rows) const;
  /// The columns of a table (PRAGMA table_info), empty when it is absent.
  std::vector<std::string> Columns(std::string_view table) const;

 private:
  SqliteDb() = default;
  sqlite3* db_ = nullptr;
  std::string bytes_;     // Kept alive for a database read from memory.
  std::string temp_dir_;  // Removed on close, for a copy made beside a WAL.
};

}  // namespace vigie::acquisition
