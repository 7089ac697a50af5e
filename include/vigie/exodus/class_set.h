// Exodus Privacy's "class set", reproduced without dexdump.
//
// Exodus runs `dexdump` (no flags) on each classes*.dex and collects every
// match of the Python regex  [A-Z]+((?:\w+\/)+\w+)  in the whole text output.
// dexdump without flags prints, per class: its descriptor, superclass,
// interfaces, source file, each field's name/type (and static values), and
// each method's name and type signature. Vigie walks the same items and
// applies the same regex semantics to them, so the set equals Exodus' on the
// same file (checked against exodus_class_set_size in the corpus tests).
//
// The set is kept as marked DEX indices and a flat list of names, never as a
// set of strings: only the few names a signature matches are ever copied.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/format/dex/dex_file.h"
#include "vigie/sig/name_list.h"

namespace vigie::exodus {

/// Every match of [A-Z]+((?:\w+\/)+\w+) in `text`, Python findall semantics
/// (the capture group, leftmost matches, greedy with backtracking).
/// Non-ASCII bytes count as word characters, as letters do for Python's
/// Unicode \w.
template <typename Fn>
void ForEachExodusClassMatch(std::string_view text, Fn&& fn);

/// One bit per index: which of a DEX's types, strings or prototypes have
/// been seen.
class IndexSet {
 public:
  explicit IndexSet(size_t size = 0) : words_((size + 63) / 64) {}
  bool Contains(uint32_t i) const { return i / 64 < words_.size() && (words_[i / 64] >> (i % 64)) & 1; }
  /// Adds `i`; false when it was already there or is out of range.
  bool Insert(uint32_t i) {
    if (i / 64 >= words_.size()) return false;
    const uint64_t bit = uint64_t{1} << (i % 64);
    if (words_[i / 64] & bit) return false;
    words_[i / 64] |= bit;
    return true;
  }
  void Merge(const IndexSet& other);
  /// fn(i) for every member in [first, last), in increasing order.
  template <typename Fn>
  void ForEach(Fn&& fn, uint32_t first = 0, uint32_t last = UINT32_MAX) const;

 private:
  std::vector<uint64_t> words_;
};

/// The types and strings dexdump (no flags) prints for a range of class
/// definitions: what Exodus' class set is made of. Marking indices instead
/// of collecting text means each is turned into names once per DEX, however
/// many methods print it.
struct PrintedItems {
  IndexSet types, strings;
  void Merge(const PrintedItems& other) {
    types.Merge(other.types);
    strings.Merge(other.strings);
  }
};

/// Which part of what dexdump prints MarkPrintedItems marks. A method's
/// catch types and local variables come from its code item and debug info,
/// scattered over the file: the costliest part to read, and the one that
/// almost never adds a name (see CodeCandidates).
enum class PrintedPart { kAll, kAllButCode, kCodeOnly };

/// Marks what dexdump prints for class definitions [first, last): class,
/// superclass, interfaces, source file, field types, static string and type
/// values, method prototypes, catch types, and local variables' types and
/// generic signatures. Disjoint ranges may be marked on different threads.
PrintedItems MarkPrintedItems(const dex::DexFile& dex, uint32_t first = 0, uint32_t last = UINT32_MAX,
                              PrintedPart part = PrintedPart::kAll);

/// Appends to `names` every Exodus class-name match in `text`, except a
/// repeat of the name just added. Types come in descriptor order, so the
/// names of "Lcom/a/B;", "Lcom/a/B$1;" and "Lcom/a/B$C;" ("$" ends a match)
/// are adjacent: this halves the list on real apps. Other repeats are
/// harmless; matches are deduplicated afterwards.
void AddClassNames(sig::NameList& names, std::string_view text);

/// Appends the names of the printed types of `dex` (those in [first,
/// last)), or of its printed strings.
void AddPrintedTypes(sig::NameList& names, const dex::DexFile& dex, const IndexSet& types, uint32_t first = 0,
                     uint32_t last = UINT32_MAX);
void AddPrintedStrings(sig::NameList& names, const dex::DexFile& dex, const IndexSet& strings);

/// The names methods' code items could still add to Exodus' class set,
/// once everything else dexdump prints is marked. A code item prints its
/// catch types, and its local variables' types and generic signatures (a
/// string), so the candidates are the names of every type not yet printed
/// and of every string not yet printed that holds a '/' (a name needs one)
/// and is not a type's descriptor (whose names are its type's, listed with
/// the type).
///
/// When none of these names matches a signature beyond the matches already
/// found, reading the code items cannot change the verdicts or the evidence,
/// and they are never read for Exodus. Otherwise they are marked
/// (PrintedPart::kCodeOnly) and PrintedWith() tells which candidates they
/// print.
class CodeCandidates {
 public:
  /// `with_slash`: the indices of the strings of `dex` that hold a '/'
  /// (the caller's own pass over the string table finds them).
  CodeCandidates(const dex::DexFile& dex, const PrintedItems& printed, const std::vector<uint32_t>& with_slash);
  const sig::NameList& names() const { return names_; }
  /// Whether candidate name i is printed once `code` (what the code items
  /// print) is marked: its type or that type's descriptor string, or its
  /// string, is among them.
  bool PrintedWith(size_t i, const PrintedItems& code) const;

