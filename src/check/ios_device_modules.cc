// iOS modules that read the device's own records: configuration profiles
// and their events, calls, contacts, iMessage lookups, location clients,
// analytics, attachments, shortcuts, installed apps and the shutdown log.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "ios_common.h"
#include "ios_modules.h"
#include "text_lines.h"
#include "vigie/indicators/indicator_set.h"

namespace vigie::check {

using acquisition::Cell;
using acquisition::FileEntry;
using acquisition::Table;

namespace {

std::string PlistTime(const plist::Value* v) {
  if (!v) return "";
  if (v->kind == plist::Value::Kind::kDate) return UnixTime(v->real + 978307200);
  if (v->kind == plist::Value::Kind::kInt || v->kind == plist::Value::Kind::kReal) {
    Cell c;
    c.kind = v->kind == plist::Value::Kind::kInt ? Cell::Kind::kInteger : Cell::Kind::kReal;
    c.integer = v->integer;
    c.real = v->real;
    return MacTime(c);
  }
  return v->Text();
}

std::string Field(const plist::Value& v, std::string_view key) {
  const plist::Value* f = v.Find(key);
  return f ? f->Text() : "";
}



}  // namespace

void ConfigurationProfiles(ModuleContext& ctx) {
  for (const auto& [f, rel] : FindDomainInManifest(ctx, "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles")) {
    const std::string name = rel.substr(rel.rfind('/') + 1);
    if (!name.starts_with("profile-")) continue;
    auto profile = ReadPlist(ctx, *f);
    if (!profile) continue;
    const std::string uuid = Field(*profile, "PayloadUUID"), display = Field(*profile, "PayloadDisplayName");
    const std::string installed = PlistTime(profile->Find("InstallDate"));
    ctx.AddRecord().Set("relative_path", rel).Set("uuid", uuid).Set("name", display).Set("install_date", installed);
    if (!installed.empty())
      ctx.Timeline(installed, "configuration_profile_install",
                   Field(*profile, "PayloadType") + " installed: " + uuid + " - " + display + ": " + Field(*profile, "PayloadDescription"));
    if (uuid.empty()) continue;
    if (const indicators::Indicator* hit = ctx.iocs().MatchConfigurationProfile(uuid)) {
      ctx.Matched(*hit, "configuration profile", uuid, installed);
      continue;
    }
    const plist::Value* content = profile->Find("PayloadContent");
    if (content && !content->array.empty() && Field(content->array[0], "PayloadType") == "com.apple.notificationsettings")
      ctx.Alert(AlertLevel::kMedium,
                "Found a potentially suspicious configuration profile \"" + display +
                    "\" with payload type com.apple.notificationsettings",
                installed, uuid);
  }
}

void ProfileEvents(ModuleContext& ctx) {
  for (const FileEntry* f : FindInManifest(ctx, "Library/ConfigurationProfiles/MCProfileEvents.plist")) {
    auto events = ReadPlist(ctx, *f);
    if (!events) continue;
    const plist::Value* list = events->Find("ProfileEvents");
    if (!list) continue;
    for (const plist::Value& event : list->array)
      for (const auto& [profile, details] : event.dict) {
        std::string when, operation, process;
        for (const auto& [key, value] : details.dict) {
          std::string k = key;
          std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          if (k == "timestamp") when = PlistTime(&value);
          else if (k == "operation") operation = value.Text();
          else if (k == "process") process = value.Text();
        }
        ctx.AddRecord().Set("profile_id", profile).Set("timestamp", when).Set("operation", operation).Set("process", process);
        ctx.Timeline(when, "profile_operation", "Process " + process + " started operation " + operation + " of profile " + profile);
        ctx.Alert(AlertLevel::kLow,
                  "On " + when + " process \"" + process + "\" started operation \"" + operation + "\" of profile \"" + profile + "\"",
                  when, profile);
        if (ctx.CheckProcess(process, "process changing a profile", when)) continue;
        if (const indicators::Indicator* hit = ctx.iocs().MatchConfigurationProfile(profile))
          ctx.Matched(*hit, "configuration profile", profile, when);
      }
  }
}

void Calls(ModuleContext& ctx) {
  WithTable(ctx,
            FindIosFile(ctx, {"HomeDomain", "Library/CallHistoryDB/CallHistory.storedata",
                              {"private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"}}),
            {"SELECT ZDATE, ZDURATION, ZLOCATION, ZADDRESS, ZSERVICE_PROVIDER FROM ZCALLRECORD"}, [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) {
                const std::string when = MacTime(t.At(row, "ZDATE")), number = t.At(row, "ZADDRESS").Text();
                ctx.AddRecord().Set("isodate", when).Set("duration", t.At(row, "ZDURATION").Text()).Set("location", t.At(row, "ZLOCATION").Text())
                    .Set("number", number).Set("provider", t.At(row, "ZSERVICE_PROVIDER").Text());
                ctx.Timeline(when, "call",
                             "From " + number + " using " + t.At(row, "ZSERVICE_PROVIDER").Text() + " during " +
                                 t.At(row, "ZDURATION").Text() + " seconds");
              }
            });
}

