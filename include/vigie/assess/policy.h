// The user's policy (`vigie scan --policy FILE`): what an app must not embed
// or send where, and the suppressions that waive a violation for one app
// until a date (docs/policy.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/model/scan_result.h"

namespace vigie::assess {

/// A tie of a vendor to a country, by kind (VendorTie::ties).
struct DeniedTie {
  std::string country;
  std::vector<std::string> ties;  ///< Empty: any tie.
};

struct Policy {
  std::vector<std::string> vendors;          ///< Vendor ids.
  std::vector<DeniedTie> vendor_ties;        ///< "vendor_countries" and "vendor_ties".
  std::vector<std::string> vendor_flags;     ///< data_broker, state_ties, sanctions.
  std::vector<std::string> sdk_categories;   ///< Categories of the SDK KB.
  std::vector<std::string> data_kinds;       ///< Kinds of data_access.tsv reaching a third party.
  std::optional<Severity> findings_at;       ///< Findings at or above this severity.
  /// SDKs below this confidence are left out of the SDK rules: a gate
  /// should not fail on a lone host string.
  Confidence min_confidence = Confidence::kMedium;
};

/// A waiver of one violation for one app.
struct Suppression {
  std::string app;      ///< The app's package (AppName).
  std::string sdk;      ///< An SDK id, or
  std::string finding;  ///< a finding's rule id.
  std::string reason;
  std::string expires;  ///< YYYY-MM-DD, the last day it applies.
};

/// Parses a policy. Unknown keys, unknown severities or confidences, and
/// countries that are not ISO 3166-1 alpha-2 codes are errors naming the
/// key.
Result<Policy> ParsePolicy(std::string_view json);
/// Parses a suppression file; each entry needs an app, an SDK or a finding,
/// a reason and a valid expiry date.
Result<std::vector<Suppression>> ParseSuppressions(std::string_view json);

/// What `policy` says of `r` on day `today` (YYYY-MM-DD, UTC): each
/// violation with its evidence, suppressed or standing, and the
/// suppressions of this app that have expired.
PolicyVerdict EvaluatePolicy(const ScanResult& r, const Policy& policy, const std::vector<Suppression>& suppressions,
                             std::string_view today);

}  // namespace vigie::assess
