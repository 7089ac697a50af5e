// `vigie corpus`: scans folders of apps into the corpus store, asks it
// questions, and writes (and submits) Slurm job arrays (docs/corpus.md).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "flags.h"
#include "knowledge_flags.h"
#include "vigie/base/task_pool.h"
#include "vigie/corpus/corpus.h"

extern char** environ;

namespace vigie::cli {

const char* const kCorpusSummary =
    "Scan folders of apps into a database, match them again under new knowledge, query it, or run the scan on a "
    "Slurm cluster";

namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultDb = "vigie-corpus.sqlite";
constexpr const char* kDbHelp =
    "The database: a path to an SQLite file (default: vigie-corpus.sqlite here) or postgresql://USER@HOST/DB "
    "(libpq's URI or key=value form, after 'postgresql:')";

std::unique_ptr<store::Store> OpenStoreOrReport(const std::string& url) {
  const store::StoreUrl parsed = store::StoreUrl::Parse(url);
  auto s = store::Store::Open(parsed);
  if (!s) {
    std::fprintf(stderr, "vigie: %s: %s [%s]\n", parsed.Display().c_str(), s.error().message.c_str(),
                 std::string(ErrorCodeName(s.error().code)).c_str());
    return nullptr;
  }
  return std::move(*s);
}

std::string Duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(seconds + 0.5);
  char out[32];
  if (s >= 3600) std::snprintf(out, sizeof out, "%lldh%02lldm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(out, sizeof out, "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(out, sizeof out, "%llds", s);
  return out;
}

// The progress of a corpus scan on stderr: on a terminal, one line
// rewritten in place a few times a second; otherwise (a log, a Slurm
// task's output) a line every few seconds.
class ProgressLine {
 public:
  explicit ProgressLine(bool live) : live_(live) {}

  void Update(const corpus::CorpusProgress& p) {
    if (!Due(p.seconds, p.done == p.total)) return;
    const double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
    const double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : NAN;
    char line[256];
    std::snprintf(line, sizeof line, "%zu/%zu apps, %.1f apps/s, ETA %s, %zu stored, %zu skipped, %zu failed",
                  p.done, p.total, rate, p.done == p.total ? "0s" : Duration(eta).c_str(), p.stored, p.skipped,
                  p.failed);
    Show(line);
  }
  void Update(const corpus::RematchProgress& p) {
    if (!Due(p.seconds, false)) return;
    char line[256];
    std::snprintf(line, sizeof line, "%zu apps rematched, %.0f apps/s, %zu changed, %zu stale, %zu unreadable",
                  p.done, p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0.0, p.changed, p.stale,
                  p.unreadable);
    Show(line);
  }
  // Ends the live line before anything else is printed.
  void Break() {
    if (live_ && shown_) std::fputc('\n', stderr);
    shown_ = false;
  }
  // A file or app that could not be read, on a line of its own.
  void Problem(const std::string& message) {
    Break();
    std::fprintf(stderr, "vigie: %s\n", message.c_str());
  }

 private:
  // Whether a line is due: a live one five times a second, else every 5 s.
  bool Due(double seconds, bool finished) {
    if (!finished && seconds - last_ < (live_ ? 0.2 : 5.0)) return false;
    last_ = seconds;
    return true;
  }
  void Show(const char* line) {
    if (live_) std::fprintf(stderr, "\r\033[K%s", line);
    else std::fprintf(stderr, "vigie: corpus: %s\n", line);
    shown_ = true;
  }