void Contacts(ModuleContext& ctx) {
  WithTable(ctx,
            FindIosFile(ctx, {"HomeDomain", "Library/AddressBook/AddressBook.sqlitedb",
                              {"private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"}}),
            {"SELECT multi.value, person.first, person.middle, person.last, person.organization FROM ABPerson person, "
             "ABMultiValue multi WHERE person.rowid = multi.record_id AND multi.value NOT NULL ORDER BY person.rowid"},
            [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) AddCells(ctx.AddRecord(), t, row);
            });
}

void IdStatusCache(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
                                         {"private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist",
                                          "private/var/mobile/Library/IdentityServices/idstatuscache.plist"}});
  if (!f) return;
  auto cache = ReadPlist(ctx, *f);
  if (!cache) return;
  std::map<std::string, int> occurrences;
  struct Lookup {
    std::string package, user, when, status;
  };
  std::vector<Lookup> lookups;
  for (const auto& [package, entries] : cache->dict)
    for (const auto& [user, entry] : entries.dict) {
      if (!entry.Find("LookupDate") || !entry.Find("IDStatus")) continue;
      std::string escaped;
      for (char c : user) escaped += c == '\0' ? std::string("\\x00") : std::string(1, c);
      lookups.push_back({package, escaped, PlistTime(entry.Find("LookupDate")), Field(entry, "IDStatus")});
      ++occurrences[escaped];
    }
  for (const Lookup& l : lookups) {
    ctx.AddRecord().Set("package", l.package).Set("user", l.user).Set("isodate", l.when).Set("idstatus", l.status)
        .SetNumber("occurrences", occurrences[l.user]);
    ctx.Timeline(l.when, "lookup", "Lookup of " + l.user + " within " + l.package + " (Status " + l.status + ")");
    if (!ctx.has_indicators()) continue;
    if (l.user.starts_with("mailto:")) {
      std::string address = l.user.substr(7);
      while (!address.empty() && address.front() == '\'') address.erase(0, 1);
      while (!address.empty() && address.back() == '\'') address.pop_back();
      if (const indicators::Indicator* hit = ctx.iocs().MatchEmail(address)) {
        ctx.Matched(*hit, "e-mail address looked up by iMessage", address, l.when);
        continue;
      }
    }
    if (l.user.find("\\x00\\x00") != std::string::npos)
      ctx.Alert(AlertLevel::kHigh, "Found an ID Status Cache entry with suspicious patterns: " + l.user, l.when, l.user);
  }
}

void LocationdClients(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"RootDomain", "Library/Caches/locationd/clients.plist",
                                         {"private/var/mobile/Library/Caches/locationd/clients.plist",
                                          "private/var/root/Library/Caches/locationd/clients.plist"}});
  if (!f) return;
  auto clients = ReadPlist(ctx, *f);
  if (!clients) return;
  static constexpr const char* kTimes[] = {"ConsumptionPeriodBegin", "ReceivingLocationInformationTimeStopped", "VisitTimeStopped",
                                           "LocationTimeStopped", "BackgroundLocationTimeStopped", "SignificantTimeStopped",
                                           "NonPersistentSignificantTimeStopped", "FenceTimeStopped", "BeaconRegionTimeStopped"};
  for (const auto& [key, client] : clients->dict) {
    if (client.kind != plist::Value::Kind::kDict) continue;
    std::string package = key;
    while (package.ends_with(":")) package.pop_back();
    Record& r = ctx.AddRecord();
    r.Set("package", package).Set("BundleId", Field(client, "BundleId")).Set("BundlePath", Field(client, "BundlePath"));
    r.Set("Executable", Field(client, "Executable"));
    std::string first;
    for (const char* time : kTimes)
      if (const plist::Value* v = client.Find(time)) {
        const std::string when = PlistTime(v);
        r.Set(time, when);
        if (first.empty()) first = when;
        ctx.Timeline(when, time, std::string(time) + " from " + package);
      }
    if (!ctx.has_indicators()) continue;
    const std::string last_part = package.substr(package.rfind('/') == std::string::npos ? 0 : package.rfind('/') + 1);
    if (ctx.CheckProcess(last_part, "process using location", first, AlertLevel::kHigh)) continue;
    ctx.CheckProcess(Field(client, "BundleId"), "process using location", first, AlertLevel::kHigh);
    if (ctx.CheckPath(Field(client, "BundlePath"), "bundle using location", first, AlertLevel::kHigh)) continue;
    if (ctx.CheckPath(Field(client, "Executable"), "executable using location", first, AlertLevel::kHigh)) continue;
    if (const plist::Value* reg = client.Find("Registered"); reg && reg->kind == plist::Value::Kind::kString)
      ctx.CheckPath(reg->bytes, "executable using location", first, AlertLevel::kHigh);
  }
}

