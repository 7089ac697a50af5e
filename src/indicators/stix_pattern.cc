#include "stix_pattern.h"

#include "ascii.h"

#include <cctype>

#include "vigie/base/limits.h"

namespace vigie::indicators {
namespace {

// Tokens of the patterning grammar, with the value of string literals.
struct Token {
  enum Kind { kOpen, kClose, kParenOpen, kParenClose, kString, kWord, kEnd } kind = kEnd;
  std::string text;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  // The next token, or an error message in `error`.
  Token Next(std::string& error) {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ >= s_.size()) return {};
    const char c = s_[pos_];
    if (c == '[' || c == ']' || c == '(' || c == ')') {
      ++pos_;
      return {c == '[' ? Token::kOpen : c == ']' ? Token::kClose : c == '(' ? Token::kParenOpen : Token::kParenClose, ""};
    }
    if (c == '\'') return String(error);
    // A word: a path (with quoted parts, file:hashes.'SHA-256'), an
    // operator or a keyword. It ends at space, a bracket or a value.
    Token t{Token::kWord, ""};
    while (pos_ < s_.size()) {
      const char d = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(d)) || d == '[' || d == ']' || d == '(' || d == ')') break;
      if (d == '\'') {
        if (t.text.empty() || t.text.back() != '.') break;  // A value, not a quoted path part.
        Token part = String(error);
        if (!error.empty()) return {};
        t.text += part.text;
        continue;
      }
      if ((d == '=' || d == '!' || d == '<' || d == '>') && !t.text.empty() && !IsOperator(t.text)) break;
      if (!IsOperatorChar(d) && !t.text.empty() && IsOperator(t.text)) break;
      t.text.push_back(d);
      ++pos_;
    }
    return t;
  }

 private:
  static bool IsOperatorChar(char c) { return c == '=' || c == '!' || c == '<' || c == '>'; }
  static bool IsOperator(std::string_view w) {
    return !w.empty() && w.find_first_not_of("=!<>") == std::string_view::npos;
  }

  Token String(std::string& error) {
    Token t{Token::kString, ""};
    ++pos_;  // The opening quote.
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        t.text.push_back(s_[pos_++]);
      } else if (c == '\'') {
        return t;
      } else {
        t.text.push_back(c);
      }
    }
    error = "a string value is not closed";
    return {};
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool IsKeyword(const std::string& w, std::string_view k) {
  if (w.size() != k.size()) return false;
  for (size_t i = 0; i < w.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(w[i])) != k[i]) return false;
  return true;
}

}  // namespace

std::optional<std::string> ParseStixPattern(std::string_view pattern, StixPattern& out) {
  if (pattern.size() > limits::kMaxPatternLength) return std::string("pattern longer than limits::kMaxPatternLength");
  Lexer lex(pattern);
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
          return "expected an object path such as domain-name:value, got '" + t.text + "'";
        current = {LowerAscii(t.text), "", ""};
        expect = kOp;
        break;
      case kOp:
        if (t.kind != Token::kWord) return "expected a comparison after '" + current.path + "'";
        if (IsKeyword(t.text, "NOT")) {  // NOT =: a negation, never an equality.
          current.op = "NOT ";
          continue;
        }
        current.op += t.text;
        expect = kValue;
        break;
      case kValue:
        if (t.kind != Token::kString && t.kind != Token::kWord && t.kind != Token::kParenOpen)
          return "expected a value after '" + current.path + " " + current.op + "'";
        if (t.kind == Token::kParenOpen) {  // IN ('a', 'b'): each value alone.
          for (Token v = lex.Next(error); error.empty() && v.kind != Token::kParenClose; v = lex.Next(error)) {
            if (v.kind == Token::kEnd) return std::string("a value list is not closed");
            if (v.kind == Token::kString) out.comparisons.push_back({current.path, current.op, v.text});
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
          return "expected AND, OR or ']' after a comparison, got '" + t.text + "'";
        }
        break;
    }
  }
  if (!error.empty()) return error;
  if (brackets != 0) return std::string("a '[' is not closed");
  if (out.comparisons.empty()) return std::string("no comparison in the pattern");
  return std::nullopt;
}

std::optional<IndicatorType> TypeOfPath(std::string_view path) {
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