  bool live_;
  bool shown_ = false;
  double last_ = -1e9;
};

// "I/N" of --shard.
std::pair<uint32_t, uint32_t> ParseShard(std::string_view v) {
  const size_t slash = v.find('/');
  if (slash == std::string_view::npos) throw UsageError("--shard takes I/N (e.g. 0/4), got '" + std::string(v) + "'");
  const unsigned n = ParseUnsigned("--shard", v.substr(slash + 1), 1, 1'000'000);
  const unsigned i = ParseUnsigned("--shard", v.substr(0, slash), 0, n - 1);
  return {i, n};
}

int RunCorpusScan(const std::vector<std::string_view>& args) {
  std::vector<std::string> paths;
  std::string db = kDefaultDb, shard, files_from;
  KnowledgeArgs knowledge_args;
  unsigned jobs = 0;
  bool rescan = false, features = false;
  std::string progress = "auto";
  FlagSet f("vigie corpus scan [OPTIONS] PATH...",
            "Scan the apps in PATH (folders, recursively, and files) into the database. Apps stored already, by "
            "SHA-256, are skipped: an interrupted scan resumes where it stopped");
  f.Positionals("PATH...", "Folders of apps (APK, AAB, XAPK, APKS, JAR, AAR, DEX) and app files", &paths, false);
  f.Option({"--files-from"}, "FILE",
           "Also scan the paths listed in FILE, one per line ('-': standard input), as an AndroZoo-style list",
           [&](std::string_view v) { files_from = v; });
  f.Option({"--db"}, "URL", kDbHelp, [&](std::string_view v) { db = v; });
  f.Option({"-j", "--jobs"}, "N", "Apps scanned at once (default: one per core)",
           [&](std::string_view v) { jobs = ParseUnsigned("--jobs", v, 1, 1024); });
  f.Flag({"--rescan"}, "Scan apps stored already again, and replace what was stored", &rescan);
  f.Flag({"--features"},
         "Also store the features `vigie corpus rematch` matches again under new knowledge (apps stored without "
         "them are scanned again to add them)",
         &features);
  f.Option({"--shard"}, "I/N",
           "Only the files whose path hashes to shard I of N (what each task of `vigie corpus slurm` runs)",
           [&](std::string_view v) { shard = v; });
  f.Option({"--progress"}, "WHEN",
           "auto (a live line on a terminal, else a line every 5 s), live, lines, or never",
           [&](std::string_view v) { progress = v; }, {"auto", "live", "lines", "never"});
  knowledge_args.AddTo(f);
  if (!f.ParseOrPrintHelp(args)) return kExitOk;
  if (!files_from.empty()) {
    std::ifstream list;
    if (files_from != "-") {
      list.open(files_from);
      if (!list) throw UsageError("--files-from: cannot read " + files_from);
    }
    std::istream& in = files_from == "-" ? std::cin : list;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) paths.push_back(line);
    }
  }
  if (paths.empty()) throw UsageError("no PATH given (nor --files-from)");
  corpus::ScanCorpusOptions options;
  KnowledgeSpec spec;
  knowledge_args.Apply(spec, options.scan);
  if (!shard.empty()) std::tie(options.shard, options.shards) = ParseShard(shard);
  options.jobs = jobs ? jobs : CpuCount();
  options.rescan = rescan;
  options.features = features;

  const Knowledge* knowledge = LoadKnowledgeOrReport(spec);
  if (!knowledge) return kExitUsage;
  options.scan.knowledge = *knowledge;
  options.kb_version = KnowledgeVersion(spec);
  // PostgreSQL takes a connection per worker, so that their writes overlap;
  // SQLite has one writer at a time whatever the connections.
  std::vector<std::unique_ptr<store::Store>> stores;
  const bool postgres = store::StoreUrl::Parse(db).backend == store::StoreUrl::Backend::kPostgres;
  for (unsigned i = 0; i < (postgres ? options.jobs : 1u); ++i) {
    stores.push_back(OpenStoreOrReport(db));
    if (!stores.back()) return kExitStore;
  }
  std::vector<store::Store*> connections;
  for (auto& s : stores) connections.push_back(s.get());

  const bool live = progress == "live" || (progress == "auto" && ::isatty(STDERR_FILENO));
  ProgressLine line(live);
  auto problem = [&](const std::string& message) { line.Problem(message); };
  const std::vector<std::string> files = corpus::FindPackages(paths, problem);
  auto on_progress = [&](const corpus::CorpusProgress& p) {
    if (progress != "never") line.Update(p);
  };
  auto done = corpus::ScanCorpus(files, options, connections, on_progress, problem);
  line.Break();
  if (!done) {
    std::fprintf(stderr, "vigie: %s [%s]; every app committed before it is stored, run again to resume\n",
                 done.error().message.c_str(), std::string(ErrorCodeName(done.error().code)).c_str());
    return kExitStore;
  }
  const corpus::CorpusProgress& p = *done;
  std::fprintf(stderr,
               "vigie: corpus: %zu file(s): %zu stored (%zu partial, %zu failed), %zu skipped, %zu unreadable, "
               "in %.1f s, into %s\n",
               p.total, p.stored, p.partial, std::min(p.failed, p.stored), p.skipped,
               p.failed - std::min(p.failed, p.stored), p.seconds,
               store::StoreUrl::Parse(db).Display().c_str());
  if (p.failed > 0) return kExitInputFailed;
  if (p.partial > 0) return kExitPartial;
  return kExitOk;
}

