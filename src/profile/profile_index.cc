#include "vigie/profile/profile_index.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "vigie/base/blob.h"
#include "vigie/base/limits.h"

namespace vigie::profile {
namespace {

// A feature more profile classes have than this is never looked up by: it
// would only bring generic candidates.
constexpr uint32_t kMaxPostings = 48;

constexpr std::string_view kMagic = "VPIX";
constexpr uint32_t kVersion = 1;

template <typename T>
bool StrictlyIncreasing(std::span<const T> v) {
  return std::adjacent_find(v.begin(), v.end(), [](T a, T b) { return a >= b; }) == v.end();
}

// Whether `ends` are the ends of consecutive ranges of a table of `total`.
bool RangeEnds(const std::vector<uint32_t>& ends, size_t total) {
  return std::is_sorted(ends.begin(), ends.end()) && (ends.empty() ? total == 0 : ends.back() == total);
}

}  // namespace

ProfileIndex::Background::Background(const ProfileIndex& index)
    : count_(index.feature_hash_.size()),
      weight_(index.feature_hash_.size(), -1.0f),
      rare_(index.class_profile_.size()),
      index_(&index) {}

AppClass ProfileIndex::Background::Describe(const Shape& s) const {
  AppClass c;
  for (uint64_t h : s)
    if (const uint32_t f = index_->FeatureOf(h); f != kNoFeature) c.known.push_back(f);
    else ++c.unknown;
  return c;  // Ids are hash ranks, so the sorted shape gives sorted ids.
}

AppClass ProfileIndex::Background::Add(const Shape& s) {
  AppClass c = Describe(s);
  ++classes_;
  for (uint32_t f : c.known) ++count_[f];
  if (weighed_) std::fill(weight_.begin(), weight_.end(), -1.0f), weighed_ = false;
  return c;
}

ProfileIndex ProfileIndex::Build(std::vector<Profile> profiles) {
  ProfileIndex x;
  for (const auto& p : profiles)
    for (const auto& c : p.classes) x.feature_hash_.insert(x.feature_hash_.end(), c.shape.begin(), c.shape.end());
  std::sort(x.feature_hash_.begin(), x.feature_hash_.end());
  x.feature_hash_.erase(std::unique(x.feature_hash_.begin(), x.feature_hash_.end()), x.feature_hash_.end());
  x.feature_classes_.assign(x.feature_hash_.size(), 0);
  // Document frequency over every profile class; the same class in two
  // versions of an SDK counts twice, which only makes it look commoner.
  for (auto& p : profiles) {
    ProfileInfo info{std::move(p.sdk), std::move(p.binary), std::move(p.sha256), std::move(p.sources),
                     static_cast<uint32_t>(x.name_end_.size()), static_cast<uint32_t>(p.classes.size())};
    x.profiles_.push_back(std::move(info));
    for (auto& c : p.classes) {
      x.names_ += c.name;
      x.name_end_.push_back(static_cast<uint32_t>(x.names_.size()));
      std::sort(c.shape.begin(), c.shape.end());
      c.shape.erase(std::unique(c.shape.begin(), c.shape.end()), c.shape.end());
      for (uint64_t h : c.shape) {
        const auto f = static_cast<uint32_t>(
            std::lower_bound(x.feature_hash_.begin(), x.feature_hash_.end(), h) - x.feature_hash_.begin());
        x.shape_features_.push_back(f);
        ++x.feature_classes_[f];
      }
      x.shape_end_.push_back(static_cast<uint32_t>(x.shape_features_.size()));
    }
  }
  // Postings of the rare features, in class order.
  uint32_t end = 0;
  for (uint32_t n : x.feature_classes_) x.posting_end_.push_back(end += n <= kMaxPostings ? n : 0);
  x.postings_.resize(end);
  std::vector<uint32_t> next(x.feature_hash_.size());
  for (size_t f = 0; f < next.size(); ++f) next[f] = f ? x.posting_end_[f - 1] : 0;
  for (uint32_t k = 0, begin = 0; k < x.shape_end_.size(); begin = x.shape_end_[k++])
    for (uint32_t i = begin; i < x.shape_end_[k]; ++i)
      if (const uint32_t f = x.shape_features_[i]; next[f] < x.posting_end_[f]) x.postings_[next[f]++] = k;
  x.Finish();
  return x;
}

std::string ProfileIndex::Encode() const {
  BlobWriter w;
  w.Raw(kMagic);
  w.U32(kVersion);
  w.U32(static_cast<uint32_t>(profiles_.size()));
  for (const ProfileInfo& p : profiles_) {
    w.Str(p.sdk);
    w.Str(p.binary);
    w.Str(p.sha256);
    w.List(p.sources);
    w.U32(p.class_count);
  }
  w.Str(names_);
  w.Array(name_end_);
  w.Array(shape_end_);
  w.Array(shape_features_);
  w.Array(feature_hash_);
  w.Array(feature_classes_);
  w.Array(posting_end_);
  w.Array(postings_);
  return w.Take();
}

Result<ProfileIndex> ProfileIndex::Decode(ByteView bytes, std::string_view where) {
  auto fail = [&](std::string_view why) {
    return MakeError(ErrorCode::kProfileMalformed, 0, std::string(where) + ": " + std::string(why));
  };
  BlobReader r(bytes);
  if (r.Raw(kMagic.size()).AsString() != kMagic || r.U32() != kVersion) return fail("not a version 1 profile index");
  ProfileIndex x;
  const uint32_t profiles = r.U32();
  if (!r.Fits(profiles)) return fail("truncated profile table");
  uint32_t first = 0;
  for (uint32_t i = 0; i < profiles && r.ok(); ++i) {
    ProfileInfo p;
    p.sdk = r.Str();
    p.binary = r.Str();
    p.sha256 = r.Str();
    p.sources = r.List();
    p.first_class = first;
    p.class_count = r.U32();
    if (p.class_count > limits::kMaxProfileClasses) return fail("more classes than limits allow");
    first += p.class_count;
    x.profiles_.push_back(std::move(p));
  }
  x.names_ = r.Str();
  x.name_end_ = r.Array<uint32_t>();
  x.shape_end_ = r.Array<uint32_t>();
  x.shape_features_ = r.Array<uint32_t>();
  x.feature_hash_ = r.Array<uint64_t>();
  x.feature_classes_ = r.Array<uint32_t>();
  x.posting_end_ = r.Array<uint32_t>();
  x.postings_ = r.Array<uint32_t>();
  if (!r.ok()) return fail("truncated tables");
  if (x.name_end_.size() != first || !x.Finish()) return fail("inconsistent tables");
  return x;
}

bool ProfileIndex::Finish() {
  const size_t classes = name_end_.size(), features = feature_hash_.size();
  if (!RangeEnds(name_end_, names_.size()) || shape_end_.size() != classes ||
      !RangeEnds(shape_end_, shape_features_.size()) || feature_classes_.size() != features ||
      posting_end_.size() != features || !RangeEnds(posting_end_, postings_.size()) ||
      !StrictlyIncreasing(std::span<const uint64_t>(feature_hash_)))
    return false;
  class_profile_.clear();
  for (uint32_t p = 0; p < profiles_.size(); ++p) class_profile_.insert(class_profile_.end(), profiles_[p].class_count, p);
  if (class_profile_.size() != classes) return false;
  for (uint32_t k = 0; k < classes; ++k) {
    const auto shape = ShapeOf(k);
    if (!StrictlyIncreasing(shape) || (!shape.empty() && shape.back() >= features)) return false;
  }
  if (std::any_of(postings_.begin(), postings_.end(), [&](uint32_t k) { return k >= classes; })) return false;
  // Hashes are xxh3 values, so their low bits spread them well.
  size_t size = 16;
  while (size < 2 * features) size *= 2;
  slots_.assign(size, 0);
  for (uint32_t f = 0; f < features; ++f) {
    size_t i = feature_hash_[f] & (size - 1);
    while (slots_[i]) i = (i + 1) & (size - 1);
    slots_[i] = f + 1;
  }
  return true;
}

uint32_t ProfileIndex::FeatureOf(uint64_t h) const {
  if (slots_.empty()) return kNoFeature;
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const uint32_t slot = slots_[i];
    if (!slot) return kNoFeature;
    if (feature_hash_[slot - 1] == h) return slot - 1;
  }
}