void OsAnalyticsAdDaily(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/Preferences/com.apple.osanalytics.addaily.plist",
                                         {"private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"}});
  if (!f) return;
  auto daily = ReadPlist(ctx, *f);
  if (!daily) return;
  const plist::Value* baseline = daily->Find("netUsageBaseline");
  if (!baseline) return;
  for (const auto& [package, values] : baseline->dict) {
    if (values.array.size() < 5) continue;
    const std::string when = PlistTime(&values.array[0]);
    ctx.AddRecord().Set("package", package).Set("ts", when).Set("wifi_in", values.array[1].Text()).Set("wifi_out", values.array[2].Text())
        .Set("wwan_in", values.array[3].Text()).Set("wwan_out", values.array[4].Text());
    ctx.Timeline(when, "osanalytics_addaily",
                 package + " WIFI IN: " + values.array[1].Text() + ", WIFI OUT: " + values.array[2].Text() +
                     " - WWAN IN: " + values.array[3].Text() + ", WWAN OUT: " + values.array[4].Text());
    ctx.CheckProcess(package, "process using the network", when);
  }
}

void SmsAttachments(ModuleContext& ctx) {
  WithTable(ctx, FindIosFile(ctx, {"HomeDomain", "Library/SMS/sms.db", {"private/var/mobile/Library/SMS/sms.db"}}),
            {"SELECT attachment.ROWID AS attachment_id, attachment.*, message.service AS service, handle.id AS phone_number "
             "FROM attachment LEFT JOIN message_attachment_join ON message_attachment_join.attachment_id = attachment.ROWID "
             "LEFT JOIN message ON message.ROWID = message_attachment_join.message_id LEFT JOIN handle ON handle.ROWID = "
             "message.handle_id"},
            [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) {
                Record& r = ctx.AddRecord();
                AddCells(r, t, row);
                const std::string when = MacTime(t.At(row, "created_date"));
                const bool received = t.At(row, "is_outgoing").integer != 1;
                const std::string filename = t.At(row, "filename").null() ? "NULL" : t.At(row, "filename").text;
                const std::string service = t.At(row, "service").null() ? "Unknown" : t.At(row, "service").text;
                r.Set("isodate", when).Set("direction", received ? "received" : "sent");
                ctx.Timeline(when, "sms_attachment",
                             service + ": Attachment '" + t.At(row, "transfer_name").Text() + "' " + (received ? "received" : "sent") +
                                 " from " + t.At(row, "phone_number").Text() + " with " + t.At(row, "total_bytes").Text() +
                                 " bytes (is_sticker: " + t.At(row, "is_sticker").Text() + ", has_user_info: " +
                                 (t.At(row, "user_info").truthy() ? "True" : "False") + ")");
                ctx.CheckPath(filename, "attachment path", when, AlertLevel::kHigh);
                // An iMessage exploit's attachment lands in /var/tmp with a "-1" name.
                if (filename.starts_with("/var/tmp/") && filename.ends_with("-1") && received)
                  ctx.Alert(AlertLevel::kMedium, "Suspicious iMessage attachment " + filename + " on " + when, when, filename);
              }
            });
}

