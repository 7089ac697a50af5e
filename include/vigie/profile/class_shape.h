// A class's shape: what of a class survives ProGuard and R8 renaming,
// package flattening and access changes (docs/renamed-code.md). Names of
// the app's own types, members and packages are what those tools change,
// so a shape keeps only:
//  - its superclass and interfaces when they are platform types;
//  - its fields' and methods' types, with app types written "X";
//  - the platform methods and fields its code uses, by full name;
//  - the shapes of the app methods it calls;
//  - its string constants.
// Each is a 64-bit hash; a shape is their sorted set (fields and methods of
// the same type count as many times as they occur). The same class gives
// the same shape whether it is read from a DEX or a .class file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"

namespace vigie::profile {

/// Sorted, unique feature hashes.
using Shape = std::vector<uint64_t>;

/// Whether internal name `name` ("android/location/LocationManager") is a
/// platform type: part of the Java or Android platform every app links
/// against, so no obfuscator renames it. The support library and androidx
/// are not: they are shipped, and shrunk, with the app.
bool IsPlatformType(std::string_view name);

/// `descriptor` with every non-platform class type written "X":
/// "(Lcom/foo/Bar;[Ljava/lang/String;I)V" -> "(X[Ljava/lang/String;I)V".
std::string AbstractDescriptor(std::string_view descriptor);

/// Whether a class name ("a.b.c$a", "aX", or as a DEX descriptor
/// "La/b/c$a;") looks like an obfuscator renamed it: its outer class's
/// simple name and every segment of its package have at most three letters
/// or digits, as ProGuard and R8 name classes and packages. A longer name
/// is one its developers chose, which renamed SDK code does not keep: a
/// library an SDK copied into its own package keeps its names where apps
/// ship it (OneSignal's JobIntentService), and a class renamed inside a
/// named package (android.support.v4.a.c) is that package's library.
bool LooksRenamed(std::string_view name);

/// The shape of a parsed .class file.
Shape ShapeOfClassFile(const classfile::ClassFile& c);

/// Shapes the classes of one DEX. Method and field references are hashed
/// once per DEX and reused by every class that uses them.
class DexShaper {
 public:
  explicit DexShaper(const dex::DexFile& dex);
  /// The shape of class definition `class_def`.
  Shape Of(uint32_t class_def);

 private:
  uint64_t MethodRef(uint32_t method_idx);
  uint64_t FieldRef(uint32_t field_idx);
  // The features of a defined method (by its name and proto) and field
  // (by its type).
  uint64_t MethodFeature(uint32_t name_idx, uint32_t proto_idx);
  uint64_t FieldFeature(uint32_t type_idx);
  uint64_t StringFeature(uint32_t string_idx);
  // "(X[Ljava/lang/String;)V": proto `proto_idx` with app types abstracted.
  std::string_view AbstractProto(uint32_t proto_idx);
  // "com/foo/Bar" for type "Lcom/foo/Bar;"; arrays as they are.
  std::string_view InternalName(uint32_t type_idx) const;

  const dex::DexFile& dex_;
  // Per reference, proto, type and string: 0 is not hashed yet; 1 not a
  // feature.
  std::vector<uint64_t> method_refs_, field_refs_, method_shapes_, field_types_, strings_, supers_, interfaces_,
      app_calls_;
  // Per type: 0 not looked at, 2 a platform type (or an array), 1 not.
  bool IsPlatform(uint32_t type_idx);
  std::vector<uint8_t> platform_;
  std::vector<std::string> abstract_protos_;  // Per proto; empty: not made yet.
  // What a method name is; obfuscated code reuses a few names everywhere,
  // so each is read once.
  enum class Name : uint8_t { kUnread, kInit, kClinit, kOther };
  Name NameOf(uint32_t name_idx);
  std::vector<Name> names_;  // Per string.
  std::vector<uint64_t> refs_, set_, repeated_;  // Of the class being shaped.
  std::string text_;            // Scratch for the text of a reference.
  // Per method, field and string reference: the class that last used it
  // (Of's count), so each is added once per class however often its
  // code uses it.
  std::vector<uint32_t> method_seen_, field_seen_, string_seen_;
  uint32_t shaped_ = 0;
};

}  // namespace vigie::profile