std::span<const uint32_t> ProfileIndex::ShapeOf(uint32_t k) const {
  const uint32_t begin = k ? shape_end_[k - 1] : 0;
  return std::span<const uint32_t>(shape_features_).subspan(begin, shape_end_[k] - begin);
}

std::span<const uint32_t> ProfileIndex::PostingsOf(uint32_t f) const {
  const uint32_t begin = f ? posting_end_[f - 1] : 0;
  return std::span<const uint32_t>(postings_).subspan(begin, posting_end_[f] - begin);
}

std::string_view ProfileIndex::class_name(uint32_t k) const {
  const uint32_t begin = k ? name_end_[k - 1] : 0;
  return std::string_view(names_).substr(begin, name_end_[k] - begin);
}

float ProfileIndex::Weight(uint32_t profile_count, uint32_t app_count, const Background& b) const {
  const double docs = static_cast<double>(class_profile_.size()) + b.classes_;
  return static_cast<float>(std::log1p(docs / std::max(1u, profile_count + app_count)));
}

float ProfileIndex::FeatureWeight(uint32_t f, Background& b) const {
  b.weighed_ = true;
  float& w = b.weight_[f];
  if (w < 0) w = Weight(feature_classes_[f], b.count_[f], b);
  return w;
}

std::optional<ClassMatch> ProfileIndex::Match(const AppClass& app, Background& b) const {
  const std::vector<uint32_t>& known = app.known;
  if (known.empty() || profiles_.empty()) return std::nullopt;
  std::vector<float>& weights = b.known_weight_;
  weights.clear();
  float known_weight = 0, common_weight = 0;
  for (uint32_t f : known) {
    const float w = FeatureWeight(f, b);
    weights.push_back(w);
    known_weight += w;
    if (PostingsOf(f).empty()) common_weight += w;
  }
  // A feature no profile class has only counts against a match: it weighs
  // as if no other app class had it.
  const float app_weight = known_weight + static_cast<float>(app.unknown) * Weight(0, 1, b);
  // No profile class can share more than the known features: most of the
  // app's own classes stop here.
  const float needed = std::max(kMinWeakShared, kMinScore * app_weight);
  if (known_weight < needed) return std::nullopt;
  for (size_t i = 0; i < known.size(); ++i)
    for (uint32_t k : PostingsOf(known[i])) {
      if (b.rare_[k] == 0) b.touched_.push_back(k);
      b.rare_[k] += weights[i];
    }
  // Rare features alone must already carry part of the way, and with the
  // common ones be able to reach what a match needs.
  std::vector<std::pair<float, uint32_t>> candidates;
  for (uint32_t k : b.touched_) {
    if (b.rare_[k] >= kMinWeakShared / 2 && b.rare_[k] + common_weight >= needed) candidates.emplace_back(b.rare_[k], k);
    b.rare_[k] = 0;
  }
  b.touched_.clear();
  if (candidates.empty()) return std::nullopt;
  const size_t keep = std::min(candidates.size(), limits::kMaxProfileCandidates);
  std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                    [](const auto& x, const auto& y) { return std::tie(y.first, x.second) < std::tie(x.first, y.second); });
  std::optional<ClassMatch> best;
  for (size_t i = 0; i < keep; ++i) {
    const uint32_t k = candidates[i].second;
    const auto theirs = ShapeOf(k);
    // Both sides are sorted feature ids.
    float shared = 0, their_weight = 0;
    for (size_t a = 0, t = 0; a < known.size() && t < theirs.size();) {
      if (known[a] < theirs[t]) ++a;
      else if (theirs[t] < known[a]) ++t;
      else shared += weights[a], ++a, ++t;
    }
    const float score = shared / app_weight;
    if (shared < kMinWeakShared || score < kMinScore) continue;
    for (uint32_t f : theirs) their_weight += FeatureWeight(f, b);
    if (app_weight < kMinKept * their_weight) continue;
    const bool strong = shared >= kMinShared;
    if (!best || strong > best->strong || (strong == best->strong && (score > best->score ||
                                                                       (score == best->score && shared > best->shared))))
      best = ClassMatch{class_profile_[k], k, shared, std::min(score, 1.0f), strong};
  }
  return best;
}

}  // namespace vigie::profile
