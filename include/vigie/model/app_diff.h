// What changed from one version of an app to the next (`vigie diff`): what
// the new version adds, and what it drops, each with the evidence of the
// version that has it.
#pragma once

#include <string>
#include <vector>

#include "vigie/model/scan_result.h"

namespace vigie {

/// An SDK one version has and the other does not.
struct SdkChange {
  std::string id, name, vendor;  ///< vendor: its name, or its id when the KB lacks it.
  Confidence confidence = Confidence::kLow;
  std::string basis;
  std::vector<std::string> classes;  ///< Example classes.
};

/// A kind of data an SDK's code reaches and can read in the new version,
/// and could not in the old one.
struct DataGain {
  std::string sdk_id, sdk_name, kind;
  std::vector<std::string> apis;
  std::string call_site;            ///< An example.
  std::vector<std::string> held;    ///< The permissions that let it run.
};

struct AppDiff {
  FileInfo old_file, new_file;
  AppIdentity old_app, new_app;
  bool same_package = true;
  std::vector<SdkChange> sdks_added, sdks_removed;
  std::vector<DataGain> data_gained;
  std::vector<Recipient> recipients_added;  ///< Vendors receiving data through the new version only.
  std::vector<std::string> countries_added;  ///< Countries of the new version's recipients only.
  std::vector<std::string> permissions_added, permissions_removed;
  std::vector<Endpoint> endpoints_added;
  std::vector<Finding> findings_added;
  /// Violations of the policy the new version has and the old one did not
  /// (with --policy); suppressed ones are marked as in PolicyVerdict.
  std::vector<PolicyViolation> violations_added;
  bool policy_applied = false;
  /// Whether an added violation stands: the gate's verdict.
  bool violated() const;
};

}  // namespace vigie
