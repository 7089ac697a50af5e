// Fuzzes the features a corpus stores (features/): decoding them, and
// rematching what decodes under the built-in knowledge, as `vigie corpus
// rematch` does with whatever bytes the database holds. An input whose first
// byte is odd is taken as the inflated body, and wrapped (header, deflate)
// here: mutations of deflated bytes seldom get past inflating.
#include <libdeflate.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vigie/features/app_features.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"

namespace {

void Varint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
  out.push_back(static_cast<char>(v));
}

std::string Wrap(std::string_view body) {
  std::string out = "VFTR";
  Varint(out, vigie::features::kFormat);
  Varint(out, body.size());
  libdeflate_compressor* c = libdeflate_alloc_compressor(1);
  const size_t start = out.size(), bound = libdeflate_deflate_compress_bound(c, body.size());
  out.resize(start + bound);
  out.resize(start + libdeflate_deflate_compress(c, body.data(), body.size(), out.data() + start, bound));
  libdeflate_free_compressor(c);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const vigie::ScanOptions options = [] {
    vigie::ScanOptions o;
    if (auto k = vigie::LoadKnowledge({})) o.knowledge = *k;
    return o;
  }();
  std::string wrapped;
  vigie::ByteView bytes(data, size);
  if (size > 0 && (data[0] & 1)) {
    wrapped = Wrap(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    bytes = vigie::ByteView(std::string_view(wrapped));
  }
  auto features = vigie::features::Decode(bytes);
  if (features) (void)vigie::Rematch(*features, options);
  return 0;
}
