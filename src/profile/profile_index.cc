#include "vigie/profile/profile_index.h"

#include <algorithm>
#include <cmath>

#include "vigie/base/limits.h"

namespace vigie::profile {
namespace {

// A feature more profile classes have than this is never looked up by: it
// would only bring generic candidates.
constexpr uint32_t kMaxPostings = 48;

// The weight of the features two sorted shapes share; `weights[i]` is
// that of a[i].
float SharedWeight(const Shape& a, const std::vector<float>& weights, const Shape& b) {
  float sum = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) ++i;
    else if (b[j] < a[i]) ++j;
    else sum += weights[i], ++i, ++j;
  }
  return sum;
}

}  // namespace

ProfileIndex ProfileIndex::Build(std::vector<Profile> profiles) {
  ProfileIndex x;
  x.profiles_ = std::move(profiles);
  // Document frequency over every profile class; the same class in two
  // versions of an SDK counts twice, which only makes it look commoner.
  for (const auto& p : x.profiles_) {
    x.classes_ += static_cast<uint32_t>(p.classes.size());
    for (const auto& c : p.classes)
      for (uint64_t h : c.shape) ++x.features_[h].classes;
  }
  uint32_t next = 0;
  for (auto& [h, f] : x.features_) {
    f.first = next;
    f.count = f.classes <= kMaxPostings ? f.classes : 0;
    next += f.count;
  }
  x.postings_.resize(next);
  std::unordered_map<uint64_t, uint32_t> used;
  for (uint32_t p = 0; p < x.profiles_.size(); ++p)
    for (uint32_t k = 0; k < x.profiles_[p].classes.size(); ++k)
      for (uint64_t h : x.profiles_[p].classes[k].shape)
        if (const Feature& f = x.features_[h]; f.count) x.postings_[f.first + used[h]++] = {p, k};
  return x;
}

float ProfileIndex::Weight(uint32_t profile_count, uint32_t app_count, const Background& b) const {
  const double docs = static_cast<double>(classes_) + b.classes;
  return static_cast<float>(std::log1p(docs / std::max(1u, profile_count + app_count)));
}

std::optional<ClassMatch> ProfileIndex::Match(const Shape& app, const Background& background) const {
  if (app.empty() || profiles_.empty()) return std::nullopt;
  auto app_count = [&](uint64_t h) -> uint32_t {
    const auto it = background.count.find(h);
    return it == background.count.end() ? 0 : it->second;
  };
  auto weight = [&](uint64_t h) {
    const auto it = features_.find(h);
    return Weight(it == features_.end() ? 0 : it->second.classes, app_count(h), background);
  };
  // Rare-feature weight per candidate.
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, float>> hits;
  std::vector<float> weights;  // Of each feature of `app`.
  weights.reserve(app.size());
  float app_weight = 0;
  for (uint64_t h : app) {
    const auto it = features_.find(h);
    const float w = Weight(it == features_.end() ? 0 : it->second.classes, app_count(h), background);
    weights.push_back(w);
    app_weight += w;
    if (it == features_.end()) continue;
    const Feature& f = it->second;
    for (uint32_t i = 0; i < f.count; ++i) hits.emplace_back(postings_[f.first + i], w);
  }
  if (hits.empty()) return std::nullopt;
  std::sort(hits.begin(), hits.end());
  std::vector<std::pair<float, std::pair<uint32_t, uint32_t>>> candidates;
  for (size_t i = 0; i < hits.size();) {
    float sum = 0;
    size_t j = i;
    for (; j < hits.size() && hits[j].first == hits[i].first; ++j) sum += hits[j].second;
    // Rare features alone must already carry part of the way.
    if (sum >= kMinWeakShared / 2) candidates.emplace_back(sum, hits[i].first);
    i = j;
  }
  if (candidates.empty()) return std::nullopt;
  const size_t keep = std::min(candidates.size(), limits::kMaxProfileCandidates);
  std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  std::optional<ClassMatch> best;
  for (size_t i = 0; i < keep; ++i) {
    const auto [p, k] = candidates[i].second;
    const Shape& theirs = profiles_[p].classes[k].shape;
    const float shared = SharedWeight(app, weights, theirs);
    const float score = shared / app_weight;
    if (shared < kMinWeakShared || score < kMinScore) continue;
    float their_weight = 0;
    for (uint64_t h : theirs) their_weight += weight(h);
    if (app_weight < kMinKept * their_weight) continue;
    const bool strong = shared >= kMinShared;
    if (!best || strong > best->strong || (strong == best->strong && (score > best->score ||
                                                                       (score == best->score && shared > best->shared))))
      best = ClassMatch{p, k, shared, std::min(score, 1.0f), strong};
  }
  return best;
}

}  // namespace vigie::profile
