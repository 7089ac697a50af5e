// Bytes of many small strings kept in large blocks that never move, so
// that views into them stay valid for the arena's life (including after
// the arena is moved): one allocation per megabyte instead of one per
// string.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace vigie {

class StringArena {
 public:
  /// A copy of `s` that lives as long as the arena.
  std::string_view Add(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > kBlockBytes / 4) {  // A large string gets its own block.
      big_.push_back(std::make_unique_for_overwrite<char[]>(s.size()));
      std::memcpy(big_.back().get(), s.data(), s.size());
      return {big_.back().get(), s.size()};
    }
    if (blocks_.empty() || kBlockBytes - used_ < s.size()) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
      used_ = 0;
    }
    char* out = blocks_.back().get() + used_;
    std::memcpy(out, s.data(), s.size());
    used_ += s.size();
    return {out, s.size()};
  }

 private:
  static constexpr size_t kBlockBytes = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_, big_;
  size_t used_ = 0;
};

}  // namespace vigie
