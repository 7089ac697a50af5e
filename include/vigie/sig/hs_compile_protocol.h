// What the CLI and `vigie-hs-compile` (apps/hs_compile) say to each other.
//
// Where Vigie is linked statically, vectorscan's compiler runs in a process
// of its own (sig/hs_compiler.h says why): the patterns go to its standard
// input, and the serialized database, or the compiler's error, comes back
// on its standard output. Both sides are built from this one header, at the
// same time, on the same machine, so integers travel in host order.
//
//   request: "VHSC" u32 count, then per pattern: u32 flags, u32 id,
//            u32 length, the expression's bytes
//   reply:   "VHSR" u32 0, u64 size, the serialized database; or
//            "VHSR" u32 1, i32 expression, u32 length, the error message
#pragma once

#include <hs.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::sig::hs_protocol {

inline constexpr std::string_view kRequestMagic = "VHSC";
inline constexpr std::string_view kReplyMagic = "VHSR";
/// What a reply holds besides the database: magic, status and size.
inline constexpr uint64_t kReplyFraming = 4 + 4 + 8;

struct Pattern {
  std::string expression;
  uint32_t flags = 0;
  uint32_t id = 0;
};

struct Reply {
  bool ok = false;
  std::string database;  // Serialized, when ok.
  int32_t expression = -1;
  std::string message;  // When not ok.
};

namespace detail {

template <typename T>
void Put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Reads from the front of `in`, which it shortens; false when too short.
template <typename T>
bool Take(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

inline bool TakeBytes(std::string_view& in, uint64_t n, std::string& out) {
  if (in.size() < n) return false;
  out.assign(in.data(), static_cast<size_t>(n));
  in.remove_prefix(static_cast<size_t>(n));
  return true;
}

inline bool TakeMagic(std::string_view& in, std::string_view magic) {
  if (in.substr(0, magic.size()) != magic) return false;
  in.remove_prefix(magic.size());
  return true;
}

}  // namespace detail

inline std::string EncodeRequest(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                                 const std::vector<unsigned>& ids) {
  std::string out(kRequestMagic);
  detail::Put<uint32_t>(out, static_cast<uint32_t>(expressions.size()));
  for (size_t i = 0; i < expressions.size(); ++i) {
    const std::string_view e = expressions[i];
    detail::Put<uint32_t>(out, flags[i]);
    detail::Put<uint32_t>(out, ids[i]);
    detail::Put<uint32_t>(out, static_cast<uint32_t>(e.size()));
    out.append(e);
  }
  return out;
}

/// nullopt when `in` is not one whole request.
inline std::optional<std::vector<Pattern>> DecodeRequest(std::string_view in) {
  uint32_t count = 0;
  if (!detail::TakeMagic(in, kRequestMagic) || !detail::Take(in, count)) return std::nullopt;
  std::vector<Pattern> patterns;
  // Each pattern takes at least 12 bytes: a count the input cannot hold is
  // refused before anything is reserved for it.
  if (count > in.size() / 12) return std::nullopt;
  patterns.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Pattern p;
    uint32_t length = 0;
    if (!detail::Take(in, p.flags) || !detail::Take(in, p.id) || !detail::Take(in, length) ||
        !detail::TakeBytes(in, length, p.expression))
      return std::nullopt;
    patterns.push_back(std::move(p));
  }
  if (!in.empty()) return std::nullopt;
  return patterns;
}

inline std::string EncodeReply(const Reply& r) {
  std::string out(kReplyMagic);
  detail::Put<uint32_t>(out, r.ok ? 0 : 1);
  if (r.ok) {
    detail::Put<uint64_t>(out, r.database.size());
    out.append(r.database);
  } else {
    detail::Put<int32_t>(out, r.expression);
    detail::Put<uint32_t>(out, static_cast<uint32_t>(r.message.size()));
    out.append(r.message);
  }
  return out;
}

/// nullopt when `in` is not one whole reply.
inline std::optional<Reply> DecodeReply(std::string_view in) {
  Reply r;
  uint32_t status = 0;
  if (!detail::TakeMagic(in, kReplyMagic) || !detail::Take(in, status) || status > 1) return std::nullopt;
  r.ok = status == 0;
  if (r.ok) {
    uint64_t size = 0;
    if (!detail::Take(in, size) || !detail::TakeBytes(in, size, r.database)) return std::nullopt;
  } else {
    uint32_t length = 0;
    if (!detail::Take(in, r.expression) || !detail::Take(in, length) || !detail::TakeBytes(in, length, r.message))
      return std::nullopt;
  }
  if (!in.empty()) return std::nullopt;
  return r;
}

/// What the compiler answers: hs_compile_multi in block mode for this host,
/// serialized. Inline, for the two callers that link vectorscan's compiler:
/// vigie-hs-compile, and builds that call the compiler directly.
inline Reply Compile(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                     const std::vector<unsigned>& ids) {
  Reply reply;
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                       HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    reply.message = err && err->message ? err->message : "unknown error";
    reply.expression = err ? err->expression : -1;
    if (err) hs_free_compile_error(err);
    return reply;
  }
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) {
    reply.message = "the compiled database could not be serialized";
  } else {
    reply.ok = true;
    reply.database.assign(bytes, size);
    std::free(bytes);  // Allocated with malloc, vectorscan's default allocator.
  }
  hs_free_database(db);
  return reply;
}

}  // namespace vigie::sig::hs_protocol
