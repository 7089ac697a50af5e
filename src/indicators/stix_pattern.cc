#include "stix_pattern.h"

#include "ascii.h"

#include <cctype>
#include <deque>

#include "vigie/base/limits.h"

namespace vigie::indicators {
namespace {

// Tokens of the patterning grammar, with the value of string literals.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// A token's text is a view into the pattern, or into the arena when it had
// to be rebuilt (an escape in a string, a quoted part of a path).
struct Token {
  enum Kind { kOpen, kClose, kParenOpen, kParenClose, kString, kWord, kEnd } kind = kEnd;
  std::string_view text;
};

class Lexer {
 public:
  Lexer(std::string_view s, std::deque<std::string>& arena) : s_(s), arena_(arena) {}

  // The next token, or an error message in `error`.
  Token Next(std::string& error) {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
    if (pos_ >= s_.size()) return {};
    const char c = s_[pos_];
    if (c == '[' || c == ']' || c == '(' || c == ')') {
      ++pos_;
      return {c == '[' ? Token::kOpen : c == ']' ? Token::kClose : c == '(' ? Token::kParenOpen : Token::kParenClose, ""};
    }
    if (c == '\'') return String(error);
    // A word: a path (with quoted parts, file:hashes.'SHA-256'), an
    // operator or a keyword. It ends at space, a bracket or a value.
    const size_t start = pos_;
    std::string* rebuilt = nullptr;  // Once a quoted part is met.
    auto text = [&] { return rebuilt ? std::string_view(*rebuilt) : s_.substr(start, pos_ - start); };
    while (pos_ < s_.size()) {
      const char d = s_[pos_];
      if (IsSpace(d) || d == '[' || d == ']' || d == '(' || d == ')') break;
      const std::string_view so_far = text();
      if (d == '\'') {
        if (so_far.empty() || so_far.back() != '.') break;  // A value, not a quoted path part.
        if (!rebuilt) rebuilt = &arena_.emplace_back(so_far);
        Token part = String(error);
        if (!error.empty()) return {};
        rebuilt->append(part.text);
        continue;
      }
      if ((d == '=' || d == '!' || d == '<' || d == '>') && !so_far.empty() && !IsOperator(so_far)) break;
      if (!IsOperatorChar(d) && !so_far.empty() && IsOperator(so_far)) break;
      if (rebuilt) rebuilt->push_back(d);
      ++pos_;
    }
    return {Token::kWord, text()};
  }

 private:
  static bool IsOperatorChar(char c) { return c == '=' || c == '!' || c == '<' || c == '>'; }
  static bool IsOperator(std::string_view w) {
    return !w.empty() && w.find_first_not_of("=!<>") == std::string_view::npos;
  }

  Token String(std::string& error) {
    ++pos_;  // The opening quote.
    const size_t start = pos_;
    std::string* decoded = nullptr;  // Once an escape is met.
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        if (!decoded) decoded = &arena_.emplace_back(s_.substr(start, pos_ - 1 - start));
        decoded->push_back(s_[pos_++]);
      } else if (c == '\'') {
        return {Token::kString, decoded ? std::string_view(*decoded) : s_.substr(start, pos_ - 1 - start)};
      } else if (decoded) {
        decoded->push_back(c);
      }
    }
    error = "a string value is not closed";
    return {};
  }

  std::string_view s_;
  std::deque<std::string>& arena_;
  size_t pos_ = 0;
};

bool IsKeyword(std::string_view w, std::string_view k) {
  if (w.size() != k.size()) return false;
  for (size_t i = 0; i < w.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(w[i])) != k[i]) return false;
  return true;
}

}  // namespace

