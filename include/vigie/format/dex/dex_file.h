// DEX (Dalvik Executable) reader, versions 035 to 041.
//
// Open() verifies the header and the bounds and alignment of every index
// table once (ART's "verify, then trust"); accessors afterwards only check
// what depends on per-item data (string and class-data offsets), and never
// form an out-of-range pointer. Everything returned is a view into the DEX
// bytes: no string is copied until a report needs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/error.h"

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

/// A method body: its registers and its 16-bit code units.
struct CodeItem {
  uint16_t registers_size = 0;
  uint16_t ins_size = 0;
  uint16_t outs_size = 0;
  uint16_t tries_size = 0;
  uint32_t debug_info_off = 0;
  ByteView insns;  ///< insns_size * 2 bytes, bounds-checked.
};

/// A parsed, verified DEX file (one header; a v41 container holds several).
class DexFile {
 public:
  /// Verifies `bytes` as a DEX. Fatal problems (bad magic, header outside the
  /// file) are an Error. Problems confined to one table empty that table and
  /// become diagnostics under `where`, so the rest stays usable.
  /// `container` is the enclosing buffer for v41 multi-dex containers (data
  /// offsets are relative to it); pass `bytes` otherwise.
  static Result<DexFile> Open(ByteView bytes, std::string where, Diagnostics& diags,
                              std::optional<ByteView> container = std::nullopt);

  /// Opens every DEX in a buffer: one for versions <= 040, each header of a
  /// v41 container otherwise.
  static std::vector<DexFile> OpenAll(ByteView bytes, const std::string& where, Diagnostics& diags);

  const Header& header() const { return header_; }
  /// Whether the header's Adler-32 checksum matches the bytes.
  bool checksum_valid() const { return checksum_valid_; }
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
  /// Descriptor of type `idx`, e.g. "Lcom/example/Foo;"; empty when invalid.
  std::string_view TypeDescriptor(uint32_t type_idx) const;

  ClassDef class_def(uint32_t i) const;
  MethodId method_id(uint32_t i) const;
  FieldId field_id(uint32_t i) const;
  ProtoId proto_id(uint32_t i) const;

  /// Calls fn(EncodedMethod) for every direct and virtual method of `def`.
  /// Returns false (and stops) when the class data is malformed.
  template <typename Fn>
  bool ForEachMethod(const ClassDef& def, Fn&& fn) const;

  /// The code item at `code_off`, or nullopt when out of bounds.
  std::optional<CodeItem> Code(uint32_t code_off) const;

 private:
  bool CheckTable(const char* name, uint32_t& size, uint32_t off, uint64_t item_size,
                  Diagnostics& diags);
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

// ---- inline ---------------------------------------------------------------

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

}  // namespace vigie::dex
