// Exodus' code signatures, matched by literal anchors.
//
// Exodus signatures are Python regexes, but in practice each is an
// alternation of "dotted literals": "com.adjust.sdk.|com.adjust.android.sdk."
// is text in which '.' stands for any one character (Exodus authors mean a
// package separator; Python's '.' takes anything but a newline). Every one
// of the 432 signatures of Exodus' export is of that shape. As general
// regexes in one vectorscan database they scan slowly: their literal pieces
// ("com", "sdk", "android") occur in almost every name and must each be
// confirmed.
//
// An alternative of that shape has a fixed length, so a single literal piece
// of it, placed, fixes where the whole must be. WildcardLiterals takes the
// longest piece of each alternative that is not a common package word
// ("android", "com") as its anchor, finds anchors with one
// literal-only vectorscan database, and checks the
// rest of the alternative around each anchor hit, byte by byte for literal
// characters and one UTF-8 code point per '.', as Python does on decoded
// text. The result is re.search's, exactly. Signatures of any other shape
// stay regexes (SdkMatcher).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigie::sig {

class WildcardLiterals {
 public:
  /// Whether `regex` is an alternation of dotted literals that this class
  /// can match exactly: only '|', '.' and characters that stand for
  /// themselves, and at least one literal character per alternative.
  static bool Accepts(std::string_view regex);

  /// Adds the alternatives of `regex` (Accepts() must hold) for `sdk`.
  void Add(std::string_view regex, uint32_t sdk);

  /// The anchors, one per distinct literal, as regexes (escaped) in the
  /// order of their ids, for the caller to compile into one database.
  const std::vector<std::string>& anchor_patterns() const { return anchor_patterns_; }
  bool empty() const { return anchor_patterns_.empty(); }

  /// Given that anchor `anchor_id` ends at byte `end` of `text`, within the
  /// line [line_begin, line_end), calls fn(sdk) for each alternative on that
  /// anchor that matches there.
  template <typename Fn>
  void Verify(uint32_t anchor_id, std::string_view text, uint64_t line_begin, uint64_t end, uint64_t line_end,
              Fn&& fn) const;

 private:
  struct Alternative {
    std::string chars;  // Pattern characters; '.' is the wildcard.
    uint32_t anchor_begin;  // Where the anchor piece starts in `chars`.
    uint32_t anchor_size;
    uint32_t sdk;
  };
  bool Matches(const Alternative& a, std::string_view text, uint64_t line_begin, uint64_t anchor_begin,
               uint64_t line_end) const;

  std::vector<std::string> anchor_patterns_;
  // Anchor literal -> anchor id. Exodus' database has ~1,000 alternatives
  // and ~800 anchors: a linear search per alternative was a sixth of the
  // signatures' load.
  std::unordered_map<std::string, uint32_t> anchor_ids_;
  std::vector<std::vector<Alternative>> by_anchor_;  // Indexed by anchor id.
};

template <typename Fn>
void WildcardLiterals::Verify(uint32_t anchor_id, std::string_view text, uint64_t line_begin, uint64_t end,
                              uint64_t line_end, Fn&& fn) const {
  if (anchor_id >= by_anchor_.size()) return;
  for (const Alternative& a : by_anchor_[anchor_id]) {
    if (end < line_begin + a.anchor_size) continue;
    if (Matches(a, text, line_begin, end - a.anchor_size, line_end)) fn(a.sdk);
  }
}

}  // namespace vigie::sig
