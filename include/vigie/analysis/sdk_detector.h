// SDK detection: turns what the scanner reads (DEX files, JVM class names,
// the manifest) into SdkFindings with evidence, using a compiled SdkMatcher.
// The scanner feeds it while each DEX is in memory, so no DEX is kept.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "vigie/analysis/app_model.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie {

class SdkDetector {
 public:
  explicit SdkDetector(std::shared_ptr<const sig::SdkMatcher> matcher);

  /// A DEX read from archive entry `entry_name` (its path inside its own
  /// archive; Exodus' class set includes matches in that path).
  void OnDex(const dex::DexFile& dex, std::string_view entry_name);
  /// A JVM class from a JAR/AAR: its entry name (slash form without
  /// ".class", which Exodus' tooling matches) and, when it could be parsed,
  /// the class file (its own name and string constants).
  void OnClassFile(std::string_view entry_name, const classfile::ClassFile* parsed);
  /// Components, meta-data and permissions.
  void OnManifest(const Manifest& manifest);

  /// The findings, ordered by category, then name.
  std::vector<SdkFinding> Finish();

 private:
  SdkFinding& Finding(uint32_t sdk);
  void OnHostsIn(std::string_view text);

  std::shared_ptr<const sig::SdkMatcher> matcher_;
  sig::MatchSession session_;
  std::map<uint32_t, SdkFinding> findings_;
  std::unordered_set<std::string> exodus_classes_;  // Exodus' class set.
  std::unordered_set<std::string> hosts_seen_;
};

}  // namespace vigie
