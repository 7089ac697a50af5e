// Reading STIX2: the bundle's objects (stix2_bundle.cc) and indicator
// patterns (stix_pattern.cc). Private to the indicators module.
//
// What is read is kept as views into the JSON text, or into an arena when
// it had to be decoded (escapes), so a million indicators cost no
// allocation each.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/indicators/indicator_set.h"

namespace vigie {
class TaskPool;
}

namespace vigie::indicators {

/// One comparison of a pattern: `file:hashes.'SHA-256' = 'ab…'`.
struct StixComparison {
  std::string_view path;  ///< "file:hashes.SHA-256": object type, ':', property, quotes removed, case kept.
  std::string_view op;    ///< "=", "!=", "LIKE", "MATCHES", ">", …
  bool negated = false;   ///< NOT before the operator.
  std::string_view value;
};

struct StixPattern {
  std::vector<StixComparison> comparisons;
  bool conjunction = false;  ///< Some comparisons or observations are joined by AND (or FOLLOWEDBY).
};

/// Reads a STIX patterning expression: observations in brackets, joined by
/// AND, OR or FOLLOWEDBY and grouped by parentheses, each holding
/// comparisons joined by AND or OR; string values in single quotes with
/// backslash escapes, so '=' and ']' inside a value are plain text.
/// Qualifiers (WITHIN, REPEATS, START … STOP) are read and ignored. Views
/// point into `pattern` or `arena`. Returns why it cannot be read, or
/// nullopt.
std::optional<std::string> ParseStixPattern(std::string_view pattern, std::deque<std::string>& arena,
                                            StixPattern& out);

/// The indicator type of a comparison's path (any case), or nullopt for
/// one `vigie check` does not match.
std::optional<IndicatorType> TypeOfPath(std::string_view path);

/// How a value is matched: lower-case where matching is case-blind, no
/// final '.' of a domain nor '/' of a path. A view into `value` or into
/// `scratch`; empty when nothing is left to match.
std::string_view NormaliseValue(IndicatorType type, std::string_view value, std::string& scratch);

struct Stix2Value {
  IndicatorType type;
  std::string_view value;  ///< Normalised (NormaliseValue), never empty.
  uint32_t hash;           ///< FlatViewMap's hash of `value`.
};

struct Stix2Indicator {
  std::string_view id;
  uint32_t id_hash = 0;
  std::string_view collection;  ///< The report or malware it belongs to; empty for the default collection.
  uint32_t first_value = 0;     ///< Its values: the part's values[first_value, first_value + values).
  uint32_t values = 0;
  bool conjunct = false;
};

/// A part of a bundle's `objects` list, read on its own thread; views point
/// into the JSON text or into `storage`.
struct Stix2Part {
  std::vector<Stix2Indicator> indicators;  // In file order.
  std::vector<Stix2Value> values;
  std::vector<std::pair<std::string, std::string>> warnings;  ///< (indicator id, why it, or part of it, was left out)
  std::deque<std::string> storage;

  // What collections are made of, until they are known.
  struct Relationship {
    std::string_view source, target;
  };
  struct Report {
    std::string_view name;
    size_t first_ref, refs;  // In `refs`.
  };
  std::vector<std::pair<std::string_view, std::string_view>> malware;  // (id, name)
  std::vector<Relationship> relationships;
  std::vector<uint32_t> relationship_hashes;  // Of each source.
  std::vector<Report> reports;
  std::vector<std::string_view> refs;

  // Where reading stopped: the first element at or after the part's end,
  // or the list's ']' (ended), or an error (broken).
  size_t stop = 0;
  bool ended = false;
  std::string broken;
};

/// A bundle's indicators, in file order, part by part.
struct Stix2Bundle {
  std::deque<Stix2Part> parts;  // A deque: parts never move, nor the strings views point to.
  std::vector<std::pair<std::string, std::string>> warnings;  ///< About the file as a whole.
};

/// Reads a STIX2 bundle's indicators and their collections (report, then
/// malware; docs/check.md). An Error when `json` is not a bundle. A large
/// `objects` list is read in parts of `part_bytes` on `pool`'s threads when
/// one is given; the result is the same as when it is read alone.
std::optional<Error> ReadStix2Bundle(std::string_view json, const std::string& file, Stix2Bundle& out,
                                     TaskPool* pool, size_t part_bytes);

}  // namespace vigie::indicators
