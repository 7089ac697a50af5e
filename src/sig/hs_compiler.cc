#include "vigie/sig/hs_compiler.h"

#include <cstdlib>
#include <string_view>

#include "vigie/base/mapped_file.h"
#include "vigie/sig/cache.h"

namespace vigie::sig {
namespace {

// A database from its serialized form; null when the bytes do not load
// (damaged, or made for another CPU or vectorscan build).
hs_database_t* Deserialize(std::string_view bytes) {
  hs_database_t* db = nullptr;
  if (bytes.empty() || hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

}  // namespace

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
    if (auto file = MappedFile::Open(path))
      if (hs_database_t* cached = Deserialize(file->view().AsString())) return cached;

  hs_database_t* db = nullptr;
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                       HS_MODE_BLOCK, nullptr, &db, &compile_error) != HS_SUCCESS) {
    error.message = compile_error ? compile_error->message : "vectorscan could not compile the patterns";
    error.expression = compile_error ? compile_error->expression : -1;
    hs_free_compile_error(compile_error);
    return nullptr;
  }
  char* bytes = nullptr;
  size_t size = 0;
  if (!path.empty() && hs_serialize_database(db, &bytes, &size) == HS_SUCCESS) {
    StoreInCache(path, std::string_view(bytes, size));
    std::free(bytes);
  }
  return db;
}

}  // namespace vigie::sig
