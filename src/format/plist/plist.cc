#include "vigie/format/plist/plist.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <cstring>

#include "vigie/base/limits.h"
#include "vigie/base/utf8.h"

namespace vigie::plist {

const Value* Value::Find(std::string_view key) const {
  for (const auto& [k, v] : dict)
    if (k == key) return &v;
  return nullptr;
}

bool Value::truthy() const {
  switch (kind) {
    case Kind::kNull: return false;
    case Kind::kBool: return boolean;
    case Kind::kInt:
    case Kind::kUid: return integer != 0;
    case Kind::kReal:
    case Kind::kDate: return real != 0;
    case Kind::kString:
    case Kind::kData: return !bytes.empty();
    case Kind::kArray: return !array.empty();
    case Kind::kDict: return !dict.empty();
  }
  return false;
}

std::string Value::Text() const {
  switch (kind) {
    case Kind::kBool: return boolean ? "true" : "false";
    case Kind::kInt:
    case Kind::kUid: return std::to_string(integer);
    case Kind::kReal:
    case Kind::kDate: {
      char out[64];
      std::snprintf(out, sizeof out, "%.17g", real);
      return out;
    }
    case Kind::kString:
    case Kind::kData: return bytes;
    default: return {};
  }
}

namespace {

Error Malformed(uint64_t offset, std::string why) { return MakeError(ErrorCode::kPlistMalformed, offset, std::move(why)); }


// ---- Binary ----------------------------------------------------------------

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view b) : b_(b) {}

  Result<Value> Read() {
    if (b_.size() < 8 + 32) return Malformed(0, "binary plist shorter than its header and trailer");
    const std::string_view t = b_.substr(b_.size() - 32);
    offset_size_ = static_cast<uint8_t>(t[6]);
    ref_size_ = static_cast<uint8_t>(t[7]);
    objects_ = Uint(t.substr(8, 8));
    const uint64_t top = Uint(t.substr(16, 8)), table = Uint(t.substr(24, 8));
    if (offset_size_ < 1 || offset_size_ > 8 || ref_size_ < 1 || ref_size_ > 8)
      return Malformed(b_.size() - 32, "binary plist trailer has bad integer sizes");
    const uint64_t trailer = b_.size() - 32;
    if (objects_ == 0 || top >= objects_ || table < 8 || table > trailer || objects_ > (trailer - table) / offset_size_)
      return Malformed(b_.size() - 32, "binary plist trailer points outside the file");
    table_ = table;
    visiting_.assign(objects_, false);
    Value root;
    if (!Object(top, 0, root)) return Malformed(error_offset_, error_);
    return root;
  }

 private:
  static uint64_t Uint(std::string_view s) {
    uint64_t v = 0;
    for (char c : s) v = v << 8 | static_cast<unsigned char>(c);
    return v;
  }

  bool Fail(uint64_t offset, std::string why) {
    if (error_.empty()) error_offset_ = offset, error_ = std::move(why);
    return false;
  }

  // The bytes [at, at + n) of the object area, or false.
  bool Span(uint64_t at, uint64_t n, std::string_view& out) {
    const uint64_t end = b_.size() - 32;
    if (at > end || n > end - at) return Fail(at, "an object runs past the end of the plist");
    out = b_.substr(at, n);
    return true;
  }

  // A count: the marker's low nibble, or the int object after it.
  bool Count(uint64_t& at, uint8_t nibble, uint64_t& count) {
    if (nibble != 0xF) {
      count = nibble;
      return true;
    }
    std::string_view m;
    if (!Span(at, 1, m)) return false;
    const auto marker = static_cast<uint8_t>(m[0]);
    if ((marker & 0xF0) != 0x10 || (marker & 0x0F) > 3) return Fail(at, "a count is not an integer");
    const uint64_t n = 1ull << (marker & 0x0F);
    std::string_view bytes;
    if (!Span(at + 1, n, bytes)) return false;
    count = Uint(bytes);
    at += 1 + n;
    return true;
  }

