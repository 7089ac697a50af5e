// The modules MVT runs on an Android bugreport (`mvt-android
// check-bugreport`): sections of the dumpstate text (dumpsys accessibility,
// package, appops, batterystats, dbinfo, platform_compat, adb), system
// properties, the FS/ file times and tombstones (text and protobuf). Each
// parser follows MVT's line rules so that records line up with MVT's.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "android_common.h"
#include "module.h"
#include "text_lines.h"
#include "time_text.h"
#include "vigie/base/bytes.h"
#include "vigie/base/protobuf.h"

namespace vigie::check {
namespace {

// ---- The dumpstate text and its sections --------------------------------------

// The dumpstate: the file main_entry.txt names, else dumpState_*.log, else
// a dumpsys.txt below a folder.
const std::string* Dumpstate(ModuleContext& ctx) {
  const acquisition::FileTree& files = ctx.files();
  const acquisition::FileEntry* entry = nullptr;
  if (const acquisition::FileEntry* main = files.Find("main_entry.txt")) {
    const std::string* name = ctx.ReadShared(*main);
    if (!name) return nullptr;
    entry = files.Find(Trim(*name));
  } else if (auto logs = files.Glob("dumpState_*.log"); !logs.empty()) {
    entry = logs.front();
  } else {
    for (const acquisition::FileEntry& f : files.files())
      if (f.path.ends_with("/dumpsys.txt")) {
        entry = &f;
        break;
      }
  }
  return entry ? ctx.ReadShared(*entry) : nullptr;
}

// From the line "DUMP OF SERVICE <service>:" to the first line that begins
// with 78 dashes (the separator before the next service), both left out.
std::string Section(std::string_view text, std::string_view service) {
  const std::string marker = "DUMP OF SERVICE " + std::string(service) + ":";
  std::string out;
  bool in = false, first = true;
  for (std::string_view line : SplitLines(text)) {
    const std::string_view t = Trim(line);
    if (!in) {
      in = t == marker;
      continue;
    }
    if (t.size() >= 78 && t.find_first_not_of('-') >= 78) break;
    if (!first) out += '\n';
    out += line;
    first = false;
  }
  return out;
}

std::string DumpsysSection(ModuleContext& ctx, std::string_view service) {
  const std::string* text = Dumpstate(ctx);
  return text ? Section(*text, service) : std::string();
}

bool StartsWithSpaces(std::string_view line, size_t n) {
  return line.size() >= n && line.substr(0, n).find_first_not_of(' ') == std::string_view::npos;
}

std::string_view Before(std::string_view s, char c) { return s.substr(0, s.find(c)); }

// ---- dumpsys accessibility -----------------------------------------------------

void Accessibility(ModuleContext& ctx) {
  const std::string section = DumpsysSection(ctx, "accessibility");
  std::vector<std::pair<std::string, std::string>> services;  // (package, service)
  const std::vector<std::string_view> lines = SplitLines(section);
  // Before Android 14: "installed services:" then "  0 : pkg/.Service" lines up to "}".
  bool in = false;
  for (std::string_view line : lines) {
    const std::string_view t = Trim(line);
    if (!in) {
      in = t.starts_with("installed services:");
      continue;
    }
    if (t == "}") break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view service = Trim(Before(line.substr(colon + 1), ':'));
    services.emplace_back(Before(service, '/'), service);
  }
  // Android 14 and later: "Enabled services:{{pkg/service}, …}".
  static const std::regex kEnabled(R"(\{([^{]+?)\})");
  for (std::string_view line : lines) {
    if (!Trim(line).starts_with("Enabled services:")) continue;
    const std::string text(line);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kEnabled); it != std::sregex_iterator(); ++it) {
      const std::string inner = (*it)[1].str();
      const size_t slash = inner.find('/');
      services.emplace_back(inner.substr(0, slash), slash == std::string::npos ? "" : inner.substr(slash + 1));
    }
  }
  for (const auto& [package, service] : services) {
    ctx.AddRecord().Set("package_name", package).Set("service", service);
    if (!ctx.CheckAppId(package))
      ctx.Alert(AlertLevel::kMedium, "Found accessibility service: \"" + service + "\"", "", service);
  }
}

// ---- dumpsys package: activities, receivers, packages --------------------------

// The lines of a resolver table's "Non-Data Actions:" part.
std::vector<std::string_view> ResolverActions(std::string_view section, std::string_view table) {
  std::vector<std::string_view> out;
  bool in_table = false, in_actions = false;
  for (std::string_view line : SplitLines(section)) {
    if (!in_table) {
      in_table = line.starts_with(table);
      continue;
    }
    if (!in_actions) {
      in_actions = line.starts_with("  Non-Data Actions:");
      continue;
    }
    if (Trim(line).empty()) break;
    out.push_back(line);
  }
  return out;
}

std::string WithoutColons(std::string_view s) {
  std::string out;
  for (char c : Trim(s))
    if (c != ':') out += c;
  return out;
}

// The second space-separated token ("1a2b3c com.pkg/.Activity filter …").
std::string_view SecondToken(std::string_view line) {
  const std::string_view t = Trim(line);
  const size_t space = t.find(' ');
  if (space == std::string_view::npos) return {};
  const std::string_view rest = t.substr(space + 1);
  return Before(rest, ' ');
}

