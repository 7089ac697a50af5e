#include "ios_common.h"

#include <nettle/sha1.h>

#include <cmath>

#include "time_text.h"
#include "vigie/base/limits.h"

namespace vigie::check {

std::string BackupFileId(std::string_view domain, std::string_view relative_path) {
  sha1_ctx c;
  sha1_init(&c);
  sha1_update(&c, domain.size(), reinterpret_cast<const uint8_t*>(domain.data()));
  sha1_update(&c, 1, reinterpret_cast<const uint8_t*>("-"));
  sha1_update(&c, relative_path.size(), reinterpret_cast<const uint8_t*>(relative_path.data()));
  uint8_t digest[SHA1_DIGEST_SIZE];
  sha1_digest(&c, sizeof digest, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (uint8_t b : digest) id += kHex[b >> 4], id += kHex[b & 15];
  return id;
}

const acquisition::FileEntry* FindIosFile(ModuleContext& ctx, const IosFile& file) {
  if (!file.domain.empty()) {
    const std::string id = BackupFileId(file.domain, file.path);
    if (const acquisition::FileEntry* f = ctx.files().Find(id.substr(0, 2) + "/" + id)) return f;
  }
  for (std::string_view pattern : file.fs_patterns)
    if (auto hits = ctx.files().Glob(pattern); !hits.empty()) return hits.front();
  return nullptr;
}

std::vector<const acquisition::FileEntry*> FindFsFiles(ModuleContext& ctx, std::initializer_list<std::string_view> patterns) {
  std::vector<const acquisition::FileEntry*> out;
  for (std::string_view pattern : patterns)
    for (const acquisition::FileEntry* f : ctx.files().Glob(pattern)) out.push_back(f);
  return out;
}

namespace {

// The backup's files that Manifest.db lists and `keep(domain, path)` wants,
// with their relative paths.
template <typename Keep>
std::vector<std::pair<const acquisition::FileEntry*, std::string>> ManifestFiles(ModuleContext& ctx, Keep&& keep) {
  std::vector<std::pair<const acquisition::FileEntry*, std::string>> out;
  if (ctx.kind() != AcquisitionKind::kIosBackup) return out;
  const acquisition::FileEntry* manifest = ctx.files().Find("Manifest.db");
  if (!manifest) return out;
  auto db = OpenDatabase(ctx, *manifest);
  if (!db) return out;
  auto rows = QueryFirst(ctx, *db, *manifest, {"SELECT fileID, domain, relativePath FROM Files"});
  if (!rows) return out;
  for (size_t r = 0; r < rows->rows.size(); ++r) {
    if (!keep(rows->At(r, "domain").text, rows->At(r, "relativePath").text)) continue;
    const std::string& id = rows->At(r, "fileID").text;
    if (id.size() < 2) continue;
    if (const acquisition::FileEntry* f = ctx.files().Find(id.substr(0, 2) + "/" + id))
      out.emplace_back(f, rows->At(r, "relativePath").text);
  }
  return out;
}

}  // namespace

std::vector<const acquisition::FileEntry*> FindInManifest(ModuleContext& ctx, std::string_view relative_path) {
  std::vector<const acquisition::FileEntry*> out;
  for (const auto& [f, path] : ManifestFiles(ctx, [&](const std::string&, const std::string& p) {
         return acquisition::GlobMatch(relative_path, p);
       }))
    out.push_back(f);
  return out;
}

std::vector<std::pair<const acquisition::FileEntry*, std::string>> FindDomainInManifest(ModuleContext& ctx, std::string_view domain) {
  return ManifestFiles(ctx, [&](const std::string& d, const std::string&) { return d == domain; });
}

std::optional<acquisition::SqliteDb> OpenDatabase(ModuleContext& ctx, const acquisition::FileEntry& file) {
  const std::string disk = ctx.files().DiskPath(file);
  Result<acquisition::SqliteDb> db = [&]() -> Result<acquisition::SqliteDb> {
    if (!disk.empty()) return acquisition::SqliteDb::Open(disk);
    auto bytes = ctx.Read(file);
    if (!bytes) return MakeError(ErrorCode::kIoError, 0, "cannot read it");
    return acquisition::SqliteDb::FromBytes(std::move(*bytes));
  }();
  if (!db) {
    ctx.diagnostics().AddError(Level::kError, db.error(), file.path);
    return std::nullopt;
  }
  return std::move(db.value());
}

namespace {

bool Damaged(std::string_view why) {
  return why.find("malformed") != std::string_view::npos || why.find("corrupt") != std::string_view::npos;
}

// The database copied row by row by sqlite3 (.clone), or nullopt.
std::optional<acquisition::SqliteDb> Recovered(ModuleContext& ctx, const acquisition::FileEntry& file) {
  const std::string disk = ctx.files().DiskPath(file);
  std::string bytes;
  if (disk.empty()) {
    auto read = ctx.Read(file);
    if (!read) return std::nullopt;
    bytes = std::move(*read);
  }
  auto db = acquisition::SqliteDb::Recover(disk, bytes);
  if (!db) {
    ctx.diagnostics().AddError(Level::kWarning, db.error(), file.path);
    return std::nullopt;
  }
  return std::move(db.value());
}

}  // namespace

std::optional<acquisition::Table> QueryFirst(ModuleContext& ctx, const acquisition::SqliteDb& db,
                                             const acquisition::FileEntry& file, std::initializer_list<std::string_view> queries) {
  std::string why;
  for (std::string_view q : queries) {
    auto t = db.Query(q);
    if (!t) {
      why = t.error().message;
      if (!Damaged(why)) continue;
      t = acquisition::Table{{}, {}, why};  // Damaged before the first row: copied below.
    }
    if (!t->error.empty() && Damaged(t->error))
      if (auto recovered = Recovered(ctx, file))
        if (auto again = recovered->Query(q); again && again->rows.size() >= t->rows.size()) {
          ctx.diagnostics().Add(Level::kWarning, ErrorCode::kAcquisitionMalformed, file.path,
                                "damaged (" + t->error + "): " + std::to_string(again->rows.size()) +
                                    " rows recovered by sqlite3 .clone, " + std::to_string(t->rows.size()) +
                                    " readable without it");
          return std::move(again.value());
        }
    if (!t->error.empty()) {
      ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, file.path,
                            "read " + std::to_string(t->rows.size()) + " rows, then: " + t->error);
      if (t->columns.empty()) return std::nullopt;
    }
    return std::move(t.value());
  }
  // A database without the module's tables is ordinary (another iOS version,
  // an app not installed); one that is not a database is not.
  if (why.find("no such") == std::string::npos)
    ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, file.path, why);
  return std::nullopt;
}

