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
  std::vector<uint16_t> class_names(count, 0);  // CONSTANT_Class -> Utf8 slot
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
      case 7: class_names[i] = U16(r); break;  // Class
      case 8: c.string_refs_.push_back(U16(r)); break;  // String
      case 9: case 10: case 11: case 12: case 17: case 18: r.Skip(4); break;  // refs, NameAndType, (Invoke)Dynamic
      case 15: r.Skip(3); break;  // MethodHandle
      case 16: case 19: case 20: r.Skip(2); break;  // MethodType, Module, Package
      default:
        return MakeError(ErrorCode::kClassFileMalformed, r.position(),
                         "unknown constant-pool tag " + std::to_string(tag) + " in slot " + std::to_string(i));
    }
    if (!r.ok()) return MakeError(ErrorCode::kClassFileMalformed, r.position(), "constant pool runs past the file");
  }
  U16(r);  // access flags
  uint16_t this_class = U16(r);
  if (!r.ok() || this_class >= count || class_names[this_class] >= count)
    return MakeError(ErrorCode::kClassFileMalformed, r.position(), "bad this_class index");
  c.this_class_ = c.utf8_[class_names[this_class]];
  return c;
}

}  // namespace vigie::classfile
