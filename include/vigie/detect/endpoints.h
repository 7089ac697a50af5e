// Endpoints and hard-coded secrets in an app's strings (docs/endpoints.md).
//
// URLs are taken from DEX strings, class-file constants, manifest meta-data
// values and string resources. Secrets follow data/secrets.tsv: each kind is
// a literal prefix, a character set and a length, and optionally a suffix,
// which finds Google API keys, AWS keys, private keys, Slack and Stripe
// tokens, and the URLs of backends that are often left open (Firebase
// Realtime Database, S3, MongoDB, Elasticsearch). Vigie never contacts them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/model/ratings.h"

namespace vigie::detect {

/// One row of data/secrets.tsv.
struct SecretRule {
  std::string kind, prefix;
  bool charset[256] = {};
  size_t min = 0, max = 0;
  std::string suffix;  ///< Empty: none.
  Severity severity = Severity::kMedium;
  /// "secret" (a credential), "backend" (a backend whose access rules
  /// should be checked) or "config" (an identifier of the app's services).
  std::string role;
  std::string description, source;
  bool shown_in_full() const { return role != "secret"; }
};

/// Parses data/secrets.tsv's format, strictly.
Result<std::vector<SecretRule>> ParseSecretRules(std::string_view tsv);

/// The built-in rules (checked at build time by vigie_kbc).
const std::vector<SecretRule>& SecretRules();

/// A token found in a text: which rule, and its bytes.
struct SecretMatch {
  const SecretRule* rule;
  std::string_view token;
};

/// Every URL (http, https, ws, wss) in `text`: fn(url).
template <typename Fn>
void ForEachUrl(std::string_view text, Fn&& fn);

/// Every secret-rule token in `text`: fn(SecretMatch).
void ForEachSecret(std::string_view text, const std::function<void(const SecretMatch&)>& fn);

/// Every URL and secret-rule token in a large text or binary (an asset, a
/// native library), read once by one vectorscan database of the rules'
/// literals: the same tokens as ForEachUrl and ForEachSecret, in the order
/// of their literals' ends.
void ForEachFindInBlob(std::string_view blob, const std::function<void(std::string_view)>& on_url,
                       const std::function<void(const SecretMatch&)>& on_secret);

/// Whether a secret rule's prefix starts `text`, or the suffix of a rule
/// without prefix ends it: the cheap test run on every DEX string
/// (hard-coded keys are whole string constants); strings holding a URL,
/// resources and manifest values are searched throughout.
bool StartsLikeSecret(std::string_view text);

/// A token as reports show it: backend addresses and configuration in full
/// (unless a URL carries credentials), secrets cut after a few characters
/// ("AIzaSyB3…, 39 characters").
std::string RedactSecret(const SecretRule& rule, std::string_view token);

/// The host of a URL ("https://a.b.com:8080/x" -> "a.b.com"), lower-cased.
std::string UrlHost(std::string_view url);

// ---- inline ---------------------------------------------------------------

namespace detail {
inline bool IsUrlChar(unsigned char c) {
  return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '\\' && c != '`' && c != '{' &&
         c != '}' && c != '|' && c != '^';
}
}  // namespace detail

/// The URL whose "://" is at `at` in `s`, or an empty view when there is
/// none there (another scheme, or nothing after it).
inline std::string_view UrlAt(std::string_view s, size_t at) {
  size_t start = at;
  while (start > 0 && ((s[start - 1] >= 'a' && s[start - 1] <= 'z') || (s[start - 1] >= 'A' && s[start - 1] <= 'Z')))
    --start;
  std::string_view scheme = s.substr(start, at - start);
  if (scheme != "http" && scheme != "https" && scheme != "ws" && scheme != "wss") return {};
  size_t end = at + 3;
  while (end < s.size() && detail::IsUrlChar(static_cast<unsigned char>(s[end]))) ++end;
  if (end == at + 3) return {};  // "https://" alone: a prefix being built, not an endpoint.
  return s.substr(start, end - start);
}

template <typename Fn>
void ForEachUrl(std::string_view s, Fn&& fn) {
  for (size_t at = s.find("://"); at != std::string_view::npos; at = s.find("://", at + 3))
    if (auto url = UrlAt(s, at); !url.empty()) fn(url);
}

}  // namespace vigie::detect
