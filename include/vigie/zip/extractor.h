// Inflating entries under the zip-bomb caps of limits.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/zip/zip_archive.h"

namespace vigie::zip {

/// The inflated bytes one scanned input may produce: every entry inflated
/// from it, nested archives included, draws from the same
/// limits::kMaxTotalInflated. A scan reads the DEX files of an input on
/// several threads, each with its own Extractor and this one budget. An
/// entry is checked against what is left before it is inflated and charged
/// after, so each thread can overshoot the budget by one entry (at most
/// limits::kMaxEntryInflatedSize).
class InflateBudget {
 public:
  uint64_t left() const {
    const uint64_t used = used_.load(std::memory_order_relaxed);
    return used >= limits::kMaxTotalInflated ? 0 : limits::kMaxTotalInflated - used;
  }
  void Charge(uint64_t bytes) { used_.fetch_add(bytes, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> used_{0};
};

/// Inflates entries under the zip-bomb caps of limits.h. Not thread-safe:
/// one per thread.
class Extractor {
 public:
  /// `backing` (optional) is the mapped file the top-level archive lives in;
  /// pages of large compressed entries are released from it while streaming.
  /// `budget` (optional) is shared with the input's other extractors; without
  /// one, this extractor has a budget of its own.
  explicit Extractor(const MappedFile* backing = nullptr, InflateBudget* budget = nullptr);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  /// Returns the entry's content. Stored entries are returned in place (zero
  /// copy); deflated ones are inflated into `storage` and the view points
  /// there. Caps, CRC and size checks are applied and recorded in diags.
  Result<ByteView> Extract(const Archive& archive, const Entry& entry, ByteBuffer& storage, Diagnostics& diags);

  uint64_t total_inflated() const { return budget_->used(); }

 private:
  Result<ByteView> Inflate(const Archive& archive, const Entry& entry, ByteView compressed,
                           ByteBuffer& storage, Diagnostics& diags);
  // The most `entry` may inflate to, or why it may not be inflated at all.
  Result<uint64_t> OutputCap(const Entry& entry, uint64_t compressed_size) const;
  Result<size_t> InflateStreaming(ByteView compressed, uint64_t size_hint, uint64_t cap,
                                  ByteBuffer& storage, bool release_input);

  const MappedFile* backing_;
  void* decompressor_;  // libdeflate_decompressor*, kept out of the header.
  InflateBudget own_budget_;
  InflateBudget* budget_;  // &own_budget_ or the shared one.
};

}  // namespace vigie::zip