int RunCorpusRematch(const std::vector<std::string_view>& args) {
  std::string db = kDefaultDb;
  KnowledgeArgs knowledge_args;
  unsigned jobs = 0;
  std::string progress = "auto";
  FlagSet f("vigie corpus rematch [OPTIONS]",
            "Match every stored app again under other knowledge (signatures, entity lists, a newer KB), from the "
            "features the scan stored, without opening any package; verdicts that change are rewritten");
  f.Option({"--db"}, "URL", kDbHelp, [&](std::string_view v) { db = v; });
  f.Option({"-j", "--jobs"}, "N", "Apps matched at once (default: one per core)",
           [&](std::string_view v) { jobs = ParseUnsigned("--jobs", v, 1, 1024); });
  f.Option({"--progress"}, "WHEN",
           "auto (a live line on a terminal, else a line every 5 s), live, lines, or never",
           [&](std::string_view v) { progress = v; }, {"auto", "live", "lines", "never"});
  knowledge_args.AddTo(f);
  if (!f.ParseOrPrintHelp(args)) return kExitOk;
  // What --deep reads is in the packages, which a rematch never opens: the
  // features hold what the scan's --deep found.
  if (knowledge_args.deep)
    throw UsageError("--deep reads packages and a rematch opens none; rescan with --deep (vigie corpus scan --rescan)");
  corpus::RematchOptions options;
  KnowledgeSpec spec;
  knowledge_args.Apply(spec, options.scan);
  options.jobs = jobs ? jobs : CpuCount();
  const Knowledge* knowledge = LoadKnowledgeOrReport(spec);
  if (!knowledge) return kExitUsage;
  options.scan.knowledge = *knowledge;
  options.kb_version = KnowledgeVersion(spec);
  std::unique_ptr<store::Store> store = OpenStoreOrReport(db);
  if (!store) return kExitStore;

  const bool live = progress == "live" || (progress == "auto" && ::isatty(STDERR_FILENO));
  ProgressLine line(live);
  auto problem = [&](const std::string& message) { line.Problem(message); };
  auto on_progress = [&](const corpus::RematchProgress& p) {
    if (progress != "never") line.Update(p);
  };
  auto done = corpus::RematchCorpus(*store, options, on_progress, problem);
  line.Break();
  if (!done) {
    std::fprintf(stderr, "vigie: %s [%s]; the apps of every batch committed before it are rematched\n",
                 done.error().message.c_str(), std::string(ErrorCodeName(done.error().code)).c_str());
    return kExitStore;
  }
  const corpus::RematchProgress& p = *done;
  std::fprintf(stderr,
               "vigie: corpus: %zu app(s) rematched in %.1f s: %zu changed, %zu stale, %zu unreadable, under %s, in "
               "%s\n",
               p.done, p.seconds, p.changed, p.stale, p.unreadable, options.kb_version.c_str(),
               store::StoreUrl::Parse(db).Display().c_str());
  if (p.stale > 0)
    std::fprintf(stderr,
                 "vigie: %zu app(s) have features this knowledge needs more of; `vigie corpus query stale` lists "
                 "them, and `vigie corpus scan --rescan --features` on those files brings them up to date\n",
                 p.stale);
  if (p.featureless > 0)
    std::fprintf(stderr,
                 "vigie: %zu app(s) were stored without features, and were not rematched; `vigie corpus scan "
                 "--features` on their files adds them\n",
                 p.featureless);
  return p.unreadable > 0 ? kExitPartial : kExitOk;
}

