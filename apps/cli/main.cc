// vigie: the command-line front end.
//
// Flags are parsed in two stages: the scan's FlagSet (flags.h) fills RawArgs
// with what was typed, then MakeConfig validates it into a Config the
// commands run from.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "flags.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/base/bytes.h"
#include "vigie/base/parallel.h"
#include "vigie/intel/entities.h"
#include "vigie/sig/matcher_source.h"
#include "vigie/report/report.h"
#include "vigie/base/version.h"

namespace {

/// Process exit codes (documented in docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,           ///< Every input was read whole.
  kExitPartial = 1,      ///< Some part of an input could not be read; results are partial.
  kExitUsage = 2,        ///< Bad command line.
  kExitInputFailed = 3,  ///< At least one input could not be read at all.
  kExitInternal = 4,     ///< A bug in Vigie.
};

enum class Format { kText, kJson, kJsonl };

using vigie::cli::UsageError;  // A bad command line (exit code 2).

struct RawArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> signatures;  // FORMAT:FILE
  std::string policy_countries;          // "RU,CN"
  std::vector<std::string> entities;     // FORMAT:FILE
  bool no_default_kb = false;
  bool deep = false;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
  unsigned jobs = 0;
};

struct Config {
  std::vector<std::string> inputs;
  vigie::ScanOptions scan;
  Format format = Format::kText;
  std::string output;  // Empty: stdout.
  bool color = false;
  unsigned jobs = 1;
};

// Which signature databases to load. Only the flags are checked here; the
// files are read by the MatcherSource, off the critical path.
vigie::sig::SignatureSpec MakeSignatureSpec(const RawArgs& raw) {
  vigie::sig::SignatureSpec spec;
  spec.builtin_kb = !raw.no_default_kb;
  for (const auto& s : raw.signatures) {
    size_t colon = s.find(':');
    if (colon == std::string::npos || colon == 0)
      throw UsageError("--signatures takes FORMAT:FILE (e.g. exodus:trackers.json), got '" + s + "'");
    spec.imports.emplace_back(s.substr(0, colon), s.substr(colon + 1));
  }
  return spec;
}

Config MakeConfig(const RawArgs& raw) {
  Config c;
  if (auto spec = MakeSignatureSpec(raw); !spec.empty())
    c.scan.matcher_source = std::make_shared<vigie::sig::MatcherSource>(std::move(spec));
  c.inputs = raw.inputs;
  c.scan.deep = raw.deep;
  if (!raw.entities.empty()) {
    auto db = std::make_shared<vigie::sig::EntityDb>();
    for (const auto& spec : raw.entities) {
      const size_t colon = spec.find(':');
      if (colon == std::string::npos || colon == 0)
        throw UsageError("--entities takes FORMAT:FILE (e.g. xray:companies.json), got '" + spec + "'");
      if (auto err = db->ImportFile(spec.substr(0, colon), spec.substr(colon + 1))) throw UsageError(err->message);
    }
    c.scan.entities = std::move(db);
  }
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
  bool tty = raw.output.empty() && ::isatty(STDOUT_FILENO);
  c.color = raw.color == "always" || (raw.color == "auto" && tty && !std::getenv("NO_COLOR"));
  const unsigned hw = vigie::CpuCount();
  // -j is the thread budget: inputs run in parallel up to it, and what is
  // left over goes to each input's own analysis (one input, -j 2: two
  // threads for its DEX work).
  const unsigned budget = raw.jobs == 0 ? hw : raw.jobs;
  c.jobs = std::min<unsigned>(budget, static_cast<unsigned>(std::max<size_t>(1, c.inputs.size())));
  c.scan.threads = std::max(1u, budget / c.jobs);
  return c;
}

std::string Render(const vigie::ScanResult& r, const Config& c) {
  switch (c.format) {
    case Format::kJson: return vigie::report::ToJson(r, vigie::report::JsonStyle::kPretty) + "\n";
    case Format::kJsonl: return vigie::report::ToJson(r, vigie::report::JsonStyle::kSingleLine) + "\n";
    case Format::kText: break;
  }
  return vigie::report::ToText(r, {c.color});
}

// One line on stderr per input that was not read whole, naming the file and
// the part: the contract for scripts that only watch stderr.
void ReportProblems(const vigie::ScanResult& r) {
  if (r.status == vigie::ScanStatus::kOk) return;
  for (const auto& d : r.diagnostics.items()) {
    if (d.severity != vigie::Severity::kError) continue;
    std::fprintf(stderr, "vigie: %s: %s: %s [%s]\n", r.file.path.c_str(), d.where.c_str(), d.message.c_str(),
                 std::string(vigie::ErrorCodeName(d.code)).c_str());
    break;
  }
}