void Activities(ModuleContext& ctx) {
  std::string intent;
  const std::string section = DumpsysSection(ctx, "package");  // Outlives the views into it.
  for (std::string_view line : ResolverActions(section, "Activity Resolver Table:")) {
    if (StartsWithSpaces(line, 6) && !StartsWithSpaces(line, 8) && line.find(':') != std::string_view::npos) {
      intent = WithoutColons(line);
      continue;
    }
    if (intent.empty()) continue;
    if (!StartsWithSpaces(line, 8)) {
      intent.clear();
      continue;
    }
    const std::string_view activity = SecondToken(line);
    const std::string package(Before(activity, '/'));
    ctx.AddRecord().Set("intent", intent).Set("package_name", package).Set("activity", std::string(activity));
    ctx.CheckAppId(package);
  }
}

void Receivers(ModuleContext& ctx) {
  std::vector<std::pair<std::string, std::vector<std::string>>> intents;  // In the order first seen.
  auto intent_named = [&](const std::string& name) -> std::vector<std::string>& {
    for (auto& [n, receivers] : intents)
      if (n == name) return receivers;
    return intents.emplace_back(name, std::vector<std::string>()).second;
  };
  std::string intent;
  const std::string section = DumpsysSection(ctx, "package");  // Outlives the views into it.
  for (std::string_view line : ResolverActions(section, "Receiver Resolver Table:")) {
    if (StartsWithSpaces(line, 6) && !StartsWithSpaces(line, 8) && line.find(':') != std::string_view::npos) {
      intent = WithoutColons(line);
      intent_named(intent);
      continue;
    }
    const std::string_view t = Trim(line);
    if (t.find(' ') == std::string_view::npos) {
      if (t.ends_with(":")) {  // An action line indented like a receiver.
        intent = std::string(t.substr(0, t.size() - 1));
        intent_named(intent);
      }
      continue;
    }
    if (intent.empty()) continue;
    if (!StartsWithSpaces(line, 8)) {
      intent.clear();
      continue;
    }
    intent_named(intent).emplace_back(SecondToken(line));
  }
  // MVT keeps one record per intent, its receivers inside.
  for (const auto& [name, receivers] : intents) {
    Record& r = ctx.AddRecord();
    r.Set("intent", name);
    std::string list;
    for (const std::string& receiver : receivers) list += (list.empty() ? "" : " ") + receiver;
    r.Set("receivers", list);
    for (const std::string& receiver : receivers) ctx.CheckAppId(Before(receiver, '/'));
  }
}

struct PackagePermission {
  std::string name, type;
  std::optional<bool> granted;
};

void Packages(ModuleContext& ctx) {
  const std::string section = DumpsysSection(ctx, "package");
  // The "Packages:" list, cut into one block per "  Package [name]" line.
  std::vector<std::pair<std::string, std::vector<std::string_view>>> blocks;
  bool in = false;
  for (std::string_view line : SplitLines(section)) {
    if (!in) {
      in = line.starts_with("Packages:");
      continue;
    }
    if (Trim(line).empty()) break;
    if (line.starts_with("  Package [")) {
      const std::string_view rest = line.substr(11);
      blocks.emplace_back(std::string(Before(rest, ']')), std::vector<std::string_view>());
    } else if (!blocks.empty()) {
      blocks.back().second.push_back(line);
    }
  }
  static const std::regex kUser(R"(^User (\d+):)");
  for (const auto& [name, lines] : blocks) {
    std::string uid, version_name, version_code, timestamp, last_update, installer;
    bool system = false;
    std::vector<PackagePermission> permissions;
    std::vector<std::string> requested;
    std::map<std::string, std::string> first_install;                    // Per user ("" before any).
    std::map<std::string, std::vector<PackagePermission>> runtime;       // Per user.
    std::vector<std::string> user_order;
    std::string user;
    bool inst = false, rt = false, decl = false, req = true;
    auto permission = [](std::string_view line, const char* type) {
      const std::string_view t = Trim(line);
      PackagePermission p{std::string(Before(t, ':')), type, std::nullopt};
      const size_t colon = t.find(':');
      if (colon != std::string_view::npos) {
        const std::string_view second = Before(t.substr(colon + 1), ':');
        if (second.find("granted=") != std::string_view::npos) p.granted = second.find("granted=true") != std::string_view::npos;
      }
      return p;
    };
    for (std::string_view line : lines) {
      const std::string_view t = Trim(line);
      std::cmatch m;
      if (std::regex_search(t.begin(), t.end(), m, kUser)) {
        user = m[1].str();
        if (std::find(user_order.begin(), user_order.end(), user) == user_order.end()) user_order.push_back(user);
      }
      if (inst) {
        if (StartsWithSpaces(line, 4) && !StartsWithSpaces(line, 6)) inst = false;
        else permissions.push_back(permission(line, "install"));
      }
      if (rt) {
        if (!StartsWithSpaces(line, 8)) rt = false;
        else runtime[user].push_back(permission(line, "runtime"));
      }
      if (decl) {
        if (!StartsWithSpaces(line, 6)) decl = false;
        else permissions.push_back({std::string(Before(t, ':')), "declared", std::nullopt});
      }
      if (req) {
        if (!StartsWithSpaces(line, 6)) req = false;
        else requested.emplace_back(t);
      }
      auto after = [&](std::string_view key) { return std::string(Trim(t.substr(t.find('=') + 1))); };
      auto second_field = [&] {
        const std::string_view rest = t.substr(t.find('=') + 1);
        return std::string(Trim(Before(rest, '=')));
      };
      if (t.starts_with("userId=")) uid = second_field();
      else if (t.starts_with("versionName=")) version_name = second_field();
      else if (t.starts_with("versionCode=")) version_code = after("versionCode=");
      else if (t.starts_with("timeStamp=")) timestamp = second_field();
      else if (t.starts_with("installerPackageName=")) installer = after("installerPackageName=");
      else if (t.starts_with("pkgFlags=")) {
        for (std::string_view w : Words(t.substr(9))) system |= w == "SYSTEM";
      } else if (t.starts_with("firstInstallTime=")) first_install[user] = after("firstInstallTime=");
      else if (t.starts_with("lastUpdateTime=")) last_update = after("lastUpdateTime=");
      else if (t == "install permissions:") inst = true;
      else if (t == "runtime permissions:") rt = true;
      else if (t == "declared permissions:") decl = true;
      else if (t == "requested permissions:") req = true;
    }
    // User 0's, else those outside any user, else the first user's.
    auto pick = [&](const auto& per_user) -> const typename std::decay_t<decltype(per_user)>::mapped_type* {
      for (const std::string& u : {std::string("0"), std::string()})
        if (auto it = per_user.find(u); it != per_user.end()) return &it->second;
      for (const std::string& u : user_order)
        if (auto it = per_user.find(u); it != per_user.end()) return &it->second;
      return per_user.empty() ? nullptr : &per_user.begin()->second;
    };
    const std::string* first = pick(first_install);
    if (const auto* rts = pick(runtime)) permissions.insert(permissions.end(), rts->begin(), rts->end());
    Record& r = ctx.AddRecord();
    r.Set("package_name", name).Set("uid", uid).Set("version_name", version_name).Set("version_code", version_code);
    r.Set("timestamp", timestamp).Set("first_install_time", first ? *first : "").Set("last_update_time", last_update);
    r.Set("installer", installer).SetBool("system", system).SetNumber("permissions", static_cast<int64_t>(permissions.size()));
    const std::string what = "Install or update of package " + name;
    ctx.Timeline(timestamp, "package_install", what);
    ctx.Timeline(first ? *first : "", "package_first_install", what);
    ctx.Timeline(last_update, "package_last_update", what);
    if (IsRootPackage(name)) {
      ctx.Alert(AlertLevel::kMedium, "Found an installed package related to rooting/jailbreaking: \"" + name + "\"", "",
                name);
      continue;
    }
    ctx.CheckAppId(name);
  }
}

