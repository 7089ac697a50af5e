// Matching app classes against SDK profiles (docs/renamed-code.md).
//
// Each feature is weighted by how rare it is among the profiles' classes
// and the app's own renamed classes (idf over both), so what many classes
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
//
// The index is compiled once, by vigie_kbc, into flat tables (Encode);
// loading it (Decode) copies them and hashes the features, nothing more.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"
#include "vigie/profile/profile.h"

namespace vigie::profile {

/// One app class taken as a profile class.
struct ClassMatch {
  uint32_t profile = 0;  ///< Index of its profile (ProfileIndex::profile).
  uint32_t klass = 0;    ///< Index of the profile class, over all profiles (ProfileIndex::class_name).
  float shared = 0;      ///< Weight of the features both have.
  float score = 0;       ///< 0..1, see above.
  /// Shares kMinShared: strong enough to count towards finding an SDK.
  /// A weaker match (kMinWeakShared) only ties a small class to an SDK
  /// that strong matches found.
  bool strong = false;
};

/// A profile without its classes, which the index holds.
struct ProfileInfo {
  std::string sdk, binary, sha256;
  std::vector<std::string> sources;
  uint32_t first_class = 0, class_count = 0;
};

/// An app class as an index sees it: the ids of the features its
/// profiles know, sorted, and how many features they do not.
struct AppClass {
  std::vector<uint32_t> known;
  uint32_t unknown = 0;
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

  /// The app's renamed classes, which weigh down what is common in this
  /// app, and the scratch space of Match. One per app and thread.
  class Background {
   public:
    explicit Background(const ProfileIndex& index);
    /// Class `s` as the index sees it.
    AppClass Describe(const Shape& s) const;
    /// The same, counted in the background. Add every class before the
    /// first Match.
    AppClass Add(const Shape& s);

   private:
    friend class ProfileIndex;
    std::vector<uint32_t> count_;  // Per feature of the index: app classes that have it.
    uint32_t classes_ = 0;
    // Each feature's weight, made on first use (-1: not yet); Add clears them.
    std::vector<float> weight_;
    bool weighed_ = false;
    // Match's scratch: rare shared weight per profile class, the classes
    // touched, and the weights of the app class's known features.
    std::vector<float> rare_, known_weight_;
    std::vector<uint32_t> touched_;
    const ProfileIndex* index_;
  };

  /// Indexes `profiles`.
  static ProfileIndex Build(std::vector<Profile> profiles);
  /// The index as flat little-endian tables ("VPIX"), for Decode.
  std::string Encode() const;
  /// Reads what Encode wrote; every count and index is checked, and a
  /// truncated or inconsistent blob is an Error naming `where`.
  static Result<ProfileIndex> Decode(ByteView bytes, std::string_view where);

  bool empty() const { return profiles_.empty(); }
  size_t profile_count() const { return profiles_.size(); }
  /// How many profile classes there are, across profiles (ClassMatch::klass).
  size_t class_count() const { return name_end_.size(); }
  const ProfileInfo& profile(uint32_t p) const { return profiles_[p]; }
  /// The dotted name of profile class `klass` (ClassMatch::klass).
  std::string_view class_name(uint32_t klass) const;

  /// The best profile class for app class `app`, when it passes the
  /// thresholds above.
  std::optional<ClassMatch> Match(const AppClass& app, Background& background) const;

 private:
  static constexpr uint32_t kNoFeature = UINT32_MAX;
  // The feature id of hash `h`, or kNoFeature when no profile class has it.
  uint32_t FeatureOf(uint64_t h) const;
  std::span<const uint32_t> ShapeOf(uint32_t klass) const;
  std::span<const uint32_t> PostingsOf(uint32_t feature) const;
  // Weight of a feature that `profile_count` profile classes and
  // `app_count` app classes have.
  float Weight(uint32_t profile_count, uint32_t app_count, const Background& b) const;
  // Weight of feature `f`, cached in `b`.
  float FeatureWeight(uint32_t f, Background& b) const;
  // Checks the tables' consistency and builds slots_; false if they are not.
  bool Finish();

  std::vector<ProfileInfo> profiles_;
  std::vector<uint32_t> class_profile_;     // Per class: its profile.
  std::string names_;                       // Class names, one after another,
  std::vector<uint32_t> name_end_;          // each ending here.
  std::vector<uint32_t> shape_end_;         // Per class: where its features end in
  std::vector<uint32_t> shape_features_;    // these sorted feature ids.
  std::vector<uint64_t> feature_hash_;      // Sorted: a feature's id is its rank.
  std::vector<uint32_t> feature_classes_;   // Per feature: profile classes that have it.
  std::vector<uint32_t> posting_end_;       // Per feature: where its postings end in
  std::vector<uint32_t> postings_;          // these class indices (rare features only).
  std::vector<uint32_t> slots_;             // Open addressing over feature_hash_: id + 1, 0 empty.
};

}  // namespace vigie::profile
