// `vigie scan`: reads app packages and writes one report per input.
//
// Flags are parsed in two stages: the FlagSet fills RawArgs with what was
// typed, then MakeConfig validates it into the Config the scan runs from.
// Inputs are scanned in parallel, and reports are written in input order.
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "knowledge_flags.h"
#include "vigie/assess/policy.h"
#include "vigie/assess/rules.h"
#include "vigie/base/mapped_file.h"
#include "vigie/base/task_pool.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"
#include "vigie/store/store.h"

namespace vigie::cli {

const char* const kScanSummary = "Read app packages (APK, AAB, XAPK, APKS, JAR, AAR, DEX) and report";

namespace {

enum class Format { kText, kJson, kJsonl, kCsv, kSarif, kCycloneDx };

struct RawArgs {
  std::vector<std::string> inputs;
  KnowledgeArgs knowledge;
  std::string policy, suppressions;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
  unsigned jobs = 0;
};

struct Config {
  std::vector<std::string> inputs;
  KnowledgeSpec knowledge;
  std::string policy_path, suppressions_path;
  std::optional<assess::Policy> policy;  // Loaded by RunScan.
  std::vector<assess::Suppression> suppressions;
  ScanOptions scan;  // Its knowledge is loaded by RunScan.
  Format format = Format::kText;
  std::string output;  // Empty: stdout.
  bool color = false;
  unsigned jobs = 1;
};

Config MakeConfig(const RawArgs& raw) {
  Config c;
  c.inputs = raw.inputs;
  raw.knowledge.Apply(c.knowledge, c.scan);
  c.format = raw.format == "json"    ? Format::kJson
             : raw.format == "jsonl" ? Format::kJsonl
             : raw.format == "csv"   ? Format::kCsv
             : raw.format == "sarif" ? Format::kSarif
             : raw.format == "cyclonedx" ? Format::kCycloneDx
                                     : Format::kText;
  c.output = raw.output;
  c.policy_path = raw.policy;
  c.suppressions_path = raw.suppressions;
  const bool tty = raw.output.empty() && ::isatty(STDOUT_FILENO);
  c.color = raw.color == "always" || (raw.color == "auto" && tty && !std::getenv("NO_COLOR"));
  // -j is the thread budget: inputs run in parallel up to it, and what is
  // left over goes to each input's own DEX files (one input, -j 2: two
  // threads for its DEX files).
  const unsigned budget = raw.jobs == 0 ? CpuCount() : raw.jobs;
  c.jobs = std::min<unsigned>(budget, static_cast<unsigned>(std::max<size_t>(1, c.inputs.size())));
  c.scan.threads = std::max(1u, budget / c.jobs);
  return c;
}

std::string Render(const ScanResult& r, const Config& c) {
  switch (c.format) {
    case Format::kJson: return report::ToJson(r, report::JsonStyle::kPretty) + "\n";
    case Format::kJsonl: return report::ToJson(r, report::JsonStyle::kSingleLine) + "\n";
    case Format::kCsv: return report::ToCsvRows(r);
    case Format::kCycloneDx: return report::ToCycloneDx(r);
    case Format::kSarif: return {};  // One log for all inputs, once they are all read.
    case Format::kText: break;
  }
  return report::ToText(r, {c.color});
}

// One line on stderr per input that was not read whole, naming the file and
// the part: the contract for scripts that only watch stderr.
void ReportProblems(const ScanResult& r) {
  if (r.status == ScanStatus::kOk) return;
  for (const auto& d : r.diagnostics.items()) {
    if (d.level != Level::kError) continue;
    std::fprintf(stderr, "vigie: %s: %s: %s [%s]\n", r.file.path.c_str(), d.where.c_str(), d.message.c_str(),
                 std::string(ErrorCodeName(d.code)).c_str());
    break;
  }
}

// The whole text of `path`, or nullopt (with why on stderr).
std::optional<std::string> ReadText(const std::string& path, const char* flag) {
  auto file = MappedFile::Open(path);
  if (!file) {
    std::fprintf(stderr, "vigie: %s %s: %s\n", flag, path.c_str(), file.error().message.c_str());
    return std::nullopt;
  }
  return std::string(file->view().AsString());
}

// --policy and --suppressions; false (with why on stderr) when one cannot
// be read or parsed.
bool LoadPolicy(Config& c) {
  if (c.policy_path.empty()) {
    if (c.suppressions_path.empty()) return true;
    std::fprintf(stderr, "vigie: --suppressions needs --policy\n");
    return false;
  }
  const auto text = ReadText(c.policy_path, "--policy");
  if (!text) return false;
  auto policy = assess::ParsePolicy(*text);
  if (!policy) {
    std::fprintf(stderr, "vigie: --policy %s: %s\n", c.policy_path.c_str(), policy.error().message.c_str());
    return false;
  }
  c.policy = std::move(*policy);
  if (c.suppressions_path.empty()) return true;
  const auto list = ReadText(c.suppressions_path, "--suppressions");
  if (!list) return false;
  auto suppressions = assess::ParseSuppressions(*list);
  if (!suppressions) {
    std::fprintf(stderr, "vigie: --suppressions %s: %s\n", c.suppressions_path.c_str(),
                 suppressions.error().message.c_str());
    return false;
  }
  c.suppressions = std::move(*suppressions);
  return true;
}

// The finding rules as SARIF lists them.
std::vector<report::SarifRule> SarifRules() {
  std::vector<report::SarifRule> out;
  for (const assess::Rule& r : assess::BuiltinRules().rules) out.push_back({r.id, r.summary, r.severity});
  return out;
}

// Scans the inputs on `jobs` threads and writes the reports in input order,
// each as soon as those before it are out (SARIF: one log, at the end).
int RunScan(Config& c) {
  const Knowledge* knowledge = LoadKnowledgeOrReport(c.knowledge);
  if (!knowledge) return kExitUsage;
  c.scan.knowledge = *knowledge;
  if (!LoadPolicy(c)) return kExitUsage;
  const std::string today = store::UtcTimestamp().substr(0, 10);  // Expiry dates are UTC days.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, std::fclose);
  if (!c.output.empty()) {
    file.reset(std::fopen(c.output.c_str(), "wb"));
    if (!file) {
      std::fprintf(stderr, "vigie: cannot write %s\n", c.output.c_str());
      return kExitUsage;
    }
  }
  std::FILE* out = file ? file.get() : stdout;

  const size_t n = c.inputs.size();
  std::vector<std::optional<std::pair<std::string, ScanStatus>>> done(n);
  std::vector<ScanResult> kept(c.format == Format::kSarif ? n : 0);
  bool violated = false;  // Under mu.
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      ScanResult r = ScanFile(c.inputs[i], c.scan);
      if (c.policy) r.policy = assess::EvaluatePolicy(r, *c.policy, c.suppressions, today);
      for (const std::string& e : r.policy.expired)
        std::fprintf(stderr, "vigie: %s: suppression %s\n", r.file.path.c_str(), e.c_str());
      ReportProblems(r);
      std::string text = Render(r, c);
      std::lock_guard lock(mu);
      done[i].emplace(std::move(text), r.status);
      violated = violated || r.policy.violated();
      if (!kept.empty()) kept[i] = r;
      cv.notify_all();
    }
  };
  std::vector<std::jthread> workers;
  for (unsigned t = 1; t < c.jobs; ++t) workers.emplace_back(worker);
  worker();

