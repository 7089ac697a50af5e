#include "json_reader.h"

#include <cstring>

#include "vigie/base/limits.h"
#include "vigie/base/utf8.h"

namespace vigie::indicators {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


}  // namespace

JsonReader::Token JsonReader::Fail(std::string why) {
  if (error_.empty()) error_ = "byte " + std::to_string(pos_) + ": " + why;
  state_ = State::kFailed;
  return Token::kError;
}

void JsonReader::SkipSpace() {
  while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
}

JsonReader::Token JsonReader::Close() {
  ++pos_;
  const bool object = stack_.back();
  stack_.pop_back();
  state_ = State::kCommaOrEnd;
  return object ? Token::kObjectEnd : Token::kArrayEnd;
}

JsonReader::Token JsonReader::Next() {
  for (;;) {
    if (state_ == State::kFailed) return Token::kError;
    SkipSpace();
    if (state_ == State::kCommaOrEnd && stack_.empty()) {
      if (pos_ == s_.size()) return Token::kEnd;
      return Fail("text after the JSON value");
    }
    if (pos_ >= s_.size()) return Fail("the JSON text ends inside a value");
    token_start_ = pos_;
    const char c = s_[pos_];
    switch (state_) {
      case State::kCommaOrEnd:
        if (c == ',') {
          ++pos_;
          state_ = stack_.back() ? State::kKey : State::kValue;
          continue;
        }
        if ((c == '}' && stack_.back()) || (c == ']' && !stack_.back())) return Close();
        return Fail("expected ',' or the end of the container");
      case State::kKeyOrEnd:
        if (c == '}') return Close();
        [[fallthrough]];
      case State::kKey:
        if (c != '"') return Fail("expected a member name");
        if (!ReadString()) return Token::kError;
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("expected ':' after a member name");
        ++pos_;
        state_ = State::kValue;
        return Token::kKey;
      case State::kValueOrEnd:
        if (c == ']') return Close();
        [[fallthrough]];
      case State::kValue:
        state_ = State::kCommaOrEnd;
        if (c == '{' || c == '[') {
          if (stack_.size() >= limits::kMaxJsonDepth) return Fail("nested deeper than limits::kMaxJsonDepth");
          ++pos_;
          stack_.push_back(c == '{');
          state_ = c == '{' ? State::kKeyOrEnd : State::kValueOrEnd;
          return c == '{' ? Token::kObjectStart : Token::kArrayStart;
        }
        if (c == '"') return ReadString() ? Token::kString : Token::kError;
        if (c == 't') return ReadLiteral("true") ? Token::kTrue : Token::kError;
        if (c == 'f') return ReadLiteral("false") ? Token::kFalse : Token::kError;
        if (c == 'n') return ReadLiteral("null") ? Token::kNull : Token::kError;
        if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber() ? Token::kNumber : Token::kError;
        return Fail("expected a value");
      case State::kFailed:
        return Token::kError;
    }
  }
}

bool JsonReader::ReadLiteral(std::string_view word) {
  if (s_.substr(pos_, word.size()) != word) {
    Fail("expected '" + std::string(word) + "'");
    return false;
  }
  pos_ += word.size();
  return true;
}

bool JsonReader::ReadNumber() {
  const size_t start = pos_;
  auto digits = [&] {
    const size_t from = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > from;
  };
  if (s_[pos_] == '-') ++pos_;
  if (pos_ < s_.size() && s_[pos_] == '0') ++pos_;
  else if (!digits()) return Fail("a number without digits"), false;
  if (pos_ < s_.size() && s_[pos_] == '.') {
    ++pos_;
    if (!digits()) return Fail("a number without digits after '.'"), false;
  }
  if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
    if (!digits()) return Fail("a number without digits in its exponent"), false;
  }
  string_ = s_.substr(start, pos_ - start);
  decoded_ = false;
  return true;
}

bool JsonReader::ReadString() {
  ++pos_;  // The opening quote.
  const size_t start = pos_;
  // Fast path: no escape before the closing quote. Eight bytes at a time
  // are tested for '"', '\\' and control characters, then one at a time.
  while (s_.size() - pos_ >= 8) {
    uint64_t w;
    std::memcpy(&w, s_.data() + pos_, 8);
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    auto zero_byte = [&](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    if ((zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\')) | ((w - kOnes * 0x20) & ~w & kHigh)) != 0) break;
    pos_ += 8;
  }
  while (pos_ < s_.size()) {
    const unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c == '"') {
      string_ = s_.substr(start, pos_ - start);
      decoded_ = false;
      ++pos_;
      return true;
    }
    if (c == '\\') break;
    if (c < 0x20) return Fail("a control character inside a string"), false;
    ++pos_;
  }
  buffer_.assign(s_.substr(start, pos_ - start));
  while (pos_ < s_.size()) {
    const unsigned char c = static_cast<unsigned char>(s_[pos_++]);
    if (c == '"') {
      string_ = buffer_;
      decoded_ = true;
      return true;
    }
    if (c < 0x20) return Fail("a control character inside a string"), false;
    if (c != '\\') {
      buffer_.push_back(static_cast<char>(c));
      continue;
    }
    if (pos_ >= s_.size()) break;
    const char e = s_[pos_++];
    switch (e) {
      case '"': buffer_.push_back('"'); break;
      case '\\': buffer_.push_back('\\'); break;
      case '/': buffer_.push_back('/'); break;
      case 'b': buffer_.push_back('\b'); break;
      case 'f': buffer_.push_back('\f'); break;
      case 'n': buffer_.push_back('\n'); break;
      case 'r': buffer_.push_back('\r'); break;
      case 't': buffer_.push_back('\t'); break;
      case 'u': {
        auto hex4 = [&]() -> int32_t {
          if (s_.size() - pos_ < 4) return -1;
          int32_t v = 0;
          for (int i = 0; i < 4; ++i) {
            const int d = HexDigit(s_[pos_ + i]);
            if (d < 0) return -1;
            v = v << 4 | d;
          }
          pos_ += 4;
          return v;
        };
        int32_t cp = hex4();
        if (cp < 0) return Fail("a bad \\u escape"), false;
        if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
          pos_ += 2;
          const int32_t low = hex4();
          if (low < 0) return Fail("a bad \\u escape"), false;
          cp = low >= 0xDC00 && low <= 0xDFFF ? 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          cp = 0xFFFD;  // A lone surrogate.
        }
        AppendUtf8(buffer_, static_cast<uint32_t>(cp));
        break;
      }
      default:
        return Fail("an unknown escape"), false;
    }
  }
  return Fail("a string is not closed"), false;
}

bool JsonReader::SkipValue(Token first) {
  if (first != Token::kObjectStart && first != Token::kArrayStart) return first != Token::kError;
  const size_t target = stack_.size() - 1;
  for (;;) {
    const Token t = Next();
    if (t == Token::kError || t == Token::kEnd) return false;
    if ((t == Token::kObjectEnd || t == Token::kArrayEnd) && stack_.size() == target) return true;
  }
}

}  // namespace vigie::indicators
