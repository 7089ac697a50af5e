// Building vectorscan databases, once: a database is compiled the first
// time its patterns are seen, then loaded from Vigie's cache (cache.h) in
// its serialized form, keyed by the patterns and the vectorscan build.
#pragma once

#include <hs.h>

#include <string>
#include <vector>

namespace vigie::sig {

/// Why a database could not be built.
struct HsCompileError {
  std::string message;
  int expression = -1;  ///< The pattern at fault, or -1.
};

/// hs_compile_multi(expressions, flags, ids, HS_MODE_BLOCK) for the host,
/// through the cache; null with `error` set on failure.
hs_database_t* CompileHsCached(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                               const std::vector<unsigned>& ids, HsCompileError& error);

}  // namespace vigie::sig
