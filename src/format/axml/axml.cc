#include "vigie/format/axml/axml.h"

#include <cstdio>

#include "vigie/base/limits.h"
#include "vigie/format/axml/res_chunk.h"

namespace vigie::axml {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFF;

std::string PoolString(const res::StringPool& pool, uint32_t idx) {
  if (idx == kNone) return {};
  return pool.Get(idx).value_or(std::string{});
}

}  // namespace

const Attribute* Element::Find(uint32_t resource_id, std::string_view fallback_name) const {
  for (const auto& a : attributes)
    if (a.resource_id == resource_id) return &a;
  // Without a resource map Android cannot see the attribute either; the
  // fallback only helps report what a broken or hand-built file meant.
  for (const auto& a : attributes)
    if (a.resource_id == 0 && a.ns == kAndroidNamespace && a.name == fallback_name) return &a;
  return nullptr;
}

const Attribute* Element::FindPlain(std::string_view name) const {
  for (const auto& a : attributes)
    if (a.ns.empty() && a.name == name) return &a;
  return nullptr;
}

std::vector<int32_t> Document::ChildrenOf(int32_t index) const {
  std::vector<int32_t> out;
  for (size_t i = static_cast<size_t>(index) + 1; i < elements.size(); ++i)
    if (elements[i].parent == index) out.push_back(static_cast<int32_t>(i));
  return out;
}

std::string ValueToString(const Attribute& a) {
  char buf[32];
  switch (a.type) {
    case res::kTypeString:
      return a.string.value_or("");
    case res::kTypeIntBoolean:
      return a.data ? "true" : "false";
    case res::kTypeIntDec:
      return std::to_string(static_cast<int32_t>(a.data));
    case res::kTypeReference:
    case res::kTypeDynamicReference:
      std::snprintf(buf, sizeof buf, "@0x%08x", a.data);
      return buf;
    case res::kTypeAttribute:
      std::snprintf(buf, sizeof buf, "?0x%08x", a.data);
      return buf;
    case res::kTypeNull:
      return a.string.value_or("");
    default:
      std::snprintf(buf, sizeof buf, "0x%x", a.data);
      return buf;
  }
}

