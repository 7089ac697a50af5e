// Report sinks of `vigie check`: the verdict for people (text), the JSON
// (docs/check.md), and the files MVT writes with -o: alerts.json,
// timeline.csv and one <module>.json per module.
#pragma once

#include <string>

#include "vigie/model/check_result.h"
#include "vigie/report/report.h"

namespace vigie::report {

inline constexpr char kCheckSchemaId[] = "https://vigie.dev/schema/check";
inline constexpr int kCheckSchemaVersion = 1;

std::string CheckToJson(const CheckResult& result, JsonStyle style);
std::string CheckToText(const CheckResult& result, const TextOptions& options);

/// The alerts alone, as a JSON list (alerts.json).
std::string AlertsJson(const CheckResult& result);
/// "timestamp,module,event,data" rows, RFC 4180 quoting (timeline.csv).
std::string TimelineCsv(const CheckResult& result);
/// A module's records as a JSON list (<module>.json).
std::string ModuleJson(const ModuleResult& module);

}  // namespace vigie::report
