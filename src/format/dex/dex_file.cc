// DEX layout: https://source.android.com/docs/core/runtime/dex-format
// Version 041 "containers" (ART change 854b363) put several DEX headers in one
// buffer; each header's index tables are relative to that header, while data
// offsets (strings, class data, code) are relative to the container start.
#include "vigie/format/dex/dex_file.h"

#include <libdeflate.h>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "vigie/base/limits.h"
#include "vigie/base/utf8.h"

namespace vigie::dex {
namespace {

constexpr uint32_t kEndianConstant = 0x12345678;
constexpr uint32_t kReverseEndianConstant = 0x78563412;
constexpr uint32_t kHeaderSize = 0x70;
constexpr uint32_t kHeaderSizeV41 = 0x78;

// Map item types whose size/offset the header repeats (dex-format "Type codes").
struct MapCheck {
  uint16_t type;
  const char* name;
  uint32_t Header::*size;
  uint32_t Header::*off;
};
constexpr MapCheck kMapChecks[] = {
    {0x0001, "string_ids", &Header::string_ids_size, &Header::string_ids_off},
    {0x0002, "type_ids", &Header::type_ids_size, &Header::type_ids_off},
    {0x0003, "proto_ids", &Header::proto_ids_size, &Header::proto_ids_off},
    {0x0004, "field_ids", &Header::field_ids_size, &Header::field_ids_off},
    {0x0005, "method_ids", &Header::method_ids_size, &Header::method_ids_off},
    {0x0006, "class_defs", &Header::class_defs_size, &Header::class_defs_off},
};

std::optional<uint32_t> ParseVersion(ByteView bytes) {
  if (!bytes.StartsWith(std::string_view("dex\n", 4)) || bytes.size() < 8) return std::nullopt;
  const uint8_t* v = bytes.data() + 4;
  if (v[3] != 0 || v[0] < '0' || v[0] > '9' || v[1] < '0' || v[1] > '9' || v[2] < '0' || v[2] > '9')
    return std::nullopt;
  return (v[0] - '0') * 100u + (v[1] - '0') * 10u + (v[2] - '0');
}

}  // namespace

std::optional<MarkedString> ReadMarkedString(ByteView bytes) {
  const uint8_t* p = bytes.data();
  const size_t n = bytes.size();
  size_t i = 0;
  bool dot = false, slash = false;
  auto found = [&](size_t length) {
    return MarkedString{std::string_view(reinterpret_cast<const char*>(p), length), dot, slash};
  };
#if defined(__SSE2__)
  const __m128i nul_v = _mm_setzero_si128(), dot_v = _mm_set1_epi8('.'), slash_v = _mm_set1_epi8('/');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const auto nuls = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nul_v)));
    auto dots = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dot_v)));
    auto slashes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, slash_v)));
    if (nuls) {
      const unsigned before = (nuls & (0u - nuls)) - 1;  // The bytes before the first NUL.
      dots &= before;
      slashes &= before;
    }
    dot |= dots != 0;
    slash |= slashes != 0;
    if (nuls) return found(i + static_cast<size_t>(__builtin_ctz(nuls)));
  }
#endif
  for (; i < n; ++i) {  // The last 15 bytes, or all of them without SSE2.
    if (p[i] == 0) return found(i);
    dot |= p[i] == '.';
    slash |= p[i] == '/';
  }
  return std::nullopt;
}

bool LooksLikeDex(ByteView bytes) { return ParseVersion(bytes).has_value(); }

