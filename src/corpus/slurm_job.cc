// The sbatch script of a corpus job array. Every task walks the same
// folders and keeps the files of its shard, so the tasks need nothing from
// each other: the shared database is where their work meets.
#include "vigie/corpus/corpus.h"

namespace vigie::corpus {
namespace {

// `s` quoted for bash: single quotes, with each ' written as '\''.
std::string Quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

std::string SlurmScript(const SlurmJob& job) {
  const std::string tasks = std::to_string(job.tasks);
  std::string s = "#!/bin/bash\n";
  s += "# A Vigie corpus scan as a Slurm job array (docs/corpus.md): task i scans\n";
  s += "# the files whose path hashes to shard i of " + tasks + ", into one database.\n";
  // A job name or partition with a newline could start a command of its own.
  auto directive = [&](std::string_view key, const std::string& value) {
    if (value.empty() || value.find_first_of("\r\n") != std::string::npos) return;
    s += "#SBATCH --" + std::string(key) + "=" + value + "\n";
  };
  directive("job-name", job.job_name);
  directive("array", "0-" + std::to_string(job.tasks - 1));
  directive("cpus-per-task", std::to_string(job.cpus_per_task));
  directive("ntasks", "1");
  directive("partition", job.partition);
  directive("time", job.time_limit);
  directive("output", (job.log_dir.empty() ? std::string(".") : job.log_dir) + "/%x-%A_%a.log");
  s += "set -euo pipefail\n";
  s += "exec " + Quoted(job.vigie) + " corpus scan --db " + Quoted(job.db_url) + " --shard \"${SLURM_ARRAY_TASK_ID}/" +
       tasks + "\" -j " + std::to_string(job.cpus_per_task);
  for (const auto& flag : job.scan_flags) s += " " + Quoted(flag);
  s += " --";
  for (const auto& path : job.paths) s += " " + Quoted(path);
  s += "\n";
  return s;
}

}  // namespace vigie::corpus