void Shortcuts(ModuleContext& ctx) {
  WithTable(ctx, FindIosFile(ctx, {"HomeDomain", "Library/Shortcuts/Shortcuts.sqlite", {"private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"}}),
            {"SELECT ZSHORTCUT.Z_PK AS shortcut_id, ZSHORTCUT.ZNAME AS shortcut_name, ZSHORTCUT.ZCREATIONDATE AS created_date, "
             "ZSHORTCUT.ZMODIFICATIONDATE AS modified_date, ZSHORTCUT.ZACTIONSDESCRIPTION AS description, "
             "ZSHORTCUTACTIONS.ZDATA AS action_data FROM ZSHORTCUT LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = "
             "ZSHORTCUT.Z_PK"},
            [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) {
                std::vector<std::string> urls;
                if (auto actions = plist::Parse(t.At(row, "action_data").text)) {
                  // Every string in the actions' parameters.
                  std::vector<const plist::Value*> stack = {&*actions};
                  while (!stack.empty()) {
                    const plist::Value* v = stack.back();
                    stack.pop_back();
                    if (v->kind == plist::Value::Kind::kString)
                      for (std::string& link : FindLinks(v->bytes)) urls.push_back(std::move(link));
                    for (const plist::Value& e : v->array) stack.push_back(&e);
                    for (const auto& [k, e] : v->dict) stack.push_back(&e);
                  }
                }
                const std::string created = MacTime(t.At(row, "created_date")), modified = MacTime(t.At(row, "modified_date"));
                std::string list;
                for (const std::string& u : urls) list += (list.empty() ? "" : ", ") + u;
                const std::string data = "iOS Shortcut '" + t.At(row, "shortcut_name").Text() + "': " + t.At(row, "description").Text() +
                                         " " + (urls.empty() ? "" : "- URLs in actions: " + list);
                ctx.AddRecord().Set("shortcut_name", t.At(row, "shortcut_name").Text()).Set("isodate", created)
                    .Set("modified_date", modified).Set("action_urls", list);
                ctx.Timeline(created, "shortcut_created", data);
                ctx.Timeline(modified, "shortcut_modified", data);
                for (const std::string& u : urls)
                  if (ctx.CheckUrl(u, "URL in a shortcut", created)) break;
              }
            });
}

void Applications(ModuleContext& ctx) {
  struct App {
    std::string name;
    plist::Value metadata;
  };
  std::vector<App> apps;
  if (ctx.kind() == AcquisitionKind::kIosBackup) {
    const FileEntry* info = ctx.files().Find("Info.plist");
    auto plist_info = info ? ReadPlist(ctx, *info) : std::nullopt;
    if (const plist::Value* list = plist_info ? plist_info->Find("Applications") : nullptr)
      for (const auto& [name, app] : list->dict) {
        App a{name, {}};
        if (const plist::Value* data = app.Find("iTunesMetadata"))
          if (auto meta = plist::Parse(data->bytes)) a.metadata = std::move(meta.value());
        apps.push_back(std::move(a));
      }
  } else {
    for (const FileEntry* f : FindFsFiles(ctx, {"private/var/containers/Bundle/Application/*/iTunesMetadata.plist"}))
      if (auto meta = ReadPlist(ctx, *f)) apps.push_back({f->path, std::move(*meta)});
  }
  static constexpr std::string_view kStores[] = {"com.apple.AppStore", "com.apple.AppStore.ProductPageExtension", "com.apple.dmd", "dmd"};
  for (const App& a : apps) {
    const std::string id = Field(a.metadata, "softwareVersionBundleId");
    std::string source = Field(a.metadata, "sourceApp");
    if (source.empty()) source = "com.apple.AppStore";
    std::string when;
    if (const plist::Value* download = a.metadata.Find("com.apple.iTunesStore.downloadInfo"))
      if (const plist::Value* purchase = download->Find("purchaseDate")) {
        int y, mo, d, h, mi, s;
        if (std::sscanf(purchase->Text().c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) == 6) {
          std::tm t{};
          t.tm_year = y - 1900, t.tm_mon = mo - 1, t.tm_mday = d, t.tm_hour = h, t.tm_min = mi, t.tm_sec = s;
          when = UnixTime(static_cast<double>(timegm(&t)));
        }
      }
    ctx.AddRecord().Set("name", a.name).Set("softwareVersionBundleId", id).Set("sourceApp", source).Set("isodate", when);
    if (!when.empty())
      ctx.Timeline(when, "app_installed",
                   "App " + Field(a.metadata, "itemName") + " version " + Field(a.metadata, "bundleShortVersionString") + " from " +
                       Field(a.metadata, "artistName") + " installed from " + source);
    if (ctx.has_indicators()) {
      if (id.empty()) {
        ctx.Alert(AlertLevel::kMedium, "Suspicious application identified without softwareVersionBundleId", when, a.name);
        continue;
      }
      if (ctx.CheckProcess(id, "app", when)) continue;
      if (const indicators::Indicator* hit = ctx.iocs().MatchAppId(id)) {
        ctx.Matched(*hit, "app", id, when);
        continue;
      }
    }
    if (std::find(std::begin(kStores), std::end(kStores), source) == std::end(kStores))
      ctx.Alert(AlertLevel::kMedium, "Suspicious app not installed from the App Store or MDM: " + id, when, id);
  }
}

