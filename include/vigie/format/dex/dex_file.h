// DEX (Dalvik Executable) reader, versions 035 to 041.
//
// Open() verifies the header and the bounds and alignment of every index
// table once (ART's "verify, then trust"); accessors afterwards only check
// what depends on per-item data (string and class-data offsets), and never
// form an out-of-range pointer. Everything returned is a view into the DEX
// bytes: no string is copied until a report needs it.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/error.h"
#include "vigie/format/dex/opcodes.h"

namespace vigie::dex {

inline constexpr uint32_t kNoIndex = 0xFFFFFFFF;

/// Header fields (dex-format "header_item"), in file order.
struct Header {
  uint32_t version = 0;  ///< 35..41, parsed from the "0NN\0" magic suffix.
  uint32_t checksum = 0;
  uint32_t file_size = 0;
  uint32_t header_size = 0;
  uint32_t map_off = 0;
  uint32_t string_ids_size = 0, string_ids_off = 0;
  uint32_t type_ids_size = 0, type_ids_off = 0;
  uint32_t proto_ids_size = 0, proto_ids_off = 0;
  uint32_t field_ids_size = 0, field_ids_off = 0;
  uint32_t method_ids_size = 0, method_ids_off = 0;
  uint32_t class_defs_size = 0, class_defs_off = 0;
  uint32_t data_size = 0, data_off = 0;
  uint32_t container_size = 0;  ///< v41 only: bytes of the whole container.
  uint32_t header_offset = 0;   ///< v41 only: where this header sits in it.
};

struct ClassDef {
  uint32_t class_idx = 0;
  uint32_t access_flags = 0;
  uint32_t superclass_idx = kNoIndex;
  uint32_t interfaces_off = 0;
  uint32_t source_file_idx = kNoIndex;
  uint32_t annotations_off = 0;
  uint32_t class_data_off = 0;
  uint32_t static_values_off = 0;
};

struct MethodId {
  uint16_t class_idx = 0;
  uint16_t proto_idx = 0;
  uint32_t name_idx = 0;
};

struct FieldId {
  uint16_t class_idx = 0;
  uint16_t type_idx = 0;
  uint32_t name_idx = 0;
};

struct ProtoId {
  uint32_t shorty_idx = 0;
  uint32_t return_type_idx = 0;
  uint32_t parameters_off = 0;
};

/// One method from a class_data_item.
struct EncodedMethod {
  uint32_t method_idx = 0;
  uint32_t access_flags = 0;
  uint32_t code_off = 0;  ///< 0 for abstract and native methods.
};

/// One field from a class_data_item.
struct EncodedField {
  uint32_t field_idx = 0;
  uint32_t access_flags = 0;
};

/// A method body: its registers and its 16-bit code units.
struct CodeItem {
  uint16_t registers_size = 0;
  uint16_t ins_size = 0;
  uint16_t outs_size = 0;
  uint16_t tries_size = 0;
  uint32_t debug_info_off = 0;
  ByteView insns;  ///< insns_size * 2 bytes, bounds-checked.
};

/// A string's bytes, and whether they hold a '.' and a '/'. SDK detection
/// reads every string of a DEX and asks both of each: a dotted string may
/// hold a host or a URL, and Exodus may print a string with a '/' as a class
/// name.
struct MarkedString {
  std::string_view text;
  bool dot = false;
  bool slash = false;
};

/// The bytes of `bytes` up to its first NUL, and whether they hold a '.' and
/// a '/', in one pass (SSE2 where there is, 16 bytes at a time), since every
/// string of every DEX goes through it; nullopt when there is no NUL.
std::optional<MarkedString> ReadMarkedString(ByteView bytes);

/// A parsed, verified DEX file (one header; a v41 container holds several).
class DexFile {
 public:
  /// Verifies `bytes` as a DEX. Fatal problems (bad magic, header outside the
  /// file) are an Error. Problems confined to one table empty that table and
  /// become diagnostics under `where`, so the rest stays usable.
  /// `container` is the enclosing buffer for v41 multi-dex containers (data
  /// offsets are relative to it); pass `bytes` otherwise. The Adler-32
  /// checksum is verified; a mismatch is a warning, as the file stays
  /// readable.
  static Result<DexFile> Open(ByteView bytes, std::string where, Diagnostics& diags,
                              std::optional<ByteView> container = std::nullopt);

