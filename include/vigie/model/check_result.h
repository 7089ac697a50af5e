// The phone model: everything `vigie check` learned about one acquisition
// (a backup or dump of a phone), independent of how it is reported. The
// check modules fill it; report sinks read it, and nothing else.
//
// Module names, alert levels and the shape of records follow Amnesty's
// Mobile Verification Toolkit (MVT), so that results compare with its
// (docs/check.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/diagnostics.h"

namespace vigie {

/// What kind of acquisition was read, from its layout (docs/check.md).
enum class AcquisitionKind : uint8_t { kUnknown, kIosBackup, kIosFilesystem, kAndroidQf, kBugreport, kAndroidBackup };
std::string_view AcquisitionKindName(AcquisitionKind k);  ///< "ios-backup", "androidqf", …

/// MVT's five levels, in order.
enum class AlertLevel : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };
std::string_view AlertLevelName(AlertLevel level);  ///< "info", "low", "medium", "high", "critical"

/// One value of a record, typed as JSON needs.
struct RecordField {
  enum class Kind : uint8_t { kString, kNumber, kBool, kNull };
  std::string key;
  std::string value;  ///< A number's decimal text; "true"/"false" for a bool.
  Kind kind = Kind::kString;
};

/// One thing a module read: a package, a process, a message. Fields in the
/// order they were read.
struct Record {
  std::vector<RecordField> fields;

  Record& Set(std::string key, std::string value);
  Record& SetNumber(std::string key, int64_t value);
  Record& SetBool(std::string key, bool value);
  Record& SetNull(std::string key);
  /// The value of a field, or empty.
  std::string_view Get(std::string_view key) const;
};

/// The indicator a record matched, and where it came from.
struct IndicatorMatch {
  std::string type;        ///< "domain", "process", … (indicators::TypeName)
  std::string value;       ///< The indicator's value.
  std::string collection;  ///< "NSO Group Pegasus", or "Default collection".
  std::string file;        ///< The STIX2 file.
  bool conjunct = false;   ///< One term of an AND: the pattern asked for more.
};

struct Alert {
  AlertLevel level = AlertLevel::kInfo;
  std::string module;      ///< The module's slug ("sms", "aqf_packages").
  std::string message;     ///< What was found, in one sentence.
  std::string event_time;  ///< "2021-09-29 17:43:49.000000", or empty when the record has none.
  std::string evidence;    ///< The record's value that matched or tripped the heuristic.
  std::optional<IndicatorMatch> matched;  ///< Empty for a heuristic.
};

/// One row of the timeline: MVT's timestamp, module, event, description.
struct TimelineRow {
  std::string timestamp;
  std::string module;  ///< MVT's class-style name ("AQFFiles").
  std::string event;
  std::string description;
};

struct ModuleResult {
  std::string name;  ///< MVT's slug.
  size_t count = 0;  ///< Records read.
  /// The records themselves, when the check keeps them (for -o's
  /// <module>.json); otherwise empty, so that memory does not grow with
  /// the acquisition.
  std::vector<Record> records;
};

/// Where the indicators came from.
struct IndicatorSummary {
  std::vector<std::string> files;
  size_t count = 0;
  std::vector<std::string> warnings;  ///< "file: indicator: why", one per indicator left out.
};

struct CheckResult {
  AcquisitionKind kind = AcquisitionKind::kUnknown;
  std::string path;
  IndicatorSummary indicators;
  std::vector<ModuleResult> modules;  ///< In the order they ran; only those that found their files.
  std::vector<Alert> alerts;          ///< In the order modules raised them.
  std::vector<TimelineRow> timeline;  ///< Sorted by timestamp, duplicates removed (when records are kept).
  size_t timeline_rows = 0;           ///< Distinct rows, also when they are not kept.
  Diagnostics diagnostics;            ///< What could not be read, and where.

  size_t records() const;
  /// The highest level of any alert, or nullopt without alerts.
  std::optional<AlertLevel> highest() const;
};

}  // namespace vigie
