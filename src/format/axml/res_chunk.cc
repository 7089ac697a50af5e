#include "vigie/format/axml/res_chunk.h"

#include <cstring>

#include "vigie/base/limits.h"
#include "vigie/base/utf8.h"

namespace vigie::res {
namespace {

constexpr uint32_t kUtf8Flag = 1u << 8;

}  // namespace

Result<Chunk> ReadChunk(ByteView parent, uint64_t offset) {
  Reader r(parent, offset);
  Chunk c;
  c.type = r.U16();
  c.header_size = r.U16();
  c.size = r.U32();
  c.offset = offset;
  if (!r.ok()) return MakeError(ErrorCode::kAxmlMalformed, offset, "truncated chunk header");
  if (c.header_size < 8 || c.size < c.header_size)
    return MakeError(ErrorCode::kAxmlMalformed, offset,
                     "chunk 0x" + std::to_string(c.type) + " has inconsistent sizes (header " +
                         std::to_string(c.header_size) + ", size " + std::to_string(c.size) + ")");
  auto bytes = parent.Sub(offset, c.size);
  if (!bytes)
    return MakeError(ErrorCode::kAxmlMalformed, offset,
                     "chunk of " + std::to_string(c.size) + " bytes runs past its parent");
  c.bytes = *bytes;
  return c;
}

Result<StringPool> StringPool::Parse(const Chunk& chunk) {
  Reader r(chunk.bytes, 8);
  StringPool p;
  p.chunk_ = chunk.bytes;
  p.count_ = r.U32();
  r.U32();  // style count: styles are presentation only.
  uint32_t flags = r.U32();
  p.strings_start_ = r.U32();
  if (!r.ok()) return MakeError(ErrorCode::kAxmlMalformed, chunk.offset, "truncated string pool header");
  p.utf8_ = (flags & kUtf8Flag) != 0;
  p.offsets_start_ = chunk.header_size;
  if (p.count_ > limits::kMaxStringPoolStrings)
    return MakeError(ErrorCode::kAxmlLimit, chunk.offset,
                     "string pool claims " + std::to_string(p.count_) + " strings");
  if (!chunk.bytes.Contains(p.offsets_start_, uint64_t{p.count_} * 4))
    return MakeError(ErrorCode::kAxmlMalformed, chunk.offset, "string offsets run past the pool");
  return p;
}

std::optional<ByteView> StringPool::Raw(uint32_t idx) const {
  if (idx >= count_) return std::nullopt;
  uint32_t rel = chunk_.ReadOr0<uint32_t>(offsets_start_ + 4ull * idx);
  auto start = CheckedAdd(strings_start_, rel);
  if (!start) return std::nullopt;
  Reader r(chunk_, *start);
  if (utf8_) {
    // Two lengths (UTF-16 units, then UTF-8 bytes), each 1 or 2 bytes with a
    // high-bit continuation flag; Android uses the second.
    auto len8 = [&r]() -> uint32_t {
      uint32_t n = r.U8();
      if (n & 0x80) n = ((n & 0x7F) << 8) | r.U8();
      return n;
    };
    len8();
    uint32_t bytes = len8();
    ByteView s = r.Bytes(std::min<uint32_t>(bytes, limits::kMaxReportedStringLength));
    if (!r.ok()) return std::nullopt;
    return s;
  }
  uint32_t n = r.U16();
  if (n & 0x8000) n = ((n & 0x7FFF) << 16) | r.U16();
  n = std::min<uint32_t>(n, limits::kMaxReportedStringLength);
  ByteView units = r.Bytes(uint64_t{n} * 2);
  if (!r.ok()) return std::nullopt;
  return units;
}

namespace {

bool RawContains(ByteView raw, bool utf8, char ascii) {
  if (raw.empty()) return false;  // memchr must not see a null pointer.
  if (utf8) return std::memchr(raw.data(), ascii, raw.size()) != nullptr;
  for (uint64_t i = 0; i + 1 < raw.size(); i += 2)
    if (raw.data()[i] == static_cast<uint8_t>(ascii) && raw.data()[i + 1] == 0) return true;
  return false;
}

bool RawStartsWith(ByteView raw, bool utf8, std::string_view prefix) {
  const uint64_t width = utf8 ? 1 : 2;
  if (raw.size() < prefix.size() * width) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (raw.data()[i * width] != static_cast<uint8_t>(prefix[i])) return false;
    if (width == 2 && raw.data()[i * 2 + 1] != 0) return false;
  }
  return true;
}

}  // namespace

bool StringPool::Contains(uint32_t idx, char ascii) const {
  auto raw = Raw(idx);
  return raw && RawContains(*raw, utf8_, ascii);
}

bool StringPool::ContainsOrStartsWith(uint32_t idx, char c, const std::vector<std::string>& prefixes) const {
  auto raw = Raw(idx);
  if (!raw) return false;
  if (RawContains(*raw, utf8_, c)) return true;
  for (const auto& p : prefixes)
    if (RawStartsWith(*raw, utf8_, p)) return true;
  return false;
}

bool StringPool::StartsWith(uint32_t idx, std::string_view prefix) const {
  auto raw = Raw(idx);
  if (!raw) return false;
  const uint64_t width = utf8_ ? 1 : 2;
  if (raw->size() < prefix.size() * width) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (raw->data()[i * width] != static_cast<uint8_t>(prefix[i])) return false;
    if (width == 2 && raw->data()[i * 2 + 1] != 0) return false;
  }
  return true;
}

std::optional<std::string> StringPool::Get(uint32_t idx) const {
  auto raw = Raw(idx);
  if (!raw) return std::nullopt;
  if (utf8_) return std::string(raw->AsString());
  std::string out;
  const uint32_t n = static_cast<uint32_t>(raw->size() / 2);
  Reader r(*raw);
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t u = r.U16();
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
      uint32_t lo = raw->ReadOr0<uint16_t>(r.position());
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        r.U16();
        ++i;
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        continue;
      }
    }
    AppendUtf8(out, (u >= 0xD800 && u <= 0xDFFF) ? 0xFFFD : u);
  }
  return out;
}

}  // namespace vigie::res
