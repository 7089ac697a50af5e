#include "vigie/sig/hs_compiler.h"

#include <cstdlib>
#include <optional>
#include <string_view>

#include "vigie/base/mapped_file.h"
#include "vigie/sig/cache.h"

#if defined(VIGIE_HS_COMPILER_LIBRARY)
#include <dlfcn.h>
#endif

namespace vigie::sig {
namespace {

// Fills `error` from vectorscan's, which `free_error` then releases.
void TakeError(hs_compile_error_t* err, hs_error_t (*free_error)(hs_compile_error_t*), HsCompileError& error) {
  error.message = err && err->message ? err->message : "unknown error";
  error.expression = err ? err->expression : -1;
  if (err) free_error(err);
}

// The compiler's entry points: from the shared library where it is loaded
// on demand, else vectorscan's own.
struct Entry {
  decltype(&hs_compile_multi) compile = nullptr;
  decltype(&hs_free_compile_error) free_error = nullptr;
  decltype(&hs_serialize_database) serialize = nullptr;
  decltype(&hs_free_database) free_database = nullptr;
};

#if defined(VIGIE_HS_COMPILER_LIBRARY)

// The shared library's entry points, loaded once and never unloaded.
struct Compiler {
  Entry entry;
  std::string failure;  // Why it could not be loaded; entry.compile is then null.
};

const Compiler& LoadCompiler() {
  static const Compiler loaded = [] {
    Compiler c;
    // RTLD_LOCAL: its symbols stay its own, apart from the runtime linked here.
    void* lib = dlopen(VIGIE_HS_COMPILER_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      c.failure = why ? why : "dlopen failed";
      return c;
    }
    Entry& e = c.entry;
    e.compile = reinterpret_cast<decltype(e.compile)>(dlsym(lib, "hs_compile_multi"));
    e.free_error = reinterpret_cast<decltype(e.free_error)>(dlsym(lib, "hs_free_compile_error"));
    e.serialize = reinterpret_cast<decltype(e.serialize)>(dlsym(lib, "hs_serialize_database"));
    e.free_database = reinterpret_cast<decltype(e.free_database)>(dlsym(lib, "hs_free_database"));
    if (!e.compile || !e.free_error || !e.serialize || !e.free_database) {
      e.compile = nullptr;
      c.failure = std::string(VIGIE_HS_COMPILER_LIBRARY) + " lacks the compiler's entry points";
    }
    return c;
  }();
  return loaded;
}

#endif

// A database of the runtime linked here, from its serialized form; null when
// the bytes do not load (damaged, or for another CPU or build).
hs_database_t* Deserialize(std::string_view bytes) {
  hs_database_t* db = nullptr;
  if (bytes.empty() || hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

// The database the patterns make, serialized: the form the cache stores and
// the runtime loads, whichever library compiled it. nullopt with `error` set.
std::optional<std::string> CompileSerialized(const std::vector<const char*>& expressions,
                                             const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                                             HsCompileError& error) {
#if defined(VIGIE_HS_COMPILER_LIBRARY)
  const Compiler& c = LoadCompiler();
  if (!c.entry.compile) {
    error.message = "cannot load the vectorscan compiler: " + c.failure;
    return std::nullopt;
  }
  const Entry& e = c.entry;
#else
  const Entry e{hs_compile_multi, hs_free_compile_error, hs_serialize_database, hs_free_database};
#endif
  hs_database_t* built = nullptr;
  hs_compile_error_t* err = nullptr;
  if (e.compile(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                HS_MODE_BLOCK, nullptr, &built, &err) != HS_SUCCESS) {
    TakeError(err, e.free_error, error);
    return std::nullopt;
  }
  char* bytes = nullptr;
  size_t size = 0;
  const bool serialized = e.serialize(built, &bytes, &size) == HS_SUCCESS;
  e.free_database(built);
  if (!serialized) {
    error.message = "the compiled database could not be serialized";
    return std::nullopt;
  }
  std::string out(bytes, size);
  std::free(bytes);  // Allocated with malloc, vectorscan's default allocator.
  return out;
}

// The runtime's database from what CompileSerialized made.
hs_database_t* LoadCompiled(std::string_view bytes, HsCompileError& error) {
  hs_database_t* db = Deserialize(bytes);
  if (!db) error.message = "the compiled database did not load into the runtime";
  return db;
}

}  // namespace

hs_database_t* CompileHs(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                         const std::vector<unsigned>& ids, HsCompileError& error) {
  const auto bytes = CompileSerialized(expressions, flags, ids, error);
  return bytes ? LoadCompiled(*bytes, error) : nullptr;
}

hs_database_t* CompileHsCached(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                               const std::vector<unsigned>& ids, HsCompileError& error) {
  // The key covers everything that shapes the database: each pattern with
  // its flags and id, in order, and the vectorscan build (its version
  // string includes the release and the build date).
  std::string material = std::string(hs_version()) + "\n";
  for (size_t i = 0; i < expressions.size(); ++i)
    material.append(std::to_string(flags[i])).append(" ").append(std::to_string(ids[i])).append(" ").append(
        expressions[i]).push_back('\n');
  const std::string path = CachePath(ContentKey({ByteView(material)}) + ".hsdb");
  if (!path.empty()) {
    // A cached database that does not load (damaged, another CPU) is built
    // again.
    if (auto file = MappedFile::Open(path))
      if (hs_database_t* cached = Deserialize(file->view().AsString())) return cached;
  }
  const auto bytes = CompileSerialized(expressions, flags, ids, error);
  if (!bytes) return nullptr;
  if (!path.empty()) StoreInCache(path, *bytes);
  return LoadCompiled(*bytes, error);
}

}  // namespace vigie::sig