 private:
  struct Owner {
    uint32_t type;    // dex::kNoIndex for a string's name.
    uint32_t string;  // The type's descriptor, or the string.
  };
  sig::NameList names_;
  std::vector<Owner> owners_;  // One per name.
};

// ---- inline ---------------------------------------------------------------

namespace detail {
// The regex's character classes, one table lookup each (these loops run
// over every byte of the names): bit 0 for [A-Z], bit 1 for \w.
inline constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> t{};
  for (unsigned c = 0; c < 256; ++c) {
    const bool upper = c >= 'A' && c <= 'Z';
    const bool word = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
    t[c] = static_cast<uint8_t>((upper ? 1 : 0) | (word ? 2 : 0));
  }
  return t;
}();
inline bool IsUpper(unsigned char c) { return kCharClass[c] & 1; }
inline bool IsWord(unsigned char c) { return kCharClass[c] & 2; }
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
void IndexSet::ForEach(Fn&& fn, uint32_t first, uint32_t last) const {
  const uint64_t end = std::min<uint64_t>(last, uint64_t{words_.size()} * 64);
  for (uint64_t w = first / 64; w * 64 < end; ++w) {
    uint64_t bits = words_[w];
    if (w == first / 64) bits &= ~uint64_t{0} << (first % 64);
    for (; bits; bits &= bits - 1) {
      const uint64_t i = w * 64 + static_cast<unsigned>(__builtin_ctzll(bits));
      if (i >= end) return;
      fn(static_cast<uint32_t>(i));
    }
  }
}

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
    size_t word_end = p + k;
    while (word_end < s.size() && detail::IsWord(s[word_end])) ++word_end;
    // Every attempt from here to the end of this word ends its first \w+ at
    // word_end, so all fail unless "/\w" follows: skipping the word in one
    // step keeps a long word linear (a regex engine retries each start).
    if (word_end + 1 >= s.size() || s[word_end] != '/' || !detail::IsWord(s[word_end + 1])) {
      p = word_end;
      continue;
    }
    // [A-Z]+ is greedy and backtracks: it keeps every capital when a word
    // character follows them, else gives the last one back to the group.
    const size_t group = word_end > p + k ? p + k : p + k - 1;
    if (group == p) {  // A single capital, then '/': [A-Z]+ cannot give it back.
      p = word_end;
      continue;
    }
    const size_t end = detail::MatchPath(s, group);
    fn(s.substr(group, end - group));
    p = end;
  }
}

}  // namespace vigie::exodus
