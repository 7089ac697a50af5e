#include "vigie/check/check.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_set>

#include "vigie/acquisition/file_tree.h"
#include "vigie/base/mapped_file.h"
#include "vigie/zip/zip_archive.h"
#include "vigie/acquisition/android_backup.h"
#include "vigie/acquisition/ios_backup.h"
#include "module.h"

namespace vigie::check {
namespace {
namespace fs = std::filesystem;

// AndroidQF's files (github.com/mvt-project/androidqf): any one of them
// makes a folder or ZIP an AndroidQF acquisition.
constexpr std::string_view kAndroidQfFiles[] = {"packages.json", "ps.txt",    "processes.json", "getprop.txt",
                                                "files.json",    "dumpsys.txt", "root_binaries.json",
                                                "mounts.json",   "backup.ab"};

AcquisitionKind KindOfTree(const acquisition::FileTree& tree) {
  if (tree.Find("Manifest.db") && tree.Find("Info.plist")) return AcquisitionKind::kIosBackup;
  const auto& files = tree.files();
  const auto var = std::lower_bound(files.begin(), files.end(), std::string_view("private/var/"),
                                    [](const acquisition::FileEntry& f, std::string_view p) { return f.path < p; });
  if (var != files.end() && var->path.starts_with("private/var/")) return AcquisitionKind::kIosFilesystem;
  if (tree.Find("main_entry.txt") || !tree.Glob("dumpstate*.txt").empty() || !tree.Glob("bugreport-*.txt").empty())
    return AcquisitionKind::kBugreport;
  // An Android backup unpacked (`apps/<package>/…`), before AndroidQF's
  // files: such a folder may also hold the .ab it came from.
  if (!tree.Glob("apps/*/*/*").empty() || !tree.Glob("apps/*/*").empty()) return AcquisitionKind::kAndroidBackup;
  for (std::string_view f : kAndroidQfFiles)
    if (tree.Find(f)) return AcquisitionKind::kAndroidQf;
  if (!tree.Glob("settings_*.txt").empty()) return AcquisitionKind::kAndroidQf;
  return AcquisitionKind::kUnknown;
}

Result<std::unique_ptr<acquisition::FileTree>> OpenTree(const std::string& path, Diagnostics& diags) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return acquisition::OpenFolder(path, diags);
  return acquisition::OpenZip(path, diags);
}

void RunModules(const std::vector<Module>& modules, const acquisition::FileTree& tree,
                const indicators::IndicatorSet& iocs, CheckResult& result, bool keep_records = true) {
  RunState run;
  for (const Module& m : modules) {
    ModuleContext ctx(tree, iocs, result, run, m.slug, m.timeline_name);
    ctx.set_keep_records(keep_records);
    m.run(ctx);
  }
}

// MVT's timeline: sorted by time, each row once.
void FinishTimeline(std::vector<TimelineRow>& rows) {
  auto key = [](const TimelineRow& r) { return std::tie(r.timestamp, r.module, r.event, r.description); };
  std::stable_sort(rows.begin(), rows.end(), [&](const TimelineRow& a, const TimelineRow& b) { return key(a) < key(b); });
  rows.erase(std::unique(rows.begin(), rows.end(), [&](const TimelineRow& a, const TimelineRow& b) { return key(a) == key(b); }),
             rows.end());
}

}  // namespace

AcquisitionKind DetectKind(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return AcquisitionKind::kUnknown;
  if (!fs::is_directory(path, ec)) {
    auto file = MappedFile::Open(path);
    if (!file) return AcquisitionKind::kUnknown;
    if (acquisition::LooksLikeAndroidBackup(file->view().AsString())) return AcquisitionKind::kAndroidBackup;
    if (!zip::LooksLikeZip(file->view())) return AcquisitionKind::kUnknown;
  }
  Diagnostics ignored;
  auto tree = OpenTree(path, ignored);
  return tree ? KindOfTree(**tree) : AcquisitionKind::kUnknown;
}

