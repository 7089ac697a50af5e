// The flags that say what a scan knows and how deep it reads, shared by
// `vigie scan` and `vigie corpus`.
#pragma once

#include <string>
#include <vector>

#include "flags.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"

namespace vigie::cli {

struct KnowledgeArgs {
  std::vector<std::string> signatures;  // FORMAT:FILE
  std::vector<std::string> entities;    // FORMAT:FILE
  std::string policy_countries;         // "RU,CN"
  bool no_default_kb = false;
  bool deep = false;

  /// Declares --signatures, --no-default-kb, --deep, --entities and
  /// --policy-countries, filling this.
  void AddTo(FlagSet& flags);
  /// Validates into what to load and how to scan; throws UsageError.
  void Apply(KnowledgeSpec& spec, ScanOptions& scan) const;
  /// The flags again, as typed, for a command run elsewhere (a Slurm task).
  std::vector<std::string> AsFlags() const;
};

/// Loads `spec`; prints why it cannot be loaded and returns nullptr. The
/// knowledge lives as long as the process: freeing its many small objects
/// one by one as the process ends is work nobody needs.
const Knowledge* LoadKnowledgeOrReport(const KnowledgeSpec& spec);

}  // namespace vigie::cli
