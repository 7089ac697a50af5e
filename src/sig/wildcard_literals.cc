#include "vigie/sig/wildcard_literals.h"


namespace vigie::sig {
namespace {

// Characters with a meaning in Python regexes other than '.' and '|'.
bool IsMeta(char c) {
  switch (c) {
    case '\\': case '^': case '$': case '*': case '+': case '?':
    case '{': case '}': case '[': case ']': case '(': case ')':
      return true;
    default:
      return false;
  }
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Start of the UTF-8 code point that ends just before `pos` (pos > floor).
// A stray continuation byte counts as a code point of its own.
uint64_t PreviousCodePoint(std::string_view s, uint64_t pos, uint64_t floor) {
  uint64_t p = pos - 1;
  for (int n = 0; n < 3 && p > floor && IsContinuation(static_cast<unsigned char>(s[p])); ++n) --p;
  const auto lead = static_cast<unsigned char>(s[p]);
  const uint64_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  // Only a lead byte whose sequence ends exactly at `pos` makes one code
  // point; otherwise the last byte stands alone.
  return (lead >= 0xC0 && p + length == pos) ? p : pos - 1;
}

// End of the UTF-8 code point starting at `pos` (pos < ceiling).
uint64_t NextCodePoint(std::string_view s, uint64_t pos, uint64_t ceiling) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  const uint64_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  uint64_t p = pos + 1;
  while (p < pos + length && p < ceiling && IsContinuation(static_cast<unsigned char>(s[p]))) ++p;
  return p == pos + length ? p : pos + 1;
}

// Package words found in most Android class names. An anchor that is one of
// them would be hit thousands of times per app, each hit to be checked
// ("android" alone is in half of a typical app's names), so a rarer piece
// of the alternative anchors it whenever there is one.
bool IsCommonWord(std::string_view piece) {
  static constexpr std::string_view kCommon[] = {
      "android", "androidx", "app", "ads", "api", "com", "common", "core", "gms", "google", "internal", "io",
      "java", "kotlin", "net", "org", "sdk", "support", "util", "v4", "v7", "view", "widget"};
  for (std::string_view w : kCommon)
    if (piece == w) return true;
  return false;
}

std::string EscapeLiteral(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          static_cast<unsigned char>(c) >= 0x80))
      out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool WildcardLiterals::Accepts(std::string_view regex) {
  if (regex.empty()) return false;
  size_t start = 0;
  while (start <= regex.size()) {
    size_t bar = regex.find('|', start);
    if (bar == std::string_view::npos) bar = regex.size();
    std::string_view alt = regex.substr(start, bar - start);
    bool literal = false;
    for (char c : alt) {
      if (IsMeta(c) || c == '\n' || static_cast<unsigned char>(c) >= 0x80) return false;
      if (c != '.') literal = true;
    }
    if (!literal) return false;  // An empty or all-wildcard alternative.
    start = bar + 1;
  }
  return true;
}

void WildcardLiterals::Add(std::string_view regex, uint32_t sdk) {
  size_t start = 0;
  while (start <= regex.size()) {
    size_t bar = regex.find('|', start);
    if (bar == std::string_view::npos) bar = regex.size();
    std::string_view alt = regex.substr(start, bar - start);
    start = bar + 1;
    // The longest run of literal characters that is not a common package
    // word anchors the alternative; failing that, the longest run.
    size_t best = 0, best_size = 0;
    bool best_common = true;
    for (size_t i = 0; i < alt.size();) {
      if (alt[i] == '.') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < alt.size() && alt[j] != '.') ++j;
      const bool common = IsCommonWord(alt.substr(i, j - i));
      if ((best_common && !common) || (common == best_common && j - i > best_size)) {
        best = i, best_size = j - i, best_common = common;
      }
      i = j;
    }
    if (best_size == 0) continue;  // Accepts() refuses these.
    const std::string_view literal = alt.substr(best, best_size);
    auto [it, fresh] = anchor_ids_.try_emplace(std::string(literal), static_cast<uint32_t>(by_anchor_.size()));
    if (fresh) {
      anchor_patterns_.push_back(EscapeLiteral(literal));
      by_anchor_.emplace_back();
    }
    by_anchor_[it->second].push_back(
        {std::string(alt), static_cast<uint32_t>(best), static_cast<uint32_t>(best_size), sdk});
  }
}

bool WildcardLiterals::Matches(const Alternative& a, std::string_view text, uint64_t line_begin,
                               uint64_t anchor_begin, uint64_t line_end) const {
  // Before the anchor, right to left.
  uint64_t pos = anchor_begin;
  for (size_t i = a.anchor_begin; i-- > 0;) {
    if (pos <= line_begin) return false;
    if (a.chars[i] == '.') {
      pos = PreviousCodePoint(text, pos, line_begin);
    } else {
      if (text[pos - 1] != a.chars[i]) return false;
      --pos;
    }
  }
  // After the anchor, left to right.
  pos = anchor_begin + a.anchor_size;
  for (size_t i = a.anchor_begin + a.anchor_size; i < a.chars.size(); ++i) {
    if (pos >= line_end) return false;
    if (a.chars[i] == '.') {
      pos = NextCodePoint(text, pos, line_end);
    } else {
      if (text[pos] != a.chars[i]) return false;
      ++pos;
    }
  }
  return true;
}

}  // namespace vigie::sig
