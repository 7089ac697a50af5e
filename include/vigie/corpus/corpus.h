// Corpora of apps: folders of packages scanned into the corpus store, each
// app once, resumably, on every core or as shards of a cluster job; and
// the questions asked of what was stored (docs/corpus.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/store/store.h"

namespace vigie::corpus {

/// The package files under `paths`: each file given as it is, and in each
/// folder, recursively, the files named *.apk, *.aab, *.xapk, *.apks,
/// *.jar, *.aar or *.dex (any case). Sorted, without repeats. A path that
/// cannot be read is reported through `problem` and left out.
std::vector<std::string> FindPackages(const std::vector<std::string>& paths,
                                      const std::function<void(const std::string&)>& problem);

/// Which of `shards` shards `path` belongs to: a hash of the path's text,
/// the same on every machine and in every run.
uint32_t ShardOf(std::string_view path, uint32_t shards);

struct ScanCorpusOptions {
  ScanOptions scan;  ///< Knowledge and per-app options; threads per app.
  std::string kb_version;  ///< Knowledge::version, recorded with each app.
  unsigned jobs = 1;       ///< Apps scanned at once.
  bool rescan = false;     ///< Scan and replace apps already stored.
  /// Also store each app's features, for RematchCorpus; an app stored
  /// without them is then scanned again to add them.
  bool features = false;
  uint32_t shard = 0, shards = 1;  ///< Only the files of this shard.
};

/// Where a corpus scan is: files done out of the total, and how.
struct CorpusProgress {
  size_t total = 0;    ///< Files of this run (this shard's).
  size_t done = 0;     ///< Scanned or skipped.
  size_t stored = 0;   ///< Scanned and stored (replaced ones included).
  size_t skipped = 0;  ///< Already stored, or a copy of a file of this run.
  size_t failed = 0;   ///< Unreadable files, and apps that could not be read at all (stored as failed).
  size_t partial = 0;  ///< Apps read in part (stored).
  double seconds = 0;  ///< Since the run began.
};

/// Scans the files `files` (FindPackages) into the store, options.jobs at a
/// time, each app committed on its own. Worker i writes through
/// stores[i % stores.size()], connections to one database (SQLite: one is
/// enough; PostgreSQL: one per worker lets their writes overlap). A file whose SHA-256 is stored
/// already is skipped unless options.rescan. A file that cannot be opened
/// is counted as failed and told to `problem`. `progress` is called after
/// each file, and `problem`, from the thread that did it, one call at a
/// time. Fails only
/// when the store does: the files in flight are then lost, and every other
/// app is stored whole or not at all.
Result<CorpusProgress> ScanCorpus(const std::vector<std::string>& files, const ScanCorpusOptions& options,
                                  const std::vector<store::Store*>& stores,
                                  const std::function<void(const CorpusProgress&)>& progress,
                                  const std::function<void(const std::string&)>& problem);

struct RematchOptions {
  ScanOptions scan;        ///< The knowledge to match with.
  std::string kb_version;  ///< KnowledgeVersion of it, recorded with each app.
  unsigned jobs = 1;       ///< Apps matched at once.
};

/// Where a rematch is.
struct RematchProgress {
  size_t done = 0;        ///< Apps rematched.
  size_t changed = 0;     ///< Of those, apps whose verdicts changed (and were rewritten).
  size_t stale = 0;       ///< Apps whose features cannot stand in for a rescan under this knowledge.
  size_t unreadable = 0;  ///< Apps whose stored features could not be read back.
  size_t featureless = 0;  ///< Apps stored without features (of this format), which a rematch cannot match.
  double seconds = 0;
};

/// Matches every app stored with features again, under options.scan's
/// knowledge, without opening a package (pipeline::Rematch), and rewrites
/// the verdicts that change. Apps are read and written in batches, one
/// transaction each; `progress` is called after each batch and `problem`
/// for each app whose features cannot be read. Fails only when the store
/// does.
Result<RematchProgress> RematchCorpus(store::Store& store, const RematchOptions& options,
                                      const std::function<void(const RematchProgress&)>& progress,
                                      const std::function<void(const std::string&)>& problem);

/// A named question (docs/corpus.md): its name, its argument, and what it
/// answers.
struct Question {
  std::string_view name;
  std::string_view argument;  ///< "" when it takes none; "[N]" when optional.
  std::string_view help;
};
const std::vector<Question>& Questions();

/// Asks question `name` with `args`. Fails (a usage error, ErrorCode::kOk
/// with a message) on an unknown question or a missing argument, and with
/// the store's error otherwise.
Result<store::Table> Ask(store::Store& store, std::string_view name, const std::vector<std::string>& args);

/// An answer written as it comes, as an aligned text table, CSV (RFC 4180)
/// or JSON lines. The text table aligns its columns on the first rows
/// (TableWriter::kAlignedRows); later ones keep those widths, so a long
/// answer is never held whole.
enum class TableFormat { kTable, kCsv, kJsonl };
class TableWriter final : public store::RowSink {
 public:
  static constexpr size_t kAlignedRows = 1000;
  TableWriter(TableFormat format, std::function<void(std::string_view)> out)
      : format_(format), out_(std::move(out)) {}
  void Columns(const std::vector<std::string>& names) override;
  void Add(store::Row row) override;
  /// Writes what is held, and the row count of the text table.
  void Finish();

 private:
  void Flush();
  void WriteAligned(const std::vector<std::string>& cells);

  TableFormat format_;
  std::function<void(std::string_view)> out_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> held_;  // The text table's first rows, shown as cells.
  std::vector<size_t> widths_;                  // Set once the first rows are written.
  size_t rows_ = 0;
};
/// `table` in `format`, whole.
std::string FormatTable(const store::Table& table, TableFormat format);

/// A Slurm job array that scans `paths` in `tasks` shards into `db_url`:
/// task i runs `vigie corpus scan --shard i/tasks` (docs/corpus.md).
struct SlurmJob {
  std::string vigie;  ///< Absolute path of the vigie program the tasks run.
  std::string db_url;
  std::vector<std::string> paths;  ///< Absolute.
  uint32_t tasks = 1;
  unsigned cpus_per_task = 1;
  std::vector<std::string> scan_flags;  ///< Passed on to each task's scan (--signatures, --deep, ...).
  std::string job_name = "vigie-corpus";
  std::string partition;   ///< Empty: the cluster's default.
  std::string time_limit;  ///< Empty: the partition's default.
  std::string log_dir;     ///< Where each task's log goes.
};
/// The sbatch script.
std::string SlurmScript(const SlurmJob& job);

}  // namespace vigie::corpus