  /// Opens every DEX in a buffer: one for versions <= 040, each header of a
  /// v41 container otherwise.
  static std::vector<DexFile> OpenAll(ByteView bytes, const std::string& where, Diagnostics& diags);

  const Header& header() const { return header_; }
  /// Whether the header's Adler-32 checksum matches the bytes (dex-format
  /// "checksum": of everything after the checksum field).
  bool checksum_valid() const { return checksum_valid_; }
  const std::string& where() const { return where_; }
  ByteView bytes() const { return bytes_; }

  uint32_t string_count() const { return header_.string_ids_size; }
  uint32_t type_count() const { return header_.type_ids_size; }
  uint32_t proto_count() const { return header_.proto_ids_size; }
  uint32_t field_count() const { return header_.field_ids_size; }
  uint32_t method_count() const { return header_.method_ids_size; }
  uint32_t class_count() const { return header_.class_defs_size; }

  /// The MUTF-8 bytes of string `idx` (without the length prefix or the NUL),
  /// or nullopt when its data is out of bounds or unterminated.
  std::optional<std::string_view> String(uint32_t idx) const;
  /// String(idx), and whether it holds a '.' and a '/', found in one pass
  /// (see ReadMarkedString).
  std::optional<MarkedString> MarkedStringAt(uint32_t idx) const;
  /// Descriptor of type `idx`, e.g. "Lcom/example/Foo;"; empty when invalid.
  std::string_view TypeDescriptor(uint32_t type_idx) const;
  /// The string index of type `type_idx`'s descriptor, or kNoIndex.
  uint32_t TypeDescriptorIndex(uint32_t type_idx) const;

  // Index-table records. Inline, and one bounds check per record: the code
  // walk reads them for every method.
  ClassDef class_def(uint32_t i) const;
  MethodId method_id(uint32_t i) const;
  FieldId field_id(uint32_t i) const;
  ProtoId proto_id(uint32_t i) const;

  /// Calls fn(EncodedMethod) for every direct and virtual method of `def`.
  /// Returns false (and stops) when the class data is malformed.
  template <typename Fn>
  bool ForEachMethod(const ClassDef& def, Fn&& fn) const;

  /// Calls fn(EncodedField{field_idx, access}) for every static then
  /// instance field of `def`. Returns false when the class data is malformed.
  template <typename Fn>
  bool ForEachField(const ClassDef& def, Fn&& fn) const;

  /// Asks the CPU to start loading the code item at `code_off` (a hint:
  /// code items are read in a scattered order, and the loads miss cache).
  void PrefetchCode(uint32_t code_off) const {
    if (code_off < data_.size()) __builtin_prefetch(data_.data() + code_off);
  }
  /// The code item at `code_off`, or nullopt when out of bounds.
  std::optional<CodeItem> Code(uint32_t code_off) const;

  /// Type indices named by the catch handlers of `code` (catch-all excluded).
  /// Returns false when the try/handler data is malformed.
  template <typename Fn>
  bool ForEachCatchType(const CodeItem& code, uint32_t code_off, Fn&& fn) const;

  /// Local variables recorded in the debug info at `debug_info_off`:
  /// fn(type_idx, signature_idx), each kNoIndex when absent.
  template <typename Fn>
  bool ForEachLocal(uint32_t debug_info_off, Fn&& fn) const;

  /// Parameter type indices of proto `proto_idx`.
  template <typename Fn>
  void ForEachParameter(uint32_t proto_idx, Fn&& fn) const;

  /// Static field initial values of `def` (encoded_array at
  /// static_values_off): fn(value_type, index) for string (0x17) and type
  /// (0x18) values, the two kinds that name text. Other values are skipped.
  template <typename Fn>
  bool ForEachStaticValue(const ClassDef& def, Fn&& fn) const;

  /// The interface type indices of `def`.
  template <typename Fn>
  void ForEachInterface(const ClassDef& def, Fn&& fn) const;

 private:
  // Where string `idx`'s bytes start (after its length prefix), up to the
  // end of the file; empty when out of bounds.
  ByteView StringData(uint32_t idx) const;