  int exit_code = kExitOk;
  if (c.format == Format::kCsv) {
    const std::string header = report::CsvHeader();
    std::fwrite(header.data(), 1, header.size(), out);
  }
  for (size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done[i].has_value(); });
    auto [text, status] = std::move(*done[i]);
    done[i].reset();
    lock.unlock();
    if (c.format == Format::kText && i > 0) std::fputc('\n', out);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
    if (status == ScanStatus::kFailed) exit_code = std::max<int>(exit_code, kExitInputFailed);
    else if (status == ScanStatus::kPartial && exit_code == kExitOk) exit_code = kExitPartial;
  }
  if (c.format == Format::kSarif) {
    const std::string log = report::ToSarif(kept, SarifRules());
    std::fwrite(log.data(), 1, log.size(), out);
  }
  // A gate fails on what the policy denies, whatever else went wrong.
  if (violated) exit_code = kExitPolicy;
  return exit_code;
}

// The scan command's flags, filling `raw`.
FlagSet ScanFlags(RawArgs& raw) {
  FlagSet f("vigie scan [OPTIONS] FILE...", kScanSummary);
  f.Positionals("FILE...", "Packages to scan", &raw.inputs, /*required=*/true);
  f.Option({"-f", "--format"}, "FORMAT",
           "Output format: text (default), json (one document per input), jsonl (one line per input), csv (a row "
           "per app and SDK), sarif (one SARIF 2.1.0 log for all inputs), cyclonedx (a CycloneDX 1.5 SBOM per input)",
           [&](std::string_view v) { raw.format = v; }, {"text", "json", "jsonl", "csv", "sarif", "cyclonedx"});
  f.Option({"-o", "--output"}, "FILE", "Write the report to FILE instead of standard output",
           [&](std::string_view v) { raw.output = v; });
  f.Option({"--color"}, "WHEN", "Colour text output: auto, always, never", [&](std::string_view v) { raw.color = v; },
           {"auto", "always", "never"});
  f.Option({"-j", "--jobs"}, "N",
           "Threads to use (default: one per core): inputs are scanned in parallel, and threads left over share each "
           "input's DEX files",
           [&](std::string_view v) { raw.jobs = ParseUnsigned("--jobs", v, 1, 1024); });
  f.Option({"--policy"}, "FILE",
           "Check each app against a JSON policy of denied vendors, countries, flags, SDK categories, data kinds "
           "and finding severities; a violation exits with 5 (docs/policy.md)",
           [&](std::string_view v) { raw.policy = v; });
  f.Option({"--suppressions"}, "FILE",
           "Waive policy violations for named apps, each with a reason and an expiry date (docs/policy.md)",
           [&](std::string_view v) { raw.suppressions = v; });
  raw.knowledge.AddTo(f);
  return f;
}

}  // namespace

int RunScanCommand(const std::vector<std::string_view>& args) {
  RawArgs raw;
  const FlagSet flags = ScanFlags(raw);
  if (!flags.Parse(args)) {
    const std::string help = flags.Help();
    std::fwrite(help.data(), 1, help.size(), stdout);
    return kExitOk;
  }
  Config config = MakeConfig(raw);
  return RunScan(config);
}

}  // namespace vigie::cli
