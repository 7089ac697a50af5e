#include "vigie/detect/endpoints.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

#include <hs.h>

#include "embedded_detect.h"
#include "vigie/base/tsv.h"
#include "vigie/sig/hs_compiler.h"

namespace vigie::detect {
namespace {

// "A-Za-z0-9_-" -> the set of those characters.
void ParseCharset(const std::string& spec, bool (&set)[256]) {
  for (size_t i = 0; i < spec.size(); ++i) {
    if (i + 2 < spec.size() && spec[i + 1] == '-') {
      for (int c = static_cast<unsigned char>(spec[i]); c <= static_cast<unsigned char>(spec[i + 2]); ++c) set[c] = true;
      i += 2;
    } else {
      set[static_cast<unsigned char>(spec[i])] = true;
    }
  }
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Whether a token that ends with `suffix` was cut out of a longer host, port
// or word ("x.appspot.com.evil.net", ":92001"), `next` following it. A
// suffix that ends in punctuation (":android:") is meant to be followed.
bool CutShort(std::string_view suffix, std::string_view s, size_t end) {
  if (end >= s.size() || suffix.empty() || !IsAlnum(suffix.back())) return false;
  const char c = s[end];
  return IsAlnum(c) || c == '.' || c == '-' || c == '_';
}

}  // namespace

Result<std::vector<SecretRule>> ParseSecretRules(std::string_view tsv) {
  std::vector<SecretRule> out;
  for (const auto& row : ParseTsv(tsv)) {
    auto bad = [&](const std::string& why) {
      return MakeError(ErrorCode::kRules, 0, "secrets.tsv: " + (row.empty() ? "" : row[0] + ": ") + why);
    };
    if (row.size() != 10) return bad("expected 10 tab-separated columns, got " + std::to_string(row.size()));
    SecretRule r;
    r.kind = row[0];
    r.prefix = row[1] == "-" ? "" : row[1];
    ParseCharset(row[2], r.charset);
    auto number = [](const std::string& s) -> std::optional<size_t> {
      size_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
      return v;
    };
    const auto min = number(row[3]), max = number(row[4]);
    if (!min || !max || *min > *max) return bad("min and max are not whole numbers with min <= max");
    r.min = *min;
    r.max = *max;
    r.suffix = row[5] == "-" ? "" : row[5];
    if (r.prefix.empty() && r.suffix.empty()) return bad("neither a prefix nor a suffix");
    const auto severity = ParseSeverity(row[6]);
    if (!severity) return bad("unknown severity '" + row[6] + "'");
    r.severity = *severity;
    r.role = row[7];
    if (r.role != "secret" && r.role != "backend" && r.role != "config")
      return bad("unknown role '" + r.role + "' (secret, backend, config)");
    r.description = row[8];
    r.source = row[9];
    out.push_back(std::move(r));
  }
  return out;
}

const std::vector<SecretRule>& SecretRules() {
  static const std::vector<SecretRule> rules = CheckedAtBuild(ParseSecretRules(embedded::kSecretsTsv));
  return rules;
}

bool StartsLikeSecret(std::string_view s) {
  // Run on every DEX string: the distinct prefixes, bucketed by first byte,
  // so most strings cost one table load.
  static const auto* by_first = [] {
    auto* t = new std::array<std::vector<std::string_view>, 256>{};
    for (const auto& r : SecretRules()) {
      if (r.prefix.empty()) continue;
      auto& bucket = (*t)[static_cast<unsigned char>(r.prefix[0])];
      if (std::find(bucket.begin(), bucket.end(), r.prefix) == bucket.end()) bucket.push_back(r.prefix);
    }
    return t;
  }();
  // Suffix-only kinds, bucketed by last byte the same way.
  static const auto* by_last = [] {
    auto* t = new std::array<std::vector<std::string_view>, 256>{};
    for (const auto& r : SecretRules())
      if (r.prefix.empty() && !r.suffix.empty()) (*t)[static_cast<unsigned char>(r.suffix.back())].push_back(r.suffix);
    return t;
  }();
  if (s.size() < 8) return false;
  for (std::string_view prefix : (*by_first)[static_cast<unsigned char>(s[0])])
    if (s.substr(0, prefix.size()) == prefix) return true;
  for (std::string_view suffix : (*by_last)[static_cast<unsigned char>(s.back())])
    if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) return true;
  return false;
}

namespace {

// The token of suffix-only rule `r` whose suffix starts at `at`, if any.
std::optional<std::string_view> SuffixTokenAt(const SecretRule& r, std::string_view s, size_t at) {
  const size_t end = at + r.suffix.size();
  if (CutShort(r.suffix, s, end)) return std::nullopt;
  size_t run = 0;
  while (run < at && r.charset[static_cast<unsigned char>(s[at - run - 1])]) ++run;
  if (run < r.min || run > r.max) return std::nullopt;
  return s.substr(at - run, end - (at - run));
}

// The token of prefix rule `r` whose prefix starts at `at`, if any.
std::optional<std::string_view> PrefixTokenAt(const SecretRule& r, std::string_view s, size_t at) {
  // A key inside a longer run of letters and digits (base64, a hash) is
  // not a key.
  if (at > 0 && IsAlnum(r.prefix[0]) && IsAlnum(s[at - 1])) return std::nullopt;
  const size_t body = at + r.prefix.size();
  size_t run = 0;
  while (body + run < s.size() && r.charset[static_cast<unsigned char>(s[body + run])]) ++run;
  size_t end;
  if (r.suffix.empty()) {
    if (run < r.min || run > r.max) return std::nullopt;
    end = body + run;
  } else {
    // The suffix can only start within the run (or right after it): never
    // search past that, in a megabyte-long asset.
    const size_t suffix_at = s.substr(0, std::min(s.size(), body + run + r.suffix.size())).find(r.suffix, body + r.min);
    if (suffix_at == std::string_view::npos || suffix_at > body + run || suffix_at - body > r.max)
      return std::nullopt;
    end = suffix_at + r.suffix.size();
    if (CutShort(r.suffix, s, end)) return std::nullopt;
  }
  return s.substr(at, end - at);
}

}  // namespace

void ForEachSecret(std::string_view s, const std::function<void(const SecretMatch&)>& fn) {
  for (const SecretRule& r : SecretRules()) {
    const std::string& literal = r.prefix.empty() ? r.suffix : r.prefix;
    for (size_t at = s.find(literal); at != std::string_view::npos; at = s.find(literal, at + 1)) {
      auto token = r.prefix.empty() ? SuffixTokenAt(r, s, at) : PrefixTokenAt(r, s, at);
      if (token) fn({&r, *token});
    }
  }
}

namespace {

// One vectorscan database of every rule's literal (its prefix, or its
// suffix) and of "://", made on first use (from the cache once built): a
// large text is read once, not once per rule.
class BlobDb {
 public:
  static const BlobDb& Get() {
    static const BlobDb db;
    return db;
  }
  hs_database_t* db() const { return db_; }
  // Pattern ids: rule index, or kUrl.
  static constexpr unsigned kUrl = 0xFFFF;