  // Record i of the table at `table_off` (of `count` records of `size`
  // bytes), or null when i is out of range. Open() verified every table
  // against the file; the bounds are checked again here all the same.
  const uint8_t* Record(uint32_t table_off, uint32_t count, uint32_t size, uint32_t i) const {
    if (i >= count) return nullptr;
    const uint64_t off = table_off + uint64_t{size} * i;
    if (off + size > bytes_.size()) return nullptr;
    return bytes_.data() + off;
  }
  template <typename T>
  static T Load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);  // Little-endian, like the hosts we run on.
    return v;
  }

  bool CheckTable(const char* name, uint32_t& size, uint32_t off, uint64_t item_size,
                  Diagnostics& diags);
  // Skips the body of an encoded_value whose header byte was read.
  static bool SkipValueBody(Reader& r, uint8_t type, uint8_t arg, int depth);
  void CheckMap(Diagnostics& diags);

  ByteView bytes_;  // This DEX, from its header.
  ByteView data_;   // Base for data offsets: the container for v41, else bytes_.
  std::string where_;
  Header header_;
  bool checksum_valid_ = true;
};

/// True when `bytes` starts with a DEX magic ("dex\n0NN\0").
bool LooksLikeDex(ByteView bytes);

/// Decodes MUTF-8 (DEX string encoding) into UTF-8: C0 80 becomes NUL and
/// surrogate pairs are joined. Invalid sequences become U+FFFD.
std::string MutfToUtf8(std::string_view mutf8);

/// "Lcom/example/Foo$Bar;" -> "com.example.Foo$Bar"; arrays and primitives
/// are returned unchanged.
std::string DescriptorToJavaName(std::string_view descriptor);

/// One Dalvik instruction, viewed in a method's code units.
struct Instruction {
  uint8_t opcode = 0;
  uint32_t pc = 0;           ///< Offset in code units from the method's start.
  const uint8_t* units = nullptr;  ///< Its code units, little-endian.
  uint32_t size = 0;         ///< In code units.
  /// Code unit i of the instruction (0 holds the opcode); 0 when out of range.
  uint16_t Unit(uint32_t i) const {
    if (i >= size) return 0;
    return static_cast<uint16_t>(units[2 * i] | (units[2 * i + 1] << 8));
  }
  /// The index operand of formats 21c, 35c, 3rc, 45cc and 4rcc (type,
  /// field, method or string index, per opcode): code unit 1.
  uint32_t Index16() const { return Unit(1); }
};

/// Calls fn(const Instruction&) for each instruction of a method's `insns`
/// in order, stepping over switch and array-data payloads. Returns false
/// when an instruction or payload runs past the end; the walk stops there.
template <typename Fn>
bool ForEachInstruction(ByteView insns, Fn&& fn) {
  const uint64_t total = insns.size() / 2;
  const uint8_t* base = insns.data();
  auto unit = [&](uint64_t i) -> uint32_t { return base[2 * i] | (base[2 * i + 1] << 8); };
  uint64_t pc = 0;
  while (pc < total) {
    const uint32_t first = unit(pc);
    const uint8_t opcode = first & 0xff;
    uint64_t size = UnitsOf(opcode);
    if (opcode == 0x00 && (first >> 8) >= 1 && (first >> 8) <= 3) {
      // A payload: packed-switch (0x0100), sparse-switch (0x0200) or
      // fill-array-data (0x0300). Its header gives its length.
      if (pc + 4 > total && (first >> 8) != 2) return false;
      if (pc + 2 > total) return false;
      const uint64_t count = unit(pc + 1);
      if ((first >> 8) == 1) {
        size = 4 + count * 2;
      } else if ((first >> 8) == 2) {
        size = 2 + count * 4;
      } else {
        const uint64_t elements = unit(pc + 2) | (uint64_t{unit(pc + 3)} << 16);
        size = 4 + (elements * count + 1) / 2;  // `count` is the element width here.
      }
      if (size > total - pc) return false;
      pc += size;
      continue;
    }
    if (size > total - pc) return false;
    Instruction in;
    in.opcode = opcode;
    in.pc = static_cast<uint32_t>(pc);
    in.units = base + 2 * pc;
    in.size = static_cast<uint32_t>(size);
    fn(in);
    pc += size;
  }
  return true;
}

// ---- inline ---------------------------------------------------------------

inline ClassDef DexFile::class_def(uint32_t i) const {
  ClassDef c;
  if (const uint8_t* p = Record(header_.class_defs_off, header_.class_defs_size, 32, i)) {
    c.class_idx = Load<uint32_t>(p);
    c.access_flags = Load<uint32_t>(p + 4);
    c.superclass_idx = Load<uint32_t>(p + 8);
    c.interfaces_off = Load<uint32_t>(p + 12);
    c.source_file_idx = Load<uint32_t>(p + 16);
    c.annotations_off = Load<uint32_t>(p + 20);
    c.class_data_off = Load<uint32_t>(p + 24);
    c.static_values_off = Load<uint32_t>(p + 28);
  }
  return c;
}

