// Inflating entries under the zip-bomb caps of limits.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/mapped_file.h"
#include "vigie/zip/zip_archive.h"

namespace vigie::zip {

/// Owns the inflate budget for one scanned input: every entry inflated from
/// it, nested archives included, draws from the same limits::kMaxTotalInflated.
class Extractor {
 public:
  /// `backing` (optional) is the mapped file the top-level archive lives in;
  /// pages of large compressed entries are released from it while streaming.
  explicit Extractor(const MappedFile* backing = nullptr);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  /// Returns the entry's content. Stored entries are returned in place (zero
  /// copy); deflated ones are inflated into `storage` and the view points
  /// there. Caps, CRC and size checks are applied and recorded in diags.
  Result<ByteView> Extract(const Archive& archive, const Entry& entry,
                           ByteBuffer& storage, Diagnostics& diags);

  uint64_t total_inflated() const { return total_inflated_; }

 private:
  Result<ByteView> Inflate(const Archive& archive, const Entry& entry, ByteView compressed,
                           ByteBuffer& storage, Diagnostics& diags);
  Result<size_t> InflateStreaming(ByteView compressed, uint64_t size_hint, uint64_t cap,
                                  ByteBuffer& storage, bool release_input);

  const MappedFile* backing_;
  void* decompressor_;  // libdeflate_decompressor*, kept out of the header.
  uint64_t total_inflated_ = 0;
};

}  // namespace vigie::zip