int RunCorpusQuery(const std::vector<std::string_view>& args) {
  std::vector<std::string> words;
  std::string db = kDefaultDb, sql, format = "table";
  std::string questions;
  for (const auto& q : corpus::Questions())
    questions += "\n  " + std::string(q.name) + (q.argument.empty() ? "" : " " + std::string(q.argument)) +
                 std::string(std::max<int>(2, 24 - static_cast<int>(q.name.size() + q.argument.size() + 1)), ' ') +
                 std::string(q.help);
  FlagSet f("vigie corpus query [OPTIONS] QUESTION [ARG]",
            "Ask the database a named question, or run read-only SQL. Questions:" + questions);
  f.Positionals("QUESTION [ARG]", "A named question and its argument", &words, false);
  f.Option({"--db"}, "URL", kDbHelp, [&](std::string_view v) { db = v; });
  f.Option({"-f", "--format"}, "FORMAT", "table (default), csv or jsonl", [&](std::string_view v) { format = v; },
           {"table", "csv", "jsonl"});
  f.Option({"--sql"}, "SQL", "Run this SQL instead, in a read-only transaction (docs/corpus.md has the schema)",
           [&](std::string_view v) { sql = v; });
  if (!f.ParseOrPrintHelp(args)) return kExitOk;
  if (sql.empty() == words.empty())
    throw UsageError(sql.empty() ? "a QUESTION or --sql is required" : "give a QUESTION or --sql, not both");
  if (store::StoreUrl::Parse(db).backend == store::StoreUrl::Backend::kSqlite && !fs::exists(db)) {
    std::fprintf(stderr, "vigie: %s: no such database (vigie corpus scan makes one)\n", db.c_str());
    return kExitStore;
  }
  const auto store = OpenStoreOrReport(db);
  if (!store) return kExitStore;
  const auto fmt = format == "csv" ? corpus::TableFormat::kCsv
                   : format == "jsonl" ? corpus::TableFormat::kJsonl
                                       : corpus::TableFormat::kTable;
  corpus::TableWriter writer(fmt, [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); });
  auto fail = [](const Error& e) {
    if (e.code == ErrorCode::kOk) throw UsageError(e.message);
    std::fprintf(stderr, "vigie: %s [%s]\n", e.message.c_str(), std::string(ErrorCodeName(e.code)).c_str());
    return kExitStore;
  };
  if (!sql.empty()) {
    // Raw SQL may answer millions of rows: they are written as they come.
    if (auto e = store->QueryEach(sql, {}, writer)) return fail(*e);
  } else {
    auto answer = corpus::Ask(*store, words[0], {words.begin() + 1, words.end()});
    if (!answer) return fail(answer.error());
    writer.Columns(answer->columns);
    for (auto& row : answer->rows) writer.Add(std::move(row));
  }
  writer.Finish();
  return kExitOk;
}

