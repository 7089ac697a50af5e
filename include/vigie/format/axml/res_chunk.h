// Android resource chunk framing and string pools, shared by binary XML
// (AndroidManifest.xml) and the resource table (resources.arsc).
// Layouts follow AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"

namespace vigie::res {

/// Chunk type codes (ResourceTypes.h "RES_*_TYPE").
enum ChunkType : uint16_t {
  kStringPool = 0x0001,
  kTable = 0x0002,
  kXml = 0x0003,
  kXmlStartNamespace = 0x0100,
  kXmlEndNamespace = 0x0101,
  kXmlStartElement = 0x0102,
  kXmlEndElement = 0x0103,
  kXmlCdata = 0x0104,
  kXmlResourceMap = 0x0180,
  kTablePackage = 0x0200,
  kTableType = 0x0201,
  kTableTypeSpec = 0x0202,
  kTableLibrary = 0x0203,
};

/// Res_value data types (ResourceTypes.h "Res_value::TYPE_*").
enum ValueType : uint8_t {
  kTypeNull = 0x00,
  kTypeReference = 0x01,
  kTypeAttribute = 0x02,
  kTypeString = 0x03,
  kTypeFloat = 0x04,
  kTypeDimension = 0x05,
  kTypeFraction = 0x06,
  kTypeDynamicReference = 0x07,
  kTypeIntDec = 0x10,
  kTypeIntHex = 0x11,
  kTypeIntBoolean = 0x12,
};

/// A chunk header: type, header size and total size, with the chunk's bytes.
struct Chunk {
  uint16_t type = 0;
  uint16_t header_size = 0;
  uint32_t size = 0;
  uint64_t offset = 0;  ///< Offset of the chunk inside the parent view.
  ByteView bytes;       ///< The whole chunk (header included).
  ByteView body() const { return bytes.Tail(header_size); }
};

/// Reads the chunk header at `offset`. Fails when the header or the declared
/// size does not fit, or when sizes are inconsistent (size < header_size < 8).
Result<Chunk> ReadChunk(ByteView parent, uint64_t offset);

/// A string pool (ResStringPool_header + offsets + data), UTF-8 or UTF-16.
class StringPool {
 public:
  static Result<StringPool> Parse(const Chunk& chunk);
  StringPool() = default;

  uint32_t size() const { return count_; }
  /// String `idx` decoded to UTF-8, or nullopt when out of range or its bytes
  /// run past the pool.
  std::optional<std::string> Get(uint32_t idx) const;
  /// Whether string `idx` contains the ASCII character `c`, without
  /// decoding it (a cheap filter before Get).
  bool Contains(uint32_t idx, char c) const;
  /// Whether string `idx` starts with the ASCII text `prefix`, without
  /// decoding it.
  bool StartsWith(uint32_t idx, std::string_view prefix) const;
  /// Contains(idx, c), or StartsWith(idx, p) for one of `prefixes`: the
  /// string located once.
  bool ContainsOrStartsWith(uint32_t idx, char c, const std::vector<std::string>& prefixes) const;

 private:
  // The encoded bytes of string `idx` (UTF-8 bytes, or UTF-16LE units),
  // capped at limits::kMaxReportedStringLength characters.
  std::optional<ByteView> Raw(uint32_t idx) const;

  ByteView chunk_;
  uint32_t count_ = 0;
  uint32_t strings_start_ = 0;
  uint32_t offsets_start_ = 0;
  bool utf8_ = false;
};

}  // namespace vigie::res
