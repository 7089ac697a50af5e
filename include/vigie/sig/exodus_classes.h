// Exodus Privacy's "class set", reproduced without dexdump.
//
// Exodus runs `dexdump` (no flags) on each classes*.dex and collects every
// match of the Python regex  [A-Z]+((?:\w+\/)+\w+)  in the whole text output.
// dexdump without flags prints, per class: its descriptor, superclass,
// interfaces, source file, each field's name/type (and static values), and
// each method's name and type signature. Vigie walks the same items and
// applies the same regex semantics to them, so the set equals Exodus' on the
// same file (checked against exodus_class_set_size in the corpus tests).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "vigie/format/dex/dex_file.h"

namespace vigie::sig {

/// Every match of [A-Z]+((?:\w+\/)+\w+) in `text`, Python findall semantics
/// (the capture group, leftmost matches, greedy with backtracking).
/// Non-ASCII bytes count as word characters, as letters do for Python's
/// Unicode \w.
template <typename Fn>
void ForEachExodusClassMatch(std::string_view text, Fn&& fn);

/// Adds to `out` the class set dexdump's text for `dex` would yield, for
/// class definitions [first, last) (all of them by default). Disjoint ranges
/// may be collected on different threads into different sets.
void CollectExodusClasses(const dex::DexFile& dex, std::unordered_set<std::string>& out, uint32_t first = 0,
                          uint32_t last = UINT32_MAX);

// ---- inline ---------------------------------------------------------------

namespace detail {
inline bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsWord(unsigned char c) {
  return (c >= 'a' && c <= 'z') || IsUpper(c) || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}
// Longest match of \w+(/\w+)+ at g; returns its end, or npos.
inline size_t MatchPath(std::string_view s, size_t g) {
  size_t i = g;
  while (i < s.size() && IsWord(s[i])) ++i;
  if (i == g) return std::string_view::npos;
  size_t end = std::string_view::npos;
  while (i + 1 < s.size() && s[i] == '/' && IsWord(s[i + 1])) {
    i += 1;
    while (i < s.size() && IsWord(s[i])) ++i;
    end = i;
  }
  return end;
}
}  // namespace detail

template <typename Fn>
void ForEachExodusClassMatch(std::string_view s, Fn&& fn) {
  size_t p = 0;
  while (p < s.size()) {
    if (!detail::IsUpper(s[p])) {
      ++p;
      continue;
    }
    size_t k = 0;
    while (p + k < s.size() && detail::IsUpper(s[p + k])) ++k;
    // [A-Z]+ is greedy: try the longest run of capitals first, then give
    // them back one by one, as the regex engine backtracks.
    bool matched = false;
    for (size_t j = k; j >= 1; --j) {
      size_t end = detail::MatchPath(s, p + j);
      if (end != std::string_view::npos) {
        fn(s.substr(p + j, end - p - j));
        p = end;
        matched = true;
        break;
      }
    }
    if (!matched) ++p;
  }
}

}  // namespace vigie::sig
