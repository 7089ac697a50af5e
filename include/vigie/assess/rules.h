// Findings: the rules of data/rules.json applied to a scan's facts (SDKs,
// what their code reaches, vendors, the manifest). Each finding carries the
// evidence for every condition that made it fire. docs/findings.md lists
// the conditions a rule can use.
#pragma once

#include <string>
#include <vector>

#include "vigie/model/app_model.h"

namespace vigie {

struct RuleOptions {
  /// ISO country codes the user wants vendors' ties to be reported for
  /// (`--policy-countries`). Empty: the jurisdiction rule never fires.
  std::vector<std::string> policy_countries;
};

/// The findings for `r`, most severe first, then in the rules' order.
std::vector<Finding> EvaluateRules(const ScanResult& r, const RuleOptions& options);

/// Parses the embedded tables a scan's analyses use (rules, data access,
/// secrets) now rather than at their first use: the scan's helper thread
/// calls it so that the main thread finds them ready. Thread-safe.
void PreloadTables();

}  // namespace vigie
