// Field numbers, from aapt2's Resources.proto:
//   XmlNode      { XmlElement element = 1; string text = 2; }
//   XmlElement   { repeated XmlNamespace namespace_declaration = 1;
//                  string namespace_uri = 2; string name = 3;
//                  repeated XmlAttribute attribute = 4; repeated XmlNode child = 5; }
//   XmlAttribute { string namespace_uri = 1; string name = 2; string value = 3;
//                  uint32 resource_id = 5; Item compiled_item = 6; }
//   Item         { Reference ref = 1; ... Primitive prim = 7; }
//   Reference    { uint32 id = 2; }
//   Primitive    { int32 int_decimal_value = 6; uint32 int_hexadecimal_value = 7;
//                  bool boolean_value = 8; }
#include "vigie/format/axml/proto_xml.h"

#include "vigie/base/limits.h"
#include "vigie/base/protobuf.h"
#include "vigie/format/axml/res_chunk.h"

namespace vigie::axml {
namespace {

using proto::Field;
using proto::MessageReader;
using proto::WireType;

struct Builder {
  Document& doc;
  const std::string& where;
  Diagnostics& diags;
  uint64_t nodes = 0;
  bool malformed = false;

  // Applies a compiled Item to the attribute's typed value.
  void ReadItem(ByteView item, Attribute& a) {
    MessageReader r(item);
    for (Field f; r.Next(f);) {
      if (f.type != WireType::kLengthDelimited) continue;
      MessageReader inner(f.bytes);
      for (Field g; inner.Next(g);) {
        if (f.number == 1 && g.number == 2 && g.type == WireType::kVarint) {
          a.type = res::kTypeReference;
          a.data = static_cast<uint32_t>(g.value);
        } else if (f.number == 7 && g.type == WireType::kVarint) {
          if (g.number == 6) a.type = res::kTypeIntDec;
          else if (g.number == 7) a.type = res::kTypeIntHex;
          else if (g.number == 8) a.type = res::kTypeIntBoolean;
          else continue;
          a.data = static_cast<uint32_t>(g.value);
        }
      }
    }
  }

  Attribute ReadAttribute(ByteView bytes) {
    Attribute a;
    a.type = res::kTypeString;
    MessageReader r(bytes);
    for (Field f; r.Next(f);) {
      if (f.number == 1 && f.type == WireType::kLengthDelimited) a.ns = f.str();
      else if (f.number == 2 && f.type == WireType::kLengthDelimited) a.name = f.str();
      else if (f.number == 3 && f.type == WireType::kLengthDelimited) a.string = std::string(f.str());
      else if (f.number == 5 && f.type == WireType::kVarint) a.resource_id = static_cast<uint32_t>(f.value);
      else if (f.number == 6 && f.type == WireType::kLengthDelimited) ReadItem(f.bytes, a);
    }
    if (!r.ok()) malformed = true;
    return a;
  }

  // Reads one XmlNode; elements are appended in document order.
  void ReadNode(ByteView node, int32_t parent, uint32_t depth) {
    if (++nodes > limits::kMaxAxmlNodes || depth > limits::kMaxAxmlDepth) {
      if (!malformed) diags.Add(Level::kError, ErrorCode::kAxmlLimit, where, "protobuf XML exceeds the node or depth cap");
      malformed = true;
      return;
    }
    MessageReader r(node);
    for (Field f; r.Next(f);) {
      if (f.number != 1 || f.type != WireType::kLengthDelimited) continue;  // Text nodes carry nothing we use.
      const auto index = static_cast<int32_t>(doc.elements.size());
      doc.elements.emplace_back();
      doc.elements[index].parent = parent;
      doc.elements[index].depth = depth;
      std::vector<ByteView> children;
      MessageReader e(f.bytes);
      for (Field g; e.Next(g);) {
        if (g.type != WireType::kLengthDelimited) continue;
        if (g.number == 2) doc.elements[index].ns = g.str();
        else if (g.number == 3) doc.elements[index].name = g.str();
        else if (g.number == 4 && doc.elements[index].attributes.size() < limits::kMaxAxmlAttributes)
          doc.elements[index].attributes.push_back(ReadAttribute(g.bytes));
        else if (g.number == 5) children.push_back(g.bytes);
      }
      if (!e.ok()) malformed = true;
      for (ByteView child : children) ReadNode(child, index, depth + 1);
    }
    if (!r.ok()) malformed = true;
  }
};

}  // namespace

Result<Document> ParseProtoXml(ByteView bytes, const std::string& where, Diagnostics& diags) {
  if (bytes.size() > limits::kMaxAxmlSize)
    return MakeError(ErrorCode::kAxmlLimit, 0, "document is larger than limits::kMaxAxmlSize");
  Document doc;
  Builder b{doc, where, diags};
  b.ReadNode(bytes, -1, 1);
  if (doc.elements.empty()) return MakeError(ErrorCode::kAxmlMalformed, 0, "no element in protobuf XML");
  if (b.malformed)
    diags.Add(Level::kWarning, ErrorCode::kAxmlMalformed, where, "protobuf XML is malformed; later elements may be missing");
  return doc;
}

}  // namespace vigie::axml
