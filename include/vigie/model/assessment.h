// What a scan concludes: who receives data through the app, and findings in
// plain language with the evidence behind each.
#pragma once

#include <string>
#include <vector>

#include "vigie/model/ratings.h"

namespace vigie {

/// A third party that receives data through the app: one vendor, with what
/// its SDKs can take and where the vendor is (assess/recipients.h).
struct Recipient {
  std::string vendor_id;
  std::string name;                    ///< The vendor's name, or its id when the KB lacks it.
  std::string parent, ultimate_parent;  ///< Who owns the vendor; empty: none, or not public.
  std::string hq_country;              ///< Empty when unknown.
  std::vector<std::string> countries;  ///< HQ first, then every other jurisdiction with ties.
  std::vector<std::string> flags;      ///< The vendor's flags (data_broker, ...).
  /// Kinds of data the vendor's SDKs reach and can run with here (usable
  /// data_access), in the table's order.
  std::vector<std::string> data_kinds;
  std::vector<std::string> via;  ///< Names of the SDKs, in report order.
  Confidence confidence = Confidence::kLow;  ///< The highest confidence among them.
};

/// A plain-language finding produced by a rule of data/rules.json
/// (docs/findings.md), with the chain of evidence behind it.
struct Finding {
  std::string id;  ///< The rule's id, e.g. "location-to-data-broker".
  Severity severity = Severity::kInfo;
  std::string title;
  std::string explanation;
  std::string subject;  ///< What it is about: an SDK id, a vendor id, a secret kind, or "app".
  std::vector<std::string> evidence;
};

/// A rule of the user's policy (`--policy`) an app breaks, with the
/// evidence that shows it (docs/policy.md).
struct PolicyViolation {
  /// What the policy denies: "vendor", "vendor_country", "vendor_tie",
  /// "vendor_flag", "sdk_category", "data_kind" or "finding".
  std::string rule;
  std::string subject;  ///< The SDK's id, or the finding's rule id.
  std::string message;  ///< One line.
  std::vector<std::string> evidence;
  std::string suppressed_by;  ///< The suppression's reason; empty when it stands.
};

/// What the policy says of one app.
struct PolicyVerdict {
  bool applied = false;  ///< A policy was given.
  std::vector<PolicyViolation> violations;  ///< Standing ones first, then suppressed ones.
  /// Suppressions of this app past their expiry date: no longer applied.
  std::vector<std::string> expired;
  /// Whether a violation stands.
  bool violated() const;
};

}  // namespace vigie