void WithTableInBatches(ModuleContext& ctx, const acquisition::FileEntry* file, std::string_view query,
                        const std::function<void(const acquisition::Table&)>& fn) {
  if (!file) return;
  auto db = OpenDatabase(ctx, *file);
  if (!db) return;
  size_t delivered = 0;
  auto t = db->Query(query, 4096, [&](const acquisition::Table& batch) {
    delivered += batch.rows.size();
    fn(batch);
  });
  const std::string why = t ? t->error : t.error().message;
  if (!why.empty() && Damaged(why)) {
    // Rows past those already read, from sqlite3's row-by-row copy of the file.
    if (auto recovered = Recovered(ctx, *file)) {
      size_t skip = delivered, added = 0;
      auto again = recovered->Query(query, 4096, [&](const acquisition::Table& batch) {
        if (skip >= batch.rows.size()) {
          skip -= batch.rows.size();
          return;
        }
        acquisition::Table rest{batch.columns, {batch.rows.begin() + static_cast<long>(skip), batch.rows.end()}, {}};
        skip = 0;
        added += rest.rows.size();
        fn(rest);
      });
      if (again) {
        ctx.diagnostics().Add(Level::kWarning, ErrorCode::kAcquisitionMalformed, file->path,
                              "damaged (" + why + "): " + std::to_string(added) +
                                  " more rows recovered by sqlite3 .clone after " + std::to_string(delivered));
        return;
      }
    }
  }
  if (!t) {
    if (why.find("no such") == std::string::npos)
      ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, file->path, why);
  } else if (!t->error.empty()) {
    ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, file->path, "reading stopped: " + t->error);
  }
}

std::optional<plist::Value> ReadPlist(ModuleContext& ctx, const acquisition::FileEntry& file) {
  auto bytes = ctx.Read(file);
  if (!bytes) return std::nullopt;
  auto value = plist::Parse(*bytes);
  if (!value) {
    ctx.diagnostics().AddError(Level::kError, value.error(), file.path);
    return std::nullopt;
  }
  return std::move(value.value());
}

std::string UnixTime(double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e13) return "";
  double whole;
  double fraction = std::modf(seconds, &whole) * 1e6;
  // Python rounds the microseconds half to even.
  double rounded = std::round(fraction);
  if (std::fabs(fraction - rounded) == 0.5) rounded = 2.0 * std::round(fraction / 2.0);
  auto micros = static_cast<int64_t>(whole) * 1'000'000 + static_cast<int64_t>(rounded);
  return TimeFromMicros(micros);
}

std::string UnixTime(const acquisition::Cell& cell) {
  if (cell.kind == acquisition::Cell::Kind::kText) return cell.text;
  const auto v = cell.Number();
  return v ? UnixTime(*v) : "";
}

std::string MacTime(const acquisition::Cell& cell) {
  if (cell.kind == acquisition::Cell::Kind::kText) return cell.text;
  if (!cell.truthy()) return "";
  if (cell.kind == acquisition::Cell::Kind::kInteger) {
    int64_t v = cell.integer;
    const std::string digits = std::to_string(v);
    if (digits.size() == 18) v = std::stoll(digits.substr(0, 9));  // Nanoseconds.
    return UnixTime(static_cast<double>(v + 978307200));
  }
  const auto v = cell.Number();
  return v ? UnixTime(*v + 978307200) : "";
}

void AddCells(Record& record, const acquisition::Table& table, size_t row) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const acquisition::Cell& cell = table.rows[row][c];
    switch (cell.kind) {
      case acquisition::Cell::Kind::kNull: record.SetNull(table.columns[c]); break;
      case acquisition::Cell::Kind::kInteger: record.SetNumber(table.columns[c], cell.integer); break;
      case acquisition::Cell::Kind::kReal: record.Set(table.columns[c], cell.Text()); break;
      case acquisition::Cell::Kind::kText: record.Set(table.columns[c], cell.text); break;
      case acquisition::Cell::Kind::kBlob: record.Set(table.columns[c], "(" + std::to_string(cell.text.size()) + " bytes)"); break;
    }
  }
}

}  // namespace vigie::check