std::optional<std::string> ParseStixPattern(std::string_view pattern, std::deque<std::string>& arena,
                                            StixPattern& out) {
  out.comparisons.clear();
  out.conjunction = false;
  if (pattern.size() > limits::kMaxPatternLength) return std::string("pattern longer than limits::kMaxPatternLength");
  Lexer lex(pattern, arena);
  std::string error;
  int brackets = 0, parens = 0;
  // Within brackets: path op value [AND|OR path op value]…
  enum { kPath, kOp, kValue, kJoin } expect = kPath;
  StixComparison current;
  for (Token t = lex.Next(error); error.empty() && t.kind != Token::kEnd; t = lex.Next(error)) {
    if (brackets == 0) {
      // Between observations: brackets, parentheses, joins and qualifiers.
      if (t.kind == Token::kOpen) {
        ++brackets;
        expect = kPath;
      } else if (t.kind == Token::kParenOpen) {
        ++parens;
      } else if (t.kind == Token::kParenClose) {
        if (--parens < 0) return std::string("a ')' closes nothing");
      } else if (t.kind == Token::kWord) {
        if (IsKeyword(t.text, "AND") || IsKeyword(t.text, "FOLLOWEDBY")) out.conjunction = true;
        // OR, and qualifiers with their arguments (WITHIN 5 SECONDS): nothing to keep.
      } else if (t.kind == Token::kClose) {
        return std::string("a ']' closes nothing");
      }
      continue;
    }
    switch (expect) {
      case kPath:
        if (t.kind == Token::kParenOpen) continue;  // Grouped comparisons.
        if (t.kind != Token::kWord || t.text.find(':') == std::string::npos)
          return "expected an object path such as domain-name:value, got '" + std::string(t.text) + "'";
        current = {t.text, {}, false, {}};
        expect = kOp;
        break;
      case kOp:
        if (t.kind != Token::kWord) return "expected a comparison after '" + std::string(current.path) + "'";
        if (IsKeyword(t.text, "NOT")) {  // NOT =: a negation, never an equality.
          current.negated = true;
          continue;
        }
        current.op = t.text;
        expect = kValue;
        break;
      case kValue:
        if (t.kind != Token::kString && t.kind != Token::kWord && t.kind != Token::kParenOpen)
          return "expected a value after '" + std::string(current.path) + " " + std::string(current.op) + "'";
        if (t.kind == Token::kParenOpen) {  // IN ('a', 'b'): each value alone.
          for (Token v = lex.Next(error); error.empty() && v.kind != Token::kParenClose; v = lex.Next(error)) {
            if (v.kind == Token::kEnd) return std::string("a value list is not closed");
            if (v.kind == Token::kString) out.comparisons.push_back({current.path, current.op, current.negated, v.text});
          }
        } else {
          current.value = t.text;
          out.comparisons.push_back(current);
        }
        expect = kJoin;
        break;
      case kJoin:
        if (t.kind == Token::kClose) {
          --brackets;
        } else if (t.kind == Token::kParenClose) {
          // The end of a group of comparisons.
        } else if (t.kind == Token::kWord && (IsKeyword(t.text, "AND") || IsKeyword(t.text, "OR"))) {
          if (IsKeyword(t.text, "AND")) out.conjunction = true;
          expect = kPath;
        } else {
          return "expected AND, OR or ']' after a comparison, got '" + std::string(t.text) + "'";
        }
        break;
    }
  }
  if (!error.empty()) return error;
  if (brackets != 0) return std::string("a '[' is not closed");
  if (out.comparisons.empty()) return std::string("no comparison in the pattern");
  return std::nullopt;
}

std::optional<IndicatorType> TypeOfPath(std::string_view raw) {
  char lower[32];  // Longer than every path below.
  if (raw.size() > sizeof lower) return std::nullopt;
  for (size_t i = 0; i < raw.size(); ++i) lower[i] = ToLowerAscii(raw[i]);
  const std::string_view path(lower, raw.size());
  if (path == "domain-name:value" || path == "ipv4-addr:value" || path == "ipv6-addr:value")
    return IndicatorType::kDomain;
  if (path == "url:value") return IndicatorType::kUrl;
  if (path == "process:name") return IndicatorType::kProcess;
  if (path == "email-addr:value") return IndicatorType::kEmail;
  if (path == "file:name") return IndicatorType::kFileName;
  if (path == "file:path") return IndicatorType::kFilePath;
  if (path == "file:hashes.sha256" || path == "file:hashes.sha-256") return IndicatorType::kSha256;
  if (path == "file:hashes.sha1" || path == "file:hashes.sha-1") return IndicatorType::kSha1;
  if (path == "file:hashes.md5") return IndicatorType::kMd5;
  if (path == "app:id") return IndicatorType::kAppId;
  if (path == "app:cert.md5" || path == "app:cert.sha1" || path == "app:cert.sha256")
    return IndicatorType::kAppCertificate;
  if (path == "android-property:name") return IndicatorType::kAndroidProperty;
  if (path == "configuration-profile:id") return IndicatorType::kConfigurationProfile;
  return std::nullopt;
}

}  // namespace vigie::indicators
