// Finding a corpus's packages, and sharding them across a cluster's tasks.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#include <xxhash.h>

#include "vigie/corpus/corpus.h"

namespace vigie::corpus {
namespace {

namespace fs = std::filesystem;

bool IsPackageName(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view known : {".apk", ".aab", ".xapk", ".apks", ".jar", ".aar", ".dex"})
    if (ext == known) return true;
  return false;
}

}  // namespace

std::vector<std::string> FindPackages(const std::vector<std::string>& paths,
                                      const std::function<void(const std::string&)>& problem) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec) {
      problem(path + ": " + ec.message());
      continue;
    }
    if (!fs::is_directory(status)) {
      out.push_back(path);
      continue;
    }
    // Symbolic links to folders are not followed: a link loop cannot keep
    // the walk going, and a corpus is one tree.
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const fs::directory_entry& e = *it;
      std::error_code type_ec;
      if (e.is_regular_file(type_ec) && IsPackageName(e.path())) out.push_back(e.path().string());
    }
    if (ec) problem(path + ": " + ec.message() + " (the files found before it are scanned)");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint32_t ShardOf(std::string_view path, uint32_t shards) {
  if (shards <= 1) return 0;
  return static_cast<uint32_t>(XXH3_64bits(path.data(), path.size()) % shards);
}

}  // namespace vigie::corpus
