#include "vigie/acquisition/sqlite_db.h"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace vigie::acquisition {
namespace fs = std::filesystem;

bool Cell::truthy() const {
  switch (kind) {
    case Kind::kNull: return false;
    case Kind::kInteger: return integer != 0;
    case Kind::kReal: return real != 0;
    case Kind::kText:
    case Kind::kBlob: return !text.empty();
  }
  return false;
}

std::string Cell::Text() const {
  switch (kind) {
    case Kind::kNull: return "None";
    case Kind::kInteger: return std::to_string(integer);
    case Kind::kReal: {
      // Python's repr of a float: the shortest text that reads back the same.
      char out[40];
      for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(out, sizeof out, "%.*g", precision, real);
        if (std::strtod(out, nullptr) == real) break;
      }
      std::string s = out;
      if (s.find_first_of(".en") == std::string::npos) s += ".0";
      return s;
    }
    case Kind::kText:
    case Kind::kBlob: return text;
  }
  return {};
}

std::optional<double> Cell::Number() const {
  if (kind == Kind::kInteger) return static_cast<double>(integer);
  if (kind == Kind::kReal) return real;
  if (kind == Kind::kText) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end && *end == '\0' && !text.empty()) return v;
  }
  return std::nullopt;
}

int Table::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

const Cell& Table::At(size_t row, std::string_view column) const {
  static const Cell kNull;
  const int c = Column(column);
  return c < 0 || row >= rows.size() ? kNull : rows[row][static_cast<size_t>(c)];
}

SqliteDb::SqliteDb(SqliteDb&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), bytes_(std::move(o.bytes_)), temp_dir_(std::move(o.temp_dir_)) {
  o.temp_dir_.clear();
}

SqliteDb& SqliteDb::operator=(SqliteDb&& o) noexcept {
  if (this != &o) {
    this->~SqliteDb();
    new (this) SqliteDb(std::move(o));
  }
  return *this;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
}

