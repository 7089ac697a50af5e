// A streaming JSON writer: values go straight into one string as they are
// given, with no document tree in between.
//
// The layout is the one nlohmann::json::dump() gives (two-space indent, or
// compact, strings not ASCII-escaped, invalid UTF-8 replaced by U+FFFD the
// way its `replace` error handler does), so reports stay byte-for-byte what
// they were when they were built as nlohmann documents; the unit tests hold
// the two against each other, and no tree is built only to be printed.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::report {

class JsonWriter {
 public:
  /// `pretty`: two-space indent, one member or element per line.
  explicit JsonWriter(bool pretty) : pretty_(pretty) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  /// The key of the next member; its value follows.
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view s);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  template <std::integral T>
  JsonWriter& Number(T n) {
    if constexpr (std::same_as<T, bool>) return Bool(n);
    else if constexpr (std::is_signed_v<T>) return Signed(n);
    else return Unsigned(n);
  }
  /// A fraction, written with two decimals ("0.93"): scores, not measurements.
  JsonWriter& Fraction(double x);
  /// An array of strings.
  JsonWriter& Strings(const std::vector<std::string>& items);

  // key + value in one call, for the common shapes.
  JsonWriter& Field(std::string_view key, std::string_view s) { return Key(key).String(s); }
  JsonWriter& Field(std::string_view key, const char* s) { return Key(key).String(s); }
  JsonWriter& Field(std::string_view key, const std::string& s) { return Key(key).String(s); }
  JsonWriter& Field(std::string_view key, bool b) { return Key(key).Bool(b); }
  JsonWriter& Field(std::string_view key, std::nullptr_t) { return Key(key).Null(); }
  template <std::integral T>
  JsonWriter& Field(std::string_view key, T n) { return Key(key).Number(n); }
  JsonWriter& Field(std::string_view key, const std::vector<std::string>& items) { return Key(key).Strings(items); }
  /// null when absent.
  template <typename T>
  JsonWriter& Field(std::string_view key, const std::optional<T>& v) {
    return v ? Field(key, *v) : Field(key, nullptr);
  }
  /// A string, or null when empty.
  JsonWriter& StringOrNull(std::string_view key, std::string_view s) {
    return s.empty() ? Field(key, nullptr) : Field(key, s);
  }

  /// The document; the writer is empty afterwards.
  std::string Take() { return std::move(out_); }

 private:
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);
  JsonWriter& Signed(int64_t n);
  JsonWriter& Unsigned(uint64_t n);
  // Separator, newline and indent before a value (none after a key).
  void BeforeValue();
  void Newline(size_t depth);

  std::string out_;
  std::vector<bool> empty_;  // Per open container: nothing written in it yet.
  bool pretty_;
  bool after_key_ = false;
};

/// Appends `s` to `out` as JSON string contents (no quotes).
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace vigie::report
