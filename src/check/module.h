// What a check module sees and how it reports: the acquisition's files,
// the indicators, and the records, alerts and timeline rows it adds.
// Private to the check library.
#pragma once

#include <map>
#include <unordered_set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/acquisition/file_tree.h"
#include "vigie/indicators/indicator_set.h"
#include "vigie/model/check_result.h"

namespace vigie::check {

class ModuleContext {
 public:
  ModuleContext(const acquisition::FileTree& files, const indicators::IndicatorSet& iocs, CheckResult& result,
                std::string slug, std::string timeline_name);

  const acquisition::FileTree& files() const { return files_; }
  const indicators::IndicatorSet& iocs() const { return iocs_; }
  /// Whether any indicator was loaded (some heuristics of MVT's only run then).
  bool has_indicators() const { return iocs_.size() > 0; }
  Diagnostics& diagnostics() { return result_.diagnostics; }

  /// A file's bytes, or nullopt with a diagnostic naming it.
  std::optional<std::string> Read(const acquisition::FileEntry& file);
  /// The same, read once for all the modules of a run (a bugreport's
  /// dumpstate, which a dozen modules cut sections from); null when it
  /// cannot be read.
  const std::string* ReadShared(const acquisition::FileEntry& file);
  void set_shared(std::map<std::string, std::optional<std::string>>* shared) { shared_ = shared; }
  /// Whether records (and timeline rows) are kept whole, or only counted;
  /// `seen` holds the hashes of the run's timeline rows, to count them once.
  void set_keep_records(bool keep, std::unordered_set<uint64_t>* seen) {
    keep_records_ = keep;
    timeline_seen_ = seen;
  }

  /// Adds a record to the module (which then appears in the result).
  Record& AddRecord();
  size_t records() const;

  /// An alert raised by a heuristic.
  void Alert(AlertLevel level, std::string message, std::string event_time, std::string evidence);
  /// An alert for a record value that matched an indicator (critical, as
  /// MVT's): the message says which indicator, from which collection.
  void Matched(const indicators::Indicator& hit, std::string_view what, std::string_view value,
               std::string event_time, AlertLevel level = AlertLevel::kCritical);
  void Timeline(std::string timestamp, std::string event, std::string description);

  const std::string& slug() const { return slug_; }
  /// What kind of acquisition the files are (an iOS module reads a backup
  /// and a filesystem dump differently).
  AcquisitionKind kind() const { return result_.kind; }

 private:
  ModuleResult& Module();

  const acquisition::FileTree& files_;
  const indicators::IndicatorSet& iocs_;
  CheckResult& result_;
  std::string slug_, timeline_name_;
  std::optional<size_t> module_;  // Index into result_.modules once a record is added.
  std::map<std::string, std::optional<std::string>>* shared_ = nullptr;
  bool keep_records_ = true;
  std::unordered_set<uint64_t>* timeline_seen_ = nullptr;
  Record scratch_;
};

/// A module: its MVT slug and timeline name, and what it runs.
struct Module {
  const char* slug;
  const char* timeline_name;
  void (*run)(ModuleContext& ctx);
};

/// The modules for each kind of acquisition, in the order MVT runs them.
const std::vector<Module>& AndroidQfModules();
const std::vector<Module>& BugreportModules();
const std::vector<Module>& AndroidBackupModules();
const std::vector<Module>& IosBackupModules();
const std::vector<Module>& IosFilesystemModules();

}  // namespace vigie::check