// Runs `argv` and waits for it; returns its exit status, or -1 when it
// could not be started.
int RunProgram(const std::vector<std::string>& argv) {
  std::vector<char*> cargs;
  for (const auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
  cargs.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, cargs[0], nullptr, nullptr, cargs.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// FORMAT:FILE with FILE made absolute, for a task that runs elsewhere.
std::string AbsoluteFile(const std::string& format_and_file) {
  const size_t colon = format_and_file.find(':');
  if (colon == std::string::npos) return format_and_file;
  return format_and_file.substr(0, colon + 1) + fs::absolute(format_and_file.substr(colon + 1)).string();
}

int RunCorpusSlurm(const std::vector<std::string_view>& args) {
  std::vector<std::string> paths;
  std::string db, output = "vigie-corpus.sbatch";
  KnowledgeArgs knowledge_args;
  corpus::SlurmJob job;
  bool submit = false, wait = false, features = false;
  FlagSet f("vigie corpus slurm --db postgresql://... --tasks N [OPTIONS] PATH...",
            "Write a Slurm job array that scans PATH in N shards into one PostgreSQL database, and submit it with "
            "--submit");
  f.Positionals("PATH...", "Folders of apps and app files, as for vigie corpus scan", &paths, true);
  f.Option({"--db"}, "URL", "The PostgreSQL database every task writes to (postgresql://USER@HOST/DB)",
           [&](std::string_view v) { db = v; });
  f.Option({"--tasks"}, "N", "Array tasks: each scans the files whose path hashes to its shard",
           [&](std::string_view v) { job.tasks = ParseUnsigned("--tasks", v, 1, 100'000); });
  f.Option({"-j", "--cpus-per-task"}, "N", "CPUs each task asks for and scans on (default 1)",
           [&](std::string_view v) { job.cpus_per_task = ParseUnsigned("--cpus-per-task", v, 1, 1024); });
  f.Option({"--partition"}, "NAME", "Slurm partition (default: the cluster's)",
           [&](std::string_view v) { job.partition = v; });
  f.Option({"--time"}, "LIMIT", "Time limit of each task, as sbatch takes it (e.g. 2:00:00)",
           [&](std::string_view v) { job.time_limit = v; });
  f.Option({"--job-name"}, "NAME", "Job name (default vigie-corpus)", [&](std::string_view v) { job.job_name = v; });
  f.Option({"--log-dir"}, "DIR", "Where each task writes its log (default: here)",
           [&](std::string_view v) { job.log_dir = v; });
  f.Option({"-o", "--output"}, "FILE", "Where to write the script (default vigie-corpus.sbatch)",
           [&](std::string_view v) { output = v; });
  f.Flag({"--features"}, "Each task also stores the features `vigie corpus rematch` matches again", &features);
  f.Flag({"--submit"}, "Submit the script with sbatch", &submit);
  f.Flag({"--wait"},
         "With --submit: wait until every task has ended (sbatch --wait); the exit code is then the highest of the "
         "tasks', as vigie corpus scan gives them",
         &wait);
  knowledge_args.AddTo(f);
  if (!f.ParseOrPrintHelp(args)) return kExitOk;
  if (store::StoreUrl::Parse(db).backend != store::StoreUrl::Backend::kPostgres)
    throw UsageError("a cluster's tasks write to one shared server: --db postgresql://... is required");
  if (job.tasks == 0) throw UsageError("--tasks N is required");
  if (wait && !submit) throw UsageError("--wait goes with --submit");
  // Knowledge that does not load would fail every task: fail here instead.
  KnowledgeSpec spec;
  ScanOptions unused;
  knowledge_args.Apply(spec, unused);
  if (!LoadKnowledgeOrReport(spec)) return kExitUsage;
  // The schema is made once, here, and every task finds it ready.
  if (!OpenStoreOrReport(db)) return kExitStore;

  std::error_code ec;
  job.vigie = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) job.vigie = "vigie";
  job.db_url = db;
  for (const auto& p : paths) job.paths.push_back(fs::absolute(p).lexically_normal().string());
  job.log_dir = fs::absolute(job.log_dir.empty() ? fs::path(".") : fs::path(job.log_dir)).lexically_normal().string();
  KnowledgeArgs absolute = knowledge_args;
  for (auto& s : absolute.signatures) s = AbsoluteFile(s);
  for (auto& e : absolute.entities) e = AbsoluteFile(e);
  job.scan_flags = absolute.AsFlags();
  job.scan_flags.push_back("--progress=lines");
  if (features) job.scan_flags.push_back("--features");

  {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << corpus::SlurmScript(job);
    if (!out) {
      std::fprintf(stderr, "vigie: cannot write %s\n", output.c_str());
      return kExitUsage;
    }
  }
  fs::permissions(output, fs::perms::owner_all, fs::perm_options::replace, ec);  // It may hold a password.
  std::fprintf(stderr, "vigie: wrote %s: %u task(s) over %zu path(s)\n", output.c_str(), job.tasks, paths.size());
  if (!submit) return kExitOk;
  std::vector<std::string> sbatch = {"sbatch"};
  if (wait) sbatch.push_back("--wait");
  sbatch.push_back(output);
  const int rc = RunProgram(sbatch);
  if (rc < 0) {
    std::fprintf(stderr, "vigie: cannot run sbatch: %s\n", std::strerror(errno));
    return kExitUsage;
  }
  // sbatch --wait exits with the highest exit code of the array's tasks:
  // those of `vigie corpus scan`.
  return rc;
}

}  // namespace

int RunCorpusCommand(const std::vector<std::string_view>& args) {
  const std::string help =
      "Usage: vigie corpus scan [OPTIONS] PATH...\n"
      "       vigie corpus rematch [OPTIONS]\n"
      "       vigie corpus query [OPTIONS] QUESTION [ARG]\n"
      "       vigie corpus slurm --db postgresql://... --tasks N [OPTIONS] PATH...\n\n" +
      std::string(kCorpusSummary) + ".\nRun 'vigie corpus COMMAND --help' for its options.\n";
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fwrite(help.data(), 1, help.size(), args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  if (args[0] == "scan") return RunCorpusScan(rest);
  if (args[0] == "rematch") return RunCorpusRematch(rest);
  if (args[0] == "query") return RunCorpusQuery(rest);
  if (args[0] == "slurm") return RunCorpusSlurm(rest);
  throw UsageError("unknown corpus command '" + std::string(args[0]) + "' (scan, rematch, query, slurm)");
}

}  // namespace vigie::cli
