#include "vigie/zip/extractor.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <string>

#include "vigie/base/limits.h"

namespace vigie::zip {
namespace {

libdeflate_decompressor* Dec(void* p) { return static_cast<libdeflate_decompressor*>(p); }

// "entry 'name'" for messages, the name cut at the first NUL. Messages start
// with it and append: GCC 12 raises a false -Wrestrict when a literal is
// prepended to a temporary string (GCC bug 105329).
std::string Name(const Entry& e) {
  std::string out = "entry '";
  out.append(e.name.substr(0, e.name.find('\0')));
  out += '\'';
  return out;
}

}  // namespace

Extractor::Extractor(const MappedFile* backing, InflateBudget* budget)
    : backing_(backing), decompressor_(libdeflate_alloc_decompressor()), budget_(budget ? budget : &own_budget_) {}

Extractor::~Extractor() { libdeflate_free_decompressor(Dec(decompressor_)); }

Result<ByteView> Extractor::Extract(const Archive& archive, const Entry& e, ByteBuffer& storage,
                                    Diagnostics& diags) {
  if (e.encrypted())
    return MakeError(ErrorCode::kZipEncrypted, e.local_header_offset, Name(e) + " is encrypted");
  if (e.method != kMethodStored && e.method != kMethodDeflate)
    return MakeError(ErrorCode::kZipUnsupportedMethod, e.local_header_offset,
                     Name(e) + " uses compression method " + std::to_string(e.method));
  auto raw = archive.RawData(e, diags);
  if (!raw) return raw.error();

  ByteView content;
  if (e.method == kMethodStored) {
    content = *raw;
    if (e.compressed_size != e.uncompressed_size) {
      diags.Add(Level::kWarning, ErrorCode::kZipSizeMismatch, archive.where(),
                Name(e) + " is stored and declares " + std::to_string(e.uncompressed_size) +
                    " bytes but holds " + std::to_string(e.compressed_size));
    }
  } else {
    auto inflated = Inflate(archive, e, *raw, storage, diags);
    if (!inflated) return inflated.error();
    content = *inflated;
  }
  if (libdeflate_crc32(0, content.data(), content.size()) != e.crc32)
    diags.Add(Level::kWarning, ErrorCode::kZipCrcMismatch, archive.where(),
              Name(e) + " fails its CRC-32 check; Android would refuse to extract it");
  return content;
}

Result<uint64_t> Extractor::OutputCap(const Entry& e, uint64_t compressed_size) const {
  const uint64_t declared = e.uncompressed_size;
  if (declared > limits::kMaxEntryInflatedSize)
    return MakeError(ErrorCode::kZipBomb, e.local_header_offset,
                     Name(e) + " declares " + std::to_string(declared) +
                         " inflated bytes, over the per-entry cap");
  if (declared > limits::kRatioCheckMinOutput &&
      declared / std::max<uint64_t>(compressed_size, 1) > limits::kMaxCompressionRatio)
    return MakeError(ErrorCode::kZipBomb, e.local_header_offset,
                     Name(e) + " declares a compression ratio above deflate's maximum");
  // Even when the declared size lies, output never exceeds either cap.
  const uint64_t cap = std::min(limits::kMaxEntryInflatedSize, budget_->left());
  if (declared > cap)
    return MakeError(ErrorCode::kZipBomb, e.local_header_offset,
                     Name(e) + " would exceed the per-input inflation budget");
  return cap;
}

Result<ByteView> Extractor::Inflate(const Archive& archive, const Entry& e, ByteView compressed,
                                    ByteBuffer& storage, Diagnostics& diags) {
  const uint64_t declared = e.uncompressed_size;
  auto output_cap = OutputCap(e, compressed.size());
  if (!output_cap) return output_cap.error();
  const uint64_t cap = *output_cap;

  size_t produced = 0;
  bool trusted_size = false;
  if (compressed.size() < limits::kStreamingInflateThreshold) {
    storage.resize(static_cast<size_t>(declared));
    size_t actual_out = 0;
    auto rc = libdeflate_deflate_decompress(Dec(decompressor_), compressed.data(), compressed.size(),
                                            storage.data(), storage.size(), &actual_out);
    if (rc == LIBDEFLATE_SUCCESS) {
      produced = actual_out;
      trusted_size = true;
    } else if (rc == LIBDEFLATE_BAD_DATA) {
      return MakeError(ErrorCode::kZipInflateFailed, e.local_header_offset,
                       Name(e) + " holds a corrupt deflate stream");
    }
    // INSUFFICIENT_SPACE: the declared size is too small; fall through to the
    // streaming path, which grows the buffer up to the cap.
  }
  if (!trusted_size) {
    bool is_top_level = backing_ && backing_->MapsFromStart(archive.bytes());
    auto n = InflateStreaming(compressed, declared, cap, storage, is_top_level);
    if (!n) {
      Error err = n.error();
      err.message = Name(e) + ": " + err.message;
      err.offset = e.local_header_offset;
      return err;
    }
    produced = *n;
    if (is_top_level) {
      // Give back the compressed pages we streamed through.
      backing_->Release(backing_->OffsetOf(compressed), compressed.size());
    }
  }
  if (produced != declared) {
    diags.Add(Level::kWarning, ErrorCode::kZipSizeMismatch, archive.where(),
              Name(e) + " inflates to " + std::to_string(produced) +
                  " bytes but declares " + std::to_string(declared));
  }
  budget_->Charge(produced);
  return ByteView(storage.data(), produced);
}

// zlib in raw-deflate mode, fed in chunks. Used for large entries (so input
// pages can be dropped as they are consumed) and when the declared size lies.
Result<size_t> Extractor::InflateStreaming(ByteView compressed, uint64_t size_hint, uint64_t cap,
                                           ByteBuffer& storage, bool release_input) {
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return MakeError(ErrorCode::kZipInflateFailed, 0, "zlib init failed");
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&zs};