// ---- dumpsys appops -------------------------------------------------------------

struct AppopsEntry {
  std::string access, type, timestamp;
};
struct AppopsPermission {
  std::string name, access;
  std::vector<AppopsEntry> entries;
};
struct AppopsPackage {
  std::string name, uid;
  std::vector<AppopsPermission> permissions;
};

// "2021-05-19 22:02:52.054" -> "2021-05-19 22:02:52.054000", or empty.
std::string AppopsTime(std::string_view s) {
  static const std::regex kTime(R"(^(\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2})\.(\d{1,6})$)");
  std::cmatch m;
  if (!std::regex_match(s.begin(), s.end(), m, kTime)) return {};
  std::string fraction = m[2].str();
  fraction.resize(6, '0');
  return m[1].str() + "." + fraction;
}

void Appops(ModuleContext& ctx) {
  std::vector<AppopsPackage> packages;
  std::optional<AppopsPackage> package;
  std::optional<AppopsPermission> perm;
  std::optional<AppopsEntry> entry;
  std::string uid;
  bool started = false;
  auto flush_entry = [&] {
    if (entry && perm) perm->entries.push_back(*entry);
    entry.reset();
  };
  auto flush_perm = [&] {
    flush_entry();
    if (perm && package) package->permissions.push_back(*perm);
    perm.reset();
  };
  auto flush_package = [&] {
    flush_perm();
    if (package) packages.push_back(*package);
    package.reset();
  };
  const std::string section = DumpsysSection(ctx, "appops");  // Outlives the views into it.
  for (std::string_view line : SplitLines(section)) {
    if (!started) {
      if (!line.starts_with("  Uid 0:")) continue;
      started = true;
    }
    if (line.starts_with("  Uid ")) {
      uid = line.size() > 7 ? std::string(line.substr(6, line.size() - 7)) : "";
      flush_package();
      continue;
    }
    if (line.starts_with("    Package ")) {
      flush_package();
      package = AppopsPackage{line.size() > 13 ? std::string(line.substr(12, line.size() - 13)) : "", uid, {}};
      continue;
    }
    if (package && StartsWithSpaces(line, 6) && line.size() > 6 && line[6] != ' ') {
      flush_perm();
      const std::vector<std::string_view> w = Words(line);
      perm = AppopsPermission{std::string(w[0]), "", {}};
      if (w.size() > 1 && w[1].size() >= 3) perm->access = std::string(w[1].substr(1, w[1].size() - 3));
      continue;
    }
    if (StartsWithSpaces(line, 10)) {
      const std::string access(Trim(Before(line, ':')));
      if (access != "Access" && access != "Reject") continue;
      flush_entry();
      AppopsEntry e{access, "", ""};
      const size_t open = line.find('['), close = line.find(']');
      if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
        e.type = std::string(line.substr(open + 1, close - open - 1));
        const std::string_view after = line.substr(close + 1);
        e.timestamp = AppopsTime(Trim(Before(after, '(')));
      }
      entry = e;
      continue;
    }
    if (Trim(line).empty()) break;
  }
  flush_package();
  for (const AppopsPackage& p : packages) {
    Record& r = ctx.AddRecord();
    r.Set("package_name", p.name).Set("uid", p.uid).SetNumber("permissions", static_cast<int64_t>(p.permissions.size()));
    for (const AppopsPermission& perm : p.permissions)
      for (const AppopsEntry& e : perm.entries)
        if (!e.timestamp.empty()) ctx.Timeline(e.timestamp, e.access, p.name + " access to " + perm.name + ": " + e.access);
    if (ctx.CheckAppId(p.name)) continue;
    for (const AppopsPermission& perm : p.permissions) {
      const bool risky = perm.name == "REQUEST_INSTALL_PACKAGES";
      if (!risky && p.name != "com.android.shell") continue;
      std::vector<AppopsEntry> entries = perm.entries;
      if (entries.empty()) entries.push_back({"Unknown", "", ""});
      std::stable_sort(entries.begin(), entries.end(),
                       [](const AppopsEntry& a, const AppopsEntry& b) { return a.timestamp < b.timestamp; });
      for (const AppopsEntry& e : entries)
        ctx.Alert(AlertLevel::kMedium,
                  risky ? "Package '" + p.name + "' had risky permission '" + perm.name + "' set to '" + e.access +
                              "' at " + e.timestamp
                        : "Risky package '" + p.name + "' had '" + perm.name + "' permission set to '" + e.access +
                              "' at " + e.timestamp,
                  e.timestamp, p.name);
    }
  }
}

