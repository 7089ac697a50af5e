#include "vigie/sig/segment_trie.h"

#include <algorithm>
#include <functional>

namespace vigie::sig {

uint32_t SegmentTrie::Hash(uint32_t parent, std::string_view segment) {
  uint64_t h = std::hash<std::string_view>{}(segment) ^ (uint64_t{parent} * 0x9E3779B97F4A7C15ull);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

template <typename Fn>
void SegmentTrie::ForEachSegment(std::string_view key, Fn&& fn) const {
  if (!reversed_) {
    size_t start = 0;
    while (start <= key.size()) {
      size_t end = key.find(sep_, start);
      if (end == std::string_view::npos) end = key.size();
      if (!fn(key.substr(start, end - start))) return;
      start = end + 1;
    }
    return;
  }
  size_t end = key.size();
  while (true) {
    // Once `end` reaches the front (a key starting with the separator), what
    // is left is one empty segment.
    const size_t start = end == 0 ? std::string_view::npos : key.rfind(sep_, end - 1);
    const size_t from = start == std::string_view::npos ? 0 : start + 1;
    if (!fn(key.substr(from, end - from))) return;
    if (start == std::string_view::npos) return;
    end = start;
  }
}

uint32_t SegmentTrie::Child(uint32_t parent, std::string_view segment) const {
  const uint32_t h = Hash(parent, segment);
  const size_t mask = edges_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Edge& e = edges_[i];
    if (e.child == 0) return 0;
    if (e.hash == h && e.parent == parent && Segment(e) == segment) return e.child;
  }
}

void SegmentTrie::Grow() {
  std::vector<Edge> old(edges_.size() * 2);
  old.swap(edges_);
  const size_t mask = edges_.size() - 1;
  for (const Edge& e : old) {
    if (e.child == 0) continue;
    size_t i = e.hash & mask;
    while (edges_[i].child != 0) i = (i + 1) & mask;
    edges_[i] = e;
  }
}

void SegmentTrie::Reserve(size_t keys) {
  // Keys share their first segments: about two new edges each, with at most
  // 70% of the slots used.
  size_t size = edges_.size();
  while (7 * size < 10 * 2 * keys) size *= 2;
  if (edge_count_ == 0 && size != edges_.size()) edges_ = std::vector<Edge>(size);
}

void SegmentTrie::Insert(std::string_view key, uint32_t entry) {
  uint32_t node = 0;
  ForEachSegment(key, [&](std::string_view seg) {
    if (seg.empty()) return true;
    if (const uint32_t child = Child(node, seg)) {
      node = child;
      return true;
    }
    if (Full()) Grow();
    const uint32_t h = Hash(node, seg);
    const size_t mask = edges_.size() - 1;
    size_t i = h & mask;
    while (edges_[i].child != 0) i = (i + 1) & mask;
    edges_[i] = {h, node, node_count_++, static_cast<uint32_t>(segments_.size())};
    segments_.emplace_back(static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(seg.size()));
    arena_.append(seg);
    ++edge_count_;
    node = edges_[i].child;
    return true;
  });
  if (node != 0) listed_.emplace_back(node, entry);
}

void SegmentTrie::Finish() {
  // A stable sort keeps each node's entries in insertion order.
  std::stable_sort(listed_.begin(), listed_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  first_.assign(node_count_ + 1, 0);
  for (const auto& [node, entry] : listed_) ++first_[node + 1];
  for (size_t n = 1; n < first_.size(); ++n) first_[n] += first_[n - 1];
  entries_.clear();
  entries_.reserve(listed_.size());
  for (const auto& [node, entry] : listed_) entries_.push_back(entry);
  listed_.clear();
  listed_.shrink_to_fit();
}

std::span<const uint32_t> SegmentTrie::Owners(std::string_view key) const {
  if (first_.empty()) return {};
  uint32_t node = 0, deepest = 0;
  ForEachSegment(key, [&](std::string_view seg) {
    node = Child(node, seg);
    if (node == 0) return false;
    if (first_[node + 1] > first_[node]) deepest = node;
    return true;
  });
  if (deepest == 0) return {};
  return std::span<const uint32_t>(entries_).subspan(first_[deepest], first_[deepest + 1] - first_[deepest]);
}

}  // namespace vigie::sig
