// An open-addressing hash map from string views to small values, for
// tables of a million keys built once and looked up many times (indicators
// of compromise, a STIX2 bundle's references): entries in one array in the
// order they were added, and a probe table of 8-byte slots (a 32-bit hash
// and an entry's index), so that a million keys take 16 MB of slots and no
// allocation each. The map does not own the keys: their bytes must outlive
// it (an arena, a mapped file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#endif
#include <xxhash.h>

namespace vigie {

template <typename Value>
class FlatViewMap {
 public:
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  /// Room for `n` keys without growing.
  void Reserve(size_t n) {
    entries_.reserve(n);
    if (n * 2 > slots_.size()) Rehash(n * 2);
  }

  /// Adds key -> value unless the key is present; returns the value kept
  /// and whether it was added.
  std::pair<Value*, bool> Insert(std::string_view key, Value value) {
    return Emplace(key, [&] { return std::pair<std::string_view, Value>(key, std::move(value)); });
  }

  /// Insert() for a key whose view is temporary: make() is called only when
  /// the key is absent, and returns the view to keep (equal bytes) and the
  /// value.
  template <typename Make>
  std::pair<Value*, bool> Emplace(std::string_view key, Make&& make) {
    return Emplace(key, Hash(key), std::forward<Make>(make));
  }

  /// The hash the map gives a key: computed ahead, on other threads, it
  /// can be passed to Emplace() and Find().
  static uint32_t Hash(std::string_view key) { return static_cast<uint32_t>(XXH3_64bits(key.data(), key.size()) >> 32); }

  template <typename Make>
  std::pair<Value*, bool> Emplace(std::string_view key, uint32_t hash, Make&& make) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.entry == kEmpty) {
        auto [kept, value] = make();
        s = {hash, static_cast<uint32_t>(entries_.size())};
        entries_.push_back({kept, std::move(value)});
        return {&entries_.back().value, true};
      }
      if (s.hash == hash && entries_[s.entry].key == key) return {&entries_[s.entry].value, false};
    }
  }

  const Value* Find(std::string_view key) const { return Find(key, Hash(key)); }
  const Value* Find(std::string_view key, uint32_t hash) const {
    if (entries_.empty()) return nullptr;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.entry == kEmpty) return nullptr;
      if (s.hash == hash && entries_[s.entry].key == key) return &entries_[s.entry].value;
    }
  }

  /// Calls fn(key, value) for every entry, in the order they were added.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Entry& e : entries_) fn(e.key, e.value);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t hash = 0;
    uint32_t entry = kEmpty;
  };
  struct Entry {
    std::string_view key;
    Value value;
  };

  void Rehash(size_t at_least) {
    size_t n = 16;
    while (n < at_least) n *= 2;
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    for (uint32_t e = 0; e < entries_.size(); ++e) {
      const uint32_t hash = Hash(entries_[e].key);
      size_t i = hash & mask_;
      while (slots_[i].entry != kEmpty) i = (i + 1) & mask_;
      slots_[i] = {hash, e};
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  size_t mask_ = 0;
};

}  // namespace vigie