inline MethodId DexFile::method_id(uint32_t i) const {
  MethodId m;
  if (const uint8_t* p = Record(header_.method_ids_off, header_.method_ids_size, 8, i))
    m = {Load<uint16_t>(p), Load<uint16_t>(p + 2), Load<uint32_t>(p + 4)};
  return m;
}

inline FieldId DexFile::field_id(uint32_t i) const {
  FieldId f;
  if (const uint8_t* p = Record(header_.field_ids_off, header_.field_ids_size, 8, i))
    f = {Load<uint16_t>(p), Load<uint16_t>(p + 2), Load<uint32_t>(p + 4)};
  return f;
}

inline ProtoId DexFile::proto_id(uint32_t i) const {
  ProtoId pr;
  if (const uint8_t* p = Record(header_.proto_ids_off, header_.proto_ids_size, 12, i))
    pr = {Load<uint32_t>(p), Load<uint32_t>(p + 4), Load<uint32_t>(p + 8)};
  return pr;
}

inline std::optional<CodeItem> DexFile::Code(uint32_t code_off) const {
  // code_item: 16-byte header, then insns_size 16-bit units.
  if (code_off == 0 || code_off % 4 != 0 || uint64_t{code_off} + 16 > data_.size()) return std::nullopt;
  const uint8_t* p = data_.data() + code_off;
  CodeItem c;
  c.registers_size = Load<uint16_t>(p);
  c.ins_size = Load<uint16_t>(p + 2);
  c.outs_size = Load<uint16_t>(p + 4);
  c.tries_size = Load<uint16_t>(p + 6);
  c.debug_info_off = Load<uint32_t>(p + 8);
  const uint64_t insns_bytes = uint64_t{Load<uint32_t>(p + 12)} * 2;
  if (insns_bytes > data_.size() - code_off - 16) return std::nullopt;
  c.insns = ByteView(p + 16, static_cast<size_t>(insns_bytes));
  return c;
}

template <typename Fn>
bool DexFile::ForEachMethod(const ClassDef& def, Fn&& fn) const {
  if (def.class_data_off == 0) return true;
  Reader r(data_, def.class_data_off);
  uint32_t static_fields = r.Uleb128(), instance_fields = r.Uleb128();
  uint32_t direct = r.Uleb128(), virtuals = r.Uleb128();
  if (!r.ok()) return false;
  // Each field is at least two bytes; a count beyond the remaining bytes is a
  // lie, and refusing it up front keeps the loops short on crafted input.
  uint64_t fields = uint64_t{static_fields} + instance_fields;
  if (fields * 2 > r.remaining()) return false;
  for (uint64_t i = 0; i < fields; ++i) {
    r.Uleb128();
    r.Uleb128();
  }
  uint64_t methods = uint64_t{direct} + virtuals;
  if (methods * 3 > r.remaining()) return false;
  uint32_t idx = 0;
  for (uint64_t i = 0; i < methods; ++i) {
    if (i == direct) idx = 0;  // Method index deltas restart for virtuals.
    idx += r.Uleb128();
    EncodedMethod m{idx, r.Uleb128(), r.Uleb128()};
    if (!r.ok()) return false;
    fn(m);
  }
  return true;
}

template <typename Fn>
bool DexFile::ForEachField(const ClassDef& def, Fn&& fn) const {
  if (def.class_data_off == 0) return true;
  Reader r(data_, def.class_data_off);
  uint32_t static_fields = r.Uleb128();
  uint32_t instance_fields = r.Uleb128();
  r.Uleb128();  // direct methods
  r.Uleb128();  // virtual methods
  uint64_t fields = uint64_t{static_fields} + instance_fields;
  if (!r.ok() || fields * 2 > r.remaining()) return false;
  uint32_t idx = 0;
  for (uint64_t i = 0; i < fields; ++i) {
    if (i == static_fields) idx = 0;  // Index deltas restart for instance fields.
    idx += r.Uleb128();
    EncodedField f{idx, r.Uleb128()};
    if (!r.ok()) return false;
    fn(f);
  }
  return true;
}

