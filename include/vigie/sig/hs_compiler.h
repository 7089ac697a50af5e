// Building vectorscan databases.
//
// The compiler is most of vectorscan: ~90 static initialisers and about 7 MB
// of code, which every start of the CLI paid for (0.09 ms of a one-app scan,
// docs/benchmarks.md), while a scan only runs databases, compiled at build
// time or cached. So where Vigie is linked statically, only vectorscan's
// runtime is (libhs_runtime.a), and the compiler is a program of its own,
// vigie-hs-compile (apps/hs_compile), run the first time a database has to
// be built (a cache miss). It could not be a shared library loaded on
// demand: a fully static program cannot load one that needs the C library.
// Elsewhere (sanitizer and fuzz builds, which link vectorscan as a shared
// library) the compiler is called directly. Either way the database comes
// out serialized, the format meant to cross builds, which the cache stores
// and the runtime loads.
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

/// hs_compile_multi(expressions, flags, ids, HS_MODE_BLOCK) for the host, as
/// a database of the linked runtime; null with `error` set on failure.
hs_database_t* CompileHs(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                         const std::vector<unsigned>& ids, HsCompileError& error);

/// CompileHs, through Vigie's cache (sig/cache.h): a database built once is
/// loaded from its serialized form afterwards, keyed by the patterns, their
/// flags and ids, and the vectorscan build. Loading it takes microseconds;
/// building it can take milliseconds, and first loading the compiler more.
hs_database_t* CompileHsCached(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                               const std::vector<unsigned>& ids, HsCompileError& error);

}  // namespace vigie::sig
