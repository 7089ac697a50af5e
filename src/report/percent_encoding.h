// Percent-encoding (RFC 3986), for the URIs of SARIF's artifacts and the
// parts of CycloneDX's package URLs.
#pragma once

#include <string>
#include <string_view>

namespace vigie::report {

/// `s` with every byte written as %XX but the unreserved ones (letters,
/// digits and "-._~") and those of `kept`.
inline std::string PercentEncoded(std::string_view s, std::string_view kept = {}) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c && kept.find(static_cast<char>(c)) != std::string_view::npos))
      out.push_back(static_cast<char>(c));
    else
      out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

}  // namespace vigie::report
