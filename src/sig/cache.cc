#include "vigie/sig/cache.h"

#include <unistd.h>

#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#include <xxhash.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vigie::sig {

std::string CacheDir() {
  if (const char* d = std::getenv("VIGIE_CACHE_DIR")) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/vigie";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/vigie";
  return {};
}

namespace {

std::string Digest(XXH3_state_t& state) {
  XXH128_canonical_t canonical;  // Big-endian bytes, as xxhsum prints them.
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(&state));
  return ToHex(ByteView(canonical.digest, sizeof canonical.digest));
}

}  // namespace

std::string ContentKey(std::initializer_list<ByteView> parts) {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  for (ByteView part : parts) XXH3_128bits_update(&state, part.data(), part.size());
  return Digest(state);
}

std::string FileContentKey(std::string_view header, const MappedFile& file) {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  XXH3_128bits_update(&state, header.data(), header.size());
  file.ReadInChunks([&](ByteView chunk) { XXH3_128bits_update(&state, chunk.data(), chunk.size()); });
  return Digest(state);
}

std::string CachePath(const std::string& name) {
  std::string dir = CacheDir();
  return dir.empty() ? std::string() : dir + "/" + name;
}

void StoreInCache(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace vigie::sig
