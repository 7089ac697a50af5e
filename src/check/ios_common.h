// What MVT's iOS modules share: finding a file in a backup (by the SHA-1
// of its domain and path) or in a filesystem dump (by globs), opening its
// SQLite database without writing to it, and MVT's time conversions.
// Private to the check library.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "module.h"
#include "vigie/acquisition/sqlite_db.h"
#include "vigie/format/plist/plist.h"

namespace vigie::check {

/// A file of an iOS acquisition: in a backup, stored at <id[:2]>/<id> with
/// id = SHA-1(domain "-" relativePath); in a filesystem dump, at one of the
/// glob patterns. As MVT, the backup's place is tried first whatever the
/// kind, then the patterns.
struct IosFile {
  std::string_view domain, path;
  std::initializer_list<std::string_view> fs_patterns;
};
const acquisition::FileEntry* FindIosFile(ModuleContext& ctx, const IosFile& file);
/// Every match of the patterns, in order (a filesystem dump's files).
std::vector<const acquisition::FileEntry*> FindFsFiles(ModuleContext& ctx, std::initializer_list<std::string_view> patterns);
/// The backup's files whose relative path matches (any domain), through
/// Manifest.db; empty for a filesystem dump.
std::vector<const acquisition::FileEntry*> FindInManifest(ModuleContext& ctx, std::string_view relative_path);
/// The backup's files of one domain, with their relative paths.
std::vector<std::pair<const acquisition::FileEntry*, std::string>> FindDomainInManifest(ModuleContext& ctx, std::string_view domain);
std::string BackupFileId(std::string_view domain, std::string_view relative_path);

/// The database, opened read-only, or nullopt with a diagnostic.
std::optional<acquisition::SqliteDb> OpenDatabase(ModuleContext& ctx, const acquisition::FileEntry& file);
/// The first of `queries` that runs (older schemas need older queries); a
/// damaged database keeps the rows read and adds a diagnostic.
std::optional<acquisition::Table> QueryFirst(ModuleContext& ctx, const acquisition::SqliteDb& db,
                                             const acquisition::FileEntry& file, std::initializer_list<std::string_view> queries);
/// Runs `fn(table)` on the first of `queries` that the file's database
/// answers; nothing when the file is absent or unreadable.
template <typename Fn>
void WithTable(ModuleContext& ctx, const acquisition::FileEntry* file, std::initializer_list<std::string_view> queries,
               Fn&& fn) {
  if (!file) return;
  auto db = OpenDatabase(ctx, *file);
  if (!db) return;
  if (auto t = QueryFirst(ctx, *db, *file, queries)) fn(*t);
}

/// WithTable() for a table that may hold millions of rows (messages,
/// Manifest.db): `fn(table)` is called once per batch of rows.
void WithTableInBatches(ModuleContext& ctx, const acquisition::FileEntry* file, std::string_view query,
                        const std::function<void(const acquisition::Table&)>& fn);

/// The file read as a property list, or nullopt with a diagnostic.
std::optional<plist::Value> ReadPlist(ModuleContext& ctx, const acquisition::FileEntry& file);

/// MVT's conversions to "YYYY-MM-DD HH:MM:SS.ffffff" (UTC): seconds since
/// 1970 rounded as Python's datetime rounds; Mac absolute time (since 2001,
/// nanoseconds when an integer of 18 digits); "" for NULL or 0; text kept.
std::string UnixTime(double seconds);
std::string UnixTime(const acquisition::Cell& cell);
std::string MacTime(const acquisition::Cell& cell);

/// Adds a row's cells to a record, typed.
void AddCells(Record& record, const acquisition::Table& table, size_t row);

}  // namespace vigie::check
