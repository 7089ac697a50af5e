// The modules MVT runs on an AndroidQF acquisition (`mvt-android
// check-androidqf`): installed packages, processes, system properties,
// settings, files, root binaries and mounts, each checked against
// indicators and MVT's heuristics (docs/check.md lists them with levels).
#include <algorithm>
#include <ctime>
#include <map>
#include <regex>
#include <set>

#include "android_common.h"
#include "json_file.h"
#include "text_lines.h"
#include "vigie/base/limits.h"
#include "module.h"
#include "time_text.h"

namespace vigie::check {
namespace {

// MVT's lists (mvt/android/utils.py @ dac4acb).
const std::set<std::string, std::less<>> kSecurityPackages = {"com.policydm", "com.samsung.android.app.omcagent",
                                                              "com.samsung.android.securitylogagent",
                                                              "com.sec.android.soagent"};
const std::set<std::string, std::less<>> kSystemUpdatePackages = {
    "com.android.updater",   "com.google.android.gms", "com.huawei.android.hwouc",     "com.lge.lgdmsclient",
    "com.motorola.ccc.ota",  "com.oneplus.opbackup",   "com.oppo.ota",                 "com.transsion.systemupdate",
    "com.wssyncmldm"};
const std::set<std::string, std::less<>> kThirdPartyStores = {"com.aurora.store", "org.fdroid.fdroid"};
const std::set<std::string, std::less<>> kBrowserInstallers = {"com.google.android.packageinstaller",
                                                               "com.android.packageinstaller"};

struct DangerousSetting {
  const char* key;
  const char* safe;
  const char* description;
};
constexpr DangerousSetting kDangerousSettings[] = {
    {"verifier_verify_adb_installs", "1", "disabled Google Play Services apps verification"},
    {"package_verifier_enable", "1", "disabled Google Play Protect"},
    {"package_verifier_state", "1", "disabled APK package verification"},
    {"package_verifier_user_consent", "1", "disabled Google Play Protect"},
    {"upload_apk_enable", "1", "disabled Google Play Protect"},
    {"adb_install_need_confirm", "1", "disabled confirmation of adb apps installation"},
    {"send_security_reports", "1", "disabled sharing of security reports"},
    {"samsung_errorlog_agree", "1", "disabled sharing of crash logs with manufacturer"},
    {"send_action_app_error", "1", "disabled applications errors reports"},
    {"accessibility_enabled", "0", "enabled accessibility services"},
};

// AndroidQF writes its files in one folder; MVT finds each by name below
// any folder, the first one in path order.
const acquisition::FileEntry* FindFile(const acquisition::FileTree& files, std::string_view name) {
  if (const acquisition::FileEntry* f = files.Find(name)) return f;
  for (const acquisition::FileEntry& f : files.files())
    if (f.path.ends_with("/" + std::string(name))) return &f;
  return nullptr;
}

struct NamedFile {
  const acquisition::FileEntry* entry;
  std::string text;
};

// The first file named `name`, read; nullopt when it is absent or unreadable.
std::optional<NamedFile> ReadNamed(ModuleContext& ctx, std::string_view name) {
  const acquisition::FileEntry* f = FindFile(ctx.files(), name);
  if (!f) return std::nullopt;
  auto text = ctx.Read(*f);
  if (!text) return std::nullopt;
  return NamedFile{f, std::move(*text)};
}

// The first file named `name`, read as a JSON list.
std::optional<nlohmann::json> ReadJsonList(ModuleContext& ctx, std::string_view name) {
  auto file = ReadNamed(ctx, name);
  if (!file) return std::nullopt;
  auto json = ParseJson(ctx, file->text, file->entry->path);
  if (!json || !json->is_array()) return std::nullopt;
  return json;
}

void Packages(ModuleContext& ctx) {
  auto packages = ReadJsonList(ctx, "packages.json");
  if (!packages) return;
  for (const nlohmann::json& p : *packages) {
    if (!p.is_object()) continue;
    Record& r = ctx.AddRecord();
    AddFields(r, p);
    const std::string name = Text(p, "name"), installer = Text(p, "installer");
    const bool system = Flag(p, "system"), disabled = Flag(p, "disabled");
    if (IsRootPackage(name)) {
      ctx.Alert(AlertLevel::kMedium, "Found an installed package related to rooting/jailbreaking: \"" + name + "\"", "",
                name);
      continue;
    }
    if (kThirdPartyStores.contains(installer))
      ctx.Alert(AlertLevel::kInfo,
                "Found a package installed via a third party store (installer=\"" + installer + "\"): \"" + name + "\"",
                "", name);
    else if (kBrowserInstallers.contains(installer))
      ctx.Alert(AlertLevel::kMedium,
                "Found a package installed via a browser (installer=\"" + installer + "\"): \"" + name + "\"", "", name);
    else if (installer == "null" && !system)
      ctx.Alert(AlertLevel::kMedium, "Found a non-system package installed via adb or another method: \"" + name + "\"",
                "", name);
    if (disabled && kSecurityPackages.contains(name))
      ctx.Alert(AlertLevel::kMedium, "Security package \"" + name + "\" disabled on the phone", "", name);
    if (disabled && kSystemUpdatePackages.contains(name))
      ctx.Alert(AlertLevel::kMedium, "System OTA update package \"" + name + "\" disabled on the phone", "", name);
    ctx.CheckAppId(name, "app id");
    if (!p.contains("files") || !p["files"].is_array()) continue;
    for (const nlohmann::json& file : p["files"]) {
      const std::string sha256 = Text(file, "sha256");
      if (!sha256.empty())
        if (const indicators::Indicator* hit = ctx.iocs().MatchHash(sha256)) ctx.Matched(*hit, "APK file hash", sha256, "");
      if (!file.is_object() || !file.contains("certificate")) continue;
      for (const char* kind : {"Md5", "Sha1", "Sha256"}) {
        const std::string hex = Text(file["certificate"], kind);
        if (hex.empty()) continue;
        if (const indicators::Indicator* hit = ctx.iocs().MatchAppCertificate(hex)) {
          ctx.Matched(*hit, "app certificate hash", hex, "");
          break;
        }
      }
    }
  }
}

void Processes(ModuleContext& ctx) {
  auto file = ReadNamed(ctx, "ps.txt");
  if (!file) return;
  const std::vector<std::string_view> lines = SplitLines(file->text);
  for (size_t i = 1; i < lines.size(); ++i) {  // The first line is ps's header.
    std::vector<std::string> t;
    for (std::string_view w : Words(lines[i])) t.emplace_back(w);
    if (t.empty()) continue;
    if (t.size() == 8) t.insert(t.begin() + 5, "");  // An empty WCHAN column.
    std::string label;
    if (t[0].starts_with("u:r")) {
      label = t[0];
      t.erase(t.begin());
    }
    if (t.size() < 9) t.insert(t.begin() + static_cast<long>(std::min<size_t>(5, t.size())), "");  // Python appends past the end.
    if (t.size() < 9) {
      ctx.diagnostics().Add(Level::kWarning, ErrorCode::kAcquisitionMalformed, file->entry->path,
                            "line " + std::to_string(i + 1) + " has too few columns: left out");
      continue;
    }
    std::string name = t[8];
    while (!name.empty() && (name.front() == '[' || name.front() == ']')) name.erase(0, 1);
    while (!name.empty() && (name.back() == '[' || name.back() == ']')) name.pop_back();
    Record& r = ctx.AddRecord();
    r.Set("user", t[0]).Set("pid", t[1]).Set("ppid", t[2]).Set("virtual_memory_size", t[3]).Set("resident_set_size", t[4]);
    r.Set("wchan", t[5]).Set("aprocress", t[6]).Set("stat", t[7]).Set("proc_name", name).Set("label", label);
    if (name.empty() || name == "gatekeeperd") continue;  // MVT: gatekeeperd is a known false positive.
    if (ctx.CheckAppId(name)) continue;
    ctx.CheckProcess(name, "process name", "");
  }
}

void GetProp(ModuleContext& ctx) {
  auto file = ReadNamed(ctx, "getprop.txt");
  if (!file) return;
  CheckProperties(ctx, ReadProperties(file->text));
}

void Settings(ModuleContext& ctx) {
  for (const acquisition::FileEntry* f : ctx.files().Glob("*settings_*.txt")) {
    const size_t underscore = f->path.rfind('_');
    const std::string ns = f->path.substr(underscore + 1, f->path.size() - underscore - 5);
    auto text = ctx.Read(*f);
    if (!text) continue;
    std::vector<std::pair<std::string, std::string>> values;
    for (std::string_view line : SplitLines(*text)) {
      line = Trim(line);
      const size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string key(line.substr(0, eq)), value(line.substr(eq + 1));
      const auto same = std::find_if(values.begin(), values.end(), [&](const auto& kv) { return kv.first == key; });
      if (same != values.end()) same->second = value;
      else values.emplace_back(key, value);
    }
    Record& r = ctx.AddRecord();
    r.Set("namespace", ns);
    for (const auto& [key, value] : values) {
      r.Set(key, value);
      for (const DangerousSetting& d : kDangerousSettings) {
        if (key != d.key) continue;
        if (value != d.safe)
          ctx.Alert(AlertLevel::kMedium,
                    "Found suspicious \"" + ns + "\" setting \"" + key + " = " + value + "\" (" + d.description + ")", "",
                    key + " = " + value);
        break;
      }
    }
  }
}

void Files(ModuleContext& ctx) {
  auto named = ReadNamed(ctx, "files.json");
  if (!named) return;
  const std::string& text = named->text;
  std::vector<nlohmann::json> files;
  nlohmann::json whole = text.size() > limits::kMaxAcquisitionJsonBytes ? nlohmann::json() : nlohmann::json::parse(text, nullptr, false);
  if (!whole.is_discarded() && whole.is_array()) {
    files.assign(whole.begin(), whole.end());
  } else {  // AndroidQF also writes one object per line.
    for (std::string_view line : SplitLines(text)) {
      if (Trim(line).empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object()) files.push_back(std::move(j));
    }
    if (files.empty()) {
      ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, named->entry->path,
                            "neither a JSON list nor JSON lines");
      return;
    }
  }
  for (nlohmann::json& file : files) {
    if (!file.is_object()) continue;
    std::map<std::string, std::string> times;
    for (const char* key : {"access_time", "changed_time", "modified_time"})
      if (file.contains(key) && file[key].is_number()) {
        times[key] = TimeFromMicros(static_cast<int64_t>(file[key].get<double>() * 1e6));
        file[key] = times[key];
      }
    Record& r = ctx.AddRecord();
    AddFields(r, file);
    const std::string path = Text(file, "path"), context = Text(file, "context");
    if (times.size() == 3) {
      std::set<std::string> distinct;
      for (const auto& [key, value] : times) distinct.insert(value);
      for (const std::string& when : distinct) {
        std::string macb = "----";
        if (times["modified_time"] == when) macb[0] = 'M';
        if (times["access_time"] == when) macb[1] = 'A';
        if (times["changed_time"] == when) macb[2] = 'C';
        ctx.Timeline(when, macb, path + (context.empty() ? "" : " (" + context + ")"));
      }
    }
    if (!ctx.has_indicators()) continue;  // MVT checks files only with indicators.
    if (const indicators::Indicator* hit = ctx.iocs().MatchFileName(path)) {
      ctx.Matched(*hit, "file name", path, "");
      continue;
    }
    if (const indicators::Indicator* hit = ctx.iocs().MatchFilePath(path)) {
      ctx.Matched(*hit, "file path", path, "");
      continue;
    }
    if (path == "/data/local/tmp/collector") continue;  // AndroidQF's own collector.
    if (path.starts_with("/data/local/tmp/"))
      ctx.Alert(AlertLevel::kHigh,
                std::string(Text(file, "mode").find('x') != std::string::npos ? "Found executable file" : "Found file") +
                    " at suspicious path \"" + path + "\"",
                "", path);
    for (const char* kind : {"sha256", "sha1", "md5"}) {
      const std::string hex = Text(file, kind);
      if (hex.empty()) continue;
      if (const indicators::Indicator* hit = ctx.iocs().MatchHash(hex)) {
        ctx.Matched(*hit, "file hash", hex, "");
        break;
      }
    }
  }
}

void LogTimestamps(ModuleContext& ctx) {
  for (const acquisition::FileEntry* f : ctx.files().Glob("*logs/*")) {
    if (f->path.find("logs/") != 0 && f->path.find("/logs/") == std::string::npos) continue;
    const std::string when = f->modified ? TimeFromSeconds(f->modified) : "";
    ctx.AddRecord().Set("path", f->path).Set("modified_time", when);
    ctx.Timeline(when, "M---", f->path);
  }
}

void RootBinaries(ModuleContext& ctx) {
  auto paths = ReadJsonList(ctx, "root_binaries.json");
  if (!paths) return;
  for (const nlohmann::json& p : *paths) {
    if (!p.is_string()) continue;
    const std::string path = p.get<std::string>();
    const std::string name = path.substr(path.rfind('/') + 1);
    ctx.AddRecord().Set("path", path).Set("binary_name", name);
    ctx.Alert(AlertLevel::kHigh, "Found root binary \"" + name + "\" at path \"" + path + "\"", "", path);
    ctx.Timeline("", "root_binary_found", "Root binary found: " + path + " (binary: " + name + ")");
  }
}

void Mounts(ModuleContext& ctx) {
  auto list = ReadJsonList(ctx, "mounts.json");
  if (!list) return;
  for (const nlohmann::json& entry : *list) {
    if (!entry.is_string()) continue;
    const std::string text = entry.get<std::string>();  // Outlives the views into it.
    for (std::string_view line : SplitLines(text)) {
      line = Trim(line);
      const size_t on = line.find(" on ");
      if (on == std::string_view::npos) continue;
      const std::string_view rest = line.substr(on + 4);
      const size_t type = rest.find(" type ");
      if (type == std::string_view::npos) continue;
      const std::string device(Trim(line.substr(0, on))), mount(Trim(rest.substr(0, type)));
      std::string_view fs = Trim(rest.substr(type + 6)), options;
      if (const size_t paren = fs.find('('); paren != std::string_view::npos && fs.ends_with(")")) {
        options = Trim(fs.substr(paren + 1, fs.size() - paren - 2));
        fs = Trim(fs.substr(0, paren));
      }
      if (device.empty() || mount.empty() || fs.empty()) continue;
      std::vector<std::string> opts;
      for (std::string_view o = options; !o.empty();) {
        const size_t comma = o.find(',');
        const std::string_view item = Trim(o.substr(0, comma));
        if (!item.empty()) opts.emplace_back(item);
        if (comma == std::string_view::npos) break;
        o.remove_prefix(comma + 1);
      }
      bool system = false;
      for (const char* p : {"/system", "/vendor", "/product", "/system_ext"}) system |= mount.starts_with(p);
      const bool rw = std::find(opts.begin(), opts.end(), "rw") != opts.end();
      Record& r = ctx.AddRecord();
      r.Set("device", device).Set("mount_point", mount).Set("filesystem_type", std::string(fs));
      r.Set("mount_options", std::string(options)).SetBool("is_system_partition", system).SetBool("is_read_write", rw);
      if (system && rw)
        ctx.Alert(AlertLevel::kHigh,
                  mount == "/system" ? "Root detected /system partition is mounted as read-write (rw)"
                                     : "System partition " + mount +
                                           " is mounted as read-write (rw). This may indicate system modifications.",
                  "", mount);
      std::string suspicious;
      for (const std::string& o : opts)
        if (o == "rw" || o == "remount" || o == "noatime" || o == "nodiratime")
          suspicious += (suspicious.empty() ? "" : ", ") + o;
      const bool usual_noatime = options.find("noatime") != std::string_view::npos &&
                                 (mount == "/system_dlkm" || mount == "/system_ext" || mount == "/product" ||
                                  mount == "/vendor" || mount == "/vendor_dlkm");
      if (system && !suspicious.empty() && !usual_noatime)
        ctx.Alert(AlertLevel::kMedium, "Suspicious mount options found for " + mount + ": " + suspicious, "", mount);
      for (const std::string* p : {&mount, &device}) {
        if (const indicators::Indicator* hit = ctx.iocs().MatchFileName(*p)) ctx.Matched(*hit, "file name", *p, "");
        else if (const indicators::Indicator* path_hit = ctx.iocs().MatchFilePath(*p))
          ctx.Matched(*path_hit, "file path", *p, "");
      }
    }
  }
}

}  // namespace

const std::vector<Module>& AndroidQfModules() {
  static const std::vector<Module> modules = {
      {"aqf_packages", "AQFPackages", Packages},         {"aqf_processes", "AQFProcesses", Processes},
      {"aqf_get_prop", "AQFGetProp", GetProp},           {"aqf_settings", "AQFSettings", Settings},
      {"aqf_files", "AQFFiles", Files},                  {"aqf_log_timestamps", "AQFLogTimestamps", LogTimestamps},
      {"root_binaries", "RootBinaries", RootBinaries},   {"mounts", "Mounts", Mounts},
  };
  return modules;
}

}  // namespace vigie::check
