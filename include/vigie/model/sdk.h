// Third-party SDKs found in an app, with the evidence for each and what
// its code can reach.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/model/ratings.h"
#include "vigie/model/vendor.h"

namespace vigie {

/// A bounded list of evidence: how many items matched, and the first few.
struct EvidenceList {
  static constexpr size_t kMaxExamples = 5;  // Enough to judge; the count says the rest.
  uint64_t count = 0;
  std::vector<std::string> examples;
  void Add(std::string_view item);
  /// Counts an item whose text make() gives, called only when the item is
  /// kept as an example: most are only counted.
  template <typename Make>
  void AddLazily(Make&& make) {
    ++count;
    if (examples.size() < kMaxExamples) examples.emplace_back(make());
  }
  /// Adds `later`'s items after these, as if they had been added one by one.
  void Append(const EvidenceList& later);
};

/// A kind of personal data an SDK's own code reaches (docs/data-access.md).
struct DataAccess {
  std::string kind;               ///< "location", "advertising_id", ...
  std::vector<std::string> apis;  ///< "LocationManager.requestLocationUpdates", sorted.
  /// "io.mysdk.Loc.start() -> LocationManager.requestLocationUpdates".
  EvidenceList call_sites;
  /// Any one of these lets the calls return data; empty when none is needed.
  std::vector<std::string> permissions;
  std::vector<std::string> held;  ///< Those of `permissions` the app requests.
  bool usable = false;            ///< The app's permissions let the code run.
  /// Location only: "precise" or "coarse", and whether in the background.
  std::string precision;
  bool background = false;
};

/// Renamed code matched by its structure against an SDK profile
/// (docs/renamed-code.md).
struct StructureMatch {
  std::string profile;  ///< The SDK binary the profile was built from, "pushwoosh_v6.7.58.aar".
  /// How alike the matched classes are to the profile's, 0..1: the mean of
  /// their scores, weighted by what they share.
  double similarity = 0;
  uint32_t classes = 0;          ///< App classes matched.
  uint32_t profile_classes = 0;  ///< Classes the profile holds.
};

/// One third-party SDK found in the input, with the evidence for it.
struct SdkFinding {
  std::string id;  ///< Signature id: "vigie:appsflyer", "exodus:12".
  std::string name;
  std::string vendor;  ///< Vendor id, "" when the database names none.
  /// What the vendor KB says of the vendor; empty when it does not know it.
  std::optional<Vendor> vendor_info;
  std::vector<std::string> categories;
  std::vector<int> exodus_ids;  ///< The Exodus trackers the signature covers.
  std::string source;      ///< The database that recognised it.
  EvidenceList classes;    ///< Class names (defined classes, or Exodus' class set).
  /// Classes no package of the SDK names, taken as its renamed code because
  /// they load a string only it holds (a host it owns, one of its manifest
  /// keys) or because their structure matches its profile. Never "high" on
  /// their own.
  EvidenceList renamed_classes;
  /// Set when renamed classes matched the SDK's profile by structure.
  std::optional<StructureMatch> structure;
  EvidenceList strings;    ///< Hosts the SDK owns, in DEX strings, class constants, meta-data and string resources.
  /// Hosts the SDK shares with others or with a platform. Supporting
  /// evidence only, like `permissions`.
  EvidenceList shared_strings;
  EvidenceList manifest;   ///< Components and meta-data keys. Supporting evidence only.
  /// Permissions the app requests that the SDK's own manifest declares.
  /// Supporting evidence only: many SDKs ask for the same permissions, so
  /// these never make a finding, nor raise its confidence.
  EvidenceList permissions;
  std::vector<DataAccess> data_access;  ///< By kind, in data/data_access.tsv order.
  Confidence confidence = Confidence::kLow;  ///< docs/sdk-kb.md
  std::string basis;       ///< Which evidence kinds fired, in words.

  /// The usable access of kind `kind`, or null.
  const DataAccess* UsableAccess(std::string_view kind) const;
  /// The kinds of data its code can read as the app's permissions stand,
  /// in data/data_access.tsv order.
  std::vector<std::string> UsableKinds() const;
};

}  // namespace vigie
