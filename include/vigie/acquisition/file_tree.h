// The files of a phone's backup or dump, whatever holds them: a folder, a
// ZIP (AndroidQF, bugreports), or the tar inside an Android backup. Check
// modules find files by their path inside the acquisition ("getprop.txt",
// "FS/data/tombstones/tombstone_00") and read them whole, capped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/diagnostics.h"
#include "vigie/base/error.h"

namespace vigie::acquisition {

struct FileEntry {
  std::string path;        ///< Relative, '/'-separated, no leading '/'.
  uint64_t size = 0;
  int64_t modified = 0;    ///< Seconds since the epoch (UTC), or 0 when unknown.
};

class FileTree {
 public:
  virtual ~FileTree() = default;

  /// Every file, sorted by path.
  const std::vector<FileEntry>& files() const { return files_; }
  /// Every folder of a tree on disk, sorted by path (size 0).
  const std::vector<FileEntry>& directories() const { return directories_; }
  const FileEntry* Find(std::string_view path) const;
  /// Files whose path matches `pattern`: '*' stands for any run of
  /// characters but '/', '?' for one; sorted by path.
  std::vector<const FileEntry*> Glob(std::string_view pattern) const;
  /// The file's bytes, at most limits::kMaxAcquisitionFileBytes (a larger
  /// file is cut there with a kAcquisitionTooLarge diagnostic).
  virtual Result<std::string> Read(const FileEntry& file, Diagnostics& diags) const = 0;
  /// Where this tree is, for messages: the folder or archive's path.
  const std::string& where() const { return where_; }
  /// The file's path on disk when the tree is a folder (SQLite opens it
  /// there), else empty.
  virtual std::string DiskPath(const FileEntry&) const { return {}; }

 protected:
  void Sort();
  std::vector<FileEntry> files_, directories_;
  std::string where_;
};

/// A folder, walked whole (symbolic links are listed, not followed).
Result<std::unique_ptr<FileTree>> OpenFolder(const std::string& path, Diagnostics& diags);
/// A ZIP archive; a damaged one is read as far as it can be.
Result<std::unique_ptr<FileTree>> OpenZip(const std::string& path, Diagnostics& diags);
/// Files already in memory (the members of a tar), by path.
std::unique_ptr<FileTree> InMemory(std::string where, std::vector<std::pair<FileEntry, std::string>> files);

/// Whether `path` matches a glob of FileTree::Glob.
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace vigie::acquisition
