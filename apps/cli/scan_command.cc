// `vigie scan`: reads app packages and writes one report per input.
//
// Flags are parsed in two stages: the FlagSet fills RawArgs with what was
// typed, then MakeConfig validates it into the Config the scan runs from.
// Inputs are scanned in parallel, and reports are written in input order.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "vigie/base/task_pool.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"

namespace vigie::cli {

const char* const kScanSummary = "Read app packages (APK, AAB, XAPK, APKS, JAR, AAR, DEX) and report";

namespace {

enum class Format { kText, kJson, kJsonl };

struct RawArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> signatures;  // FORMAT:FILE
  std::string policy_countries;         // "RU,CN"
  std::vector<std::string> entities;    // FORMAT:FILE
  bool no_default_kb = false;
  bool deep = false;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
  unsigned jobs = 0;
};

struct Config {
  std::vector<std::string> inputs;
  KnowledgeSpec knowledge;
  ScanOptions scan;  // Its knowledge is loaded by RunScan.
  Format format = Format::kText;
  std::string output;  // Empty: stdout.
  bool color = false;
  unsigned jobs = 1;
};

// "FORMAT:FILE" of `flag`, split.
std::pair<std::string, std::string> FormatAndFile(const std::string& flag, const std::string& value,
                                                  const char* example) {
  const size_t colon = value.find(':');
  if (colon == std::string::npos || colon == 0)
    throw UsageError(flag + " takes FORMAT:FILE (e.g. " + example + "), got '" + value + "'");
  return {value.substr(0, colon), value.substr(colon + 1)};
}

Config MakeConfig(const RawArgs& raw) {
  Config c;
  c.inputs = raw.inputs;
  c.knowledge.builtin_kb = !raw.no_default_kb;
  for (const auto& s : raw.signatures)
    c.knowledge.signatures.push_back(FormatAndFile("--signatures", s, "exodus:trackers.json"));
  for (const auto& e : raw.entities)
    c.knowledge.entities.push_back(FormatAndFile("--entities", e, "xray:companies.json"));
  c.scan.deep = raw.deep;
  for (size_t start = 0; start < raw.policy_countries.size();) {
    size_t comma = raw.policy_countries.find(',', start);
    if (comma == std::string::npos) comma = raw.policy_countries.size();
    std::string code = raw.policy_countries.substr(start, comma - start);
    for (char& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
        !std::isalpha(static_cast<unsigned char>(code[1])))
      throw UsageError("--policy-countries takes ISO 3166-1 alpha-2 codes separated by commas (e.g. RU,CN), got '" +
                       raw.policy_countries + "'");
    c.scan.policy_countries.push_back(code);
    start = comma + 1;
  }
  c.format = raw.format == "json" ? Format::kJson : raw.format == "jsonl" ? Format::kJsonl : Format::kText;
  c.output = raw.output;
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

// Scans the inputs on `jobs` threads and writes the reports in input order,
// each as soon as those before it are out.
int RunScan(Config& c) {
  auto knowledge = LoadKnowledge(c.knowledge);
  if (!knowledge) {
    std::fprintf(stderr, "vigie: %s\n", knowledge.error().message.c_str());
    return kExitUsage;
  }
  // The knowledge lives as long as the process: freeing its many small
  // objects one by one as the process ends is work nobody needs.
  static const auto* kept = new Knowledge(std::move(*knowledge));
  c.scan.knowledge = *kept;
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
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      const ScanResult r = ScanFile(c.inputs[i], c.scan);
      ReportProblems(r);
      std::string text = Render(r, c);
      std::lock_guard lock(mu);
      done[i].emplace(std::move(text), r.status);
      cv.notify_all();
    }
  };
  std::vector<std::jthread> workers;
  for (unsigned t = 1; t < c.jobs; ++t) workers.emplace_back(worker);
  worker();

  int exit_code = kExitOk;
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
  return exit_code;
}

// The scan command's flags, filling `raw`.
FlagSet ScanFlags(RawArgs& raw) {
  FlagSet f("vigie scan [OPTIONS] FILE...", kScanSummary);
  f.Positionals("FILE...", "Packages to scan", &raw.inputs, /*required=*/true);
  f.Option({"-f", "--format"}, "FORMAT",
           "Output format: text (default), json (one document per input), jsonl (one line per input)",
           [&](std::string_view v) { raw.format = v; }, {"text", "json", "jsonl"});
  f.Option({"-o", "--output"}, "FILE", "Write the report to FILE instead of standard output",
           [&](std::string_view v) { raw.output = v; });
  f.Option({"--color"}, "WHEN", "Colour text output: auto, always, never", [&](std::string_view v) { raw.color = v; },
           {"auto", "always", "never"});
  f.Option({"-j", "--jobs"}, "N",
           "Threads to use (default: one per core): inputs are scanned in parallel, and threads left over share each "
           "input's DEX files",
           [&](std::string_view v) { raw.jobs = ParseUnsigned("--jobs", v, 1, 1024); });
  f.Option({"--signatures"}, "FORMAT:FILE",
           "Also load a signature database, FORMAT:FILE; FORMAT is exodus (Exodus Privacy's tracker export) or vigie "
           "(the built-in KB format). Repeatable",
           [&](std::string_view v) { raw.signatures.emplace_back(v); });
  f.Flag({"--no-default-kb"}, "Do not load Vigie's built-in SDK knowledge base", &raw.no_default_kb);
  f.Flag({"--deep"},
         "Also read text assets and native libraries for endpoints and secrets (slower where an app ships web content "
         "or large libraries)",
         &raw.deep);
  f.Option({"--entities"}, "FORMAT:FILE",
           "Also load who owns which domains, FORMAT:FILE; FORMAT is xray (the X-Ray company data) or disconnect "
           "(Disconnect's entities.json). Repeatable; endpoints get their owners",
           [&](std::string_view v) { raw.entities.emplace_back(v); });
  f.Option({"--policy-countries"}, "CC[,CC...]",
           "Countries whose ties an SDK vendor's findings report, as ISO codes (e.g. RU,CN)",
           [&](std::string_view v) { raw.policy_countries = v; });
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