// Scans inputs on `jobs` threads and writes reports in input order as soon as
// each one's predecessors are done.
int RunScan(const Config& c) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, std::fclose);
  if (!c.output.empty()) {
    file.reset(std::fopen(c.output.c_str(), "wb"));
    if (!file) {
      std::fprintf(stderr, "vigie: cannot write %s\n", c.output.c_str());
      return kExitUsage;
    }
  }
  std::FILE* out = file ? file.get() : stdout;

  // The signatures load on the first scan's helper thread, while it opens
  // its input (ScanFile).
  vigie::sig::MatcherSource* signatures = c.scan.matcher_source.get();

  const size_t n = c.inputs.size();
  std::vector<std::optional<std::pair<std::string, vigie::ScanStatus>>> done(n);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      vigie::ScanResult r = vigie::ScanFile(c.inputs[i], c.scan);
      if (signatures && signatures->failed()) break;  // Reported below; nothing is printed.
      ReportProblems(r);
      std::string text = Render(r, c);
      std::lock_guard lock(mu);
      done[i].emplace(std::move(text), r.status);
      cv.notify_all();
    }
  };
  std::vector<std::jthread> pool;
  if (c.jobs == 1) worker();
  else
    for (unsigned t = 0; t < c.jobs; ++t) pool.emplace_back(worker);

  // A database that cannot be loaded is a usage error, reported before any
  // output.
  if (signatures && !signatures->Get()) {
    next.store(n);  // No worker starts another input.
    pool.clear();   // Joins them.
    std::fprintf(stderr, "vigie: %s\n", signatures->error().message.c_str());
    return kExitUsage;
  }

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
    if (status == vigie::ScanStatus::kFailed) exit_code = std::max<int>(exit_code, kExitInputFailed);
    else if (status == vigie::ScanStatus::kPartial && exit_code == kExitOk) exit_code = kExitPartial;
  }
  return exit_code;
}

// Ends the process once the reports are out, without running the static
// destructors (the embedded tables, the libraries' globals): another
// 0.2 ms of a one-app scan. The last scan's DEX buffer is freed first, by
// this thread, which scanned it (ParkBuffer says why). Under the
// sanitizers the process ends normally, so that LeakSanitizer still looks
// at it.
int EndProcess(int exit_code) {
#if defined(__SANITIZE_ADDRESS__)
  return exit_code;
#else
  std::fflush(nullptr);
  vigie::FreeParkedBuffer();
  std::_Exit(exit_code);
#endif
}

constexpr const char* kScanSummary = "Read app packages (APK, AAB, XAPK, APKS, JAR, AAR, DEX) and report";

// The scan command's flags, filling `raw`.
vigie::cli::FlagSet ScanFlags(RawArgs& raw) {
  vigie::cli::FlagSet f("vigie scan [OPTIONS] FILE...", kScanSummary);
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
           "input's analysis",
           [&](std::string_view v) { raw.jobs = vigie::cli::ParseUnsigned("--jobs", v, 1, 1024); });
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

std::string MainHelp() {
  return std::string("Vigie: offline privacy auditor for mobile apps\n"
                     "Usage: vigie scan [OPTIONS] FILE...\n"
                     "       vigie --version\n"
                     "       vigie --help\n"
                     "\n"
                     "Commands:\n"
                     "  scan                        ") +
         kScanSummary + "\n\nRun 'vigie scan --help' for the scan's options.\n";
}

void Print(std::FILE* to, std::string_view text) { std::fwrite(text.data(), 1, text.size(), to); }

int Usage(const std::string& message) {
  std::fprintf(stderr, "vigie: %s\nRun 'vigie --help' or 'vigie scan --help' for more information.\n", message.c_str());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("a command is required");
  if (args[0] == "--version") {
    std::printf("vigie %s\n", vigie::kVersion);
    return kExitOk;
  }
  if (args[0] == "-h" || args[0] == "--help") {
    Print(stdout, MainHelp());
    return kExitOk;
  }
  if (args[0] != "scan") return Usage("unknown command '" + std::string(args[0]) + "'");
  RawArgs raw;
  try {
    const vigie::cli::FlagSet flags = ScanFlags(raw);
    if (!flags.Parse({args.begin() + 1, args.end()})) {
      Print(stdout, flags.Help());
      return kExitOk;
    }
    // Never freed: the signatures it holds (compiled databases, the KB)
    // go with the process, where freeing them piece by piece took a
    // quarter of a millisecond of a one-app scan. Reachable, so not a
    // leak to LeakSanitizer.
    static const Config* config = new Config(MakeConfig(raw));
    return EndProcess(RunScan(*config));
  } catch (const UsageError& e) {
    return Usage(e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
