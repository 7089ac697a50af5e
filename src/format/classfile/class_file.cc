#include "vigie/format/classfile/class_file.h"

namespace vigie::classfile {
namespace {

constexpr uint32_t kMagic = 0xCAFEBABE;

uint32_t BigEndian32(ByteView b) {
  if (b.size() < 4) return 0;
  return uint32_t{b.data()[0]} << 24 | uint32_t{b.data()[1]} << 16 | uint32_t{b.data()[2]} << 8 | b.data()[3];
}

// Class files are big-endian; Reader is little-endian, so swap.
uint16_t U16(Reader& r) {
  uint16_t v = r.U16();
  return static_cast<uint16_t>((v >> 8) | (v << 8));
}

uint32_t U32(Reader& r) {
  const uint32_t hi = U16(r);
  return hi << 16 | U16(r);
}

// The pool slots the later tables point into, by kind.
struct Pool {
  std::vector<uint16_t> class_name;          // CONSTANT_Class -> Utf8 slot
  std::vector<uint32_t> name_and_type;       // NameAndType -> name << 16 | descriptor
  std::vector<std::pair<uint16_t, uint16_t>> refs;  // (slot, tag) of Field/Method/InterfaceMethod refs
  std::vector<uint32_t> ref_target;          // ref slot -> class << 16 | name_and_type
};

// Reads one fields or methods table; false when it runs past the bytes.
bool ReadMembers(Reader& r, const std::vector<std::string_view>& utf8, std::vector<Member>& out) {
  const uint16_t count = U16(r);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    Member m;
    m.access = U16(r);
    const uint16_t name = U16(r), desc = U16(r);
    const uint16_t attributes = U16(r);
    for (uint32_t a = 0; a < attributes && r.ok(); ++a) {
      U16(r);
      r.Skip(U32(r));
    }
    if (!r.ok()) return false;
    if (name < utf8.size()) m.name = utf8[name];
    if (desc < utf8.size()) m.descriptor = utf8[desc];
    out.push_back(m);
  }
  return r.ok();
}

}  // namespace

bool LooksLikeClassFile(ByteView bytes) { return BigEndian32(bytes) == kMagic; }

Result<ClassFile> ClassFile::Parse(ByteView bytes) {
  if (!LooksLikeClassFile(bytes)) return MakeError(ErrorCode::kClassFileMalformed, 0, "bad class-file magic");
  Reader r(bytes, 4);
  ClassFile c;
  U16(r);  // minor
  c.major_ = U16(r);
  const uint16_t count = U16(r);
  if (!r.ok()) return MakeError(ErrorCode::kClassFileMalformed, 0, "truncated header");
  c.utf8_.resize(count);
  Pool pool;
  pool.class_name.assign(count, 0);
  pool.name_and_type.assign(count, 0);
  pool.ref_target.assign(count, 0);
  // JVMS 4.4: slot 0 is unused; Long and Double take two slots.
  for (uint32_t i = 1; i < count; ++i) {
    uint8_t tag = r.U8();
    switch (tag) {
      case 1: {  // Utf8
        uint16_t len = U16(r);
        c.utf8_[i] = r.Bytes(len).AsString();
        break;
      }
      case 3: case 4: r.Skip(4); break;  // Integer, Float
      case 5: case 6: r.Skip(8); ++i; break;  // Long, Double
      case 7: pool.class_name[i] = U16(r); break;  // Class
      case 8: c.string_refs_.push_back(U16(r)); break;  // String
      case 9: case 10: case 11:  // Fieldref, Methodref, InterfaceMethodref
        pool.ref_target[i] = U32(r);
        pool.refs.emplace_back(static_cast<uint16_t>(i), tag);
        break;
      case 12: pool.name_and_type[i] = U32(r); break;  // NameAndType
      case 17: case 18: r.Skip(4); break;  // (Invoke)Dynamic
      case 15: r.Skip(3); break;  // MethodHandle
      case 16: case 19: case 20: r.Skip(2); break;  // MethodType, Module, Package
      default:
        return MakeError(ErrorCode::kClassFileMalformed, r.position(),
                         "unknown constant-pool tag " + std::to_string(tag) + " in slot " + std::to_string(i));
    }
    if (!r.ok()) return MakeError(ErrorCode::kClassFileMalformed, r.position(), "constant pool runs past the file");
  }
  auto class_at = [&](uint32_t slot) -> std::string_view {
    return slot < count && pool.class_name[slot] < count ? c.utf8_[pool.class_name[slot]] : std::string_view();
  };
  U16(r);  // access flags
  const uint16_t this_class = U16(r), super_class = U16(r);
  c.this_class_ = class_at(this_class);
  if (!r.ok() || c.this_class_.empty())
    return MakeError(ErrorCode::kClassFileMalformed, r.position(), "bad this_class index");
  c.super_class_ = class_at(super_class);
  for (const auto& [slot, tag] : pool.refs) {
    const uint32_t target = pool.ref_target[slot];
    const uint32_t nat = target & 0xFFFF;
    if (nat >= count) continue;
    const uint32_t name = pool.name_and_type[nat] >> 16, desc = pool.name_and_type[nat] & 0xFFFF;
    if (name >= count || desc >= count) continue;
    c.member_refs_.push_back({class_at(target >> 16), c.utf8_[name], c.utf8_[desc], tag != 9});
  }
  // A cut in the member tables loses what follows it, not the class.
  const uint16_t interfaces = U16(r);
  for (uint32_t i = 0; i < interfaces && r.ok(); ++i)
    if (auto name = class_at(U16(r)); !name.empty() && r.ok()) c.interfaces_.push_back(name);
  c.members_complete_ = r.ok() && ReadMembers(r, c.utf8_, c.fields_) && ReadMembers(r, c.utf8_, c.methods_);
  return c;
}

}  // namespace vigie::classfile
