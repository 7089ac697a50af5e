// Report sinks: render a ScanResult for people (text) or machines (JSON).
// The JSON schema is documented in docs/json-schema.md; bump kSchemaVersion
// on any incompatible change.
#pragma once

#include <string>

#include "vigie/model/scan_result.h"

namespace vigie::report {

inline constexpr char kSchemaId[] = "https://vigie.dev/schema/scan";
inline constexpr int kSchemaVersion = 2;

enum class JsonStyle { kPretty, kSingleLine };

/// One JSON document for one input (`--format json`: pretty; `jsonl`: one line).
std::string ToJson(const ScanResult& result, JsonStyle style);

struct TextOptions {
  bool color = false;  ///< ANSI colours (when writing to a terminal).
};

/// The human report.
std::string ToText(const ScanResult& result, const TextOptions& options);

}  // namespace vigie::report
