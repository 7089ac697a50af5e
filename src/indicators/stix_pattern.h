// Reading STIX2: the bundle's objects (stix2_bundle.cc) and indicator
// patterns (stix_pattern.cc). Private to the indicators module.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/indicators/indicator_set.h"

namespace vigie::indicators {

/// One comparison of a pattern: `file:hashes.'SHA-256' = 'ab…'`.
struct StixComparison {
  std::string path;  ///< "file:hashes.sha-256": object type, ':', property; quotes removed, lower-case.
  std::string op;    ///< "=", "!=", "LIKE", "MATCHES", ">", …
  std::string value;
};

struct StixPattern {
  std::vector<StixComparison> comparisons;
  bool conjunction = false;  ///< Some comparisons or observations are joined by AND (or FOLLOWEDBY).
};

/// Reads a STIX patterning expression: observations in brackets, joined by
/// AND, OR or FOLLOWEDBY and grouped by parentheses, each holding
/// comparisons joined by AND or OR; string values in single quotes with
/// backslash escapes, so '=' and ']' inside a value are plain text.
/// Qualifiers (WITHIN, REPEATS, START … STOP) are read and ignored. Returns
/// why it cannot be read, or nullopt.
std::optional<std::string> ParseStixPattern(std::string_view pattern, StixPattern& out);

/// The indicator type of a comparison's path, or nullopt for one `vigie
/// check` does not match.
std::optional<IndicatorType> TypeOfPath(std::string_view path);

struct Stix2Indicator {
  std::string id;
  std::string pattern;
  std::string collection;  ///< The report or malware it belongs to; empty for the default collection.
};

struct Stix2Bundle {
  std::vector<Stix2Indicator> indicators;
  std::vector<std::pair<std::string, std::string>> warnings;  ///< (indicator id, why it was left out)
};

/// Reads a STIX2 bundle's indicators and their collections (report, then
/// malware; docs/check.md). An Error when `json` is not a bundle.
std::optional<Error> ReadStix2Bundle(std::string_view json, const std::string& file, Stix2Bundle& out);

}  // namespace vigie::indicators