void ShutdownLog(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosFilesystem) return;
  struct Client {
    std::string pid, client, when;
    double delay = 0;
    int times_delayed = 0;
  };
  std::vector<Client> records;
  for (const FileEntry* f : FindFsFiles(ctx, {"private/var/db/diagnostics/shutdown.log", "private/var/db/diagnostics/shutdown.*.log"})) {
    auto text = ctx.Read(*f);
    if (!text) continue;
    std::vector<Client> pending, recent;
    double delay = 0;
    int times = 0;
    for (std::string_view line : SplitLines(*text)) {
      line = Trim(line);
      if (line.starts_with("remaining client pid: ")) {
        const std::string_view rest = line.substr(22);
        const size_t space = rest.find(' ');
        std::string client(space == std::string_view::npos ? "" : Trim(rest.substr(space + 1)));
        if (client.starts_with("(") && client.ends_with(")")) client = client.substr(1, client.size() - 2);
        pending.push_back({std::string(rest.substr(0, space)), client, "", delay, times});
      } else if (line.starts_with("After ")) {
        recent.insert(recent.end(), pending.begin(), pending.end());
        pending.clear();
        const std::vector<std::string_view> w = Words(line);
        if (w.size() > 1 && w[1].size() > 2) delay += std::atof(std::string(w[1].substr(0, w[1].size() - 2)).c_str());
        ++times;
      } else if (line.starts_with("SIGTERM: ")) {
        const size_t open = line.find('['), close = line.find(']');
        std::string stamp = open != std::string_view::npos && close > open ? std::string(line.substr(open + 1, close - open - 1)) : "";
        if (const size_t at = line.find(" @"); stamp.empty() && at != std::string_view::npos) stamp = std::string(line.substr(at + 2, 10));
        const std::string when = stamp.empty() ? "" : UnixTime(std::atof(stamp.c_str()));
        recent.insert(recent.end(), pending.begin(), pending.end());
        for (Client& c : recent) {
          c.when = when;
          records.push_back(c);
        }
        pending.clear(), recent.clear();
        delay = 0, times = 0;
      }
    }
  }
  std::stable_sort(records.begin(), records.end(), [](const Client& a, const Client& b) { return a.when < b.when; });
  for (const Client& c : records) {
    ctx.AddRecord().Set("isodate", c.when).Set("pid", c.pid).Set("client", c.client);
    ctx.Timeline(c.when, "shutdown", "Client " + c.client + " with PID " + c.pid + " was running when the device was shut down");
    if (ctx.CheckPath(c.client, "process running at shutdown", c.when)) continue;
    ctx.CheckProcessInPath(c.client, "process running at shutdown", c.when);
  }
}

void Analytics(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosFilesystem) return;
  for (const FileEntry* f : FindFsFiles(ctx, {"private/var/Keychains/Analytics/*.db"})) {
    auto db = OpenDatabase(ctx, *f);
    if (!db) continue;
    auto t = QueryFirst(ctx, *db, *f,
                        {"SELECT timestamp, data FROM hard_failures UNION SELECT timestamp, data FROM soft_failures UNION "
                         "SELECT timestamp, data FROM all_events",
                         "SELECT timestamp, data FROM hard_failures UNION SELECT timestamp, data FROM soft_failures"});
    if (!t) continue;
    const std::string artifact = f->path.substr(f->path.rfind('/') + 1);
    for (size_t row = 0; row < t->rows.size(); ++row) {
      if (t->At(row, "timestamp").null() && t->At(row, "data").null()) continue;
      const std::string when = UnixTime(t->At(row, "timestamp"));
      Record& r = ctx.AddRecord();
      r.Set("isodate", when).Set("artifact", artifact);
      auto data = plist::Parse(t->At(row, "data").text);
      std::string summary;
      if (data)
        for (const auto& [key, value] : data->dict) {
          r.Set(key, value.Text());
          summary += (summary.empty() ? "" : ", ") + key + ": " + value.Text();
          if (value.kind != plist::Value::Kind::kString) continue;
          if (const indicators::Indicator* hit = ctx.iocs().MatchProcess(value.bytes)) {
            ctx.Matched(*hit, "process named in " + artifact, value.bytes, when);
            continue;
          }
          ctx.CheckUrl(value.bytes, "URL in " + artifact, when);
        }
      ctx.Timeline(when, artifact, summary);
    }
  }
}

}  // namespace vigie::check
