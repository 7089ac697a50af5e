// JVM .class files (JVMS chapter 4), as found in JAR and AAR libraries:
// the class's own name, its supertypes, its fields and methods, and the
// strings and members its constant pool names, all read in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"

namespace vigie::classfile {

/// A field or method the class declares.
struct Member {
  std::string_view name;        ///< Modified UTF-8.
  std::string_view descriptor;  ///< "(Landroid/content/Context;I)V", "Ljava/lang/String;"
  uint16_t access = 0;
};

/// A field or method the class's code refers to (Fieldref, Methodref,
/// InterfaceMethodref): the class named in the reference, not where the
/// member is declared.
struct MemberRef {
  std::string_view owner;  ///< Internal name ("android/location/LocationManager"); an array descriptor for array methods.
  std::string_view name;
  std::string_view descriptor;
  bool method = false;
};

class ClassFile {
 public:
  /// Parses the header, the constant pool and the field and method tables.
  /// Fails on a bad magic number, a constant pool that runs past the bytes
  /// or uses an unknown tag, or an index out of the pool. A file cut inside
  /// its member tables keeps the members read before the cut
  /// (`members_complete()` is then false).
  static Result<ClassFile> Parse(ByteView bytes);

  /// This class's internal name ("com/example/Foo"), as modified UTF-8.
  std::string_view this_class() const { return this_class_; }
  /// The superclass's internal name; empty for java/lang/Object.
  std::string_view super_class() const { return super_class_; }
  const std::vector<std::string_view>& interfaces() const { return interfaces_; }
  const std::vector<Member>& fields() const { return fields_; }
  const std::vector<Member>& methods() const { return methods_; }
  const std::vector<MemberRef>& member_refs() const { return member_refs_; }
  uint16_t major_version() const { return major_; }
  bool members_complete() const { return members_complete_; }

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
  std::string_view this_class_, super_class_;
  std::vector<std::string_view> interfaces_;
  std::vector<Member> fields_, methods_;
  std::vector<MemberRef> member_refs_;
  uint16_t major_ = 0;
  bool members_complete_ = true;
};

/// True when `bytes` starts with the class-file magic 0xCAFEBABE.
bool LooksLikeClassFile(ByteView bytes);

}  // namespace vigie::classfile