  bool Object(uint64_t index, size_t depth, Value& out) {
    if (++values_ > limits::kMaxPlistValues) return Fail(0, "more values than limits::kMaxPlistValues");
    if (depth > limits::kMaxPlistDepth) return Fail(0, "nested deeper than limits::kMaxPlistDepth");
    if (index >= objects_) return Fail(0, "a reference to object " + std::to_string(index) + " of " + std::to_string(objects_));
    if (visiting_[index]) return Fail(0, "object " + std::to_string(index) + " contains itself");
    std::string_view entry;
    if (!Span(table_ + index * offset_size_, offset_size_, entry)) return false;
    uint64_t at = Uint(entry);
    std::string_view m;
    if (at < 8 || !Span(at, 1, m)) return Fail(at, "object " + std::to_string(index) + " is outside the object area");
    const auto marker = static_cast<uint8_t>(m[0]);
    const uint8_t high = marker >> 4, low = marker & 0x0F;
    ++at;
    std::string_view bytes;
    switch (high) {
      case 0x0:
        if (marker == 0x08 || marker == 0x09) {
          out.kind = Value::Kind::kBool;
          out.boolean = marker == 0x09;
        } else {
          out.kind = Value::Kind::kNull;
        }
        return true;
      case 0x1: {  // Integers of 1, 2, 4, 8 (or 16) bytes, big-endian; 8 and 16 signed.
        if (low > 4) return Fail(at - 1, "an integer wider than 16 bytes");
        const uint64_t n = 1ull << low;
        if (!Span(at, n, bytes)) return false;
        out.kind = Value::Kind::kInt;
        out.integer = static_cast<int64_t>(Uint(bytes.substr(n > 8 ? n - 8 : 0)));
        return true;
      }
      case 0x2:
      case 0x3: {  // Reals of 4 or 8 bytes; 0x33 a date.
        if (high == 0x3 && marker != 0x33) return Fail(at - 1, "an unknown marker");
        const uint64_t n = high == 0x3 ? 8 : 1ull << low;
        if (n != 4 && n != 8) return Fail(at - 1, "a real that is not 4 or 8 bytes");
        if (!Span(at, n, bytes)) return false;
        if (n == 4) {
          const auto bits = static_cast<uint32_t>(Uint(bytes));
          float f;
          std::memcpy(&f, &bits, 4);
          out.real = f;
        } else {
          const uint64_t bits = Uint(bytes);
          std::memcpy(&out.real, &bits, 8);
        }
        out.kind = high == 0x3 ? Value::Kind::kDate : Value::Kind::kReal;
        return true;
      }
      case 0x4:
      case 0x5:
      case 0x6: {  // Data, ASCII string, UTF-16 string.
        uint64_t n;
        if (!Count(at, low, n)) return false;
        if (high == 0x6 && n > (b_.size() / 2)) return Fail(at, "a string longer than the plist");
        if (!Span(at, high == 0x6 ? n * 2 : n, bytes)) return false;
        out.kind = high == 0x4 ? Value::Kind::kData : Value::Kind::kString;
        if (high != 0x6) {
          out.bytes.assign(bytes);
          return true;
        }
        for (uint64_t i = 0; i < n; ++i) {
          uint32_t cp = static_cast<uint32_t>(Uint(bytes.substr(2 * i, 2)));
          if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n) {
            const auto low16 = static_cast<uint32_t>(Uint(bytes.substr(2 * i + 2, 2)));
            if (low16 >= 0xDC00 && low16 <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low16 - 0xDC00);
              ++i;
            }
          }
          AppendUtf8(out.bytes, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
        }
        return true;
      }
      case 0x8: {  // UID, 1..16 bytes.
        if (!Span(at, low + 1u, bytes)) return false;
        out.kind = Value::Kind::kUid;
        out.integer = static_cast<int64_t>(Uint(bytes.substr(bytes.size() > 8 ? bytes.size() - 8 : 0)));
        return true;
      }
      case 0xA:
      case 0xC:
      case 0xD: {  // Array, set, dict: references.
        uint64_t n;
        if (!Count(at, low, n)) return false;
        const uint64_t refs = high == 0xD ? 2 * n : n;
        if (n > b_.size() || !Span(at, refs * ref_size_, bytes)) return Fail(at, "a container's references run past the end");
        visiting_[index] = true;
        out.kind = high == 0xD ? Value::Kind::kDict : Value::Kind::kArray;
        for (uint64_t i = 0; i < n; ++i) {
          if (high == 0xD) {
            Value key, value;
            if (!Object(Uint(bytes.substr(i * ref_size_, ref_size_)), depth + 1, key) ||
                !Object(Uint(bytes.substr((n + i) * ref_size_, ref_size_)), depth + 1, value))
              return false;
            if (key.kind != Value::Kind::kString) return Fail(at, "a dictionary key is not a string");
            out.dict.push_back({std::move(key.bytes), std::move(value)});
          } else {
            Value& v = out.array.emplace_back();
            if (!Object(Uint(bytes.substr(i * ref_size_, ref_size_)), depth + 1, v)) return false;
          }
        }
        visiting_[index] = false;
        return true;
      }
      default:
        return Fail(at - 1, "an unknown marker");
    }
  }

  std::string_view b_;
  uint8_t offset_size_ = 0, ref_size_ = 0;
  uint64_t objects_ = 0, table_ = 0;
  size_t values_ = 0;
  std::vector<bool> visiting_;
  std::string error_;
  uint64_t error_offset_ = 0;
};

