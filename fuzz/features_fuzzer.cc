// Fuzzes the features a corpus stores (features/): decoding them, and
// rematching what decodes under the built-in knowledge, as `vigie corpus
// rematch` does with whatever bytes the database holds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigie/features/app_features.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const vigie::ScanOptions options = [] {
    vigie::ScanOptions o;
    if (auto k = vigie::LoadKnowledge({})) o.knowledge = *k;
    return o;
  }();
  auto features = vigie::features::Decode(vigie::ByteView(data, size));
  if (features) (void)vigie::Rematch(*features, options);
  return 0;
}