namespace {

Error SqliteError(const std::string& what, sqlite3* db) {
  return MakeError(ErrorCode::kAcquisitionMalformed, 0, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

std::string UriPath(const std::string& path) {
  // A file: URI: '?' and '#' (and '%') in the path must be escaped.
  std::string out = "file:";
  for (char c : fs::absolute(path).string()) {
    if (c == '?' || c == '#' || c == '%') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<SqliteDb> SqliteDb::Open(const std::string& path) {
  SqliteDb db;
  std::error_code ec;
  std::string target = path;
  const bool wal = fs::exists(path + "-wal", ec);
  if (wal) {
    // Copy the database and its log aside, and let SQLite apply the log there.
    char dir[] = "/tmp/vigie_sqlite_XXXXXX";
    if (!mkdtemp(dir)) return MakeError(ErrorCode::kIoError, 0, path + ": cannot make a temporary folder for its WAL");
    db.temp_dir_ = dir;
    target = db.temp_dir_ + "/" + fs::path(path).filename().string();
    for (const char* suffix : {"", "-wal", "-shm"})
      if (fs::exists(path + suffix, ec)) fs::copy_file(path + suffix, target + suffix, ec);
    if (ec) return MakeError(ErrorCode::kIoError, 0, path + ": cannot copy it and its WAL: " + ec.message());
  }
  const std::string uri = UriPath(target) + (wal ? "?mode=ro" : "?mode=ro&immutable=1");
  if (sqlite3_open_v2(uri.c_str(), &db.db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK)
    return SqliteError(path, db.db_);
  return db;
}

Result<SqliteDb> SqliteDb::Recover(const std::string& path, std::string_view bytes) {
  char dir[] = "/tmp/vigie_recover_XXXXXX";
  if (!mkdtemp(dir)) return MakeError(ErrorCode::kIoError, 0, "cannot make a temporary folder to recover a database");
  const std::string source = std::string(dir) + "/source.db", target = std::string(dir) + "/recovered.db";
  std::error_code ec;
  if (!path.empty()) {
    fs::copy_file(path, source, ec);
  } else {
    std::FILE* f = std::fopen(source.c_str(), "wb");
    if (f) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
    }
  }
  // The folder is ours (mkdtemp): the names in the command are fixed.
  const std::string command = "sqlite3 '" + source + "' '.clone " + target + "' >/dev/null 2>&1";
  const int rc = ec ? -1 : std::system(command.c_str());
  auto db = rc == 0 && fs::exists(target, ec) ? Open(target) : Result<SqliteDb>(MakeError(
      ErrorCode::kAcquisitionMalformed, 0, "sqlite3 .clone failed (is Debian's sqlite3 installed?)"));
  if (!db) {
    fs::remove_all(dir, ec);
    return db;
  }
  db->temp_dir_ = dir;  // Removed with the recovered copy.
  return db;
}

Result<SqliteDb> SqliteDb::FromBytes(std::string bytes) {
  // SQLite's in-memory reader trusts the header's page size: a buffer that
  // is no database, or shorter than its first page, is refused here.
  if (bytes.size() < 512 || std::string_view(bytes).substr(0, 16) != std::string_view("SQLite format 3\0", 16))
    return MakeError(ErrorCode::kAcquisitionMalformed, 0, "not a SQLite database");
  const uint32_t page = (static_cast<unsigned char>(bytes[16]) << 8 | static_cast<unsigned char>(bytes[17])) == 1
                            ? 65536
                            : static_cast<unsigned char>(bytes[16]) << 8 | static_cast<unsigned char>(bytes[17]);
  if (page < 512 || (page & (page - 1)) != 0 || bytes.size() < page)
    return MakeError(ErrorCode::kAcquisitionMalformed, 0, "a SQLite header with a bad page size");
  if (bytes.size() % page != 0) bytes.resize(bytes.size() + page - bytes.size() % page, '\0');  // Whole pages.
  SqliteDb db;
  db.bytes_ = std::move(bytes);
  // A database in WAL mode (header bytes 18 and 19 are 2) cannot be read
  // from memory, which has no shared-memory index: this copy is marked as a
  // rollback-journal database, which it is once its log is applied.
  if (db.bytes_.size() >= 100 && db.bytes_[18] == 2 && db.bytes_[19] == 2) db.bytes_[18] = db.bytes_[19] = 1;
  if (sqlite3_open_v2(":memory:", &db.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
    return SqliteError("in-memory database", db.db_);
  const auto size = static_cast<sqlite3_int64>(db.bytes_.size());
  if (sqlite3_deserialize(db.db_, "main", reinterpret_cast<unsigned char*>(db.bytes_.data()), size, size,
                          SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
    return SqliteError("in-memory database", db.db_);
  return db;
}

Result<Table> SqliteDb::Query(std::string_view sql) const { return Query(sql, 0, nullptr); }

Result<Table> SqliteDb::Query(std::string_view sql, size_t batch_rows, const std::function<void(const Table&)>& on_rows) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    Error e = SqliteError("query", db_);
    sqlite3_finalize(stmt);
    return e;
  }
  Table t;
  const int n = sqlite3_column_count(stmt);
  for (int i = 0; i < n; ++i) t.columns.emplace_back(sqlite3_column_name(stmt, i) ? sqlite3_column_name(stmt, i) : "");
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto& row = t.rows.emplace_back(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Cell& c = row[static_cast<size_t>(i)];
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          c.kind = Cell::Kind::kInteger;
          c.integer = sqlite3_column_int64(stmt, i);
          break;
        case SQLITE_FLOAT:
          c.kind = Cell::Kind::kReal;
          c.real = sqlite3_column_double(stmt, i);
          break;
        case SQLITE_TEXT:
          c.kind = Cell::Kind::kText;
          c.text.assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                        static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
          break;
        case SQLITE_BLOB:
          c.kind = Cell::Kind::kBlob;
          if (const void* b = sqlite3_column_blob(stmt, i))
            c.text.assign(static_cast<const char*>(b), static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
          break;
        default:
          break;
      }
    }
    if (on_rows && t.rows.size() >= batch_rows) {
      on_rows(t);
      t.rows.clear();
    }
  }
  if (rc != SQLITE_DONE) t.error = sqlite3_errmsg(db_);
  if (on_rows && !t.rows.empty()) {
    on_rows(t);
    t.rows.clear();
  }
  sqlite3_finalize(stmt);
  return t;
}

std::vector<std::string> SqliteDb::Columns(std::string_view table) const {
  std::vector<std::string> out;
  auto info = Query("PRAGMA table_info(\"" + std::string(table) + "\")");
  if (!info) return out;
  for (size_t r = 0; r < info->rows.size(); ++r) out.push_back(info->At(r, "name").text);
  return out;
}

}  // namespace vigie::acquisition
