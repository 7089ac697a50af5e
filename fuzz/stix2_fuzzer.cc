// Fuzzes the STIX2 reader of `vigie check` (indicators/): bundles, their
// collections and indicator patterns, then matching against what was read.
// The bundle is also read in small parts on two threads, which must give
// the same set as reading it alone.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vigie/base/task_pool.h"
#include "vigie/indicators/indicator_set.h"

namespace {

bool Same(const vigie::indicators::IndicatorSet& a, const vigie::indicators::IndicatorSet& b) {
  if (a.size() != b.size() || a.warnings().size() != b.warnings().size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto &x = a.indicators()[i], &y = b.indicators()[i];
    if (x.type != y.type || x.value != y.value || x.conjunct != y.conjunct ||
        a.collections()[x.collection].name != b.collections()[y.collection].name)
      return false;
  }
  for (size_t i = 0; i < a.warnings().size(); ++i)
    if (a.warnings()[i].indicator != b.warnings()[i].indicator || a.warnings()[i].message != b.warnings()[i].message)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vigie::TaskPool pool(2);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vigie::indicators::IndicatorSet set, parts;
  const bool failed = set.AddStix2(text, "fuzz.stix2").has_value();
  if (failed != parts.AddStix2(text, "fuzz.stix2", &pool, 16).has_value()) __builtin_trap();
  if (failed) return 0;
  if (!Same(set, parts)) __builtin_trap();
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