 private:
  BlobDb() {
    std::vector<std::string> escaped;
    std::vector<unsigned> ids, flags;
    auto add = [&](std::string_view literal, unsigned id) {
      std::string e;
      for (char c : literal) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
        e += hex;
      }
      escaped.push_back(std::move(e));
      ids.push_back(id);
      flags.push_back(0);
    };
    const auto& rules = SecretRules();
    for (unsigned i = 0; i < rules.size(); ++i) add(rules[i].prefix.empty() ? rules[i].suffix : rules[i].prefix, i);
    add("://", kUrl);
    std::vector<const char*> exprs;
    for (const auto& e : escaped) exprs.push_back(e.c_str());
    sig::HsCompileError err;
    db_ = sig::CompileHsCached(exprs, flags, ids, err);  // Null: blobs are then searched rule by rule.
  }
  hs_database_t* db_ = nullptr;
};

}  // namespace

void ForEachFindInBlob(std::string_view blob, const std::function<void(std::string_view)>& on_url,
                       const std::function<void(const SecretMatch&)>& on_secret) {
  const BlobDb& db = BlobDb::Get();
  hs_scratch_t* scratch = nullptr;
  if (!db.db() || blob.size() > UINT32_MAX || hs_alloc_scratch(db.db(), &scratch) != HS_SUCCESS) {
    ForEachUrl(blob, on_url);
    ForEachSecret(blob, on_secret);
    return;
  }
  struct Ctx {
    std::string_view s;
    const std::function<void(std::string_view)>* on_url;
    const std::function<void(const SecretMatch&)>* on_secret;
  } ctx{blob, &on_url, &on_secret};
  auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) -> int {
    auto* c = static_cast<Ctx*>(p);
    if (id == BlobDb::kUrl) {
      if (auto url = UrlAt(c->s, static_cast<size_t>(to) - 3); !url.empty()) (*c->on_url)(url);
      return 0;
    }
    const SecretRule& r = SecretRules()[id];
    const std::string& literal = r.prefix.empty() ? r.suffix : r.prefix;
    const size_t at = static_cast<size_t>(to) - literal.size();
    auto token = r.prefix.empty() ? SuffixTokenAt(r, c->s, at) : PrefixTokenAt(r, c->s, at);
    if (token) (*c->on_secret)({&r, *token});
    return 0;
  };
  hs_scan(db.db(), blob.data(), static_cast<unsigned>(blob.size()), 0, scratch, on_match, &ctx);
  hs_free_scratch(scratch);
}

std::string RedactSecret(const SecretRule& rule, std::string_view token) {
  if (rule.shown_in_full()) {
    // Backend URLs and configuration are addresses and names, not secrets,
    // unless they carry credentials ("mongodb://user:password@host").
    const size_t at = token.find('@');
    if (at == std::string_view::npos) return std::string(token);
    const size_t scheme_end = token.find("://");
    const size_t colon = token.find(':', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
    if (colon != std::string_view::npos && colon < at)
      return std::string(token.substr(0, colon + 1)) + "…" + std::string(token.substr(at));
    return std::string(token);
  }
  const size_t keep = std::min(token.size(), rule.prefix.size() + 4);
  return std::string(token.substr(0, keep)) + "…, " + std::to_string(token.size()) + " characters";
}

std::string UrlHost(std::string_view url) {
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  std::string_view rest = url.substr(start);
  if (size_t at = rest.find('@'); at != std::string_view::npos && at < rest.find('/')) rest.remove_prefix(at + 1);
  size_t end = rest.find_first_of("/:?#");
  std::string host(rest.substr(0, end));
  for (char& c : host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return host;
}

}  // namespace vigie::detect
