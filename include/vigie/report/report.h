// Report sinks: render a ScanResult for people (text) or machines (JSON,
// SARIF).
// The JSON schema is documented in docs/json-schema.md; bump kSchemaVersion
// on any incompatible change.
#pragma once

#include <string>
#include <vector>

#include "vigie/model/app_diff.h"
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

/// `--format csv`: the header, then each input's rows: one per SDK found
/// (an app without any gets one row with the SDK columns empty), with the
/// app's identity, the SDK, its vendor, where the vendor is, the data kinds
/// the SDK's code can reach here, and the findings about it (docs/reports.md).
std::string CsvHeader();
std::string ToCsvRows(const ScanResult& result);

/// A CycloneDX 1.5 JSON SBOM of one input (`--format cyclonedx`): the app
/// as the BOM's subject, each SDK found a library component supplied by
/// its vendor, with its confidence, categories, the data kinds its code
/// reaches, its vendor's countries and flags as properties
/// (docs/reports.md).
std::string ToCycloneDx(const ScanResult& result);

struct HtmlOptions {
  /// Countries the data-flow picture draws red: those of --policy-countries
  /// and of the policy's denied ties.
  std::vector<std::string> highlight_countries;
};

/// `--format html`: one self-contained page for the scans of one run (no
/// script, no external resource; every string escaped): per app, the
/// verdict, the data-flow picture (SVG: app, SDKs, vendors, countries), the
/// findings and policy violations with their evidence, the SDK inventory,
/// permissions, components and diagnostics (docs/reports.md).
std::string ToHtml(const std::vector<ScanResult>& results, const HtmlOptions& options);

/// `vigie diff`: what the new version adds and drops, for people.
std::string ToDiffText(const AppDiff& diff, const TextOptions& options);
/// `vigie diff -f json`: the same, as one document (docs/reports.md).
std::string ToDiffJson(const AppDiff& diff);
/// `vigie diff -f html`: the same, as a self-contained page like ToHtml's.
std::string ToDiffHtml(const AppDiff& diff);

/// A finding rule as SARIF lists it (assess::Rule holds the rest).
struct SarifRule {
  std::string id;
  std::string summary;
  Severity severity = Severity::kInfo;  ///< Its severity before escalation.
};

/// One SARIF 2.1.0 log for the scans of one run (`--format sarif`): the
/// tool's rules are `rules` then every diagnostic code; each input is an
/// artifact; each finding and each diagnostic a result, located in its
/// input (and in the classes and methods of its SDKs), fingerprinted by
/// the app's package, the rule and the subject, so results keep their
/// identity across versions (docs/reports.md).
std::string ToSarif(const std::vector<ScanResult>& results, const std::vector<SarifRule>& rules);

}  // namespace vigie::report
