// Property lists, as iOS backups and dumps hold them: binary ("bplist00")
// and XML, read into one tree. Every offset and count of a binary plist is
// checked, references may not loop, and the tree is capped
// (limits::kMaxPlistValues, kMaxPlistDepth), since a crafted plist can
// reference one object many times.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigie/base/error.h"

namespace vigie::plist {

struct DictEntry;

struct Value {
  enum class Kind : uint8_t { kNull, kBool, kInt, kReal, kDate, kString, kData, kArray, kDict, kUid };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;  ///< kInt, kUid.
  double real = 0;      ///< kReal; kDate: seconds since 2001-01-01 UTC.
  std::string bytes;    ///< kString (UTF-8) and kData.
  std::vector<Value> array;
  std::vector<DictEntry> dict;  ///< In file order.

  /// A dictionary's value for `key`, or null.
  const Value* Find(std::string_view key) const;
  /// Python's truth: false for null, false, 0, and empty strings, data and containers.
  bool truthy() const;
  /// A scalar as text ("true", "42", "1.5", the string itself); empty for containers.
  std::string Text() const;
};

/// One key and value of a dictionary (first, second: as a map's entries).
struct DictEntry {
  std::string first;
  Value second;
};

/// Reads a binary or XML property list.
Result<Value> Parse(std::string_view bytes);

/// The root object of an NSKeyedArchiver plist ($top.root, through $objects).
const Value* KeyedRoot(const Value& archive);

}  // namespace vigie::plist
