// What code a package carries: its DEX files, native libraries, nested
// archives and JVM classes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigie {

/// Where a DEX was found.
enum class DexOrigin : uint8_t {
  kPackage,      ///< A classesN.dex of the package itself (or the input is a DEX).
  kNested,       ///< Inside an APK or JAR nested in the package.
  kJanusPrefix,  ///< Prepended to the ZIP (CVE-2017-13156): not part of the package.
};
std::string_view DexOriginName(DexOrigin o);

/// One DEX file read from the package.
struct DexSummary {
  std::string path;  ///< Entry path, nested archives joined with '!'.
  DexOrigin origin = DexOrigin::kPackage;
  uint32_t version = 0;
  uint64_t size = 0;
  uint32_t class_count = 0;
  uint32_t method_count = 0;
  uint32_t field_count = 0;
  uint32_t string_count = 0;
  uint32_t type_count = 0;
  bool checksum_valid = true;
};

struct PackageCount {
  std::string name;  ///< Java package prefix, e.g. "com.google.android".
  uint32_t class_count = 0;
};

/// A library the package records with its Maven coordinates
/// (android::ReadLibraryRecord).
struct Library {
  std::string group, artifact, version;
  std::string where;  ///< The entry that records it.
};

struct CodeInventory {
  std::vector<DexSummary> dex;
  uint64_t class_count = 0;                ///< Class definitions over every DEX but a Janus prefix.
  std::vector<PackageCount> top_packages;  ///< Largest package prefixes.
  std::vector<std::string> native_libs;    ///< lib/<abi>/*.so entries.
  std::vector<std::string> nested_archives;
  uint64_t jvm_class_count = 0;  ///< .class entries (JAR and AAR libraries).
  std::vector<Library> libraries;  ///< By group and artifact, each once.
};

}  // namespace vigie
