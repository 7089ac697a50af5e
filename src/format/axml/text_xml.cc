#include "vigie/format/axml/text_xml.h"

#include <charconv>
#include <map>
#include <vector>

#include "vigie/base/limits.h"
#include "vigie/base/utf8.h"
#include "vigie/format/axml/res_chunk.h"

namespace vigie::axml {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameChar(char c) { return !IsSpace(c) && c != '=' && c != '>' && c != '/' && c != '<' && c != '"' && c != '\''; }

// Replaces the predefined and numeric character references; anything else
// (a custom entity) is left as written.
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i];
      continue;
    }
    std::string_view ref = s.substr(i + 1, semi - i - 1);
    static const std::map<std::string_view, char> kNamed = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    if (auto it = kNamed.find(ref); it != kNamed.end()) {
      out += it->second;
    } else if (ref.size() > 1 && ref[0] == '#') {
      uint32_t cp = 0;
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size() || cp > 0x10FFFF) {
        out.append(s.substr(i, semi - i + 1));
      } else {
        AppendUtf8(out, cp);
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

struct RawAttribute {
  std::string qname;
  std::string value;
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& where, Diagnostics& diags)
      : s_(text), where_(where), diags_(diags) {}

  Document Run() {
    while (pos_ < s_.size() && ok_) {
      size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) break;
      pos_ = lt;
      if (Starts("<!--")) Skip("-->");
      else if (Starts("<![CDATA[")) Skip("]]>");
      else if (Starts("<?")) Skip("?>");
      else if (Starts("<!")) SkipDeclaration();
      else if (Starts("</")) EndTag();
      else StartTag();
    }
    if (ok_ && !stack_.empty())
      diags_.Add(Level::kInfo, ErrorCode::kAxmlOdd, where_, std::to_string(stack_.size()) + " element(s) were never closed");
    return std::move(doc_);
  }

 private:
  bool Starts(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }

  void Fail(const std::string& why) {
    diags_.Add(Level::kError, ErrorCode::kAxmlMalformed, where_, why + " (at byte " + std::to_string(pos_) + ")");
    ok_ = false;
  }

  void Skip(std::string_view terminator) {
    size_t end = s_.find(terminator, pos_);
    if (end == std::string_view::npos) return Fail("unterminated markup");
    pos_ = end + terminator.size();
  }

  // <!DOCTYPE ...> may hold an internal subset in brackets; it is skipped
  // whole and nothing in it is acted on.
  void SkipDeclaration() {
    int brackets = 0;
    for (size_t i = pos_ + 2; i < s_.size(); ++i) {
      if (s_[i] == '[') ++brackets;
      else if (s_[i] == ']') --brackets;
      else if (s_[i] == '>' && brackets <= 0) {
        pos_ = i + 1;
        return;
      }
    }
    Fail("unterminated declaration");
  }

  std::string_view Name() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  void Spaces() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }

  // Resolves "prefix:local" against the namespace scopes; returns {uri, local}.
  std::pair<std::string, std::string> Resolve(const std::string& qname, bool is_attribute) const {
    size_t colon = qname.find(':');
    std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
    std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
    if (prefix.empty() && is_attribute) return {"", local};  // Unprefixed attributes have no namespace.
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (auto f = it->find(prefix); f != it->end()) return {f->second, local};
    return {"", local};
  }

  void StartTag() {
    if (stack_.size() >= limits::kMaxAxmlDepth || doc_.elements.size() >= limits::kMaxAxmlNodes)
      return Fail("document exceeds the depth or node cap");
    ++pos_;
    std::string qname(Name());
    if (qname.empty()) return Fail("malformed start tag");
    std::vector<RawAttribute> raw;
    std::map<std::string, std::string> scope;
    bool self_closing = false;
    while (true) {
      Spaces();
      if (pos_ >= s_.size()) return Fail("unterminated start tag <" + qname + ">");
      if (Starts("/>")) {
        self_closing = true;
        pos_ += 2;
        break;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      std::string aname(Name());
      Spaces();
      if (aname.empty() || pos_ >= s_.size() || s_[pos_] != '=') return Fail("malformed attribute in <" + qname + ">");
      ++pos_;
      Spaces();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return Fail("unquoted attribute value");
      char quote = s_[pos_++];
      size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) return Fail("unterminated attribute value");
      std::string value = Unescape(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
      if (aname == "xmlns") scope[""] = value;
      else if (aname.rfind("xmlns:", 0) == 0) scope[aname.substr(6)] = value;
      else if (raw.size() < limits::kMaxAxmlAttributes) raw.push_back({aname, std::move(value)});
    }
    scopes_.push_back(std::move(scope));
    Element e;
    std::tie(e.ns, e.name) = Resolve(qname, /*is_attribute=*/false);
    e.parent = stack_.empty() ? -1 : stack_.back();
    e.depth = static_cast<uint32_t>(stack_.size()) + 1;
    for (auto& r : raw) {
      Attribute a;
      std::tie(a.ns, a.name) = Resolve(r.qname, /*is_attribute=*/true);
      a.type = res::kTypeString;
      a.string = std::move(r.value);
      e.attributes.push_back(std::move(a));
    }
    stack_.push_back(static_cast<int32_t>(doc_.elements.size()));
    doc_.elements.push_back(std::move(e));
    if (self_closing) Close();
  }

  void EndTag() {
    pos_ += 2;
    Name();
    Spaces();
    if (pos_ >= s_.size() || s_[pos_] != '>') return Fail("malformed end tag");
    ++pos_;
    if (stack_.empty()) {
      diags_.Add(Level::kWarning, ErrorCode::kAxmlMalformed, where_, "end tag without a start tag");
      return;
    }
    Close();
  }

  void Close() {
    stack_.pop_back();
    scopes_.pop_back();
  }

  std::string_view s_;
  const std::string& where_;
  Diagnostics& diags_;
  size_t pos_ = 0;
  bool ok_ = true;
  Document doc_;
  std::vector<int32_t> stack_;
  std::vector<std::map<std::string, std::string>> scopes_;
};

}  // namespace

Result<Document> ParseTextXml(ByteView bytes, const std::string& where, Diagnostics& diags) {
  if (bytes.size() > limits::kMaxAxmlSize)
    return MakeError(ErrorCode::kAxmlLimit, 0, "document is larger than limits::kMaxAxmlSize");
  std::string_view text = bytes.AsString();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark.
  Document doc = Parser(text, where, diags).Run();
  if (doc.elements.empty()) return MakeError(ErrorCode::kAxmlMalformed, 0, "no element in text XML");
  return doc;
}

}  // namespace vigie::axml