// ---- dumpsys batterystats --------------------------------------------------------

void BatteryDaily(ModuleContext& ctx) {
  struct Update {
    std::string from, to, package, vers, previous;
    std::string action = "update";
  };
  std::vector<Update> updates, day;
  std::string from, to;
  bool in_day = false;
  const std::string section = DumpsysSection(ctx, "batterystats");  // Outlives the views into it.
  for (std::string_view line : SplitLines(section)) {
    if (line.starts_with("  Daily from ")) {
      updates.insert(updates.end(), day.begin(), day.end());
      day.clear();
      std::string_view frame = Trim(line.substr(13));
      while (frame.ends_with(":")) frame.remove_suffix(1);
      while (frame.starts_with(":")) frame.remove_prefix(1);
      const size_t sep = frame.find(" to ");
      from = std::string(frame.substr(0, std::min<size_t>(10, sep)));
      to = sep == std::string_view::npos ? "" : std::string(frame.substr(sep + 4, 10));
      in_day = true;
      continue;
    }
    if (!in_day || !Trim(line).starts_with("Update ")) continue;
    std::string text(Trim(line));
    for (size_t at; (at = text.find("Update ")) != std::string::npos;) text.erase(at, 7);
    const size_t space = text.find(' ');
    const std::string package = text.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : text.substr(space + 1);
    const std::string vers = rest.substr(rest.find('=') == std::string::npos ? rest.size() : rest.find('=') + 1);
    if (std::any_of(day.begin(), day.end(), [&](const Update& u) { return u.package == package && u.vers == vers; }))
      continue;
    day.push_back({from, to, package, vers, ""});
  }
  updates.insert(updates.end(), day.begin(), day.end());
  // Uninstalls and downgrades, in date order whatever the file's.
  std::vector<size_t> order(updates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(updates[a].from, updates[a].to, updates[a].package) <
           std::tie(updates[b].from, updates[b].to, updates[b].package);
  });
  std::map<std::string, long long> last;
  for (size_t i : order) {
    Update& u = updates[i];
    if (u.vers == "0") {
      ctx.Alert(AlertLevel::kMedium, "Detected uninstall of package " + u.package + " (vers 0)", u.from, u.package);
      last.erase(u.package);
      continue;
    }
    long long v = 0;
    try {
      size_t used = 0;
      v = std::stoll(u.vers, &used);
      if (used != u.vers.size()) continue;
    } catch (...) {
      continue;
    }
    if (const auto it = last.find(u.package); it != last.end() && v < it->second) {
      u.action = "downgrade";
      u.previous = std::to_string(it->second);
      ctx.Alert(AlertLevel::kMedium,
                "Detected downgrade of package " + u.package + " from vers " + u.previous + " to vers " + u.vers, u.from,
                u.package);
    }
    last[u.package] = v;
  }
  for (const Update& u : updates) {
    ctx.AddRecord().Set("action", u.action).Set("from", u.from).Set("to", u.to).Set("package_name", u.package).Set("vers", u.vers);
    ctx.Timeline(u.from, "battery_daily",
                 u.vers == "0"             ? "Recorded uninstall of package " + u.package + " (vers 0)"
                 : u.action == "downgrade" ? "Recorded downgrade of package " + u.package + " from vers " + u.previous +
                                                 " to vers " + u.vers
                                           : "Recorded update of package " + u.package + " with vers " + u.vers);
    ctx.CheckAppId(u.package);
  }
}

