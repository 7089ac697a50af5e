// The scan of one input: container → manifest → code → evidence →
// assessment, filling the app model (model/scan_result.h).
#pragma once

#include <string>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/mapped_file.h"
#include "vigie/features/app_features.h"
#include "vigie/model/scan_result.h"
#include "vigie/pipeline/knowledge.h"

namespace vigie {

struct ScanOptions {
  /// Signatures, vendors and domain owners (knowledge.h). Without
  /// signatures, no SDK is detected.
  Knowledge knowledge;
  /// Threads the input's DEX files (and --deep assets) may be read on,
  /// the caller's included. The CLI gives each of its parallel scans an
  /// equal share of the cores.
  unsigned threads = 1;
  /// Countries whose ties a vendor's findings report (`--policy-countries`).
  std::vector<std::string> policy_countries;
  /// Also read the package's text assets and native libraries for endpoints
  /// and secrets (`--deep`; docs/endpoints.md).
  bool deep = false;
};

/// Scans the file at `path`: maps it, hashes it, and scans its bytes. Never
/// throws on bad input: every problem is a diagnostic in the result, whose
/// status says how much could be read.
ScanResult ScanFile(const std::string& path, const ScanOptions& options = {});

/// Scans a file its caller mapped (and may have hashed already, to decide
/// whether to scan it), as ScanFile does; the result has no SHA-256.
/// With `features` (a corpus scan, with signatures), the evidence is read
/// through the features it keeps there (features/app_features.h), which
/// walks the whole code: a rematch of them then finds what this scan found.
ScanResult ScanMapped(const MappedFile& file, const std::string& display_path, const ScanOptions& options = {},
                      features::AppFeatures* features = nullptr);

/// The verdicts a scan's knowledge gives on stored features, as the scan
/// that kept them would have given under it: SDK findings (with vendors),
/// recipients, endpoints (with owners), secrets and findings, over the
/// manifest entries the features hold.
struct Rematched {
  ScanResult result;
  /// Empty when the result is the one a rescan would give; else why the
  /// features, made under the scan's knowledge, may fall short of this
  /// knowledge (features::Staleness): the result is then the best they allow.
  std::string stale;
};
Rematched Rematch(const features::AppFeatures& features, const ScanOptions& options);

/// Scans bytes already in memory (fuzzing, tests), as ScanFile does once the
/// file is mapped; the result has no SHA-256.
ScanResult ScanBytes(ByteView bytes, const std::string& display_path, const ScanOptions& options = {});

}  // namespace vigie
