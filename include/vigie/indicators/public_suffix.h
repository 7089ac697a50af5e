// The Public Suffix List (publicsuffix.org): which part of a host name is a
// public suffix ("com", "co.uk", "*.ck"), so that the registrable domain
// ("example.co.uk") can be told. MVT matches a domain indicator against a
// host's registrable domain; `vigie check` does the same (docs/check.md).
// The built-in list is Debian's `publicsuffix` package, embedded at build
// time.
#pragma once

#include <string>
#include <string_view>

#include "vigie/base/view_hash.h"

namespace vigie::indicators {

class PublicSuffixList {
 public:
  /// Parses the list's text format: one rule per line, `//` comments,
  /// `*.` wildcards and `!` exceptions. Rules are lower-case ASCII (the
  /// list's punycode forms are not read: hosts in phone records are ASCII).
  static PublicSuffixList Parse(std::string_view text);
  /// The list Debian ships, parsed once.
  static const PublicSuffixList& Builtin();

  /// The registrable domain of lower-case `host` ("a.b.example.co.uk" ->
  /// "example.co.uk"): its public suffix and one more label; empty when the
  /// host is itself a public suffix. A host no rule covers has its last
  /// label as suffix (the list's default rule "*").
  std::string_view RegistrableDomain(std::string_view host) const;

  size_t rules() const { return rules_.size() + wildcards_.size() + exceptions_.size(); }

 private:
  // Length of the public suffix that ends `host`, in characters.
  size_t SuffixLength(std::string_view host) const;

  ViewSet rules_;       // "co.uk"
  ViewSet wildcards_;   // "ck" for "*.ck"
  ViewSet exceptions_;  // "www.ck" for "!www.ck"
};

}  // namespace vigie::indicators
