// ASCII case folding for the indicators module: domains, hashes, STIX paths
// and Public Suffix rules compare case-blind. Private to the module.
#pragma once

#include <string>
#include <string_view>

namespace vigie::indicators {

inline char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

}  // namespace vigie::indicators
