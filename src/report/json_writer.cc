#include "vigie/report/json_writer.h"

#include <charconv>

namespace vigie::report {
namespace {

// Length of the well-formed UTF-8 sequence (Unicode 15, table 3-7) that
// starts at s[i], or, when it is not one, the number of bytes a decoder
// rejects it after: the lead byte alone (0 is returned as 1), or the lead
// and the continuation bytes that fitted before the one that did not. `ok`
// says which.
size_t Utf8Sequence(std::string_view s, size_t i, bool& ok) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  ok = true;
  if (b0 < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // Range of the second byte.
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // No UTF-16 surrogates.
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // Nothing past U+10FFFF.
  } else {
    ok = false;  // C0, C1 (overlong) or F5..FF: never in UTF-8.
    return 1;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) {
      ok = false;  // Cut short by the end of the string.
      return k;
    }
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
      ok = false;
      return k;
    }
  }
  return need + 1;
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    // The common case: a run of printable ASCII without quotes or
    // backslashes, copied at once.
    size_t run = i;
    while (run < s.size()) {
      const auto c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
      }
      ++i;
      continue;
    }
    bool ok;
    const size_t n = Utf8Sequence(s, i, ok);
    if (ok) {
      out.append(s.data() + i, n);
    } else {
      // One U+FFFD per rejected sequence. The byte that broke a sequence
      // is read again as the start of the next one.
      out += "\xEF\xBF\xBD";
    }
    i += n;
  }
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  out_ += '"';
  AppendJsonEscaped(out_, key);
  out_ += pretty_ ? "\": " : "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  out_ += '"';
  AppendJsonEscaped(out_, s);
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::Bool(bool b) {
  BeforeValue();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Signed(int64_t n) {
  BeforeValue();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
  return *this;
}

JsonWriter& JsonWriter::Fraction(double x) {
  BeforeValue();
  if (!(x >= 0 && x <= 1e9)) x = 0;  // NaN and nonsense never reach the output.
  char buf[32];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, 2).ptr);
  return *this;
}

JsonWriter& JsonWriter::Unsigned(uint64_t n) {
  BeforeValue();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
  return *this;
}

JsonWriter& JsonWriter::Strings(const std::vector<std::string>& items) {
  BeginArray();
  for (const auto& s : items) String(s);
  return EndArray();
}

JsonWriter& JsonWriter::Open(char bracket) {
  BeforeValue();
  out_ += bracket;
  empty_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
  const bool was_empty = empty_.back();
  empty_.pop_back();
  if (!was_empty) Newline(empty_.size());
  out_ += bracket;
  return *this;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;  // The document itself.
  if (!empty_.back()) out_ += ',';
  empty_.back() = false;
  Newline(empty_.size());
}

void JsonWriter::Newline(size_t depth) {
  if (!pretty_) return;
  out_ += '\n';
  out_.append(depth * 2, ' ');
}

}  // namespace vigie::report
