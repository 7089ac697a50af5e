// The scan pipeline for one input: container → manifest → resources → code.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigie/model/app_model.h"
#include "vigie/base/bytes.h"

namespace vigie {

class MappedFile;
namespace sig {
class SdkMatcher;
class MatcherSource;
class EntityDb;
}  // namespace sig

struct ScanOptions {
  /// Compiled SDK signatures; null scans without SDK detection...
  std::shared_ptr<const sig::SdkMatcher> matcher;
  /// ...or signatures that may still be loading: the scan asks for them
  /// only when it first needs them (sig/matcher_source.h). When they fail
  /// to load, the scan goes on without SDK detection; the caller reports
  /// the failure.
  std::shared_ptr<sig::MatcherSource> matcher_source;
  /// Threads one input's analysis may use (1: the caller's only). The CLI
  /// gives each of its parallel scans an equal share of the cores.
  unsigned threads = 1;
  /// Countries whose ties a vendor's findings report (`--policy-countries`).
  std::vector<std::string> policy_countries;
  /// Owners of domains, imported with `--entities` (sig/entities.h); null:
  /// endpoints get no owner.
  std::shared_ptr<const sig::EntityDb> entities;
  /// Also read the package's text assets and native libraries for endpoints
  /// and secrets (`--deep`; docs/endpoints.md).
  bool deep = false;
};

/// Scans the file at `path`. Never throws on bad input: every problem is a
/// diagnostic in the result, whose status says how much could be read.
ScanResult ScanFile(const std::string& path, const ScanOptions& options = {});

/// Scans bytes already in memory (fuzzing, tests). `backing`, when given, is
/// the mapping the bytes live in, used to release pages while streaming.
ScanResult ScanBytes(ByteView bytes, const std::string& display_path, const ScanOptions& options = {},
                     const MappedFile* backing = nullptr);

}  // namespace vigie
