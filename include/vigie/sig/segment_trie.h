// A trie over the segments of dotted or slashed names ("com/appsflyer/X",
// the labels of "t.appsflyer.com" read from the right), answering one
// question: which entries are listed at the longest listed prefix of a key.
//
// Built once per run from the knowledge, then walked for every class and
// host of every scanned app. Its edges live in one open-addressing table,
// keyed by (parent node, segment), with the segments in one arena: building
// it allocates a few buffers rather than one map per node, and a walk
// allocates nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::sig {

class SegmentTrie {
 public:
  /// How a key is cut into segments: at `sep`, read from the left, or from
  /// the right when `reversed` (host labels).
  SegmentTrie(char sep, bool reversed) : sep_(sep), reversed_(reversed) {}

  /// Sizes the table for about `keys` keys of a few segments each, so that
  /// inserting them rarely grows it.
  void Reserve(size_t keys);
  /// Lists `entry` at `key`. Empty segments are skipped ("com.example."
  /// means "com.example"); an empty key lists nothing.
  void Insert(std::string_view key, uint32_t entry);
  /// Indexes the entries; call once after the last Insert, before lookups.
  void Finish();

  /// The entries listed at the longest listed prefix of `key`, in the order
  /// they were inserted; empty when no prefix is listed.
  std::span<const uint32_t> Owners(std::string_view key) const;
  /// Whether some listed key starts with the segment `first`.
  bool HasFirstSegment(std::string_view first) const { return Child(0, first) != 0; }
  /// Calls fn(segment) for every first segment of a listed key.
  template <typename Fn>
  void ForEachFirstSegment(Fn&& fn) const {
    for (const Edge& e : edges_)
      if (e.child != 0 && e.parent == 0) fn(Segment(e));
  }

 private:
  // 16 bytes: the table is touched whole while it is built, and on this
  // kind of host every fresh page costs as much as hundreds of lookups.
  struct Edge {
    uint32_t hash = 0;
    uint32_t parent = 0, child = 0;  // child 0: an empty slot (the root is nobody's child)
    uint32_t segment = 0;            // into segments_
  };
  static uint32_t Hash(uint32_t parent, std::string_view segment);
  std::string_view Segment(const Edge& e) const {
    const auto [offset, size] = segments_[e.segment];
    return std::string_view(arena_).substr(offset, size);
  }
  bool Full() const { return 10 * (edge_count_ + 1) > 7 * edges_.size(); }
  uint32_t Child(uint32_t parent, std::string_view segment) const;
  void Grow();
  template <typename Fn>
  void ForEachSegment(std::string_view key, Fn&& fn) const;

  char sep_;
  bool reversed_;
  std::vector<Edge> edges_ = std::vector<Edge>(64);  // A power of two, at most 70% full.
  size_t edge_count_ = 0;
  std::string arena_;
  std::vector<std::pair<uint32_t, uint32_t>> segments_;  // (offset, size) in arena_, one per edge
  uint32_t node_count_ = 1;
  std::vector<std::pair<uint32_t, uint32_t>> listed_;  // (node, entry), until Finish
  std::vector<uint32_t> first_;    // Per node, where its entries start in entries_ (node_count_ + 1 values).
  std::vector<uint32_t> entries_;  // Grouped by node.
};

}  // namespace vigie::sig