Result<DexFile> DexFile::Open(ByteView bytes, std::string where, Diagnostics& diags,
                              std::optional<ByteView> container) {
  auto version = ParseVersion(bytes);
  if (!version) return MakeError(ErrorCode::kDexBadMagic, 0, "missing \"dex\\n0NN\\0\" magic");
  if (*version < 35 || *version > 41)
    return MakeError(ErrorCode::kDexBadVersion, 4, "unsupported DEX version " + std::to_string(*version));
  if (bytes.size() < kHeaderSize)
    return MakeError(ErrorCode::kDexBadHeader, 0, "file shorter than the 112-byte header");

  DexFile d;
  d.where_ = std::move(where);
  Header& h = d.header_;
  h.version = *version;
  Reader r(bytes, 8);
  h.checksum = r.U32();
  r.Skip(20);  // SHA-1 signature: not checked; nothing trusts it any more.
  h.file_size = r.U32();
  h.header_size = r.U32();
  uint32_t endian = r.U32();
  r.Skip(8);  // link_size, link_off: unused by Android.
  h.map_off = r.U32();
  h.string_ids_size = r.U32(), h.string_ids_off = r.U32();
  h.type_ids_size = r.U32(), h.type_ids_off = r.U32();
  h.proto_ids_size = r.U32(), h.proto_ids_off = r.U32();
  h.field_ids_size = r.U32(), h.field_ids_off = r.U32();
  h.method_ids_size = r.U32(), h.method_ids_off = r.U32();
  h.class_defs_size = r.U32(), h.class_defs_off = r.U32();
  h.data_size = r.U32(), h.data_off = r.U32();
  if (h.version >= 41 && h.header_size >= kHeaderSizeV41) {
    h.container_size = r.U32();
    h.header_offset = r.U32();
  }
  if (!r.ok()) return MakeError(ErrorCode::kDexBadHeader, 0, "truncated header");

  if (endian == kReverseEndianConstant)
    return MakeError(ErrorCode::kDexBadHeader, 0x28, "big-endian DEX files are not supported (nor by ART)");
  if (endian != kEndianConstant)
    return MakeError(ErrorCode::kDexBadHeader, 0x28, "bad endian tag");
  uint32_t expected_header = h.version >= 41 ? kHeaderSizeV41 : kHeaderSize;
  if (h.header_size != expected_header) {
    diags.Add(Level::kWarning, ErrorCode::kDexBadHeader, d.where_,
              "header_size is " + std::to_string(h.header_size) + ", expected " +
                  std::to_string(expected_header));
  }
  if (h.file_size < kHeaderSize)
    return MakeError(ErrorCode::kDexBadHeader, 0x20, "file_size smaller than the header");
  const ByteView whole = bytes;
  if (h.file_size > bytes.size()) {
    diags.Add(Level::kError, ErrorCode::kDexBadHeader, d.where_,
              "truncated: header says " + std::to_string(h.file_size) + " bytes, only " +
                  std::to_string(bytes.size()) + " present; tables past the end are dropped");
  } else {
    if (h.file_size < bytes.size() && h.version < 41) {
      diags.Add(Level::kInfo, ErrorCode::kDexBadHeader, d.where_,
                std::to_string(bytes.size() - h.file_size) + " bytes follow the DEX data");
    }
    bytes = *bytes.Sub(0, h.file_size);
  }
  d.bytes_ = bytes;
  d.data_ = container.value_or(bytes);
  if (!container && h.version >= 41 && h.container_size > h.file_size)
    d.data_ = whole.Sub(0, h.container_size).value_or(whole);  // First header of a container.

  d.checksum_valid_ = libdeflate_adler32(1, bytes.data() + 12, bytes.size() - 12) == h.checksum;
  if (!d.checksum_valid_)
    diags.Add(Level::kWarning, ErrorCode::kDexChecksum, d.where_,
              "adler32 checksum mismatch; ART would refuse to load this file");

  d.CheckTable("string_ids", h.string_ids_size, h.string_ids_off, 4, diags);
  d.CheckTable("type_ids", h.type_ids_size, h.type_ids_off, 4, diags);
  d.CheckTable("proto_ids", h.proto_ids_size, h.proto_ids_off, 12, diags);
  d.CheckTable("field_ids", h.field_ids_size, h.field_ids_off, 8, diags);
  d.CheckTable("method_ids", h.method_ids_size, h.method_ids_off, 8, diags);
  d.CheckTable("class_defs", h.class_defs_size, h.class_defs_off, 32, diags);
  d.CheckMap(diags);
  return d;
}