namespace {

// The modules of each kind of acquisition, in MVT's order; null for a kind
// vigie check does not read.
const std::vector<Module>* ModulesOf(AcquisitionKind kind) {
  switch (kind) {
    case AcquisitionKind::kAndroidQf: return &AndroidQfModules();
    case AcquisitionKind::kBugreport: return &BugreportModules();
    case AcquisitionKind::kAndroidBackup: return &AndroidBackupModules();
    case AcquisitionKind::kIosBackup: return &IosBackupModules();
    case AcquisitionKind::kIosFilesystem: return &IosFilesystemModules();
    default: return nullptr;
  }
}

// Opens the acquisition at `path` (of result.kind) whatever holds it, and
// runs its modules into `result`.
void CheckAcquisition(const std::string& path, const indicators::IndicatorSet& iocs, const CheckOptions& options,
                      CheckResult& result) {
  std::error_code ec;
  const bool folder = fs::is_directory(path, ec);
  if (result.kind == AcquisitionKind::kAndroidBackup && !folder) {
    auto tree = acquisition::ReadAndroidBackupFile(path, options.password, result.diagnostics);
    if (tree) RunModules(AndroidBackupModules(), *tree, iocs, result, options.keep_records);
    return;
  }
  auto tree = OpenTree(path, result.diagnostics);
  if (!tree) {
    result.diagnostics.AddError(Level::kError, tree.error(), path);
    return;
  }
  if (result.kind == AcquisitionKind::kIosBackup && acquisition::IsEncryptedIosBackup(**tree, result.diagnostics)) {
    auto clear = acquisition::DecryptIosBackup(std::move(tree.value()), options.password, result.diagnostics);
    if (clear) return CheckFiles(result.kind, *clear, iocs, result, options.keep_records);
    // Info.plist is never encrypted: what the backup says of the phone.
    if (auto plain = OpenTree(path, result.diagnostics))
      RunModules({IosBackupModules().front()}, **plain, iocs, result);
    return;
  }
  CheckFiles(result.kind, **tree, iocs, result, options.keep_records);
  // AndroidQF saves the phone's backup as backup.ab: MVT reads its SMS.
  if (result.kind == AcquisitionKind::kAndroidQf)
    if (const acquisition::FileEntry* ab = (*tree)->Find("backup.ab"))
      if (auto bytes = (*tree)->Read(*ab, result.diagnostics))
        if (auto inner = acquisition::ReadAndroidBackup(*bytes, ab->path, options.password, result.diagnostics))
          RunModules(AndroidBackupModules(), *inner, iocs, result, options.keep_records);
}

}  // namespace

CheckResult Check(const std::string& path, const indicators::IndicatorSet& iocs, const CheckOptions& options) {
  CheckResult result;
  result.path = path;
  result.kind = options.kind == AcquisitionKind::kUnknown ? DetectKind(path) : options.kind;
  if (result.kind == AcquisitionKind::kUnknown) {
    result.diagnostics.Add(Level::kError, ErrorCode::kAcquisitionUnknown, path,
                           "no iOS backup or filesystem dump, AndroidQF acquisition, bugreport or Android backup here "
                           "(--kind names one)");
    return result;
  }
  CheckAcquisition(path, iocs, options, result);
  FinishTimeline(result.timeline);
  return result;
}

void CheckFiles(AcquisitionKind kind, const acquisition::FileTree& files, const indicators::IndicatorSet& iocs,
                CheckResult& result, bool keep_records) {
  if (result.kind == AcquisitionKind::kUnknown) result.kind = kind;
  if (const std::vector<Module>* modules = ModulesOf(kind)) return RunModules(*modules, files, iocs, result, keep_records);
  result.diagnostics.Add(Level::kError, ErrorCode::kAcquisitionUnknown, files.where(),
                         std::string(AcquisitionKindName(kind)) + " is not read by this version of vigie check yet");
}

}  // namespace vigie::check
