// resources.arsc: just enough of the resource table to resolve references
// from the manifest (the app label, string values of meta-data) to the text
// a user would see in the default configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/error.h"
#include "vigie/format/axml/res_chunk.h"

namespace vigie::arsc {

/// A resource value: Res_value type and data, plus text for strings.
struct Value {
  uint8_t type = 0;
  uint32_t data = 0;
  std::optional<std::string> string;
};

class ResourceTable {
 public:
  /// Indexes the table's packages and type chunks; values are decoded on
  /// demand. Errors in one package or type chunk become diagnostics.
  static Result<ResourceTable> Parse(ByteView bytes, const std::string& where, Diagnostics& diags);

  /// Resolves 0xPPTTEEEE, following references up to
  /// limits::kMaxResourceIndirections. Prefers the default configuration
  /// (no locale, no qualifiers), then any configuration holding the entry.
  std::optional<Value> Resolve(uint32_t resource_id) const;

  /// Calls fn(text) for every string of the table's global string pool
  /// (the values of all string resources, in every configuration) that
  /// contains the ASCII character `c` or starts with one of `prefixes`, and
  /// does not start with `skip`; the others are never decoded.
  template <typename Fn>
  void ForEachStringWith(char c, const std::vector<std::string>& prefixes, std::string_view skip, Fn&& fn) const {
    for (uint32_t i = 0; i < strings_.size(); ++i)
      if (strings_.ContainsOrStartsWith(i, c, prefixes) && (skip.empty() || !strings_.StartsWith(i, skip)))
        if (auto s = strings_.Get(i)) fn(*s);
  }

 private:
  struct TypeChunk {
    uint8_t package_id;
    uint8_t type_id;
    bool is_default_config;
    res::Chunk chunk;
  };
  std::optional<Value> Lookup(uint32_t resource_id) const;
  std::optional<Value> EntryValue(const TypeChunk& t, uint32_t entry) const;

  res::StringPool strings_;
  std::vector<TypeChunk> types_;
};

}  // namespace vigie::arsc