// ---- XML -------------------------------------------------------------------

class XmlReader {
 public:
  explicit XmlReader(std::string_view s) : s_(s) {}

  Result<Value> Read() {
    Value root;
    for (;;) {
      SkipSpace();
      if (s_.substr(pos_, 2) == "<?" || s_.substr(pos_, 2) == "<!") {
        if (!SkipPast(">")) return Malformed(pos_, "an XML declaration is not closed");
        continue;
      }
      break;
    }
    std::string tag;
    bool empty = false;
    if (!Tag(tag, empty) || tag != "plist") return Malformed(pos_, error_.empty() ? "no <plist> element" : error_);
    if (empty) return root;
    if (!Element(0, root)) return Malformed(pos_, error_);
    return root;
  }

 private:
  bool Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }
  bool SkipPast(std::string_view what) {
    const size_t at = s_.find(what, pos_);
    if (at == std::string_view::npos) return false;
    pos_ = at + what.size();
    return true;
  }
  // An opening tag's name ("<dict>", "<true/>", "<plist version=…>").
  bool Tag(std::string& name, bool& empty) {
    SkipSpace();
    while (s_.substr(pos_, 4) == "<!--") {
      if (!SkipPast("-->")) return Fail("a comment is not closed");
      SkipSpace();
    }
    if (pos_ >= s_.size() || s_[pos_] != '<') return Fail("expected an element");
    const size_t end = s_.find('>', pos_);
    if (end == std::string_view::npos) return Fail("a tag is not closed");
    std::string_view inside = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    empty = inside.ends_with("/");
    if (empty) inside.remove_suffix(1);
    name = std::string(inside.substr(0, inside.find_first_of(" \t\r\n")));
    return true;
  }
  // Text up to "</name>", entities decoded.
  bool Text(std::string_view name, std::string& out) {
    const std::string close = "</" + std::string(name) + ">";
    const size_t end = s_.find(close, pos_);
    if (end == std::string_view::npos) return Fail("<" + std::string(name) + "> is not closed");
    const std::string_view raw = s_.substr(pos_, end - pos_);
    pos_ = end + close.size();
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      const size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos) return Fail("an entity is not closed");
      const std::string_view e = raw.substr(i + 1, semi - i - 1);
      if (e == "lt") out += '<';
      else if (e == "gt") out += '>';
      else if (e == "amp") out += '&';
      else if (e == "quot") out += '"';
      else if (e == "apos") out += '\'';
      else if (e.starts_with("#")) {
        uint32_t cp = 0;
        const bool hex = e.starts_with("#x") || e.starts_with("#X");
        for (char c : e.substr(hex ? 2 : 1)) {
          const int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
          if (d < 0 || cp > 0x10FFFF) return Fail("a bad character reference");
          cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        }
        AppendUtf8(out, cp > 0x10FFFF ? 0xFFFD : cp);
      } else {
        return Fail("an unknown entity");
      }
      i = semi;
    }
    return true;
  }

  bool Element(size_t depth, Value& out) {
    if (++values_ > limits::kMaxPlistValues) return Fail("more values than limits::kMaxPlistValues");
    if (depth > limits::kMaxPlistDepth) return Fail("nested deeper than limits::kMaxPlistDepth");
    std::string tag;
    bool empty = false;
    if (!Tag(tag, empty)) return false;
    if (tag == "true" || tag == "false") {
      out.kind = Value::Kind::kBool;
      out.boolean = tag == "true";
      return empty || SkipPast("</" + tag + ">") || Fail("<" + tag + "> is not closed");
    }
    if (tag == "dict" || tag == "array") {
      out.kind = tag == "dict" ? Value::Kind::kDict : Value::Kind::kArray;
      if (empty) return true;
      for (;;) {
        SkipSpace();
        while (s_.substr(pos_, 4) == "<!--") {
          if (!SkipPast("-->")) return Fail("a comment is not closed");
          SkipSpace();
        }
        if (s_.substr(pos_, 2) == "</") return SkipPast(">");
        if (tag == "array") {
          if (!Element(depth + 1, out.array.emplace_back())) return false;
          continue;
        }
        std::string key_tag, key;
        bool key_empty = false;
        if (!Tag(key_tag, key_empty) || key_tag != "key") return Fail("a dictionary entry without <key>");
        if (!key_empty && !Text("key", key)) return false;
        Value value;
        if (!Element(depth + 1, value)) return false;
        out.dict.push_back({std::move(key), std::move(value)});
      }
    }
    std::string text;
    if (!empty && !Text(tag, text)) return false;
    if (tag == "string") {
      out.kind = Value::Kind::kString;
      out.bytes = std::move(text);
    } else if (tag == "integer") {
      out.kind = Value::Kind::kInt;
      try {
        out.integer = std::stoll(text, nullptr, 0);
      } catch (...) {
        return Fail("an <integer> that is not one");
      }
    } else if (tag == "real") {
      out.kind = Value::Kind::kReal;
      try {
        out.real = std::stod(text);
      } catch (...) {
        return Fail("a <real> that is not one");
      }
    } else if (tag == "date") {  // "2021-09-29T08:56:46Z" as seconds since 2001.
      int y, mo, d, h, mi, sec;
      if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) != 6) return Fail("a <date> that is not one");
      std::tm t{};
      t.tm_year = y - 1900, t.tm_mon = mo - 1, t.tm_mday = d, t.tm_hour = h, t.tm_min = mi, t.tm_sec = sec;
      out.kind = Value::Kind::kDate;
      out.real = static_cast<double>(timegm(&t)) - 978307200.0;
    } else if (tag == "data") {
      out.kind = Value::Kind::kData;
      uint32_t acc = 0;
      int bits = 0;
      for (char c : text) {
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
        if (v < 0) continue;  // Whitespace and padding.
        acc = acc << 6 | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out.bytes += static_cast<char>((acc >> bits) & 0xFF);
        }
      }
    } else {
      return Fail("an unknown element <" + tag + ">");
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0, values_ = 0;
  std::string error_;
};

}  // namespace

Result<Value> Parse(std::string_view bytes) {
  if (bytes.starts_with("bplist00")) return BinaryReader(bytes).Read();
  if (bytes.starts_with("bplist")) return Malformed(0, "binary plist of an unknown version");
  // XML, possibly after a byte order mark.
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || bytes[first] != '<') return Malformed(0, "neither a binary nor an XML plist");
  return XmlReader(bytes).Read();
}

const Value* KeyedRoot(const Value& archive) {
  const Value* objects = archive.Find("$objects");
  const Value* top = archive.Find("$top");
  const Value* root = top ? top->Find("root") : nullptr;
  if (!objects || !root || root->kind != Value::Kind::kUid || root->integer < 0 ||
      static_cast<size_t>(root->integer) >= objects->array.size())
    return nullptr;
  return &objects->array[static_cast<size_t>(root->integer)];
}

}  // namespace vigie::plist
