#include "vigie/sig/hs_compiler.h"

#include <cstdlib>
#include <optional>
#include <string_view>

#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/sig/cache.h"
#include "vigie/sig/hs_compile_protocol.h"

#if defined(VIGIE_HS_COMPILER_EXE)
#include <unistd.h>

#include <climits>

#include "vigie/base/subprocess.h"
#endif

namespace vigie::sig {
namespace {

#if defined(VIGIE_HS_COMPILER_EXE)

// $VIGIE_HS_COMPILER; else vigie-hs-compile beside the running program (an
// installed vigie); else the one this build made.
std::string CompilerPath() {
  if (const char* set = std::getenv("VIGIE_HS_COMPILER"); set && *set) return set;
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string beside(self, static_cast<size_t>(n));
    beside.resize(beside.rfind('/') + 1);
    beside += "vigie-hs-compile";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  return VIGIE_HS_COMPILER_EXE;
}

// The compiler's reply, from vigie-hs-compile; nullopt with `error` set
// when the program could not give one.
std::optional<hs_protocol::Reply> CompilerReply(const std::vector<const char*>& expressions,
                                                const std::vector<unsigned>& flags,
                                                const std::vector<unsigned>& ids, HsCompileError& error) {
  const std::string path = CompilerPath();
  ProgramRun run = RunProgram(path, hs_protocol::EncodeRequest(expressions, flags, ids),
                              limits::kMaxCompiledDatabaseBytes + hs_protocol::kReplyFraming);
  if (!run.ok) {
    error.message = "cannot build a vectorscan database: " + run.failure;
    return std::nullopt;
  }
  auto reply = hs_protocol::DecodeReply(run.output);
  if (!reply) error.message = "cannot build a vectorscan database: " + path + " gave a malformed reply";
  return reply;
}

#else

std::optional<hs_protocol::Reply> CompilerReply(const std::vector<const char*>& expressions,
                                                const std::vector<unsigned>& flags,
                                                const std::vector<unsigned>& ids, HsCompileError&) {
  return hs_protocol::Compile(expressions, flags, ids);
}

#endif

// The database the patterns make, serialized: the form the cache stores and
// the runtime loads, whichever process compiled it. nullopt with `error` set.
std::optional<std::string> CompileSerialized(const std::vector<const char*>& expressions,
                                             const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                                             HsCompileError& error) {
  auto reply = CompilerReply(expressions, flags, ids, error);
  if (!reply) return std::nullopt;
  if (!reply->ok) {
    error.message = std::move(reply->message);
    error.expression = reply->expression;
    return std::nullopt;
  }
  return std::move(reply->database);
}

// A database of the runtime linked here, from its serialized form; null when
// the bytes do not load (damaged, or for another CPU or build).
hs_database_t* Deserialize(std::string_view bytes) {
  hs_database_t* db = nullptr;
  if (bytes.empty() || hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
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
