// Reading the code of one DEX entry: its DEX files' summaries, their
// classes per package, and their SDK evidence. An entry is read on any of
// the scan's threads into a DexPart, which the scan merges in entry order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/detect/sdk_detector.h"
#include "vigie/model/code.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::pipeline {

/// Class definitions per Java package prefix ("com/google/android").
using PackageClasses = std::unordered_map<std::string, uint32_t>;

struct DexPart {
  Diagnostics diagnostics;
  std::vector<DexSummary> dex;  ///< One per DEX file: a v41 container holds several.
  PackageClasses package_classes;
  std::vector<detect::DexEvidence> evidence;  ///< With signatures: one per DEX file.
};

/// Reads the DEX files in `bytes` into `part`: `where` names them in the
/// report, `entry_name` is their entry's path inside its own archive. A
/// Janus prefix is listed but kept out of the package's classes and SDK
/// evidence: it is what old Android would run, not what the package
/// declares. With `session`, SDK evidence is read too; with
/// `keep_features`, through the features the evidence carries.
void ReadDexBytes(ByteView bytes, const std::string& where, DexOrigin origin, std::string_view entry_name,
                  sig::MatchSession* session, bool keep_features, DexPart& part);

/// The largest package prefixes, dotted, most classes first.
std::vector<PackageCount> TopPackages(const PackageClasses& classes);

}  // namespace vigie::pipeline
