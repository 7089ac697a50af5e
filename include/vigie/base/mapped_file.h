// Read-only memory mapping of an input file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"

namespace vigie {

/// Maps a whole file read-only. Pages are faulted in only when parsers touch
/// them, so a 300 MB APK whose assets are never read costs almost nothing.
/// The file stays open too, for reading it whole (ReadInChunks).
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  ByteView view() const { return {data_, size_}; }
  /// Whether `bytes` are this mapping from its first byte: the input file
  /// itself, not an archive nested in it (inflated into a buffer of its own,
  /// or stored, and so starting further in).
  bool MapsFromStart(ByteView bytes) const { return data_ && bytes.data() == data_; }
  /// Where `part`, a view into this mapping, starts in the file.
  uint64_t OffsetOf(ByteView part) const { return static_cast<uint64_t>(part.data() - data_); }
  /// Drops the resident pages of [offset, offset+length) from this process.
  /// Used after streaming a large entry so that peak memory does not grow
  /// with the size of the archive. A hint: safe to call on any range.
  void Release(uint64_t offset, uint64_t length) const;
  /// Calls fn with the file's bytes, in order, in chunks read through the
  /// descriptor rather than the mapping: reading a file whole (to hash it)
  /// then leaves no page mapped, and a huge file is never resident.
  void ReadInChunks(const std::function<void(ByteView)>& fn) const;

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1;
};

/// SHA-256 of the whole file, hex-encoded (ReadInChunks).
std::string Sha256File(const MappedFile& file);
/// SHA-256 of `bytes`, hex-encoded.
std::string Sha256Hex(ByteView bytes);

}  // namespace vigie
