// The sinks of `vigie check`. The text opens with the verdict a frightened
// person needs: what was checked, what matched and what that means.
#include "vigie/report/check_report.h"

#include <map>

#include "vigie/report/json_writer.h"

namespace vigie::report {
namespace {

void WriteAlert(JsonWriter& w, const Alert& a) {
  w.BeginObject()
      .Field("level", AlertLevelName(a.level))
      .Field("module", a.module)
      .Field("message", a.message)
      .StringOrNull("event_time", a.event_time)
      .Field("evidence", a.evidence)
      .Key("matched");
  if (a.matched) {
    w.BeginObject()
        .Field("type", a.matched->type)
        .Field("value", a.matched->value)
        .Field("collection", a.matched->collection)
        .Field("file", a.matched->file)
        .Field("conjunct", a.matched->conjunct)
        .EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

void WriteRecord(JsonWriter& w, const Record& r) {
  w.BeginObject();
  for (const RecordField& f : r.fields) {
    w.Key(f.key);
    switch (f.kind) {
      case RecordField::Kind::kString: w.String(f.value); break;
      case RecordField::Kind::kNumber: w.Number(static_cast<int64_t>(std::stoll(f.value))); break;
      case RecordField::Kind::kBool: w.Bool(f.value == "true"); break;
      case RecordField::Kind::kNull: w.Null(); break;
    }
  }
  w.EndObject();
}

std::string CsvCell(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

std::string CheckToJson(const CheckResult& r, JsonStyle style) {
  JsonWriter w(style == JsonStyle::kPretty);
  w.BeginObject().Field("$schema", kCheckSchemaId).Field("schema_version", kCheckSchemaVersion);
  w.Key("input").BeginObject().Field("kind", AcquisitionKindName(r.kind)).Field("path", r.path).EndObject();
  w.Key("indicators")
      .BeginObject()
      .Field("files", r.indicators.files)
      .Field("count", r.indicators.count)
      .Field("warnings", r.indicators.warnings)
      .EndObject();
  w.Key("modules").BeginArray();
  for (const ModuleResult& m : r.modules) w.BeginObject().Field("name", m.name).Field("records", m.count).EndObject();
  w.EndArray();
  w.Key("alerts").BeginArray();
  for (const Alert& a : r.alerts) WriteAlert(w, a);
  w.EndArray();
  w.Field("timeline_rows", r.timeline_rows);
  w.Key("diagnostics").BeginArray();
  for (const Diagnostic& d : r.diagnostics.items())
    w.BeginObject()
        .Field("level", LevelName(d.level))
        .Field("code", ErrorCodeName(d.code))
        .Field("where", d.where)
        .Field("message", d.message)
        .EndObject();
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string AlertsJson(const CheckResult& r) {
  JsonWriter w(true);
  w.BeginArray();
  for (const Alert& a : r.alerts) WriteAlert(w, a);
  w.EndArray();
  return w.Take() + "\n";
}

std::string TimelineCsv(const CheckResult& r) {
  std::string out = "UTC Timestamp,Plugin,Event,Description\r\n";
  for (const TimelineRow& row : r.timeline)
    out += CsvCell(row.timestamp) + "," + CsvCell(row.module) + "," + CsvCell(row.event) + "," +
           CsvCell(row.description) + "\r\n";
  return out;
}

std::string ModuleJson(const ModuleResult& m) {
  JsonWriter w(true);
  w.BeginArray();
  for (const Record& rec : m.records) WriteRecord(w, rec);
  w.EndArray();
  return w.Take() + "\n";
}

std::string CheckToText(const CheckResult& r, const TextOptions& options) {
  const char* bold = options.color ? "\x1b[1m" : "";
  const char* red = options.color ? "\x1b[1;31m" : "";
  const char* reset = options.color ? "\x1b[0m" : "";
  std::string out;
  size_t matched = 0, serious = 0;
  for (const Alert& a : r.alerts) {
    matched += a.matched.has_value();
    serious += a.level >= AlertLevel::kHigh;
  }
  // The verdict first.
  out += std::string(bold) + "vigie check: " + r.path + " (" + std::string(AcquisitionKindName(r.kind)) + ")" + reset + "\n\n";
  out += "Checked: " + Plural(r.records(), "record", "records") + " from " + Plural(r.modules.size(), "module", "modules") +
         ", against " + Plural(r.indicators.count, "indicator", "indicators") + " from " +
         Plural(r.indicators.files.size(), "file", "files") + ".\n";
  if (matched > 0) {
    std::map<std::string, size_t> by_collection;
    for (const Alert& a : r.alerts)
      if (a.matched) ++by_collection[a.matched->collection];
    out += std::string(red) + "Verdict: " + Plural(matched, "record matches", "records match") +
           " known indicators of compromise" + reset + ":\n";
    for (const auto& [collection, n] : by_collection) out += "  - " + collection + ": " + std::to_string(n) + "\n";
    out += "What this means: traces on this phone are the same as traces that investigators tied to the spyware or "
           "campaign named above. It is strong evidence that the phone was targeted; whether an infection succeeded "
           "and when is for a forensic expert to confirm from the records below. Keep the phone and this acquisition "
           "as they are, and seek help from a digital security helpline.\n";
  } else if (serious > 0) {
    out += std::string(red) + "Verdict: no known indicator matched, but " + Plural(serious, "sign needs", "signs need") +
           " a closer look" + reset + " (the alerts at level high below).\n";
    out += "What this means: these are traces MVT's heuristics flag, such as root tools or a system partition mounted "
           "for writing. They are not proof of spyware; many have ordinary causes. Review each one.\n";
  } else {
    out += "Verdict: no known indicator matched, and no heuristic flagged a serious sign.\n";
    out += "What this does not mean: a clean result only says that none of the indicators given was found in these "
           "records. Spyware unknown to those indicators, or traces the acquisition did not capture, would not "
           "show. " +
           std::string(r.indicators.count == 0 ? "No indicators were loaded at all: give --iocs FILE (for example "
                                                 "Amnesty's STIX2 files) to check against known spyware.\n"
                                               : "Check again when new indicators are published.\n");
  }
  if (!r.alerts.empty()) {
    out += std::string("\n") + bold + "Alerts" + reset + "\n";
    for (const Alert& a : r.alerts) {
      out += "  [" + std::string(AlertLevelName(a.level)) + "] " + a.module + ": " + a.message;
      if (!a.event_time.empty()) out += " (" + a.event_time + ")";
      out += "\n";
      if (a.matched)
        out += "      indicator: " + a.matched->type + " " + a.matched->value + " from \"" + a.matched->collection +
               "\" in " + a.matched->file + "\n";
    }
  }
  out += std::string("\n") + bold + "Modules" + reset + "\n";
  for (const ModuleResult& m : r.modules) out += "  " + m.name + ": " + Plural(m.count, "record", "records") + "\n";
  if (!r.indicators.warnings.empty()) {
    out += std::string("\n") + bold + "Indicators left out" + reset + "\n";
    for (const std::string& w : r.indicators.warnings) out += "  " + w + "\n";
  }
  bool problems = false;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.level == Level::kInfo) continue;
    if (!problems) out += std::string("\n") + bold + "Could not be read" + reset + "\n";
    problems = true;
    out += "  " + d.where + ": " + d.message + " [" + std::string(ErrorCodeName(d.code)) + "]\n";
  }
  return out;
}

}  // namespace vigie::report
