#include "vigie/profile/profile.h"

#include <algorithm>

#include "vigie/base/limits.h"

namespace vigie::profile {
namespace {

constexpr std::string_view kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kHashDigits = 11;  // 64 bits in 6-bit digits.

int DigitValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

void AppendHash(std::string& out, uint64_t h) {
  for (size_t i = 0; i < kHashDigits; ++i) out.push_back(kDigits[(h >> (6 * (kHashDigits - 1 - i))) & 63]);
}

std::string_view NextWord(std::string_view& line) {
  const size_t sp = line.find(' ');
  std::string_view word = line.substr(0, sp);
  line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  return word;
}

}  // namespace

Result<Profile> ParseProfile(std::string_view text, std::string_view where) {
  Profile p;
  bool header = false;
  size_t line_no = 0, features = 0;
  auto fail = [&](const std::string& why) {
    return MakeError(ErrorCode::kProfileMalformed, 0, std::string(where) + ":" + std::to_string(line_no) + ": " + why);
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    const std::string_view key = NextWord(line);
    if (!header) {
      if (key != "vigie-profile" || line != "1") return fail("not a version 1 vigie profile");
      header = true;
    } else if (key == "sdk") {
      p.sdk = line;
    } else if (key == "binary") {
      p.binary = line;
    } else if (key == "sha256") {
      p.sha256 = line;
    } else if (key == "source") {
      p.sources.emplace_back(line);
    } else if (key == "class") {
      ProfileClass c;
      c.name = NextWord(line);
      if (c.name.empty() || line.size() % kHashDigits) return fail("class line without a name or with a cut hash");
      features += line.size() / kHashDigits;
      if (p.classes.size() >= limits::kMaxProfileClasses || features > limits::kMaxProfileFeatures)
        return fail("more classes or features than limits allow");
      c.shape.reserve(line.size() / kHashDigits);
      for (size_t i = 0; i < line.size(); i += kHashDigits) {
        uint64_t h = 0;
        for (size_t k = 0; k < kHashDigits; ++k) {
          const int v = DigitValue(line[i + k]);
          if (v < 0) return fail("bad digit in a feature hash");
          h = h << 6 | static_cast<uint64_t>(v);
        }
        c.shape.push_back(h);
      }
      if (!std::is_sorted(c.shape.begin(), c.shape.end())) return fail("features of " + c.name + " are not sorted");
      p.classes.push_back(std::move(c));
    } else {
      return fail("unknown line '" + std::string(key) + "'");
    }
  }
  if (!header) return fail("empty profile");
  if (p.sdk.empty()) return fail("no sdk line");
  return p;
}

Result<std::vector<Profile>> ParseProfiles(std::string_view text, std::string_view where) {
  std::vector<Profile> out;
  constexpr std::string_view kStart = "\nvigie-profile ";
  size_t begin = text.starts_with(kStart.substr(1)) ? 0 : text.find(kStart);
  while (begin != std::string_view::npos) {
    const size_t next = text.find(kStart, begin + 1);
    auto p = ParseProfile(text.substr(begin, next == std::string_view::npos ? next : next - begin), where);
    if (!p) return p.error();
    out.push_back(std::move(*p));
    begin = next;
  }
  return out;
}

std::string WriteProfile(const Profile& p) {
  std::string out = "vigie-profile 1\nsdk " + p.sdk + "\nbinary " + p.binary + "\nsha256 " + p.sha256 + "\n";
  for (const auto& s : p.sources) out += "source " + s + "\n";
  for (const auto& c : p.classes) {
    out += "class " + c.name + " ";
    for (uint64_t h : c.shape) AppendHash(out, h);
    out += "\n";
  }
  return out;
}

}  // namespace vigie::profile
