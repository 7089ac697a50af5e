// The string evidence shared by the reading of a DEX (dex_evidence.cc) and
// the detector that adds evidence up (sdk_detector.cc): host-like tokens,
// URLs and secrets in a string, and the digests of features::Staleness.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "vigie/detect/endpoints.h"
#include "vigie/detect/sdk_detector.h"
#include "vigie/features/app_features.h"
#include "vigie/profile/profile_index.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::detect {

inline bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Host-like tokens in a string: runs of [A-Za-z0-9.-] with an inner dot and a
// final label of letters ("t.appsflyer.com", in "https://t.appsflyer.com/x").
// A `fn` that returns a bool stops the walk by returning false.
template <typename Fn>
void ForEachHostToken(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !IsHostChar(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && IsHostChar(s[i])) ++i;
    std::string_view tok = s.substr(start, i - start);
    while (!tok.empty() && (tok.front() == '.' || tok.front() == '-')) tok.remove_prefix(1);
    while (!tok.empty() && (tok.back() == '.' || tok.back() == '-')) tok.remove_suffix(1);
    size_t dot = tok.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || tok.size() - dot < 3) continue;
    std::string_view tld = tok.substr(dot + 1);
    if (!std::all_of(tld.begin(), tld.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }))
      continue;
    if constexpr (std::is_same_v<decltype(fn(tok)), bool>) {
      if (!fn(tok)) return;
    } else {
      fn(tok);
    }
  }
}

inline bool HasDot(std::string_view s) { return s.find('.') != std::string_view::npos; }

inline std::string JavaName(std::string_view slash) {
  std::string out(slash);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

// Hosts in `text` that some signature covers, appended lower-cased.
template <typename Host>
void FindHosts(const sig::SdkMatcher& matcher, std::string_view text, std::vector<Host>& out) {
  std::string host;
  ForEachHostToken(text, [&](std::string_view tok) {
    // Most host-like tokens of a DEX are Java names ("java.lang.String"):
    // they are turned down by their last label before any copy.
    if (!matcher.MayMatchHostEndingIn(tok.substr(tok.rfind('.') + 1))) return;
    host.assign(tok);
    for (char& c : host)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool covered = false;
    matcher.MatchHost(host, [&](uint32_t, bool) { covered = true; });
    if (covered) out.push_back(Host{host});
  });
}

// The URLs (when `urls`) and secret tokens in `s`, appended.
inline void AppendFinds(std::string_view s, bool urls, std::vector<StringFind>& out) {
  if (urls) ForEachUrl(s, [&](std::string_view url) { out.push_back({std::string(url), nullptr, kNoSdk}); });
  ForEachSecret(s, [&](const SecretMatch& m) { out.push_back({std::string(m.token), m.rule, kNoSdk}); });
}

// Hosts covered by a signature, URLs and secret tokens in one string of the
// app's code or resources.
template <typename Host>
void ScanString(const sig::SdkMatcher& matcher, std::string_view s, bool dotted, std::vector<Host>& hosts,
                std::vector<StringFind>& finds) {
  // Hosts, and every URL worth reporting, have a dot; "://" is searched
  // only then. Hard-coded keys are whole string constants, so other strings
  // are only asked whether they start like one.
  if (dotted) FindHosts(matcher, s, hosts);
  if (dotted && s.find("://") != std::string_view::npos) AppendFinds(s, /*urls=*/true, finds);
  else if (StartsLikeSecret(s)) AppendFinds(s, /*urls=*/false, finds);
}

// The one SDK that owns `host` (not as a shared host), or kNoSdk.
inline uint32_t SoleOwner(const sig::SdkMatcher& matcher, std::string_view host) {
  uint32_t sdk = kNoSdk, owners = 0;
  matcher.MatchHost(host, [&](uint32_t s, bool shared) {
    if (!shared) ++owners, sdk = s;
  });
  return owners == 1 ? sdk : kNoSdk;
}

// Whether a stored structure match names a profile and a profile class
// `profiles` has: stored bytes are input like any other.
inline bool Fits(const features::StructureMatch& m, const profile::ProfileIndex& profiles) {
  return m.profile < profiles.profile_count() && m.profile_class < profiles.class_count();
}

// Hashes folded into the digests of features::Staleness.
inline constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull, kFnvPrime = 0x100000001b3ull;
inline uint64_t Fold(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * kFnvPrime;
  return h;
}
inline uint64_t Fold(uint64_t h, uint64_t v) {
  return Fold(h, std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
}

}  // namespace vigie::detect