void BatteryHistory(ModuleContext& ctx) {
  const std::string section = DumpsysSection(ctx, "batterystats");  // Outlives the views into it.
  for (std::string_view line : SplitLines(section)) {
    if (line.starts_with("Battery History ")) continue;
    if (Trim(line).empty()) break;
    const std::vector<std::string_view> tok = Words(line);
    std::string elapsed(tok[0]);
    if (tok[0].size() == 5 && tok[0][2] == '-' && tok.size() > 1 && tok[1].find(':') != std::string_view::npos)
      elapsed += " " + std::string(tok[1]);
    std::string event, uid, service, package;
    auto strip_quotes = [](std::string_view s) {
      while (!s.empty() && s.front() == '"') s.remove_prefix(1);
      while (!s.empty() && s.back() == '"') s.remove_suffix(1);
      return std::string(s);
    };
    const size_t plus_job = line.find("+job="), minus_job = line.find("-job=");
    const size_t wake = line.find("+running +wake_lock="), plus_top = line.find("+top="), minus_top = line.find("-top=");
    auto found = [](size_t at) { return at != std::string_view::npos && at > 0; };
    if (found(plus_job) || found(minus_job)) {
      event = found(plus_job) ? "start_job" : "end_job";
      const std::string_view rest = line.substr((found(plus_job) ? plus_job : minus_job) + 5);
      const size_t colon = rest.find(':');
      if (colon == std::string_view::npos) continue;
      uid = std::string(rest.substr(0, colon));
      service = strip_quotes(Trim(rest.substr(colon + 1)));
      package = std::string(Before(service, '/'));
    } else if (found(wake)) {
      event = "wake";
      const std::string_view rest = line.substr(wake + 20);
      const size_t colon = rest.find(':');
      if (colon == std::string_view::npos) continue;
      uid = std::string(rest.substr(0, colon));
      const size_t walarm = line.find("*walarm*:");
      std::string_view s = walarm == std::string_view::npos ? line.substr(std::min<size_t>(8, line.size()))
                                                             : line.substr(walarm + 9);
      service = std::string(Trim(strip_quotes(Before(s, ' '))));
      if (service.empty() || service.find('/') == std::string::npos) continue;
      package = std::string(Before(service, '/'));
    } else if (found(plus_top) || found(minus_top)) {
      event = found(plus_top) ? "start_top" : "end_top";
      const size_t p = found(plus_top) ? plus_top : minus_top;
      const size_t colon = line.find(':', p);
      if (colon == std::string_view::npos) continue;
      uid = std::string(line.substr(p + 5, colon - p - 5));
      package = strip_quotes(line.substr(colon + 1));
    } else {
      continue;
    }
    ctx.AddRecord().Set("time_elapsed", elapsed).Set("event", event).Set("uid", uid).Set("package_name", package).Set("service", service);
    ctx.CheckAppId(package);
  }
}

// ---- dumpsys dbinfo ------------------------------------------------------------

void DbInfo(ModuleContext& ctx) {
  static const std::regex kOperation(
      R"re(.*\[((?:[0-9]{4}-)?[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3})\]\s*(?:\[Pid:\((\d+)\)\])?([\w-]+).*?sql="(.+?)")re");
  std::optional<std::string> pool;
  bool in_ops = false;
  const std::string section = DumpsysSection(ctx, "dbinfo");  // Outlives the views into it.
  for (std::string_view line : SplitLines(section)) {
    if (line.starts_with("Connection pool for ")) {
      std::string_view p = line.substr(20);
      while (p.ends_with(":")) p.remove_suffix(1);
      pool = std::string(p);
    }
    if (!pool) continue;
    if (Trim(line) == "Most recently executed operations:") {
      in_ops = true;
      continue;
    }
    if (!in_ops) continue;
    if (!StartsWithSpaces(line, 8)) {
      in_ops = false;
      pool.reset();
      continue;
    }
    std::cmatch m;
    if (!std::regex_search(line.begin(), line.end(), m, kOperation, std::regex_constants::match_continuous)) continue;
    Record& r = ctx.AddRecord();
    r.Set("isodate", m[1].str()).Set("action", m[3].str()).Set("sql", m[4].str()).Set("path", *pool);
    if (m[2].matched) r.Set("pid", m[2].str());
    for (std::string_view part = *pool; !part.empty();) {
      const size_t slash = part.find('/');
      ctx.CheckAppId(part.substr(0, slash));
      if (slash == std::string_view::npos) break;
      part.remove_prefix(slash + 1);
    }
  }
}

// ---- dumpsys platform_compat -------------------------------------------------------

void PlatformCompat(ModuleContext& ctx) {
  const std::string section = DumpsysSection(ctx, "platform_compat");  // Outlives the views into it.
  for (std::string_view line : SplitLines(section)) {
    if (!line.starts_with("ChangeId(168419799; name=DOWNSCALED;")) continue;
    const size_t at = line.find("rawOverrides={");
    if (at == std::string_view::npos) continue;
    std::string_view overrides = line.substr(at + 14);
    overrides = overrides.substr(0, overrides.find("};"));
    for (;;) {
      const size_t sep = overrides.find(", ");
      const std::string package(Trim(Before(overrides.substr(0, sep), '=')));
      ctx.AddRecord().Set("package_name", package);
      ctx.CheckAppId(package);
      if (sep == std::string_view::npos) break;
      overrides.remove_prefix(sep + 2);
    }
  }
}

