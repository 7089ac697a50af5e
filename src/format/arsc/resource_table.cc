// Layout: ResTable_header, global string pool, then ResTable_package chunks,
// each with type/key string pools and ResTable_type chunks per configuration
// (AOSP ResourceTypes.h). Type chunks may use dense 32-bit entry offsets,
// 16-bit offsets (FLAG_OFFSET16) or sparse (index, offset) pairs, and entries
// may be compact (FLAG_COMPACT, Android 14): all are read as Android does.
#include "vigie/format/arsc/resource_table.h"

#include "vigie/base/limits.h"

namespace vigie::arsc {
namespace {

constexpr uint8_t kTypeFlagSparse = 0x01;
constexpr uint8_t kTypeFlagOffset16 = 0x02;
constexpr uint16_t kEntryFlagComplex = 0x0001;
constexpr uint16_t kEntryFlagCompact = 0x0008;
constexpr uint32_t kNoEntry = 0xFFFFFFFF;

}  // namespace

Result<ResourceTable> ResourceTable::Parse(ByteView bytes, const std::string& where, Diagnostics& diags) {
  if (bytes.size() > limits::kMaxArscSize)
    return MakeError(ErrorCode::kArscMalformed, 0, "resource table larger than limits::kMaxArscSize");
  auto top = res::ReadChunk(bytes, 0);
  if (!top || top->type != res::kTable)
    return MakeError(ErrorCode::kArscMalformed, 0, "no resource table header");
  ResourceTable t;
  bool have_strings = false;
  for (uint64_t off = top->header_size; off + 8 <= top->bytes.size();) {
    auto c = res::ReadChunk(top->bytes, off);
    if (!c) {
      diags.AddError(Level::kWarning, c.error(), where);
      break;
    }
    off += c->size;
    if (c->type == res::kStringPool && !have_strings) {
      auto pool = res::StringPool::Parse(*c);
      if (pool) {
        t.strings_ = *pool;
        have_strings = true;
      }
    } else if (c->type == res::kTablePackage) {
      uint8_t package_id = static_cast<uint8_t>(c->bytes.ReadOr0<uint32_t>(8));
      for (uint64_t p = c->header_size; p + 8 <= c->bytes.size();) {
        auto inner = res::ReadChunk(c->bytes, p);
        if (!inner) {
          diags.AddError(Level::kWarning, inner.error(), where);
          break;
        }
        p += inner->size;
        if (inner->type != res::kTableType) continue;
        // ResTable_type: id, flags, reserved, entryCount, entriesStart, then
        // ResTable_config whose first field is its own size.
        uint8_t type_id = inner->bytes.ReadOr0<uint8_t>(8);
        uint32_t config_size = inner->bytes.ReadOr0<uint32_t>(20);
        bool is_default = true;
        for (uint64_t k = 4; k < config_size && 20 + k < inner->header_size; ++k)
          if (inner->bytes.ReadOr0<uint8_t>(20 + k) != 0) is_default = false;
        t.types_.push_back({package_id, type_id, is_default, *inner});
      }
    }
  }
  if (!have_strings) diags.Add(Level::kWarning, ErrorCode::kArscMalformed, where, "no global string pool");
  return t;
}

std::optional<Value> ResourceTable::EntryValue(const TypeChunk& t, uint32_t entry) const {
  const ByteView b = t.chunk.bytes;
  uint8_t flags = b.ReadOr0<uint8_t>(9);
  uint32_t count = b.ReadOr0<uint32_t>(12);
  uint32_t entries_start = b.ReadOr0<uint32_t>(16);
  const uint64_t table = t.chunk.header_size;
  uint32_t entry_off = kNoEntry;
  if (flags & kTypeFlagSparse) {
    // Sorted (u16 index, u16 offset/4) pairs; a linear scan is fine for the
    // handful of lookups a scan makes.
    for (uint32_t i = 0; i < count; ++i) {
      auto idx = b.Read<uint16_t>(table + 4ull * i);
      if (!idx) break;
      if (*idx == entry) {
        entry_off = b.ReadOr0<uint16_t>(table + 4ull * i + 2) * 4u;
        break;
      }
    }
  } else if (entry < count) {
    if (flags & kTypeFlagOffset16) {
      uint16_t o = b.ReadOr0<uint16_t>(table + 2ull * entry);
      entry_off = o == 0xFFFF ? kNoEntry : o * 4u;
    } else {
      entry_off = b.Read<uint32_t>(table + 4ull * entry).value_or(kNoEntry);
    }
  }
  if (entry_off == kNoEntry) return std::nullopt;
  auto pos = CheckedAdd(entries_start, entry_off);
  if (!pos) return std::nullopt;
  Reader r(b, *pos);
  uint16_t size = r.U16();
  uint16_t eflags = r.U16();
  uint32_t key_or_data = r.U32();
  if (!r.ok()) return std::nullopt;
  Value v;
  if (eflags & kEntryFlagCompact) {
    // Compact entry: key in the first u16, type in the high byte of flags,
    // the value's data in the last u32.
    v.type = static_cast<uint8_t>(eflags >> 8);
    v.data = key_or_data;
  } else {
    if (eflags & kEntryFlagComplex) return std::nullopt;  // Bags (styles, arrays).
    if (size < 8) return std::nullopt;
    Reader val(b, *pos + size);
    val.U16();
    val.U8();
    v.type = val.U8();
    v.data = val.U32();
    if (!val.ok()) return std::nullopt;
  }
  if (v.type == res::kTypeString) v.string = strings_.Get(v.data);
  return v;
}

std::optional<Value> ResourceTable::Lookup(uint32_t id) const {
  uint8_t package = static_cast<uint8_t>(id >> 24), type = static_cast<uint8_t>(id >> 16);
  uint32_t entry = id & 0xFFFF;
  std::optional<Value> fallback;
  for (const auto& t : types_) {
    if (t.package_id != package || t.type_id != type) continue;
    auto v = EntryValue(t, entry);
    if (!v) continue;
    if (t.is_default_config) return v;
    if (!fallback) fallback = v;
  }
  return fallback;
}

std::optional<Value> ResourceTable::Resolve(uint32_t id) const {
  for (int hop = 0; hop < limits::kMaxResourceIndirections; ++hop) {
    auto v = Lookup(id);
    if (!v) return std::nullopt;
    if (v->type != res::kTypeReference || v->data == id) return v;
    id = v->data;
  }
  return std::nullopt;
}

}  // namespace vigie::arsc
