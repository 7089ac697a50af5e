#include "vigie/sig/hs_compiler.h"

#include <cstdlib>
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

#if defined(VIGIE_HS_COMPILER_LIBRARY)

// The entry points of the shared library, loaded once and never unloaded.
struct Compiler {
  decltype(&hs_compile_multi) compile = nullptr;
  decltype(&hs_free_compile_error) free_error = nullptr;
  decltype(&hs_serialize_database) serialize = nullptr;
  decltype(&hs_free_database) free_database = nullptr;
  std::string failure;  // Why it could not be loaded.
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
    c.compile = reinterpret_cast<decltype(c.compile)>(dlsym(lib, "hs_compile_multi"));
    c.free_error = reinterpret_cast<decltype(c.free_error)>(dlsym(lib, "hs_free_compile_error"));
    c.serialize = reinterpret_cast<decltype(c.serialize)>(dlsym(lib, "hs_serialize_database"));
    c.free_database = reinterpret_cast<decltype(c.free_database)>(dlsym(lib, "hs_free_database"));
    if (!c.compile || !c.free_error || !c.serialize || !c.free_database) {
      c.compile = nullptr;
      c.failure = std::string(VIGIE_HS_COMPILER_LIBRARY) + " lacks the compiler's entry points";
    }
    return c;
  }();
  return loaded;
}

#endif

hs_database_t* LoadCached(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file || file->view().empty()) return nullptr;
  hs_database_t* db = nullptr;
  // Deserialisation checks the database against this CPU and library; any
  // mismatch or corruption just means compiling again.
  const ByteView v = file->view();
  if (hs_deserialize_database(reinterpret_cast<const char*>(v.data()), v.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

void StoreCached(const std::string& path, hs_database_t* db) {
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) return;
  StoreInCache(path, std::string_view(bytes, size));
  std::free(bytes);
}

}  // namespace

hs_database_t* CompileHs(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                         const std::vector<unsigned>& ids, HsCompileError& error) {
  hs_database_t* built = nullptr;
  hs_compile_error_t* err = nullptr;
  const auto count = static_cast<unsigned>(expressions.size());
#if defined(VIGIE_HS_COMPILER_LIBRARY)
  const Compiler& c = LoadCompiler();
  if (!c.compile) {
    error.message = "cannot load the vectorscan compiler: " + c.failure;
    return nullptr;
  }
  if (c.compile(expressions.data(), flags.data(), ids.data(), count, HS_MODE_BLOCK, nullptr, &built, &err) !=
      HS_SUCCESS) {
    TakeError(err, c.free_error, error);
    return nullptr;
  }
  char* bytes = nullptr;
  size_t size = 0;
  const bool serialized = c.serialize(built, &bytes, &size) == HS_SUCCESS;
  c.free_database(built);
  hs_database_t* out = nullptr;
  const bool ok = serialized && hs_deserialize_database(bytes, size, &out) == HS_SUCCESS;
  std::free(bytes);  // Allocated with malloc, vectorscan's default allocator.
  if (!ok) {
    error.message = "the compiled database did not load into the runtime";
    return nullptr;
  }
  return out;
#else
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), count, HS_MODE_BLOCK, nullptr, &built, &err) !=
      HS_SUCCESS) {
    TakeError(err, hs_free_compile_error, error);
    return nullptr;
  }
  return built;
#endif
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
  if (!path.empty())
    if (hs_database_t* cached = LoadCached(path)) return cached;
  hs_database_t* db = CompileHs(expressions, flags, ids, error);
  if (db && !path.empty()) StoreCached(path, db);
  return db;
}

}  // namespace vigie::sig
