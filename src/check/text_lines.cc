#include "text_lines.h"

#include <cctype>

namespace vigie::check {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || (c >= 0x1c && c <= 0x1f); }

// The length of a line boundary at `i`, or 0.
size_t Boundary(std::string_view t, size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  if (c == '\r') return i + 1 < t.size() && t[i + 1] == '\n' ? 2 : 1;
  if (c == '\n' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e) return 1;
  if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x85) return 2;
  if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(t[i + 2]) == 0xA8 || static_cast<unsigned char>(t[i + 2]) == 0xA9))
    return 3;
  return 0;
}

}  // namespace

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t b = Boundary(text, i);
    if (b == 0) {
      ++i;
      continue;
    }
    lines.push_back(text.substr(start, i - start));
    i += b;
    start = i;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    const size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::vector<std::string> FindLinks(std::string_view body) {
  std::vector<std::string> links;
  auto lower = [&](size_t j) { return static_cast<char>(std::tolower(static_cast<unsigned char>(body[j]))); };
  for (size_t i = 0; i + 7 <= body.size(); ++i) {
    if (lower(i) != 'h' || lower(i + 1) != 't' || lower(i + 2) != 't' || lower(i + 3) != 'p') continue;
    size_t j = i + 4;
    if (j < body.size() && lower(j) == 's') ++j;
    if (body.substr(j, 3) != "://") continue;
    size_t end = j + 3;
    while (end < body.size() && !std::isspace(static_cast<unsigned char>(body[end]))) ++end;
    if (end == j + 3) continue;  // MVT's pattern needs one character after "://".
    links.emplace_back(body.substr(i, end - i));
    i = end - 1;
  }
  return links;
}

}  // namespace vigie::check
