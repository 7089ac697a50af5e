// What each SDK's code reaches: the framework APIs its own classes call or
// read, mapped to kinds of personal data (data/data_access.tsv,
// docs/data-access.md).
//
// The table is resolved once per DEX against its method and field ids, so
// the walk over an SDK's code is one array lookup per invoke or sget. Only
// the classes attributed to an SDK are walked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"

namespace vigie::detect {

/// One row of data/data_access.tsv.
struct ApiRule {
  std::string member;       ///< "Landroid/location/LocationManager;->requestLocationUpdates"
  std::string display;      ///< "LocationManager.requestLocationUpdates"
  std::string kind;         ///< "location", "advertising_id", ...
  std::vector<std::string> permissions;  ///< Any one lets the call return data; empty: none needed.
  std::string with_string;  ///< A string constant the calling method must also load, or empty.
  std::string source;
};

/// Parses data/data_access.tsv's format, strictly.
Result<std::vector<ApiRule>> ParseApiRules(std::string_view tsv);

/// The built-in table (checked at build time by vigie_kbc).
const std::vector<ApiRule>& ApiRules();

/// Where `kind` first appears in the table: reports list kinds in that order.
size_t KindRank(const std::string& kind);

/// One use of a listed API by a class: the calling method and the rule.
struct ApiUse {
  uint32_t class_def;   ///< The calling class.
  uint32_t method_idx;  ///< The calling method.
  uint32_t rule;        ///< Index into ApiRules().
};

/// The table resolved against one DEX's ids.
class DexApiIndex {
 public:
  explicit DexApiIndex(const dex::DexFile& dex);

  /// Appends every use of a listed API by the code of class `class_def`.
  /// With `loads`, also appends (class_def, string index) there for each
  /// const-string of a string `loads->wanted` marks (endpoint attribution:
  /// the strings holding endpoints, secrets or an SDK's own strings).
  struct Loads {
    const std::vector<bool>& wanted;  // By string index.
    std::vector<std::pair<uint32_t, uint32_t>>& out;
  };
  void CollectUses(uint32_t class_def, std::vector<ApiUse>& out, const Loads* loads = nullptr) const;

 private:
  const dex::DexFile& dex_;
  // Rule per method and field id, -1 for none: one array load per
  // instruction of the walk.
  std::vector<int32_t> method_rule_, field_rule_;
  bool any_rule_ = false;
  // String id -> the with_string it satisfies. A handful at most, so a
  // linear scan beats hashing on every const-string of the walk.
  std::vector<std::pair<uint32_t, std::string_view>> strings_;
};

/// The rules a JVM class's code uses, sorted: the listed members its
/// constant pool references (a class file names a member once for the
/// whole class, not per method), less those whose with_string the class
/// never loads.
std::vector<uint32_t> ClassFileApiRules(const classfile::ClassFile& c);

/// "io.mysdk.Loc.start()": a readable name for method `method_idx`.
std::string MethodDisplayName(const dex::DexFile& dex, uint32_t method_idx);

}  // namespace vigie::detect