// ---- dumpsys adb -----------------------------------------------------------------

void AdbState(ModuleContext& ctx) {
  const std::string section = DumpsysSection(ctx, "adb");
  if (section.empty() || section.find("Can't find service: adb") != std::string::npos) return;
  // The trusted keys: "user_keys=" then one "<base64 key> <user>" per line.
  std::vector<std::pair<std::string, std::string>> keys;
  bool in_keys = false;
  for (std::string_view line : SplitLines(section)) {
    const std::string_view t = Trim(line);
    if (t.starts_with("user_keys=")) {
      in_keys = true;
      const std::string_view first = t.substr(10);
      if (!first.empty()) keys.emplace_back(Before(first, ' '), first.find(' ') == std::string_view::npos ? "" : first.substr(first.find(' ') + 1));
      continue;
    }
    if (!in_keys) continue;
    if (t.empty() || t == "}" || t.find('=') != std::string_view::npos) {
      in_keys = false;
      continue;
    }
    keys.emplace_back(Before(t, ' '), t.find(' ') == std::string_view::npos ? "" : t.substr(t.find(' ') + 1));
  }
  if (section.find("debugging_manager") == std::string::npos) return;
  Record& r = ctx.AddRecord();
  std::string users;
  for (const auto& [key, user] : keys) users += (users.empty() ? "" : " ") + user;
  r.SetNumber("user_keys", static_cast<int64_t>(keys.size())).Set("users", users);
}

// ---- System properties -----------------------------------------------------------

void GetProp(ModuleContext& ctx) {
  const std::string* text = Dumpstate(ctx);
  if (!text) return;
  std::string block;
  bool in = false;
  for (std::string_view line : SplitLines(*text)) {
    const std::string_view t = Trim(line);
    if (!in) {
      in = t.starts_with("------ SYSTEM PROPERTIES");
      continue;
    }
    if (t == "------") break;
    block.append(line).push_back('\n');
  }
  CheckProperties(ctx, ReadProperties(block));
}

// ---- FS/ file times ---------------------------------------------------------------

void FileTimestamps(ModuleContext& ctx) {
  for (const acquisition::FileEntry& f : ctx.files().files()) {
    if (!f.path.starts_with("FS/")) continue;
    const std::string when = f.modified ? TimeFromSeconds(f.modified) : "";
    ctx.AddRecord().Set("path", f.path).Set("modified_time", when);
    if (!when.empty()) ctx.Timeline(when, "M---", f.path);
  }
}

// ---- Tombstones -------------------------------------------------------------------

struct Tombstone {
  std::string file_name, build_fingerprint, revision, arch, timestamp, process_name, binary_path, cause;
  std::string abort_message, selinux_label, signal_name, code_name;
  std::vector<std::string> command_line;
  int64_t pid = 0, tid = 0, uid = -1, process_uptime = 0, signal = 0, code = 0;
  bool has[6] = {};  // build_fingerprint, revision, timestamp, pid/tid, uid, signal.
};

// "2021-09-29 17:43:49+0200" -> "2021-09-29 17:43:49.000000": the written
// clock time, the offset dropped, the fraction cut to microseconds.
std::string TombstoneTime(std::string_view s) {
  static const std::regex kTime(R"(^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(?:[+-]\d{2}:?\d{2}|Z)?$)");
  std::cmatch m;
  const std::string_view t = Trim(s);
  if (!std::regex_match(t.begin(), t.end(), m, kTime)) return {};
  std::string fraction = m[3].matched ? m[3].str().substr(0, 6) : "";
  fraction.resize(6, '0');
  return m[1].str() + " " + m[2].str() + "." + fraction;
}

// "signal 6 (SIGABRT)" -> (6, "SIGABRT").
std::pair<int64_t, std::string> NumberAndName(std::string_view part, std::string_view word) {
  part = Trim(part);
  if (!part.starts_with(word)) return {0, "UNKNOWN"};
  std::string_view rest = Trim(part.substr(word.size()));
  int64_t n = 0;
  try {
    n = std::stoll(std::string(Before(rest, ' ')));
  } catch (...) {
  }
  const size_t open = rest.find('('), close = rest.find(')');
  return {n, open != std::string_view::npos && close > open ? std::string(rest.substr(open + 1, close - open - 1)) : "UNKNOWN"};
}