bool DexFile::CheckTable(const char* name, uint32_t& size, uint32_t off, uint64_t item_size,
                         Diagnostics& diags) {
  if (size == 0) return true;
  if (off % 4 != 0 || off < kHeaderSize || !bytes_.Contains(off, uint64_t{size} * item_size)) {
    diags.Add(Level::kError, ErrorCode::kDexBadSection, where_,
              std::string(name) + " (" + std::to_string(size) + " items at offset " +
                  std::to_string(off) + ") lies outside the file or is misaligned; table ignored");
    size = 0;
    return false;
  }
  return true;
}

void DexFile::CheckMap(Diagnostics& diags) {
  const uint32_t off = header_.map_off;
  uint32_t count = 0;
  if (off == 0 || off % 4 != 0 || !(count = bytes_.ReadOr0<uint32_t>(off), bytes_.Contains(off, 4)) ||
      !bytes_.Contains(off + 4ull, uint64_t{count} * 12)) {
    diags.Add(Level::kWarning, ErrorCode::kDexBadMap, where_,
              "map_list at offset " + std::to_string(off) + " is missing or out of bounds");
    return;
  }
  if (count > limits::kMaxDexMapItems) {
    diags.Add(Level::kWarning, ErrorCode::kDexBadMap, where_,
              "map_list holds " + std::to_string(count) + " items; only " +
                  std::to_string(limits::kMaxDexMapItems) + " section types exist");
    return;
  }
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t item = off + 4ull + 12ull * i;
    uint16_t type = bytes_.ReadOr0<uint16_t>(item);
    uint32_t size = bytes_.ReadOr0<uint32_t>(item + 4);
    uint32_t offset = bytes_.ReadOr0<uint32_t>(item + 8);
    for (const MapCheck& c : kMapChecks) {
      if (c.type != type) continue;
      // A table the header already rejected was zeroed; only compare sane ones.
      if (header_.*c.size != 0 && (header_.*c.size != size || header_.*c.off != offset)) {
        diags.Add(Level::kWarning, ErrorCode::kDexBadMap, where_,
                  std::string("map_list disagrees with the header about ") + c.name);
      }
    }
  }
}

ByteView DexFile::StringData(uint32_t idx) const {
  if (idx >= header_.string_ids_size) return {};
  uint32_t data_off = bytes_.ReadOr0<uint32_t>(header_.string_ids_off + 4ull * idx);
  Reader r(data_, data_off);
  r.Uleb128();  // UTF-16 length: not needed to find the bytes.
  if (!r.ok()) return {};
  return data_.Tail(r.position());
}

std::optional<MarkedString> DexFile::MarkedStringAt(uint32_t idx) const {
  return ReadMarkedString(StringData(idx));
}

std::optional<std::string_view> DexFile::String(uint32_t idx) const {
  const ByteView rest = StringData(idx);
  if (rest.empty()) return std::nullopt;  // memchr must not see a null pointer.
  const void* nul = std::memchr(rest.data(), 0, rest.size());
  if (!nul) return std::nullopt;
  return rest.AsString().substr(0, static_cast<const uint8_t*>(nul) - rest.data());
}

std::string_view DexFile::TypeDescriptor(uint32_t type_idx) const {
  return String(TypeDescriptorIndex(type_idx)).value_or(std::string_view{});  // kNoIndex: no string.
}

uint32_t DexFile::TypeDescriptorIndex(uint32_t type_idx) const {
  if (type_idx >= header_.type_ids_size) return kNoIndex;
  return bytes_.ReadOr0<uint32_t>(header_.type_ids_off + 4ull * type_idx);
}

std::vector<DexFile> DexFile::OpenAll(ByteView bytes, const std::string& where, Diagnostics& diags) {
  std::vector<DexFile> out;
  auto first = Open(bytes, where, diags);
  if (!first) {
    diags.AddError(Level::kError, first.error(), where);
    return out;
  }
  const Header h = first->header();
  out.push_back(std::move(*first));
  if (h.version < 41 || h.container_size <= h.file_size) return out;
  // A v41 container: further headers follow back to back.
  ByteView container = bytes.Sub(0, h.container_size).value_or(bytes);
  uint64_t off = h.file_size;
  while (off < container.size()) {
    if (out.size() >= limits::kMaxDexFiles) {
      diags.Add(Level::kError, ErrorCode::kDexTooMany, where, "too many DEX headers in one container");
      break;
    }
    std::string sub_where = where + "#" + std::to_string(out.size() + 1);
    auto next = Open(container.Tail(off), sub_where, diags, container);
    if (!next) {
      diags.AddError(Level::kError, next.error(), sub_where);
      break;
    }
    off += next->header().file_size;
    out.push_back(std::move(*next));
  }
  return out;
}

