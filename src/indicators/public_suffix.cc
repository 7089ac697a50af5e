#include "vigie/indicators/public_suffix.h"

#include "ascii.h"
#include "embedded_indicators.h"

namespace vigie::indicators {

PublicSuffixList PublicSuffixList::Parse(std::string_view text) {
  PublicSuffixList list;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // A rule is the line's first word.
    line = line.substr(0, line.find_first_of(" \t\r"));
    if (line.empty() || line.starts_with("//")) continue;
    const std::string rule = LowerAscii(line);
    if (rule.starts_with("!")) list.exceptions_.insert(rule.substr(1));
    else if (rule.starts_with("*.")) list.wildcards_.insert(rule.substr(2));
    else list.rules_.insert(rule);
  }
  return list;
}

const PublicSuffixList& PublicSuffixList::Builtin() {
  static const PublicSuffixList list = Parse(embedded::kPublicSuffixList);
  return list;
}

size_t PublicSuffixList::SuffixLength(std::string_view host) const {
  // From the longest tail of labels to the shortest; the first rule that
  // applies is the longest, and an exception beats the rules.
  for (size_t start = 0; start < host.size();) {
    const std::string_view tail = host.substr(start);
    const size_t dot = tail.find('.');
    const std::string_view parent = dot == std::string_view::npos ? std::string_view() : tail.substr(dot + 1);
    if (exceptions_.contains(tail)) return parent.size();
    if (rules_.contains(tail) || (!parent.empty() && wildcards_.contains(parent))) return tail.size();
    if (dot == std::string_view::npos) break;
    start += dot + 1;
  }
  const size_t last = host.rfind('.');
  return last == std::string_view::npos ? host.size() : host.size() - last - 1;  // The default rule "*".
}

std::string_view PublicSuffixList::RegistrableDomain(std::string_view host) const {
  const size_t suffix = SuffixLength(host);
  if (suffix == 0 || suffix + 2 > host.size()) return {};  // No label left of the suffix.
  // One more label, left of the suffix's dot.
  const size_t dot = host.rfind('.', host.size() - suffix - 2);
  return dot == std::string_view::npos ? host : host.substr(dot + 1);
}

}  // namespace vigie::indicators
