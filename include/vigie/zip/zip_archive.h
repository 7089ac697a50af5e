// ZIP reader for APK, AAB, XAPK, APKS, JAR and AAR packages.
//
// Works from the central directory, as Android's libziparchive does: the
// central directory is the authority for names, methods and sizes; a local
// header is read only to find where an entry's data starts, and any
// disagreement is recorded. Nothing is copied: entries hold views into the
// archive bytes, and stored entries are read in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/error.h"

namespace vigie::zip {

inline constexpr uint16_t kMethodStored = 0;
inline constexpr uint16_t kMethodDeflate = 8;

/// One central-directory record, with ZIP64 sizes already applied.
struct Entry {
  std::string_view name;  ///< Raw bytes from the central directory (may hold NUL).
  uint16_t method = 0;
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;  ///< Absolute offset in the archive bytes.
  uint16_t dos_time = 0;             ///< MS-DOS time and date of last change, in the zipping machine's zone.
  uint16_t dos_date = 0;

  bool encrypted() const { return flags & 0x0001; }
  bool is_directory() const { return !name.empty() && name.back() == '/'; }
};

/// An opened archive: the entry table plus lookups.
class Archive {
 public:
  /// Parses the end records and central directory of `bytes`. Problems that
  /// still leave entries readable become diagnostics under `where`. On a
  /// central directory that breaks part-way, the entries before the break
  /// are kept. With no usable central directory at all, entries are
  /// recovered by walking local headers (an error diagnostic plus
  /// zip.recovered say so); only when that finds nothing is it an Error.
  static Result<Archive> Open(ByteView bytes, std::string where, Diagnostics& diags);

  const std::vector<Entry>& entries() const { return entries_; }
  /// First entry with exactly this name, or nullptr. Android refuses archives
  /// with duplicate names; Vigie reports them and resolves to the first.
  const Entry* Find(std::string_view name) const;
  ByteView bytes() const { return bytes_; }
  const std::string& where() const { return where_; }
  /// Bytes before the first local header (0 for a normal archive).
  uint64_t prefix_size() const { return prefix_size_; }

  /// Locates an entry's stored bytes after checking its local header.
  /// Disagreements between local header and central directory are recorded
  /// in diags; the central directory wins, as on Android.
  Result<ByteView> RawData(const Entry& entry, Diagnostics& diags) const;

 private:
  static Result<Archive> ReadCentral(ByteView bytes, std::string where, Diagnostics& diags);
  static std::vector<Entry> RecoverFromLocalHeaders(ByteView bytes, const std::string& where,
                                                    Diagnostics& diags);
  void Index(Diagnostics& diags);
  void CheckLayout(Diagnostics& diags);

  ByteView bytes_;
  std::string where_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string_view, uint32_t> by_name_;
  uint64_t prefix_size_ = 0;
};

/// True when `bytes` looks like it could hold a ZIP: a local header at the
/// start, or an end record somewhere in the tail.
bool LooksLikeZip(ByteView bytes);

}  // namespace vigie::zip
