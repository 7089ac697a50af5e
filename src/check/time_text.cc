#include "time_text.h"

#include <cstdio>

namespace vigie::check {

std::string TimeFromMicros(int64_t micros) {
  // Howard Hinnant's days-to-civil algorithm: no time zone database, no
  // locale, any year.
  constexpr int64_t kDay = 86'400'000'000;
  int64_t days = micros / kDay, rest = micros % kDay;
  if (rest < 0) rest += kDay, --days;
  const int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
  const int64_t secs = rest / 1'000'000;
  char out[64];
  std::snprintf(out, sizeof out, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%06lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(rest % 1'000'000));
  return out;
}

}  // namespace vigie::check
