// Fuzzes the STIX2 reader of `vigie check` (indicators/): bundles, their
// collections and indicator patterns, then matching against what was read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vigie/indicators/indicator_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vigie::indicators::IndicatorSet set;
  if (set.AddStix2(text, "fuzz.stix2")) return 0;
  // Every value read must match itself where its type allows it.
  for (const auto& i : set.indicators()) {
    (void)set.MatchUrl(i.value);
    (void)set.MatchProcess(i.value);
    (void)set.MatchFilePath(i.value);
    (void)set.MatchConfigurationProfile(i.value);
    if (i.type == vigie::indicators::IndicatorType::kDomain && !set.MatchHost(i.value)) __builtin_trap();
  }
  return 0;
}
