// Findings: the rules of data/rules.json applied to a scan's facts (SDKs,
// what their code reaches, vendors, secrets, the manifest). Each finding
// carries the evidence for every condition that made it fire.
// docs/findings.md lists the conditions a rule can use.
//
// Rules are parsed strictly: an unknown condition or key, a value of the
// wrong type, a condition that cannot hold in the rule's scope or a
// placeholder the rule never fills is an error. vigie_kbc checks the
// built-in rules so at build time, and a bad rules file fails the build.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/model/scan_result.h"

namespace vigie::assess {

/// What a rule is evaluated against: each SDK, each recipient, each secret,
/// or the app once.
enum class Scope : uint8_t { kSdk, kRecipient, kSecret, kApp };

/// One condition of a rule (docs/findings.md).
struct Condition {
  enum class Kind : uint8_t {
    kVendorFlag,             ///< The SDK's vendor has flag `text`.
    kReaches,                ///< The code reaches every kind of `kinds` ("reaches", "reaches_all").
    kReachesAny,             ///< ... at least one of `kinds`.
    kLocationBackground,     ///< The SDK reaches the location in the background.
    kVendorCountryInPolicy,  ///< The vendor has ties to a country of --policy-countries.
    kDevelopedOutsideHq,     ///< The vendor builds its SDK outside its home country.
    kBackend,                ///< The secret is, or is not (`flag`), a backend address.
    kRole,                   ///< The secret's role is `text`.
    kCleartextAllowed,       ///< The app may send cleartext HTTP.
    kDebuggable,             ///< The app is debuggable.
    kAllowBackup,            ///< The app's data can be backed up.
  };
  Kind kind = Kind::kDebuggable;
  bool flag = true;
  std::string text;
  std::vector<std::string> kinds;
};

/// A higher severity when more conditions hold too.
struct Escalation {
  std::vector<Condition> when;
  Severity severity = Severity::kInfo;
};

struct Rule {
  std::string id;
  Scope scope = Scope::kApp;
  std::vector<Condition> when;
  Severity severity = Severity::kInfo;
  std::vector<Escalation> escalate;  ///< The first that holds applies.
  bool severity_from_secret = false;  ///< Secret scope: the secret's own severity.
  std::string summary;                ///< What the rule finds, in one sentence, without placeholders.
  std::string title, explanation;     ///< With {placeholders}.
};

struct RuleSet {
  std::vector<Rule> rules;
};

/// Parses rules in data/rules.json's format. When `data_kinds` is given,
/// every data kind a rule names must be among them (vigie_kbc passes those
/// of data/data_access.tsv). The error names the rule and the condition.
Result<RuleSet> ParseRules(std::string_view json, const std::set<std::string>* data_kinds = nullptr);

/// The built-in rules (data/rules.json).
const RuleSet& BuiltinRules();

struct RuleOptions {
  /// ISO country codes the user wants vendors' ties to be reported for
  /// (`--policy-countries`). Empty: the jurisdiction rule never fires.
  std::vector<std::string> policy_countries;
};

/// The findings `rules` make of `r`, most severe first, then in the rules'
/// order.
std::vector<Finding> EvaluateRules(const ScanResult& r, const RuleOptions& options,
                                   const RuleSet& rules = BuiltinRules());

}  // namespace vigie::assess
