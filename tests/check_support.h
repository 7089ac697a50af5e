// Helpers of the `vigie check` tests: counts in a CheckResult.
#pragma once

#include <string_view>

#include "vigie/model/check_result.h"

namespace vigie::testing {

inline size_t Records(const CheckResult& r, std::string_view module) {
  for (const ModuleResult& m : r.modules)
    if (m.name == module) return m.count;
  return 0;
}

inline size_t Alerts(const CheckResult& r, std::string_view module, AlertLevel level) {
  size_t n = 0;
  for (const Alert& a : r.alerts) n += a.module == module && a.level == level;
  return n;
}

}  // namespace vigie::testing
