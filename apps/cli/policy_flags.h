// The policy gate's flags (--policy, --suppressions), shared by `vigie scan`
// and `vigie diff`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "flags.h"
#include "vigie/assess/policy.h"

namespace vigie::cli {

struct PolicyArgs {
  std::string policy, suppressions;  // Paths, as typed.
  /// Declares --policy and --suppressions, filling this.
  void AddTo(FlagSet& flags);
};

/// A loaded policy, with the day its suppressions are judged on.
struct PolicyGate {
  std::optional<assess::Policy> policy;  ///< Empty without --policy.
  std::vector<assess::Suppression> suppressions;
  std::string today;  ///< YYYY-MM-DD, UTC.
  /// Sets r.policy when there is a policy, and prints each expired
  /// suppression of the app on stderr.
  void Apply(ScanResult& r) const;
};

/// Reads and parses the files `args` names; prints why one cannot be read
/// or parsed and returns nullopt (exit 2).
std::optional<PolicyGate> LoadPolicyOrReport(const PolicyArgs& args);

}  // namespace vigie::cli