  // Start at the declared size (+1, so that a stream ending exactly there is
  // seen to end without a doubling): when it is honest (nearly always) the buffer
  // never grows, so peak memory is the output and not 1.5x it. A lie only
  // costs doublings, still bounded by `cap`.
  storage.resize(static_cast<size_t>(std::min<uint64_t>(std::max<uint64_t>(size_hint + 1, 64 * 1024), cap)));
  uint64_t in_pos = 0, out_pos = 0, released = 0;
  const uint64_t base = release_input ? backing_->OffsetOf(compressed) : 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out_pos == storage.size()) {
      if (storage.size() >= cap)
        return MakeError(ErrorCode::kZipBomb, 0, "inflated data exceeds the inflation cap");
      storage.resize(static_cast<size_t>(std::min<uint64_t>(storage.size() * 2, cap)));
    }
    uint64_t chunk = std::min<uint64_t>(compressed.size() - in_pos, limits::kStreamingInflateChunk);
    zs.next_in = const_cast<Bytef*>(compressed.data() + in_pos);
    zs.avail_in = static_cast<uInt>(chunk);
    zs.next_out = storage.data() + out_pos;
    const auto avail_out = static_cast<uInt>(std::min<uint64_t>(storage.size() - out_pos, UINT32_MAX));
    zs.avail_out = avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += chunk - zs.avail_in;
    out_pos += avail_out - zs.avail_out;
    if (rc == Z_BUF_ERROR && chunk == 0)
      return MakeError(ErrorCode::kZipInflateFailed, 0, "deflate stream is truncated");
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      return MakeError(ErrorCode::kZipInflateFailed, 0, "corrupt deflate stream");
    if (release_input && in_pos - released >= limits::kStreamingInflateChunk) {
      backing_->Release(base + released, in_pos - released);
      released = in_pos;
    }
  }
  return static_cast<size_t>(out_pos);
}

}  // namespace vigie::zip
