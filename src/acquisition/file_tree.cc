#include "vigie/acquisition/file_tree.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include "vigie/base/bytes.h"
#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie::acquisition {
namespace fs = std::filesystem;

const FileEntry* FileTree::Find(std::string_view path) const {
  const auto it = std::lower_bound(files_.begin(), files_.end(), path,
                                   [](const FileEntry& f, std::string_view p) { return f.path < p; });
  return it != files_.end() && it->path == path ? &*it : nullptr;
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  // Iterative matching with one backtrack point per '*', which never
  // crosses a '/'.
  size_t p = 0, s = 0, star = std::string_view::npos, resume = 0;
  while (s < path.size()) {
    if (p < pattern.size() && (pattern[p] == '?' ? path[s] != '/' : pattern[p] == path[s]) && pattern[p] != '*') {
      ++p, ++s;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = s;
    } else if (star != std::string_view::npos && path[resume] != '/') {
      p = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<const FileEntry*> FileTree::Glob(std::string_view pattern) const {
  std::vector<const FileEntry*> out;
  // Files sharing the pattern's literal head are adjacent in sorted order.
  const std::string_view head = pattern.substr(0, pattern.find_first_of("*?"));
  auto it = std::lower_bound(files_.begin(), files_.end(), head,
                             [](const FileEntry& f, std::string_view p) { return f.path < p; });
  for (; it != files_.end() && it->path.starts_with(head); ++it)
    if (GlobMatch(pattern, it->path)) out.push_back(&*it);
  return out;
}

void FileTree::Sort() {
  std::sort(files_.begin(), files_.end(), [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
}

namespace {

int64_t ModifiedTime(const fs::directory_entry& e) {
  std::error_code ec;
  const auto written = e.last_write_time(ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::file_clock::to_sys(written).time_since_epoch())
      .count();
}

class FolderTree : public FileTree {
 public:
  explicit FolderTree(std::string root) { where_ = std::move(root); }
  std::string DiskPath(const FileEntry& file) const override { return where_ + "/" + file.path; }

  Result<std::string> Read(const FileEntry& file, Diagnostics& diags) const override {
    const std::string path = where_ + "/" + file.path;
    auto mapped = MappedFile::Open(path);
    if (!mapped) return mapped.error();
    ByteView bytes = mapped->view();
    if (bytes.size() > limits::kMaxAcquisitionFileBytes) {
      diags.Add(Level::kError, ErrorCode::kAcquisitionTooLarge, file.path,
                std::to_string(bytes.size()) + " bytes: read up to limits::kMaxAcquisitionFileBytes");
      return std::string(bytes.AsString().substr(0, limits::kMaxAcquisitionFileBytes));
    }
    return std::string(bytes.AsString());
  }

  void Walk(Diagnostics& diags) {
    std::error_code ec;
    fs::recursive_directory_iterator it(where_, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
      diags.Add(Level::kError, ErrorCode::kIoError, where_, "cannot list: " + ec.message());
      return;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        diags.Add(Level::kError, ErrorCode::kIoError, where_, "listing stopped: " + ec.message());
        break;
      }
      const fs::directory_entry& e = *it;
      std::error_code kind_error;
      if (e.is_directory(kind_error) && !e.is_symlink(kind_error)) {
        directories_.push_back({fs::relative(e.path(), where_, kind_error).generic_string(), 0, ModifiedTime(e)});
        continue;
      }
      if (!e.is_regular_file(kind_error) || e.is_symlink(kind_error)) continue;
      if (files_.size() >= limits::kMaxAcquisitionFiles) {
        diags.Add(Level::kError, ErrorCode::kAcquisitionTooLarge, where_,
                  "more files than limits::kMaxAcquisitionFiles: the rest are not listed");
        break;
      }
      FileEntry f;
      f.path = fs::relative(e.path(), where_, kind_error).generic_string();
      f.size = e.file_size(kind_error);
      f.modified = ModifiedTime(e);
      files_.push_back(std::move(f));
    }
    Sort();
    std::sort(directories_.begin(), directories_.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  }
};

// An MS-DOS date and time as seconds since the epoch, read as UTC (a ZIP
// records no zone); 0 for an unset date.
int64_t DosTime(uint16_t date, uint16_t time) {
  if (date == 0) return 0;
  std::tm t{};
  t.tm_year = 80 + (date >> 9);
  t.tm_mon = ((date >> 5) & 0xF) - 1;
  t.tm_mday = date & 0x1F;
  t.tm_hour = time >> 11;
  t.tm_min = (time >> 5) & 0x3F;
  t.tm_sec = (time & 0x1F) * 2;
  return timegm(&t);
}

class ZipTree : public FileTree {
 public:
  ZipTree(std::string path, MappedFile file) : file_(std::move(file)) { where_ = std::move(path); }

  bool Open(Diagnostics& diags) {
    auto archive = zip::Archive::Open(file_.view(), where_, diags);
    if (!archive) {
      error_ = archive.error();
      return false;
    }
    archive_ = std::make_unique<zip::Archive>(std::move(archive.value()));
    for (const zip::Entry& e : archive_->entries()) {
      if (e.is_directory()) continue;
      files_.push_back({std::string(e.name), e.uncompressed_size, DosTime(e.dos_date, e.dos_time)});
    }
    // Acquisition tools zip a folder: "androidqf_20230724/getprop.txt" is
    // "getprop.txt" of the acquisition.
    const size_t slash = files_.empty() ? std::string::npos : files_[0].path.find('/');
    if (slash != std::string::npos) {
      const std::string top = files_[0].path.substr(0, slash + 1);
      if (std::all_of(files_.begin(), files_.end(), [&](const FileEntry& f) { return f.path.starts_with(top); })) {
        for (FileEntry& f : files_) {
          by_path_.emplace(f.path.substr(top.size()), f.path);
          f.path.erase(0, top.size());
        }
      }
    }
    Sort();
    return true;
  }
  const Error& error() const { return error_; }

  Result<std::string> Read(const FileEntry& file, Diagnostics& diags) const override {
    const auto renamed = by_path_.find(file.path);
    const zip::Entry* entry = archive_->Find(renamed == by_path_.end() ? file.path : renamed->second);
    if (!entry) return MakeError(ErrorCode::kIoError, 0, file.path + ": not in " + where_);
    zip::Extractor extractor(&file_);
    ByteBuffer storage;
    auto bytes = extractor.Extract(*archive_, *entry, storage, diags);
    if (!bytes) return bytes.error();
    ByteView view = bytes.value();
    if (view.size() > limits::kMaxAcquisitionFileBytes) {
      diags.Add(Level::kError, ErrorCode::kAcquisitionTooLarge, file.path,
                "read up to limits::kMaxAcquisitionFileBytes");
      return std::string(view.AsString().substr(0, limits::kMaxAcquisitionFileBytes));
    }
    return std::string(view.AsString());
  }

 private:
  MappedFile file_;
  std::unique_ptr<zip::Archive> archive_;
  std::map<std::string, std::string, std::less<>> by_path_;  // Path in the tree -> name in the archive, when a top folder was dropped.
  Error error_;
};

class MemoryTree : public FileTree {
 public:
  MemoryTree(std::string where, std::vector<std::pair<FileEntry, std::string>> files) {
    where_ = std::move(where);
    for (auto& [entry, bytes] : files) {
      files_.push_back(entry);
      bytes_.emplace(entry.path, std::move(bytes));
    }
    Sort();
  }
  Result<std::string> Read(const FileEntry& file, Diagnostics&) const override {
    const auto it = bytes_.find(file.path);
    if (it == bytes_.end()) return MakeError(ErrorCode::kIoError, 0, file.path + ": not in " + where_);
    return it->second;
  }

 private:
  std::map<std::string, std::string, std::less<>> bytes_;
};

}  // namespace

Result<std::unique_ptr<FileTree>> OpenFolder(const std::string& path, Diagnostics& diags) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return MakeError(ErrorCode::kIoError, 0, path + ": not a folder");
  auto tree = std::make_unique<FolderTree>(path);
  tree->Walk(diags);
  return std::unique_ptr<FileTree>(std::move(tree));
}

Result<std::unique_ptr<FileTree>> OpenZip(const std::string& path, Diagnostics& diags) {
  auto file = MappedFile::Open(path);
  if (!file) return file.error();
  auto tree = std::make_unique<ZipTree>(path, std::move(file.value()));
  if (!tree->Open(diags)) return tree->error();
  return std::unique_ptr<FileTree>(std::move(tree));
}

std::unique_ptr<FileTree> InMemory(std::string where, std::vector<std::pair<FileEntry, std::string>> files) {
  return std::make_unique<MemoryTree>(std::move(where), std::move(files));
}

}  // namespace vigie::acquisition