bool DexFile::SkipValueBody(Reader& r, uint8_t type, uint8_t arg, int depth) {
  if (depth > limits::kMaxEncodedValueDepth) return false;
  switch (type) {
    case 0x1e: case 0x1f: return true;  // null, boolean: value in `arg`
    case 0x1c: {  // encoded_array
      uint32_t n = r.Uleb128();
      if (!r.ok() || n > r.remaining()) return false;
      for (uint32_t i = 0; i < n; ++i) {
        uint8_t head = r.U8();
        if (!r.ok() || !SkipValueBody(r, head & 0x1f, head >> 5, depth + 1)) return false;
      }
      return r.ok();
    }
    case 0x1d: {  // encoded_annotation
      r.Uleb128();  // type_idx
      uint32_t n = r.Uleb128();
      if (!r.ok() || n > r.remaining()) return false;
      for (uint32_t i = 0; i < n; ++i) {
        r.Uleb128();  // name_idx
        uint8_t head = r.U8();
        if (!r.ok() || !SkipValueBody(r, head & 0x1f, head >> 5, depth + 1)) return false;
      }
      return r.ok();
    }
    case 0x00: case 0x02: case 0x03: case 0x04: case 0x06: case 0x10: case 0x11:
    case 0x15: case 0x16: case 0x17: case 0x18: case 0x19: case 0x1a: case 0x1b:
      r.Skip(uint64_t{arg} + 1);  // Little-endian payload of arg+1 bytes.
      return r.ok();
    default:
      return false;
  }
}

std::string MutfToUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  // Decodes one MUTF-8 unit (a UTF-16 code unit) at i; returns 0xFFFFFFFF on error.
  auto next_unit = [&in](size_t& i) -> uint32_t {
    auto b = [&](size_t k) { return static_cast<uint8_t>(in[k]); };
    uint8_t c = b(i);
    if (c < 0x80) {
      ++i;
      return c;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < in.size() && (b(i + 1) & 0xC0) == 0x80) {
      uint32_t u = ((c & 0x1Fu) << 6) | (b(i + 1) & 0x3Fu);
      i += 2;
      return u;
    }
    if ((c & 0xF0) == 0xE0 && i + 2 < in.size() && (b(i + 1) & 0xC0) == 0x80 && (b(i + 2) & 0xC0) == 0x80) {
      uint32_t u = ((c & 0x0Fu) << 12) | ((b(i + 1) & 0x3Fu) << 6) | (b(i + 2) & 0x3Fu);
      i += 3;
      return u;
    }
    ++i;
    return 0xFFFFFFFF;
  };
  size_t i = 0;
  while (i < in.size()) {
    uint32_t u = next_unit(i);
    if (u == 0xFFFFFFFF) {
      AppendUtf8(out, 0xFFFD);
    } else if (u >= 0xD800 && u <= 0xDBFF) {
      size_t save = i;
      uint32_t lo = i < in.size() ? next_unit(i) : 0xFFFFFFFF;
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
      } else {
        AppendUtf8(out, 0xFFFD);
        i = save;
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      AppendUtf8(out, 0xFFFD);
    } else {
      AppendUtf8(out, u);
    }
  }
  return out;
}

std::string DescriptorToJavaName(std::string_view d) {
  if (d.size() < 3 || d.front() != 'L' || d.back() != ';') return std::string(d);
  std::string out(d.substr(1, d.size() - 2));
  for (char& c : out)
    if (c == '/') c = '.';
  return out;
}

}  // namespace vigie::dex
