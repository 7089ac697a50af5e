// The two ordinal ratings a report gives: how serious a finding is, and how
// sure Vigie is of an SDK. Each has a stable lower-case name, used in JSON
// and in data/rules.json and data/secrets.tsv.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigie {

/// How serious a finding (or the secret behind it) is. Ordered from the
/// most severe: reports list findings in this order.
enum class Severity : uint8_t { kCritical, kHigh, kMedium, kLow, kInfo };

/// How sure Vigie is that an SDK is there (docs/sdk-kb.md). Ordered from the
/// least sure.
enum class Confidence : uint8_t { kLow, kMedium, kHigh };

/// "critical", "high", "medium", "low", "info".
std::string_view SeverityName(Severity s);
/// The severity called `name`; nullopt for any other text.
std::optional<Severity> ParseSeverity(std::string_view name);

/// "low", "medium", "high".
std::string_view ConfidenceName(Confidence c);

}  // namespace vigie
