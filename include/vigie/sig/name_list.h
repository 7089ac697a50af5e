// Names in one flat, newline-joined buffer, matched by one vectorscan call:
// thousands of class names cost one allocation and one scan. No signature
// can match across a newline.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::sig {

class NameList {
 public:
  /// Appends `name` as one name.
  void Add(std::string_view name) {
    text_.append(name);
    ends_.push_back(text_.size());
    text_.push_back('\n');
  }

  size_t size() const { return ends_.size(); }
  std::string_view text() const { return text_; }
  std::string_view name(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1] + 1;
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  /// The index of the name a match ending at byte `end` of text() falls in.
  size_t IndexOfEnd(uint64_t end) const;

 private:
  std::string text_;
  std::vector<uint64_t> ends_;  // End offset of each name in text_.
};

}  // namespace vigie::sig
