// ZIP structure (PKWARE APPNOTE 6.3.x):
//   [local header + data]*  [central directory]  [zip64 eocd + locator]?  eocd
// Android's libziparchive reads the EOCD, then the central directory, and only
// peeks at local headers to find data; we do the same and record everything it
// would reject.
#include "vigie/zip/zip_archive.h"

#include <algorithm>
#include <string>

#include "vigie/base/limits.h"

#include <zlib.h>

#include <optional>
#include <utility>

namespace vigie::zip {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEocdSig = 0x06054b50;
constexpr uint32_t kZip64EocdSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint64_t kEocdSize = 22;
constexpr uint64_t kCentralSize = 46;
constexpr uint64_t kLocalSize = 30;
constexpr uint64_t kZip64LocatorSize = 20;

struct EndRecord {
  uint64_t eocd_offset = 0;
  uint64_t entry_count = 0;
  uint64_t cd_size = 0;
  uint64_t cd_offset = 0;
  uint64_t cd_end_limit = 0;  // Where the central directory must end.
};

std::string Quote(std::string_view name) {
  std::string out = "'";
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Flags, method, time, date, CRC and both sizes: the run of fields local and
// central headers share, in the same order.
void ReadSharedFields(Reader& r, Entry& e) {
  e.flags = r.U16();
  e.method = r.U16();
  e.dos_time = r.U16();
  e.dos_date = r.U16();
  e.crc32 = r.U32();
  e.compressed_size = r.U32();
  e.uncompressed_size = r.U32();
}

// Mirrors libziparchive's IsValidEntryName: no NUL, and well-formed UTF-8.
bool IsValidEntryName(std::string_view name) {
  size_t i = 0;
  while (i < name.size()) {
    auto b = static_cast<unsigned char>(name[i]);
    if (b == 0) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    int extra = (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : -1;
    if (extra < 0 || i + extra >= name.size()) return false;
    for (int k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(name[i + k]) & 0xc0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

// Finds the EOCD scanning back from the end, as libziparchive does: the last
// signature whose comment length fits in the file wins.
Result<EndRecord> FindEndRecord(ByteView bytes, const std::string& where, Diagnostics& diags) {
  if (bytes.size() < kEocdSize)
    return MakeError(ErrorCode::kZipNoEocd, 0, "file is shorter than an end record");
  const uint64_t last = bytes.size() - kEocdSize;
  const uint64_t first = bytes.size() > limits::kMaxEocdSearch ? bytes.size() - limits::kMaxEocdSearch : 0;
  for (uint64_t pos = last + 1; pos-- > first;) {
    if (bytes.ReadOr0<uint32_t>(pos) != kEocdSig) continue;
    Reader r(bytes, pos + 4);
    uint16_t disk = r.U16(), cd_disk = r.U16();
    uint64_t on_disk = r.U16(), total = r.U16();
    uint64_t cd_size = r.U32(), cd_offset = r.U32();
    uint16_t comment_len = r.U16();
    if (comment_len > bytes.size() - pos - kEocdSize) continue;  // Not a real EOCD.
    if (comment_len != bytes.size() - pos - kEocdSize) {
      diags.Add(Level::kInfo, ErrorCode::kZipCommentMismatch, where,
                std::to_string(bytes.size() - pos - kEocdSize - comment_len) +
                    " bytes follow the archive comment");
    }
    if (disk != 0 || cd_disk != 0 || on_disk != total)
      return MakeError(ErrorCode::kZipMultiDisk, pos, "end record describes a multi-disk archive");
    EndRecord end{pos, total, cd_size, cd_offset, pos};

    // ZIP64: a locator just before the EOCD points to the zip64 end record.
    // When present, the central directory ends there; when any classic field
    // is saturated, the real values live in it.
    const bool saturated = total == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF;
    if (pos >= kZip64LocatorSize && bytes.ReadOr0<uint32_t>(pos - kZip64LocatorSize) == kZip64LocatorSig) {
      uint64_t loc = pos - kZip64LocatorSize;
      uint64_t z64 = bytes.ReadOr0<uint64_t>(loc + 8);
      if (z64 < loc && bytes.ReadOr0<uint32_t>(z64) == kZip64EocdSig) {
        end.cd_end_limit = z64;
        if (saturated) {
          Reader z(bytes, z64 + 32);
          end.entry_count = z.U64();
          end.cd_size = z.U64();
          end.cd_offset = z.U64();
          if (!z.ok()) return MakeError(ErrorCode::kZipBadOffsets, z64, "truncated zip64 end record");
        }
      } else if (saturated) {
        return MakeError(ErrorCode::kZipBadOffsets, loc, "zip64 locator points to no zip64 end record");
      }
    }
    return end;
  }
  return MakeError(ErrorCode::kZipNoEocd, 0, "no end-of-central-directory record");
}

// Applies the ZIP64 extended-information extra field (id 0x0001): each
// saturated 32-bit field is replaced, in APPNOTE order, by a 64-bit value.
void ApplyZip64Extra(ByteView extra, Entry& e, bool& bad) {
  Reader r(extra);
  while (r.remaining() >= 4) {
    uint16_t id = r.U16(), size = r.U16();
    ByteView body = r.Bytes(size);
    if (!r.ok()) return;
    if (id != 0x0001) continue;
    Reader b(body);
    if (e.uncompressed_size == 0xFFFFFFFF) e.uncompressed_size = b.U64();
    if (e.compressed_size == 0xFFFFFFFF) e.compressed_size = b.U64();
    if (e.local_header_offset == 0xFFFFFFFF) e.local_header_offset = b.U64();
    if (!b.ok()) bad = true;
    return;
  }
}

// Runs a raw deflate stream to its end without keeping the output, to learn
// how many input bytes it spans (entries with a data descriptor do not say).
// Returns {consumed, produced}, or nullopt when the stream is corrupt,
// truncated, or inflates past limits::kMaxEntryInflatedSize.
std::optional<std::pair<uint64_t, uint64_t>> MeasureDeflate(ByteView in) {
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return std::nullopt;
  std::vector<uint8_t> sink(64 * 1024);
  uint64_t consumed = 0, produced = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    uint64_t chunk = std::min<uint64_t>(in.size() - consumed, limits::kStreamingInflateChunk);
    zs.next_in = const_cast<Bytef*>(in.data() + consumed);
    zs.avail_in = static_cast<uInt>(chunk);
    zs.next_out = sink.data();
    zs.avail_out = static_cast<uInt>(sink.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    consumed += chunk - zs.avail_in;
    produced += sink.size() - zs.avail_out;
    if (produced > limits::kMaxEntryInflatedSize) break;
    if (rc == Z_BUF_ERROR && chunk > 0) rc = Z_OK;  // Output full: go on.
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return std::make_pair(consumed, produced);
}

}  // namespace

std::vector<Entry> Archive::RecoverFromLocalHeaders(ByteView bytes, const std::string& where,
                                                    Diagnostics& diags) {
  std::vector<Entry> out;
  // The first local header, allowing for a prefix (Janus, self-extractors).
  std::string_view text = bytes.AsString().substr(0, limits::kMaxRecoveryPrefixSearch);
  size_t first = text.find(std::string_view("PK\x03\x04", 4));
  if (first == std::string_view::npos) return out;
  uint64_t pos = first;
  while (out.size() < limits::kMaxZipEntries && bytes.ReadOr0<uint32_t>(pos) == kLocalSig) {
    Reader r(bytes, pos + 6);
    Entry e;
    ReadSharedFields(r, e);
    uint16_t name_len = r.U16(), extra_len = r.U16();
    e.name = r.Bytes(name_len).AsString();
    ByteView extra = r.Bytes(extra_len);
    if (!r.ok()) break;
    bool bad64 = false;
    ApplyZip64Extra(extra, e, bad64);
    e.local_header_offset = pos;
    const uint64_t data = r.position();
    uint64_t next = 0;
    if ((e.flags & 0x0008) && e.method == kMethodDeflate) {
      // Sizes follow the data: run the stream to find where it ends.
      auto measured = MeasureDeflate(bytes.Tail(data));
      if (!measured) break;
      e.compressed_size = measured->first;
      e.uncompressed_size = measured->second;
      next = data + e.compressed_size;
      // Optional descriptor signature, then CRC and both sizes (8 or 16
      // bytes with ZIP64); the CRC is the one thing we still need.
      uint64_t d = next;
      if (bytes.ReadOr0<uint32_t>(d) == 0x08074b50) d += 4;
      e.crc32 = bytes.ReadOr0<uint32_t>(d);
      next = d + 12;
      if (bytes.ReadOr0<uint32_t>(next) != kLocalSig && bytes.ReadOr0<uint32_t>(d + 20) == kLocalSig) next = d + 20;
    } else if (e.flags & 0x0008) {
      break;  // A stored entry of unknown size cannot be delimited safely.
    } else {
      auto end = CheckedAdd(data, e.compressed_size);
      if (!end || *end > bytes.size()) {
        diags.Add(Level::kWarning, ErrorCode::kZipEntryOutOfBounds, where,
                  "recovery stopped at " + Quote(e.name) + ": its data runs past the end of the file");
        break;
      }
      next = *end;
    }
    out.push_back(e);
    if (next <= pos) break;
    pos = next;
  }
  return out;
}

bool LooksLikeZip(ByteView bytes) {
  if (bytes.ReadOr0<uint32_t>(0) == kLocalSig) return true;
  // Any end record found, even one describing a broken directory, makes the
  // input a ZIP for reporting purposes: its problems are ZIP problems.
  Diagnostics ignored;
  auto end = FindEndRecord(bytes, "", ignored);
  return end.ok() || end.error().code != ErrorCode::kZipNoEocd;
}

Result<Archive> Archive::ReadCentral(ByteView bytes, std::string where, Diagnostics& diags) {
  auto end_or = FindEndRecord(bytes, where, diags);
  if (!end_or) return end_or.error();
  EndRecord end = *end_or;

  Archive a;
  a.bytes_ = bytes;
  a.where_ = std::move(where);

  // The central directory must sit wholly before the end record.
  auto cd_end = CheckedAdd(end.cd_offset, end.cd_size);
  if (!cd_end || *cd_end > end.cd_end_limit) {
    return MakeError(ErrorCode::kZipBadOffsets, end.eocd_offset,
                     "central directory (offset " + std::to_string(end.cd_offset) + ", size " +
                         std::to_string(end.cd_size) + ") runs past the end record at " +
                         std::to_string(end.cd_end_limit));
  }

  // Data prepended to an archive without fixing its offsets (self-extractors,
  // some repackagers): the directory really sits right before the end record.
  // Android rejects this; unzip and Python read it with shifted offsets, and
  // so do we, saying so.
  uint64_t shift = 0;
  if (end.entry_count > 0 && bytes.ReadOr0<uint32_t>(end.cd_offset) != kCentralSig) {
    uint64_t actual = end.cd_end_limit - end.cd_size;
    if (actual > end.cd_offset && bytes.ReadOr0<uint32_t>(actual) == kCentralSig) {
      shift = actual - end.cd_offset;
      diags.Add(Level::kWarning, ErrorCode::kZipShiftedOffsets, a.where_,
                std::to_string(shift) + " bytes were prepended without adjusting offsets");
    } else {
      return MakeError(ErrorCode::kZipBadCentralEntry, end.cd_offset,
                       "no central directory record at the offset the end record gives");
    }
  }

  // apksig requires the end record (or zip64 end record) to follow the
  // directory immediately; Android's ZIP reader alone does not care.
  if (shift == 0 && *cd_end < end.cd_end_limit) {
    diags.Add(Level::kWarning, ErrorCode::kZipCdGap, a.where_,
              std::to_string(end.cd_end_limit - *cd_end) +
                  " bytes sit between the central directory and the end record; APK Signature "
                  "Scheme v2+ verification fails on such files");
  }

  uint64_t count = end.entry_count;
  if (count > limits::kMaxZipEntries) {
    diags.Add(Level::kError, ErrorCode::kZipTooManyEntries, a.where_,
              "archive declares " + std::to_string(count) + " entries; reading the first " +
                  std::to_string(limits::kMaxZipEntries));
    count = limits::kMaxZipEntries;
  }
  // Each record needs 46 bytes, so the directory size bounds the count too;
  // this keeps a lying count from reserving memory.
  a.entries_.reserve(static_cast<size_t>(std::min(count, end.cd_size / kCentralSize + 1)));

  ByteView cd = *bytes.Sub(end.cd_offset + shift, end.cd_size);
  Reader r(cd);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t rec = r.position();
    if (r.U32() != kCentralSig) {
      diags.Add(Level::kError, ErrorCode::kZipBadCentralEntry, a.where_,
                "central directory record " + std::to_string(i) + " of " + std::to_string(count) +
                    " has a bad signature; the remaining entries are lost");
      break;
    }
    Entry e;
    r.Skip(4);  // version made by, version needed
    ReadSharedFields(r, e);
    uint16_t name_len = r.U16(), extra_len = r.U16(), comment_len = r.U16();
    r.Skip(8);  // disk start, internal attrs, external attrs
    e.local_header_offset = r.U32();
    e.name = r.Bytes(name_len).AsString();
    ByteView extra = r.Bytes(extra_len);
    r.Skip(comment_len);
    if (!r.ok()) {
      diags.Add(Level::kError, ErrorCode::kZipBadCentralEntry, a.where_,
                "central directory record " + std::to_string(i) + " is truncated (at offset " +
                    std::to_string(end.cd_offset + rec) + ")");
      break;
    }
    bool bad64 = false;
    ApplyZip64Extra(extra, e, bad64);
    if (bad64)
      diags.Add(Level::kWarning, ErrorCode::kZipBadCentralEntry, a.where_,
                "entry " + Quote(e.name) + " has a truncated zip64 extra field");
    auto shifted = CheckedAdd(e.local_header_offset, shift);
    e.local_header_offset = shifted.value_or(UINT64_MAX);
    a.entries_.push_back(e);
  }
  return a;
}

Result<Archive> Archive::Open(ByteView bytes, std::string where, Diagnostics& diags) {
  auto central = ReadCentral(bytes, where, diags);
  if (central) {
    central->Index(diags);
    return central;
  }
  // No usable central directory: fall back to walking local headers, as
  // `zip -FF` does, so that a truncated download still yields what it holds.
  // Android would refuse the file; the report says so through the error.
  Archive recovered;
  recovered.bytes_ = bytes;
  recovered.where_ = std::move(where);
  recovered.entries_ = RecoverFromLocalHeaders(bytes, recovered.where_, diags);
  if (recovered.entries_.empty()) return central.error();
  diags.AddError(Level::kError, central.error(), recovered.where_);
  diags.Add(Level::kWarning, ErrorCode::kZipRecovered, recovered.where_,
            std::to_string(recovered.entries_.size()) +
                " entries recovered by walking local headers; Android would not open this file");
  recovered.Index(diags);
  return recovered;
}

// Name index and the checks that need every entry: duplicates, invalid
// names, layout.
void Archive::Index(Diagnostics& diags) {
  uint32_t invalid_names = 0;
  std::string first_invalid;
  by_name_.reserve(entries_.size());
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (!IsValidEntryName(e.name) && invalid_names++ == 0) first_invalid = Quote(e.name);
    if (!by_name_.try_emplace(e.name, i).second) {
      diags.Add(Level::kWarning, ErrorCode::kZipDuplicateName, where_,
                "entry " + Quote(e.name) +
                    " appears more than once; Android refuses to install such archives and "
                    "other tools may read either copy");
    }
  }
  if (invalid_names > 0) {
    diags.Add(Level::kWarning, ErrorCode::kZipInvalidName, where_,
              std::to_string(invalid_names) + " entry name(s) hold NUL or invalid UTF-8, e.g. " +
                  first_invalid + "; Android refuses to open this archive");
  }
  CheckLayout(diags);
}

// Looks at where entries' local records sit: overlap (the overlapping-entry
// zip bomb, or two names sharing one payload) and data before the first entry
// (Janus-style DEX prefix, self-extractor stubs).
void Archive::CheckLayout(Diagnostics& diags) {
  if (entries_.empty()) return;
  std::vector<uint32_t> order(entries_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return entries_[x].local_header_offset < entries_[y].local_header_offset;
  });
  prefix_size_ = entries_[order[0]].local_header_offset;
  if (prefix_size_ > 0 && prefix_size_ != UINT64_MAX) {
    if (bytes_.StartsWith(std::string_view("dex\n", 4))) {
      diags.Add(Level::kWarning, ErrorCode::kZipJanus, where_,
                "a DEX file of " + std::to_string(prefix_size_) +
                    " bytes precedes the archive; Android before 8.1 with only a v1 signature "
                    "would run this code (CVE-2017-13156)");
    } else {
      diags.Add(Level::kInfo, ErrorCode::kZipPrefixData, where_,
                std::to_string(prefix_size_) + " bytes precede the first entry");
    }
  }
  uint64_t overlaps = 0;
  std::string example;
  for (size_t k = 1; k < order.size(); ++k) {
    const Entry& prev = entries_[order[k - 1]];
    const Entry& cur = entries_[order[k]];
    // The previous entry needs at least its local header and its data.
    auto prev_end = CheckedAdd(prev.local_header_offset, kLocalSize + prev.compressed_size);
    if (!prev_end || *prev_end > cur.local_header_offset) {
      if (overlaps++ == 0) example = Quote(prev.name) + " and " + Quote(cur.name);
    }
  }
  if (overlaps > 0) {
    diags.Add(Level::kWarning, ErrorCode::kZipOverlap, where_,
              std::to_string(overlaps) + " pair(s) of entries overlap, e.g. " + example);
  }
}

const Entry* Archive::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &entries_[it->second];
}

Result<ByteView> Archive::RawData(const Entry& e, Diagnostics& diags) const {
  const uint64_t lho = e.local_header_offset;
  Reader r(bytes_, lho);
  if (r.U32() != kLocalSig || !r.ok())
    return MakeError(ErrorCode::kZipBadLocalHeader, lho,
                     "no local header for " + Quote(e.name));
  r.Skip(2);  // version needed
  r.U16();    // flags: may legitimately differ in bit 3 only
  uint16_t local_method = r.U16();
  r.Skip(16);  // time, date, crc, sizes: the central directory is authoritative
  uint16_t name_len = r.U16(), extra_len = r.U16();
  std::string_view local_name = r.Bytes(name_len).AsString();
  r.Skip(extra_len);
  if (!r.ok())
    return MakeError(ErrorCode::kZipBadLocalHeader, lho, "truncated local header for " + Quote(e.name));
  if (local_name != e.name) {
    diags.Add(Level::kWarning, ErrorCode::kZipLocalMismatch, where_,
              "local header names " + Quote(local_name) + " where the central directory names " +
                  Quote(e.name) + "; the central directory is used, as on Android");
  }
  if (local_method != e.method) {
    diags.Add(Level::kWarning, ErrorCode::kZipLocalMismatch, where_,
              "entry " + Quote(e.name) + ": local header says method " + std::to_string(local_method) +
                  ", central directory says " + std::to_string(e.method) +
                  "; the central directory is used, as on Android");
  }
  auto data = bytes_.Sub(r.position(), e.compressed_size);
  if (!data)
    return MakeError(ErrorCode::kZipEntryOutOfBounds, r.position(),
                     "data of " + Quote(e.name) + " (" + std::to_string(e.compressed_size) +
                         " bytes) runs past the end of the archive");
  return *data;
}

}  // namespace vigie::zip