template <typename Fn>
bool DexFile::ForEachCatchType(const CodeItem& code, uint32_t code_off, Fn&& fn) const {
  if (code.tries_size == 0) return true;
  // try_items follow the instructions, 4-byte aligned; handlers follow them.
  uint64_t tries = code_off + 16ull + code.insns.size();
  if (tries % 4) tries += 2;
  Reader r(data_, tries + 8ull * code.tries_size);
  uint32_t lists = r.Uleb128();
  if (!r.ok() || lists > r.remaining()) return false;
  for (uint32_t l = 0; l < lists; ++l) {
    int32_t size = r.Sleb128();
    uint32_t typed = static_cast<uint32_t>(size < 0 ? -int64_t{size} : size);
    if (!r.ok() || typed > r.remaining()) return false;
    for (uint32_t h = 0; h < typed; ++h) {
      uint32_t type_idx = r.Uleb128();
      r.Uleb128();  // handler address
      if (!r.ok()) return false;
      fn(type_idx);
    }
    if (size <= 0) r.Uleb128();  // catch-all address
  }
  return r.ok();
}

template <typename Fn>
bool DexFile::ForEachLocal(uint32_t debug_info_off, Fn&& fn) const {
  if (debug_info_off == 0) return true;
  Reader r(data_, debug_info_off);
  r.Uleb128();  // line_start
  uint32_t params = r.Uleb128();
  if (!r.ok() || params > r.remaining()) return false;
  for (uint32_t i = 0; i < params; ++i) r.Uleb128();  // parameter names
  // dex-format "debug_info_item" state machine; only local starts matter.
  for (;;) {
    uint8_t op = r.U8();
    if (!r.ok()) return false;
    switch (op) {
      case 0x00: return true;  // DBG_END_SEQUENCE
      case 0x01: r.Uleb128(); break;  // DBG_ADVANCE_PC
      case 0x02: r.Sleb128(); break;  // DBG_ADVANCE_LINE
      case 0x03:  // DBG_START_LOCAL: register, name, type
      case 0x04: {  // DBG_START_LOCAL_EXTENDED: ... and signature
        r.Uleb128();
        r.Uleb128();
        uint32_t type = r.Uleb128() - 1;  // uleb128p1
        uint32_t sig = op == 0x04 ? r.Uleb128() - 1 : kNoIndex;
        if (!r.ok()) return false;
        fn(type, sig);
        break;
      }
      case 0x05: case 0x06: r.Uleb128(); break;  // END_LOCAL, RESTART_LOCAL
      case 0x07: case 0x08: break;  // prologue end, epilogue begin
      case 0x09: r.Uleb128(); break;  // DBG_SET_FILE
      default: break;  // Special opcodes carry no operands.
    }
  }
}

template <typename Fn>
void DexFile::ForEachParameter(uint32_t proto_idx, Fn&& fn) const {
  ProtoId p = proto_id(proto_idx);
  if (p.parameters_off == 0) return;
  Reader r(data_, p.parameters_off);
  uint32_t n = r.U32();
  if (!r.ok() || uint64_t{n} * 2 > r.remaining()) return;
  for (uint32_t i = 0; i < n; ++i) fn(uint32_t{r.U16()});
}

template <typename Fn>
void DexFile::ForEachInterface(const ClassDef& def, Fn&& fn) const {
  if (def.interfaces_off == 0) return;
  Reader r(data_, def.interfaces_off);
  uint32_t n = r.U32();
  if (!r.ok() || uint64_t{n} * 2 > r.remaining()) return;
  for (uint32_t i = 0; i < n; ++i) fn(uint32_t{r.U16()});
}

template <typename Fn>
bool DexFile::ForEachStaticValue(const ClassDef& def, Fn&& fn) const {
  if (def.static_values_off == 0) return true;
  Reader r(data_, def.static_values_off);
  uint32_t n = r.Uleb128();
  if (!r.ok() || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t head = r.U8();
    uint8_t type = head & 0x1f, arg = head >> 5;
    if (type == 0x17 || type == 0x18) {
      // Unsigned little-endian index of arg+1 bytes.
      uint32_t idx = 0;
      for (int b = 0; b <= arg && b < 4; ++b) idx |= uint32_t{r.U8()} << (8 * b);
      if (!r.ok()) return false;
      fn(type, idx);
      continue;
    }
    if (!SkipValueBody(r, type, arg, 0)) return false;
  }
  return r.ok();
}

}  // namespace vigie::dex
