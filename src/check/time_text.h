// Timestamps as MVT writes them: "2022-02-22 15:29:41.956000", UTC.
// Private to the check library.
#pragma once

#include <cstdint>
#include <string>

namespace vigie::check {

/// Microseconds since the epoch as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
std::string TimeFromMicros(int64_t micros);
inline std::string TimeFromMillis(int64_t ms) { return TimeFromMicros(ms * 1000); }
inline std::string TimeFromSeconds(int64_t s) { return TimeFromMicros(s * 1'000'000); }

}  // namespace vigie::check
