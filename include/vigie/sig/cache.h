// Vigie's on-disk cache of compiled signature data (vectorscan databases,
// imported signature databases). Everything in it can be rebuilt; a missing,
// stale or unwritable cache only costs time.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "vigie/base/bytes.h"
#include "vigie/base/mapped_file.h"

namespace vigie::sig {

/// $VIGIE_CACHE_DIR, else $XDG_CACHE_HOME/vigie, else ~/.cache/vigie; empty
/// when none can be determined.
std::string CacheDir();

/// A cache entry's name for content made of `parts` (in order): 32 hex
/// digits of XXH3-128. A cache key only has to change when the content
/// does, and is not a security boundary (the cache is the user's own), so
/// a hash at memory speed serves: the key is worked out on every run.
std::string ContentKey(std::initializer_list<ByteView> parts);

/// ContentKey({header, the whole content of `file`}), the file read in
/// chunks (MappedFile::ReadInChunks).
std::string FileContentKey(std::string_view header, const MappedFile& file);

/// CacheDir()/name, or empty when there is no cache directory.
std::string CachePath(const std::string& name);

/// Writes `bytes` to `path` atomically (temporary file, then rename), so a
/// concurrent reader never sees half a file. Failures are ignored.
void StoreInCache(const std::string& path, std::string_view bytes);

}  // namespace vigie::sig