Result<Document> Parse(ByteView bytes, const std::string& where, Diagnostics& diags) {
  if (bytes.size() > limits::kMaxAxmlSize)
    return MakeError(ErrorCode::kAxmlLimit, 0, "document is larger than limits::kMaxAxmlSize");
  Reader head(bytes);
  uint16_t type = head.U16(), header_size = head.U16();
  uint32_t size = head.U32();
  if (!head.ok() || header_size < 8 || header_size > bytes.size())
    return MakeError(ErrorCode::kAxmlMalformed, 0, "no binary XML header");
  if (type != res::kXml) {
    if (bytes.StartsWith("<?xml") || bytes.StartsWith("<"))
      return MakeError(ErrorCode::kAxmlMalformed, 0, "plain-text XML where binary XML is expected");
    diags.Add(Level::kWarning, ErrorCode::kAxmlOdd, where,
              "document chunk type is not RES_XML_TYPE; reading it anyway");
  }
  ByteView doc = bytes;
  if (size < bytes.size() && size >= header_size) {
    doc = *bytes.Sub(0, size);
  } else if (size > bytes.size()) {
    diags.Add(Level::kWarning, ErrorCode::kAxmlOdd, where,
              "document declares " + std::to_string(size) + " bytes but has " +
                  std::to_string(bytes.size()));
  }

  Document out;
  res::StringPool pool;
  bool have_pool = false;
  std::vector<uint32_t> resource_map;
  std::vector<int32_t> stack;
  uint64_t nodes = 0;
  uint64_t off = header_size;
  while (off + 8 <= doc.size()) {
    if (++nodes > limits::kMaxAxmlNodes) {
      diags.Add(Level::kError, ErrorCode::kAxmlLimit, where, "more XML nodes than limits::kMaxAxmlNodes");
      break;
    }
    auto chunk_or = res::ReadChunk(doc, off);
    if (!chunk_or) {
      diags.AddError(Level::kError, chunk_or.error(), where);
      break;
    }
    const res::Chunk& c = *chunk_or;
    off += c.size;
    switch (c.type) {
      case res::kStringPool: {
        if (have_pool) break;  // Android uses the first pool.
        auto p = res::StringPool::Parse(c);
        if (!p) {
          diags.AddError(Level::kError, p.error(), where);
          return out;  // Nothing below can be named without strings.
        }
        pool = *p;
        have_pool = true;
        break;
      }
      case res::kXmlResourceMap: {
        uint64_t n = (c.size - c.header_size) / 4;
        resource_map.resize(static_cast<size_t>(n));
        for (uint64_t i = 0; i < n; ++i) resource_map[i] = c.bytes.ReadOr0<uint32_t>(c.header_size + 4 * i);
        break;
      }
      case res::kXmlStartElement: {
        if (c.header_size < 16) {
          diags.Add(Level::kWarning, ErrorCode::kAxmlMalformed, where, "element node header too small");
          break;
        }
        if (stack.size() >= limits::kMaxAxmlDepth) {
          diags.Add(Level::kError, ErrorCode::kAxmlLimit, where, "elements nest deeper than limits::kMaxAxmlDepth");
          return out;
        }
        Element e;
        e.line = c.bytes.ReadOr0<uint32_t>(8);
        Reader x(c.bytes, c.header_size);
        e.ns = PoolString(pool, x.U32());
        e.name = PoolString(pool, x.U32());
        uint16_t attr_start = x.U16(), attr_size = x.U16(), attr_count = x.U16();
        if (!x.ok()) {
          diags.Add(Level::kError, ErrorCode::kAxmlMalformed, where, "truncated element node");
          break;
        }
        if (attr_size < 20 && attr_count > 0) {
          diags.Add(Level::kWarning, ErrorCode::kAxmlMalformed, where,
                    "element <" + e.name + "> has attributes of " + std::to_string(attr_size) + " bytes");
          attr_count = 0;
        }
        if (attr_count > limits::kMaxAxmlAttributes) attr_count = limits::kMaxAxmlAttributes;
        if (attr_size > 20) {
          diags.Add(Level::kInfo, ErrorCode::kAxmlOdd, where,
                    "element <" + e.name + "> uses " + std::to_string(attr_size) +
                        "-byte attribute records; Android reads them by their declared size");
        }
        for (uint16_t i = 0; i < attr_count; ++i) {
          Reader a(c.bytes, c.header_size + uint64_t{attr_start} + uint64_t{attr_size} * i);
          Attribute at;
          uint32_t ns = a.U32(), name = a.U32(), raw = a.U32();
          a.U16();  // Res_value size
          a.U8();   // res0
          at.type = a.U8();
          at.data = a.U32();
          if (!a.ok()) {
            diags.Add(Level::kWarning, ErrorCode::kAxmlMalformed, where,
                      "attributes of <" + e.name + "> run past the node");
            break;
          }
          at.ns = PoolString(pool, ns);
          at.name = PoolString(pool, name);
          if (name < resource_map.size()) at.resource_id = resource_map[name];
          if (at.type == res::kTypeString) {
            at.string = pool.Get(at.data);
          } else if (raw != kNone) {
            at.string = pool.Get(raw);
          }
          e.attributes.push_back(std::move(at));
        }
        e.parent = stack.empty() ? -1 : stack.back();
        e.depth = static_cast<uint32_t>(stack.size()) + 1;
        stack.push_back(static_cast<int32_t>(out.elements.size()));
        out.elements.push_back(std::move(e));
        break;
      }
      case res::kXmlEndElement:
        if (stack.empty()) {
          diags.Add(Level::kWarning, ErrorCode::kAxmlMalformed, where, "end tag without a start tag");
        } else {
          stack.pop_back();
        }
        break;
      default:
        break;  // Namespaces, CDATA and unknown chunks carry nothing we use.
    }
  }
  if (!stack.empty()) {
    diags.Add(Level::kInfo, ErrorCode::kAxmlOdd, where,
              std::to_string(stack.size()) + " element(s) were never closed");
  }
  if (!have_pool) diags.Add(Level::kError, ErrorCode::kAxmlMalformed, where, "no string pool");
  return out;
}

}  // namespace vigie::axml
