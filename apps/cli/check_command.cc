// `vigie check`: is this phone compromised? Reads one acquisition (a backup
// or dump of a phone), checks it against indicators of compromise and MVT's
// heuristics, and writes the verdict (docs/check.md).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "commands.h"
#include "flags.h"
#include "vigie/check/check.h"
#include "vigie/indicators/indicator_set.h"
#include "vigie/report/check_report.h"

namespace vigie::cli {

const char* const kCheckSummary = "Check a phone's backup or dump for spyware (indicators of compromise, MVT's heuristics)";

namespace {

struct RawArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> iocs;
  std::string format = "text";
  std::string output_dir;
  std::string kind = "auto";
  std::string password;
  std::string color = "auto";
};

AcquisitionKind ParseKind(const std::string& k) {
  for (AcquisitionKind kind : {AcquisitionKind::kIosBackup, AcquisitionKind::kIosFilesystem, AcquisitionKind::kAndroidQf,
                               AcquisitionKind::kBugreport, AcquisitionKind::kAndroidBackup})
    if (AcquisitionKindName(kind) == k) return kind;
  return AcquisitionKind::kUnknown;
}

std::vector<std::string> SplitColons(const char* list) {
  std::vector<std::string> out;
  if (!list) return out;
  std::string_view s(list);
  while (!s.empty()) {
    const size_t colon = s.find(':');
    if (colon != 0) out.emplace_back(s.substr(0, colon));
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
  }
  return out;
}

bool WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int RunCheckCommand(const std::vector<std::string_view>& args) {
  RawArgs raw;
  FlagSet flags("vigie check [OPTIONS] INPUT", kCheckSummary);
  flags.Option({"--iocs"}, "FILE", "STIX2 indicators of compromise (repeatable; also VIGIE_IOCS, a colon-separated list)",
               [&](std::string_view v) { raw.iocs.emplace_back(v); });
  flags.Option({"-f", "--format"}, "FORMAT", "text or json", [&](std::string_view v) { raw.format = v; },
               {"text", "json"});
  flags.Option({"-o", "--output"}, "DIR",
               "also write alerts.json, timeline.csv and <module>.json into DIR (created if missing)",
               [&](std::string_view v) { raw.output_dir = v; });
  flags.Option({"--kind"}, "KIND", "read INPUT as this kind instead of guessing it from its layout",
               [&](std::string_view v) { raw.kind = v; },
               {"auto", "ios-backup", "ios-fs", "androidqf", "bugreport", "android-backup"});
  flags.Option({"--password"}, "PASSWORD", "of an encrypted backup (also VIGIE_BACKUP_PASSWORD)",
               [&](std::string_view v) { raw.password = v; });
  flags.Option({"--color"}, "WHEN", "auto, always or never", [&](std::string_view v) { raw.color = v; },
               {"auto", "always", "never"});
  flags.Positionals("INPUT", "an iOS backup folder or filesystem dump, an AndroidQF folder or zip, a bugreport "
                    "(zip or folder), an Android backup (.ab or folder)",
                    &raw.inputs, true);
  if (!flags.ParseOrPrintHelp(args)) return kExitOk;
  if (raw.inputs.size() != 1) throw UsageError("vigie check reads one INPUT at a time");
  for (std::string& f : SplitColons(std::getenv("VIGIE_IOCS"))) raw.iocs.push_back(std::move(f));
  if (raw.password.empty())
    if (const char* p = std::getenv("VIGIE_BACKUP_PASSWORD")) raw.password = p;

  indicators::IndicatorSet iocs;
  for (const std::string& file : raw.iocs)
    if (auto error = iocs.AddStix2File(file)) {
      std::fprintf(stderr, "vigie: %s [%s]\n", error->message.c_str(), std::string(ErrorCodeName(error->code)).c_str());
      return kExitUsage;
    }

  check::CheckOptions options;
  options.kind = raw.kind == "auto" ? AcquisitionKind::kUnknown : ParseKind(raw.kind);
  options.password = raw.password;
  options.keep_records = !raw.output_dir.empty();  // Only <module>.json needs them.
  CheckResult result = check::Check(raw.inputs[0], iocs, options);
  result.indicators.files = iocs.files();
  result.indicators.count = iocs.size();
  for (const auto& w : iocs.warnings()) result.indicators.warnings.push_back(w.file + ": " + w.indicator + ": " + w.message);

  const bool tty = ::isatty(STDOUT_FILENO);
  const bool color = raw.color == "always" || (raw.color == "auto" && tty && !std::getenv("NO_COLOR"));
  const std::string out = raw.format == "json" ? report::CheckToJson(result, report::JsonStyle::kPretty) + "\n"
                                               : report::CheckToText(result, {color});
  std::fwrite(out.data(), 1, out.size(), stdout);

  if (!raw.output_dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(raw.output_dir, ec);
    bool ok = !ec;
    const fs::path dir(raw.output_dir);
    ok = ok && WriteFile(dir / "alerts.json", report::AlertsJson(result));
    ok = ok && WriteFile(dir / "timeline.csv", report::TimelineCsv(result));
    for (const ModuleResult& m : result.modules) ok = ok && WriteFile(dir / (m.name + ".json"), report::ModuleJson(m));
    if (!ok) {
      std::fprintf(stderr, "vigie: cannot write the results into %s\n", raw.output_dir.c_str());
      return kExitInputFailed;
    }
  }

  // The contract for scripts: one line on stderr for what could not be read.
  for (const Diagnostic& d : result.diagnostics.items())
    if (d.level == Level::kError) {
      std::fprintf(stderr, "vigie: %s: %s: %s [%s]\n", result.path.c_str(), d.where.c_str(), d.message.c_str(),
                   std::string(ErrorCodeName(d.code)).c_str());
      break;
    }
  const auto highest = result.highest();
  if (highest && *highest >= AlertLevel::kHigh) return kExitCompromised;
  if (result.modules.empty() && result.diagnostics.HasErrors()) return kExitInputFailed;
  if (result.diagnostics.HasErrors()) return kExitPartial;
  return kExitOk;
}

}  // namespace vigie::cli
