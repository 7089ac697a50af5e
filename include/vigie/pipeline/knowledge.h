// What a scan knows: SDK signatures, vendors and domain owners. Loaded once
// per run, before any input is read, and shared read-only by every scan.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/intel/entities.h"
#include "vigie/intel/vendors.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie {

/// Which knowledge to load.
struct KnowledgeSpec {
  bool builtin_kb = true;  ///< Vigie's SDK knowledge base (data/sdk_kb.json).
  /// With the built-in KB, its SDK profiles (data/profiles/), which find
  /// renamed code by its structure.
  bool profiles = true;
  /// Signature databases to import, in order: (format, path), e.g.
  /// ("exodus", "trackers.json"). Formats: exodus, vigie.
  std::vector<std::pair<std::string, std::string>> signatures;
  /// Entity lists to import: (format, path). Formats: xray, disconnect.
  std::vector<std::pair<std::string, std::string>> entities;
};

struct Knowledge {
  /// Compiled SDK signatures; null: no SDK detection.
  std::shared_ptr<const sig::SdkMatcher> signatures;
  /// Who is behind each SDK (data/vendors.json, always loaded).
  std::shared_ptr<const intel::VendorDb> vendors;
  /// Owners of domains; null when no entity list was given.
  std::shared_ptr<const intel::EntityDb> entities;
};

/// Loads `spec`. Fails with the first database that cannot be read or
/// compiled, naming it.
Result<Knowledge> LoadKnowledge(const KnowledgeSpec& spec);

/// Names the knowledge `spec` loads, built-in tables and imported files
/// alike, by a hash of what it is made of (vigie_kbc's digest of data/,
/// which parts of it, the SHA-256 of each file imported):
/// "kb-3f2a9c01d4e5b6a7". The corpus store records which knowledge judged
/// each app; a single scan never needs it, so LoadKnowledge does not
/// hash the files.
std::string KnowledgeVersion(const KnowledgeSpec& spec);

}  // namespace vigie
