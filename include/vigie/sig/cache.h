// Vigie's on-disk cache of compiled signature data (vectorscan databases,
// imported signature databases). Everything in it can be rebuilt; a missing,
// stale or unwritable cache only costs time.
#pragma once

#include <string>
#include <string_view>

namespace vigie::sig {

/// $VIGIE_CACHE_DIR, else $XDG_CACHE_HOME/vigie, else ~/.cache/vigie; empty
/// when none can be determined.
std::string CacheDir();

/// CacheDir()/name, or empty when there is no cache directory.
std::string CachePath(const std::string& name);

/// Writes `bytes` to `path` atomically (temporary file, then rename), so a
/// concurrent reader never sees half a file. Failures are ignored.
void StoreInCache(const std::string& path, std::string_view bytes);

}  // namespace vigie::sig
