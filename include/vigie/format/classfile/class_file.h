// JVM .class files (JVMS chapter 4), as found in JAR and AAR libraries:
// the class's own name and its constant-pool strings, read in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"

namespace vigie::classfile {

class ClassFile {
 public:
  /// Parses the header and the constant pool. Fails on a bad magic number or
  /// a constant pool that runs past the bytes or uses an unknown tag.
  static Result<ClassFile> Parse(ByteView bytes);

  /// This class's internal name ("com/example/Foo"), as modified UTF-8.
  std::string_view this_class() const { return this_class_; }
  uint16_t major_version() const { return major_; }

  /// fn(text) for each CONSTANT_String's value (string literals in code and
  /// constant fields), as modified UTF-8.
  template <typename Fn>
  void ForEachStringConstant(Fn&& fn) const {
    for (uint16_t idx : string_refs_)
      if (idx < utf8_.size() && !utf8_[idx].empty()) fn(utf8_[idx]);
  }

 private:
  std::vector<std::string_view> utf8_;  // Indexed by constant-pool slot; empty if not Utf8.
  std::vector<uint16_t> string_refs_;   // Utf8 slots named by CONSTANT_String entries.
  std::string_view this_class_;
  uint16_t major_ = 0;
};

/// True when `bytes` starts with the class-file magic 0xCAFEBABE.
bool LooksLikeClassFile(ByteView bytes);

}  // namespace vigie::classfile
