// A pull reader of JSON over bytes already in memory: tokens one at a time,
// strings as views into the input until an escape needs decoding, so a
// STIX2 bundle of a million indicators is read in one pass without a tree.
// Strict RFC 8259 syntax; nesting capped (limits::kMaxJsonDepth); the first
// error stops the reader and names the byte offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::indicators {

class JsonReader {
 public:
  enum class Token : uint8_t {
    kObjectStart,
    kObjectEnd,
    kArrayStart,
    kArrayEnd,
    kKey,     ///< A member name; its value follows.
    kString,
    kNumber,
    kTrue,
    kFalse,
    kNull,
    kEnd,     ///< The whole input was one value, read.
    kError,
  };

  explicit JsonReader(std::string_view text) : s_(text) {}

  Token Next();
  /// The value of the last kKey or kString token, escapes decoded; a view
  /// into the input when it had none, else into a buffer the next call
  /// reuses.
  std::string_view string() const { return string_; }
  /// Whether string() had escapes, and so points into the reader's buffer.
  bool string_decoded() const { return decoded_; }
  /// Where the last token began.
  size_t token_start() const { return token_start_; }
  /// Skips the value whose first token Next() just returned (an object or
  /// array whole); false on an error.
  bool SkipValue(Token first);
  size_t depth() const { return stack_.size(); }
  const std::string& error() const { return error_; }

  /// A copy of this reader, which is inside an array, moved to `pos`: the
  /// first byte of one of the array's elements, or of its closing ']'.
  /// Reading a part of a long array on another thread starts this way.
  JsonReader ResumeInArray(size_t pos) const {
    JsonReader r(*this);
    r.pos_ = pos;
    r.state_ = State::kValueOrEnd;
    r.buffer_.clear();
    return r;
  }

 private:
  Token Fail(std::string why);
  // Consumes the '}' or ']' that closes the innermost container.
  Token Close();
  bool ReadString();
  bool ReadNumber();
  bool ReadLiteral(std::string_view word);
  void SkipSpace();

  // What may come next: a value; a member name or '}' (after '{'); a member
  // name (after ',' in an object); a value or ']' (after '['); ',' or the
  // container's end (after a value); nothing (after an error).
  enum class State : uint8_t { kValue, kKeyOrEnd, kKey, kValueOrEnd, kCommaOrEnd, kFailed };

  std::string_view s_;
  size_t pos_ = 0;
  size_t token_start_ = 0;
  std::vector<bool> stack_;  // Open containers: true for an object.
  State state_ = State::kValue;
  std::string_view string_;
  bool decoded_ = false;
  std::string buffer_;
  std::string error_;
};

}  // namespace vigie::indicators
