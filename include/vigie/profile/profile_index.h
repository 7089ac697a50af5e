// Matching app classes against SDK profiles (docs/renamed-code.md).
//
// Each feature is weighted by how rare it is among the profiles' classes
// and the app's own unnamed classes (idf over both), so what many classes
// have (extends Object, Parcelable plumbing) counts for little and an
// SDK's own strings and calls count for much. An app class is looked up
// through the features rare among the profiles, then scored in full
// against the few profile classes that share them:
//
//   score = shared weight / app class weight
//
// so a class that shrinking cut down to the methods an app calls still
// scores high against its whole original. A match must also share enough
// weight, and keep enough of the profile class, to rule out small generic
// classes that happen to sit inside a large SDK class.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/profile/profile.h"

namespace vigie::profile {

/// One app class taken as a profile class.
struct ClassMatch {
  uint32_t profile = 0;  ///< Index into ProfileIndex::profiles().
  uint32_t klass = 0;    ///< Index into that profile's classes.
  float shared = 0;      ///< Weight of the features both have.
  float score = 0;       ///< 0..1, see above.
  /// Shares kMinShared: strong enough to count towards finding an SDK.
  /// A weaker match (kMinWeakShared) only ties a small class to an SDK
  /// that strong matches found.
  bool strong = false;
};

class ProfileIndex {
 public:
  /// Least shared weight, and score, for one class match: about three
  /// features no other profiled class has, and most of the smaller side.
  static constexpr float kMinShared = 30.0f;
  static constexpr float kMinWeakShared = 10.0f;
  static constexpr float kMinScore = 0.8f;
  /// Least app class weight, as a share of the profile class's.
  static constexpr float kMinKept = 0.3f;

  /// How many of the app's unnamed classes have each feature: the app's
  /// own background, so code common in this app weighs little.
  struct Background {
    std::unordered_map<uint64_t, uint32_t> count;
    uint32_t classes = 0;
    void Add(const Shape& s) {
      ++classes;
      for (uint64_t h : s) ++count[h];
    }
  };

  /// Indexes `profiles`.
  static ProfileIndex Build(std::vector<Profile> profiles);

  const std::vector<Profile>& profiles() const { return profiles_; }
  bool empty() const { return profiles_.empty(); }

  /// The best profile class for an app class of shape `app`, when it
  /// passes the thresholds above.
  std::optional<ClassMatch> Match(const Shape& app, const Background& background) const;


 private:
  struct Feature {
    uint32_t classes = 0;           // Profile classes that have it.
    uint32_t first = 0, count = 0;  // Its postings, when rare enough to be looked up by.
  };
  // Weight of a feature that `profile_count` profile classes and
  // `app_count` app classes have.
  float Weight(uint32_t profile_count, uint32_t app_count, const Background& b) const;

  std::vector<Profile> profiles_;
  std::unordered_map<uint64_t, Feature> features_;
  std::vector<std::pair<uint32_t, uint32_t>> postings_;  // (profile, class)
  uint32_t classes_ = 0;  // Profile classes.
};

}  // namespace vigie::profile
