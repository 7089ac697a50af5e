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

/// WhatsApp's address book, which InteractionC uses to name WhatsApp peers.
struct WhatsappContact {
  std::string whatsapp_id, lid, phone, name;
};

/// What the modules of one run share: files several of them read, the
/// timeline rows counted so far, and what one module learns for a later one.
struct RunState {
  std::map<std::string, std::optional<std::string>> files;  // By path; nullopt: unreadable.
  std::unordered_set<uint64_t> timeline_seen;              // Hashes of the timeline rows.
  std::vector<WhatsappContact> whatsapp_contacts;          // Read by WhatsappContacts.
};

class ModuleContext {
 public:
  ModuleContext(const acquisition::FileTree& files, const indicators::IndicatorSet& iocs, CheckResult& result,
                RunState& run, std::string slug, std::string timeline_name);

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
  /// What the run's modules share.
  RunState& run() { return run_; }
  /// Whether records (and timeline rows) are kept whole, or only counted
  /// (timeline rows once each, through the run's hashes).
  void set_keep_records(bool keep) { keep_records_ = keep; }

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

  // Record values against the indicators of their type. Each raises the
  // Matched alert (critical unless `level` says otherwise) and returns
  // whether the value matched; an empty value never does.
  bool CheckAppId(std::string_view id, std::string_view what = "app id");
  bool CheckUrl(std::string_view url, std::string_view what, const std::string& when);
  bool CheckProcess(std::string_view name, std::string_view what, const std::string& when,
                    AlertLevel level = AlertLevel::kCritical);
  /// A file name, else a file path, indicator.
  bool CheckPath(std::string_view path, std::string_view what, const std::string& when,
                 AlertLevel level = AlertLevel::kCritical);
  /// A process indicator that is a whole folder or file name of `path`
  /// (MVT's test of processes against paths).
  bool CheckProcessInPath(std::string_view path, std::string_view what, const std::string& when,
                          AlertLevel level = AlertLevel::kCritical);

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
  RunState& run_;
  bool keep_records_ = true;
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