std::optional<Tombstone> ReadTextTombstone(std::string_view text, std::string& why) {
  Tombstone t;
  bool pid_seen = false;
  static const std::pair<const char*, int> kKeys[] = {
      {"Build fingerprint", 0}, {"Revision", 1}, {"ABI", 2},  {"Timestamp", 3}, {"Process uptime", 4},
      {"Cmdline", 5},           {"pid", 6},      {"tid", 7},  {"name", 8},      {"binary_path", 9},
      {"uid", 10},              {"signal", 11},  {"code", 12}, {"Cause", 13},   {"Abort message", 14}};
  for (std::string_view line : SplitLines(text)) {
    if (Trim(line).empty() || line.find("*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***") != std::string_view::npos)
      continue;
    int key = -1;
    const char* key_name = nullptr;
    for (const auto& [name, id] : kKeys)
      if (line.starts_with(name)) {
        key = id;
        key_name = name;
        break;
      }
    if (key < 0) continue;
    if (key == 6) {  // "pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<"
      if (pid_seen) continue;
      pid_seen = true;
      size_t arrows = line.find(" >>> ");
      const size_t arrow_len = arrows == std::string_view::npos ? 3 : 5;
      if (arrows == std::string_view::npos) arrows = line.find(">>>");
      const std::string_view left = line.substr(0, arrows);
      if (arrows != std::string_view::npos) {
        std::string_view right = Trim(line.substr(arrows + arrow_len));
        while (!right.empty() && (right.back() == ' ' || right.back() == '<')) right.remove_suffix(1);
        t.binary_path = std::string(right);
      }
      for (std::string_view rest = left; !rest.empty();) {
        const size_t comma = rest.find(',');
        const std::string_view piece = rest.substr(0, comma);
        const size_t colon = piece.find(':');
        if (colon != std::string_view::npos) {
          const std::string_view k = Trim(piece.substr(0, colon)), v = Trim(piece.substr(colon + 1));
          try {
            if (k == "pid") t.pid = std::stoll(std::string(v));
            else if (k == "tid") t.tid = std::stoll(std::string(v));
          } catch (...) {
            why = "a pid line that is not numbers";
            return std::nullopt;
          }
          if (k == "name") t.process_name = std::string(v);
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      t.has[3] = true;
      continue;
    }
    if (key == 11) {  // "signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------"
      const size_t comma = line.find(',');
      std::tie(t.signal, t.signal_name) = NumberAndName(line.substr(0, comma), "signal");
      if (comma != std::string_view::npos) {
        const std::string_view second = line.substr(comma + 1);
        std::tie(t.code, t.code_name) = NumberAndName(second.substr(0, second.find(',')), "code");
      }
      t.has[5] = true;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.substr(0, colon) != key_name) {
      why = "a line beginning '" + std::string(key_name) + "' is not '" + key_name + ": value'";
      return std::nullopt;
    }
    std::string_view value = Trim(line.substr(colon + 1));
    while (!value.empty() && value.front() == '\'') value.remove_prefix(1);
    while (!value.empty() && value.back() == '\'') value.remove_suffix(1);
    const std::string v(value);
    try {
      switch (key) {
        case 0: t.build_fingerprint = v, t.has[0] = true; break;
        case 1: t.revision = v, t.has[1] = true; break;
        case 2: t.arch = v; break;
        case 3: t.timestamp = TombstoneTime(v), t.has[2] = !t.timestamp.empty(); break;
        case 4: t.process_uptime = std::stoll(v.ends_with("s") ? v.substr(0, v.size() - 1) : v); break;
        case 5: t.command_line = {v}; break;
        case 7: t.tid = std::stoll(v); break;
        case 8: t.process_name = v; break;
        case 9: t.binary_path = v; break;
        case 10: t.uid = std::stoll(v), t.has[4] = true; break;
        case 12: t.code = std::stoll(v); break;
        case 13: t.cause = v; break;
        case 14: t.abort_message = v; break;
        default: break;
      }
    } catch (...) {
      why = "'" + std::string(key_name) + "' is not a number";
      return std::nullopt;
    }
  }
  for (bool h : t.has)
    if (!h) {
      why = "a required field (fingerprint, revision, timestamp, pid, uid or signal) is missing";
      return std::nullopt;
    }
  return t;
}

std::optional<Tombstone> ReadProtoTombstone(std::string_view bytes, std::string& why) {
  Tombstone t;
  t.arch = "ARM32";
  static constexpr const char* kArch[] = {"ARM32", "ARM64", "X86", "X86_64", "RISCV64", "NONE"};
  std::map<int64_t, std::string> thread_names;
  proto::MessageReader r(ByteView(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  proto::Field f;
  while (r.Next(f)) {
    switch (f.number) {
      case 1: t.arch = f.value < 6 ? kArch[f.value] : std::to_string(f.value); break;
      case 2: t.build_fingerprint = std::string(f.str()); break;
      case 3: t.revision = std::string(f.str()); break;
      case 4: t.timestamp = TombstoneTime(f.str()); break;
      case 5: t.pid = static_cast<uint32_t>(f.value); break;
      case 6: t.tid = static_cast<uint32_t>(f.value); break;
      case 7: t.uid = static_cast<uint32_t>(f.value); break;
      case 8: t.selinux_label = std::string(f.str()); break;
      case 9: t.command_line.emplace_back(f.str()); break;
      case 10: {
        proto::MessageReader s(f.bytes);
        proto::Field g;
        while (s.Next(g)) {
          if (g.number == 1) t.signal = static_cast<int32_t>(g.value);
          else if (g.number == 2) t.signal_name = std::string(g.str());
          else if (g.number == 3) t.code = static_cast<int32_t>(g.value);
          else if (g.number == 4) t.code_name = std::string(g.str());
        }
        break;
      }
      case 14: t.abort_message = std::string(f.str()); break;
      case 15: {
        proto::MessageReader c(f.bytes);
        proto::Field g;
        while (c.Next(g))
          if (g.number == 1 && t.cause.empty()) t.cause = std::string(g.str());
        break;
      }
      case 16: {  // map<uint32, Thread>: key 1, value 2 (Thread: 1 id, 2 name).
        proto::MessageReader e(f.bytes);
        proto::Field g;
        int64_t id = 0;
        std::string name;
        while (e.Next(g)) {
          if (g.number != 2 || g.type != proto::WireType::kLengthDelimited) continue;
          proto::MessageReader th(g.bytes);
          proto::Field h;
          while (th.Next(h)) {
            if (h.number == 1) id = static_cast<int32_t>(h.value);
            else if (h.number == 2) name = std::string(h.str());
          }
        }
        if (!name.empty()) thread_names.emplace(id, name);
        break;
      }
      case 20: t.process_uptime = static_cast<uint32_t>(f.value); break;
      default: break;
    }
  }
  if (!r.ok()) {
    why = "the protobuf is damaged";
    return std::nullopt;
  }
  if (t.timestamp.empty()) {
    why = "no readable timestamp";
    return std::nullopt;
  }
  const auto thread = thread_names.find(t.tid);
  t.process_name = thread != thread_names.end() ? thread->second : "Unknown";
  return t;
}

void Tombstones(ModuleContext& ctx) {
  std::vector<const acquisition::FileEntry*> files;
  for (const acquisition::FileEntry& f : ctx.files().files()) {
    const size_t slash = f.path.rfind('/');
    if (slash != std::string::npos && f.path.compare(slash + 1, 10, "tombstone_") == 0) files.push_back(&f);
  }
  for (const acquisition::FileEntry* f : files) {
    auto bytes = ctx.Read(*f);
    if (!bytes) continue;
    std::string why;
    const bool proto = f->path.ends_with(".pb");
    std::optional<Tombstone> t = proto ? ReadProtoTombstone(*bytes, why) : ReadTextTombstone(*bytes, why);
    if (!t) {
      ctx.diagnostics().Add(Level::kWarning, ErrorCode::kAcquisitionMalformed, f->path, "tombstone not read: " + why);
      continue;
    }
    t->file_name = f->path.substr(f->path.rfind('/') + 1);
    Record& r = ctx.AddRecord();
    r.Set("file_name", t->file_name).Set("file_timestamp", f->modified ? TimeFromSeconds(f->modified) : "");
    r.Set("build_fingerprint", t->build_fingerprint).Set("revision", t->revision).Set("arch", t->arch);
    r.Set("timestamp", t->timestamp).SetNumber("process_uptime", t->process_uptime);
    r.Set("command_line", t->command_line.empty() ? "" : t->command_line[0]);
    r.SetNumber("pid", t->pid).SetNumber("tid", t->tid).Set("process_name", t->process_name);
    r.Set("binary_path", t->binary_path).Set("selinux_label", t->selinux_label).SetNumber("uid", t->uid);
    r.Set("signal", t->signal_name).Set("code", t->code_name).Set("cause", t->cause).Set("abort_message", t->abort_message);
    ctx.Timeline(t->timestamp, "Tombstone",
                 "Crash in '" + t->process_name + "' process running as UID '" + std::to_string(t->uid) +
                     "' in file '" + t->file_name + "' Crash type '" + t->signal_name + "' with code '" +
                     t->code_name + "'");
    if (!ctx.has_indicators()) continue;  // MVT checks tombstones only with indicators.
    if (const indicators::Indicator* hit = ctx.iocs().MatchProcess(t->process_name)) {
      ctx.Matched(*hit, "process name", t->process_name, t->timestamp);
      continue;
    }
    if (!t->command_line.empty()) {
      const std::string& cmd = t->command_line[0];
      const std::string base = cmd.substr(cmd.rfind('/') == std::string::npos ? 0 : cmd.rfind('/') + 1);
      if (const indicators::Indicator* hit = ctx.iocs().MatchProcess(base)) ctx.Matched(*hit, "process name", base, t->timestamp);
      continue;
    }
    if (t->uid == 0 || t->uid == 1000 || t->uid == 2000)
      ctx.Alert(AlertLevel::kMedium,
                "Potentially suspicious crash in process '" + t->process_name + "' running as UID '" +
                    std::to_string(t->uid) + "' in tombstone '" + t->file_name + "' at " + t->timestamp,
                "", t->process_name);
  }
}

}  // namespace

const std::vector<Module>& BugreportModules() {
  static const std::vector<Module> modules = {
      {"dumpsys_accessibility", "DumpsysAccessibility", Accessibility},
      {"dumpsys_activities", "DumpsysActivities", Activities},
      {"dumpsys_appops", "DumpsysAppops", Appops},
      {"dumpsys_battery_daily", "DumpsysBatteryDaily", BatteryDaily},
      {"dumpsys_battery_history", "DumpsysBatteryHistory", BatteryHistory},
      {"dbinfo", "DumpsysDBInfo", DbInfo},
      {"dumpsys_packages", "DumpsysPackages", Packages},
      {"dumpsys_platform_compat", "DumpsysPlatformCompat", PlatformCompat},
      {"dumpsys_receivers", "DumpsysReceivers", Receivers},
      {"dumpsys_adb_state", "DumpsysADBState", AdbState},
      {"dumpsys_get_prop", "DumpsysGetProp", GetProp},
      {"bugreport_timestamps", "BugReportTimestamps", FileTimestamps},
      {"tombstones", "Tombstones", Tombstones},
  };
  return modules;
}

}  // namespace vigie::check
