// `vigie check`: is this phone compromised? Reads a phone's backup or dump
// (an iOS backup, an AndroidQF acquisition, a bugreport, an Android
// backup), runs the modules MVT runs on the same records, matches them
// against indicators of compromise and applies MVT's heuristics
// (docs/check.md).
#pragma once

#include <string>

#include "vigie/acquisition/file_tree.h"
#include "vigie/indicators/indicator_set.h"
#include "vigie/model/check_result.h"

namespace vigie::check {

struct CheckOptions {
  AcquisitionKind kind = AcquisitionKind::kUnknown;  ///< kUnknown: from the input's layout.
  std::string password;                              ///< Of an encrypted backup.
  /// Keep every record (for <module>.json), or only count them, so that
  /// memory stays bounded whatever the acquisition's size.
  bool keep_records = true;
};

/// What kind of acquisition `path` is, from its layout; kUnknown when it is
/// none that vigie check reads.
AcquisitionKind DetectKind(const std::string& path);

/// Checks one acquisition. Problems reading it are in the result's
/// diagnostics (an input that cannot be read at all has an error and no
/// modules); the result is partial, never absent.
CheckResult Check(const std::string& path, const indicators::IndicatorSet& indicators, const CheckOptions& options);

/// Runs the modules of `kind` on files already opened (an AndroidQF
/// acquisition, a bugreport or an Android backup's members).
void CheckFiles(AcquisitionKind kind, const acquisition::FileTree& files, const indicators::IndicatorSet& indicators,
                CheckResult& result, bool keep_records = true);

}  // namespace vigie::check
