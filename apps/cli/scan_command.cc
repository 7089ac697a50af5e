// `vigie scan`: reads app packages and writes one report per input.
//
// Flags are parsed in two stages: the FlagSet fills RawArgs with what was
// typed, then MakeConfig validates it into the Config the scan runs from.
// Inputs are scanned in parallel, and reports are written in input order.

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "knowledge_flags.h"
#include "policy_flags.h"
#include "report_output.h"
#include "vigie/assess/rules.h"
#include "vigie/base/task_pool.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"

namespace vigie::cli {

const char* const kScanSummary = "Read app packages (APK, AAB, XAPK, APKS, JAR, AAR, DEX) and report";

namespace {

enum class Format { kText, kJson, kJsonl, kCsv, kSarif, kCycloneDx, kHtml };

struct RawArgs {
  std::vector<std::string> inputs;
  KnowledgeArgs knowledge;
  PolicyArgs policy;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
  unsigned jobs = 0;
};

struct Config {
  std::vector<std::string> inputs;
  KnowledgeSpec knowledge;
  PolicyArgs policy;
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
             : raw.format == "html" ? Format::kHtml
                                     : Format::kText;
  c.output = raw.output;
  c.policy = raw.policy;
  c.color = WantsColor(raw.color, raw.output);
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
    case Format::kSarif:
    case Format::kHtml: return {};  // One document for all inputs, once they are all read.
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
  const std::optional<PolicyGate> gate = LoadPolicyOrReport(c.policy);
  if (!gate) return kExitUsage;
  ReportOutput output;
  if (!output.Open(c.output)) return kExitUsage;
  std::FILE* out = output.get();

  const size_t n = c.inputs.size();
  std::vector<std::optional<std::pair<std::string, ScanStatus>>> done(n);
  std::vector<ScanResult> kept(c.format == Format::kSarif || c.format == Format::kHtml ? n : 0);
  bool violated = false;  // Under mu.
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      ScanResult r = ScanFile(c.inputs[i], c.scan);
      gate->Apply(r);
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
    exit_code = WithInputStatus(exit_code, status);
  }
  if (c.format == Format::kSarif) {
    const std::string log = report::ToSarif(kept, SarifRules());
    std::fwrite(log.data(), 1, log.size(), out);
  } else if (c.format == Format::kHtml) {
    report::HtmlOptions html{c.scan.policy_countries};
    if (gate->policy)
      for (const assess::DeniedTie& t : gate->policy->vendor_ties) html.highlight_countries.push_back(t.country);
    const std::string page = report::ToHtml(kept, html);
    std::fwrite(page.data(), 1, page.size(), out);
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
           "per app and SDK), sarif (one SARIF 2.1.0 log for all inputs), cyclonedx (a CycloneDX 1.5 SBOM per "
           "input), html (one self-contained page for all inputs)",
           [&](std::string_view v) { raw.format = v; }, {"text", "json", "jsonl", "csv", "sarif", "cyclonedx", "html"});
  AddReportOutputFlags(f, raw.output, raw.color);
  f.Option({"-j", "--jobs"}, "N",
           "Threads to use (default: one per core): inputs are scanned in parallel, and threads left over share each "
           "input's DEX files",
           [&](std::string_view v) { raw.jobs = ParseUnsigned("--jobs", v, 1, 1024); });
  raw.policy.AddTo(f);
  raw.knowledge.AddTo(f);
  return f;
}

}  // namespace

int RunScanCommand(const std::vector<std::string_view>& args) {
  RawArgs raw;
  const FlagSet flags = ScanFlags(raw);
  if (!flags.ParseOrPrintHelp(args)) return kExitOk;
  Config config = MakeConfig(raw);
  return RunScan(config);
}

}  // namespace vigie::cli
