// The modules MVT runs on an iOS backup (`mvt-ios check-backup`) and on a
// filesystem dump (`check-fs`): each finds its file as MVT does, reads the
// same rows, and applies the same indicators and heuristics
// (docs/check.md). Modules whose files the acquisition lacks add nothing.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ios_common.h"
#include "ios_modules.h"
#include "module.h"
#include "text_lines.h"
#include "time_text.h"

namespace vigie::check {
namespace {

using acquisition::Cell;
using acquisition::FileEntry;
using acquisition::Table;

constexpr std::string_view kAppGroup = "private/var/mobile/Containers/Shared/AppGroup/*/";
constexpr std::string_view kWhatsappDomain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";


// Python's str() of a value in MVT's messages: None for NULL.
std::string Py(const Cell& c) { return c.Text(); }

// ---- Backup only ---------------------------------------------------------------

void BackupInfo(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosBackup) return;
  const FileEntry* f = ctx.files().Find("Info.plist");
  if (!f) return;
  auto info = ReadPlist(ctx, *f);
  if (!info) return;
  static constexpr std::string_view kKeys[] = {
      "Build Version",     "Device Name",      "Display Name",    "GUID",          "ICCID",        "IMEI",
      "MEID",              "Installed Applications", "Last Backup Date", "Phone Number", "Product Name", "Product Type",
      "Product Version",   "Serial Number",    "Target Identifier", "Target Type", "Unique Identifier", "iTunes Version"};
  for (std::string_view key : kKeys) {
    Record& r = ctx.AddRecord();
    r.Set("key", std::string(key));
    const plist::Value* v = info->Find(key);
    if (!v) {
      r.SetNull("value");
    } else if (v->kind == plist::Value::Kind::kArray) {
      std::string list;
      for (const plist::Value& item : v->array) list += (list.empty() ? "" : ", ") + item.Text();
      r.Set("value", list);
    } else {
      r.Set("value", v->Text());
    }
  }
}

void Manifest(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosBackup) return;
  const FileEntry* f = ctx.files().Find("Manifest.db");
  if (!f) return;
  WithTableInBatches(ctx, f, "SELECT * FROM Files", [&](const Table& t) {
    for (size_t row = 0; row < t.rows.size(); ++row) {
      const std::string& id = t.At(row, "fileID").text;
      const std::string& domain = t.At(row, "domain").text;
      const std::string& rel = t.At(row, "relativePath").text;
      Record& r = ctx.AddRecord();
      r.Set("file_id", id).Set("domain", domain).Set("relative_path", rel).SetNumber("flags", t.At(row, "flags").integer);
      std::string created, modified, changed;
      const Cell& blob = t.At(row, "file");
      if (blob.kind == Cell::Kind::kBlob)
        if (auto archive = plist::Parse(blob.text))
          if (const plist::Value* file = plist::KeyedRoot(*archive)) {
            auto time = [&](const char* key) {
              const plist::Value* v = file->Find(key);
              return v ? UnixTime(v->kind == plist::Value::Kind::kDate ? v->real + 978307200 : static_cast<double>(v->integer)) : "";
            };
            created = time("Birth"), modified = time("LastModified"), changed = time("LastStatusChange");
            if (const plist::Value* mode = file->Find("Mode")) {
              char octal[32];
              std::snprintf(octal, sizeof octal, "0o%llo", static_cast<unsigned long long>(mode->integer));
              r.Set("mode", octal);
            }
            if (const plist::Value* owner = file->Find("UserID")) r.SetNumber("owner", owner->integer);
            if (const plist::Value* size = file->Find("Size")) r.SetNumber("size", size->integer);
          }
      r.Set("created", created).Set("modified", modified).Set("status_changed", changed);
      if (!modified.empty() && !changed.empty()) {
        std::set<std::string> times = {created, modified, changed};
        for (const std::string& when : times) {
          std::string macb = "----";
          if (when == modified) macb[0] = 'M';
          if (when == changed) macb[2] = 'C';
          if (when == created) macb[3] = 'B';
          ctx.Timeline(when, macb, rel + " - " + domain);
        }
      }
      if (!ctx.has_indicators() || rel.empty()) continue;
      const std::string path = "/" + rel;
      if (const indicators::Indicator* hit = ctx.iocs().MatchFileName(path)) {
        ctx.Matched(*hit, "file name", path, modified, AlertLevel::kHigh);
        continue;
      }
      if (const indicators::Indicator* hit = ctx.iocs().MatchFilePath(path)) {
        ctx.Matched(*hit, "file path", path, modified, AlertLevel::kHigh);
        continue;
      }
      // Apps name files after the hosts they cache ("…_example.org_0.localstorage").
      std::string lower = rel;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (std::string_view rest = lower; !rest.empty();) {
        const size_t cut = rest.find('_');
        const std::string_view part = rest.substr(0, cut);
        if (part.find('.') != std::string_view::npos)
          if (const indicators::Indicator* hit = ctx.iocs().MatchUrl(part))
            ctx.Matched(*hit, "domain mentioned in a backup file's path", lower, modified, AlertLevel::kHigh);
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
      }
    }
  });
}

// ---- Backup and filesystem ---------------------------------------------------------

void Calendar(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/Calendar/Calendar.sqlitedb",
                                         {"private/var/mobile/Library/Calendar/Calendar.sqlitedb"}});
  WithTable(ctx, f,
            {"SELECT CalendarItem.ROWID AS id, CalendarItem.summary, CalendarItem.description, CalendarItem.start_date, "
             "CalendarItem.end_date, CalendarItem.all_day, CalendarItem.calendar_id, CalendarItem.organizer_id, "
             "CalendarItem.url, CalendarItem.last_modified, CalendarItem.external_id, CalendarItem.external_mod_tag, "
             "CalendarItem.unique_identifier, CalendarItem.hidden, CalendarItem.UUID AS uuid, CalendarItem.creation_date, "
             "CalendarItem.action, CalendarItem.created_by_id, Participant.UUID AS participant_uuid, "
             "Participant.email AS participant_email, Participant.phone_number AS participant_phone, "
             "Participant.comment AS participant_comment, Participant.last_modified AS participant_last_modified "
             "FROM CalendarItem LEFT JOIN Participant ON Participant.ROWID = CalendarItem.organizer_id"},
            [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) {
                Record& r = ctx.AddRecord();
                AddCells(r, t, row);
                const std::string data = "Calendar event " + Py(t.At(row, "summary")) + " (" + Py(t.At(row, "description")) +
                                         ") (invitation by " + Py(t.At(row, "participant_email")) + ")";
                for (const char* field : {"start_date", "end_date", "last_modified", "creation_date", "participant_last_modified"}) {
                  const std::string when = MacTime(t.At(row, field));
                  r.Set(std::string(field) + "_isodate", when);
                  if (t.At(row, field).truthy()) ctx.Timeline(when, field, data);
                }
                const std::string email = t.At(row, "participant_email").text;
                if (!email.empty())
                  if (const indicators::Indicator* hit = ctx.iocs().MatchEmail(email)) {
                    ctx.Matched(*hit, "e-mail address", email, MacTime(t.At(row, "start_date")));
                    continue;
                  }
                if (t.At(row, "summary").text == "Meeting" && t.At(row, "description").text == "Notes")
                  ctx.Alert(AlertLevel::kHigh, "Potential Quadream exploit event identified: " + t.At(row, "uuid").text,
                            MacTime(t.At(row, "start_date")), t.At(row, "uuid").text);
              }
            });
}

// DataUsage.sqlite (and netusage.sqlite): which process used the network,
// with the heuristics for records an attacker deleted.
struct NetRecord {
  std::string first_isodate, isodate, live_isodate, proc_name, bundle_id;
  Cell proc_id, live_proc_id, wwan_in, wwan_out, wifi_in, wifi_out, live_id;
  bool placeholder = false;
};

void NetUsage(ModuleContext& ctx, const FileEntry* f) {
  const std::string columns =
      "ZPROCESS.ZFIRSTTIMESTAMP, ZPROCESS.ZTIMESTAMP, ZPROCESS.ZPROCNAME, ZPROCESS.ZBUNDLENAME, ZPROCESS.Z_PK AS ZPROCESS_PK";
  auto query = [&](bool wifi) {
    return "SELECT " + columns + ", " + (wifi ? "ZLIVEUSAGE.ZWIFIIN, ZLIVEUSAGE.ZWIFIOUT, " : "") +
           "ZLIVEUSAGE.ZWWANIN, ZLIVEUSAGE.ZWWANOUT, ZLIVEUSAGE.Z_PK AS ZLIVEUSAGE_PK, ZLIVEUSAGE.ZHASPROCESS, "
           "ZLIVEUSAGE.ZTIMESTAMP AS ZL_TIMESTAMP FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK "
           "UNION SELECT " + columns + ", " + (wifi ? "NULL, NULL, " : "") +
           "NULL, NULL, NULL, NULL, NULL FROM ZPROCESS WHERE ZPROCESS.Z_PK NOT IN (SELECT ZHASPROCESS FROM ZLIVEUSAGE)";
  };
  const std::string with_wifi = query(true), without_wifi = query(false);
  WithTable(ctx, f, {with_wifi, without_wifi}, [&](const Table& t) {
    std::vector<NetRecord> records;
    for (size_t row = 0; row < t.rows.size(); ++row) {
      NetRecord n;
      const Cell &first = t.At(row, "ZFIRSTTIMESTAMP"), &last = t.At(row, "ZTIMESTAMP");
      n.first_isodate = first.truthy() && last.truthy() ? MacTime(first) : (first.null() ? "" : first.Text());
      n.isodate = first.truthy() && last.truthy() ? MacTime(last) : (last.null() ? "" : last.Text());
      n.proc_name = t.At(row, "ZPROCNAME").null() ? "" : t.At(row, "ZPROCNAME").text;
      n.bundle_id = t.At(row, "ZBUNDLENAME").text;
      n.proc_id = t.At(row, "ZPROCESS_PK");
      n.live_proc_id = t.At(row, "ZHASPROCESS");
      n.live_id = t.At(row, "ZLIVEUSAGE_PK");
      n.wwan_in = t.At(row, "ZWWANIN"), n.wwan_out = t.At(row, "ZWWANOUT");
      n.wifi_in = t.At(row, "ZWIFIIN"), n.wifi_out = t.At(row, "ZWIFIOUT");
      n.live_isodate = t.At(row, "ZL_TIMESTAMP").truthy() ? MacTime(t.At(row, "ZL_TIMESTAMP")) : n.first_isodate;
      records.push_back(std::move(n));
    }
    // On a filesystem dump, a process without a bundle must have a binary.
    if (ctx.kind() == AcquisitionKind::kIosFilesystem) {
      std::set<std::string, std::less<>> names;
      for (const FileEntry& file : ctx.files().files()) names.insert(file.path.substr(file.path.rfind('/') + 1));
      for (const NetRecord& n : records) {
        if (!n.bundle_id.empty() || !n.live_proc_id.truthy()) continue;
        if (n.proc_name.empty()) {
          ctx.Alert(AlertLevel::kMedium,
                    "Found process entry with empty 'proc_name': " + Py(n.live_proc_id) + " at " + n.live_isodate,
                    n.live_isodate, Py(n.live_proc_id));
        } else if (!names.contains(n.proc_name)) {
          ctx.Alert(AlertLevel::kMedium,
                    "Could not find the binary associated with the process with name " + n.proc_name +
                        (n.proc_name.size() == 16 ? " (However, the process name might have been truncated in the database)" : ""),
                    n.live_isodate, n.proc_name);
        }
      }
    }
    // Usage rows whose process row was deleted.
    std::vector<NetRecord*> orphans;
    for (NetRecord& n : records)
      if (!n.proc_id.truthy()) orphans.push_back(&n);
    std::stable_sort(orphans.begin(), orphans.end(), [](const NetRecord* a, const NetRecord* b) { return a->live_isodate < b->live_isodate; });
    std::set<std::string> reported;
    for (NetRecord* n : orphans)
      if (reported.insert(Py(n->live_proc_id)).second)
        ctx.Alert(AlertLevel::kHigh, "Found manipulated process entry " + Py(n->live_proc_id) + ". Entry on " + n->live_isodate,
                  n->live_isodate, Py(n->live_proc_id));
    for (NetRecord* n : orphans) {
      n->first_isodate = n->isodate = n->live_isodate;
      n->proc_name = "MANIPULATED [process record deleted]";
      ctx.Alert(AlertLevel::kHigh, "Found manipulated process entry " + Py(n->live_proc_id) + "/", n->live_isodate,
                Py(n->live_proc_id));
    }
    // Gaps in the process ids: rows deleted.
    std::map<int64_t, const NetRecord*> by_id;
    for (const NetRecord& n : records)
      if (n.proc_id.truthy() && n.proc_id.kind == Cell::Kind::kInteger) by_id.emplace(n.proc_id.integer, &n);
    std::vector<NetRecord> missing;
    if (!by_id.empty()) {
      const NetRecord* previous = nullptr;
      for (int64_t k = by_id.begin()->first; k < by_id.rbegin()->first; ++k) {
        if (const auto it = by_id.find(k); it != by_id.end()) {
          previous = it->second;
          continue;
        }
        ctx.Alert(AlertLevel::kLow,
                  "Missing process " + std::to_string(k) + ". Previous process at \"" + previous->first_isodate + "\" (" +
                      previous->proc_name + ")",
                  previous->first_isodate, std::to_string(k));
        NetRecord m;
        m.first_isodate = m.isodate = m.live_isodate = previous->first_isodate;
        m.proc_name = "MISSING [follows " + previous->proc_name + "]";
        m.proc_id.kind = m.live_proc_id.kind = Cell::Kind::kInteger;
        m.proc_id.integer = m.live_proc_id.integer = k;
        m.placeholder = true;
        missing.push_back(std::move(m));
      }
    }
    records.insert(records.end(), missing.begin(), missing.end());
    std::stable_sort(records.begin(), records.end(),
                     [](const NetRecord& a, const NetRecord& b) { return a.first_isodate < b.first_isodate; });
    for (const NetRecord& n : records) {
      Record& r = ctx.AddRecord();
      r.Set("first_isodate", n.first_isodate).Set("isodate", n.isodate).Set("proc_name", n.proc_name);
      r.Set("bundle_id", n.bundle_id).Set("proc_id", Py(n.proc_id)).Set("wifi_in", Py(n.wifi_in)).Set("wifi_out", Py(n.wifi_out));
      r.Set("wwan_in", Py(n.wwan_in)).Set("wwan_out", Py(n.wwan_out)).Set("live_id", Py(n.live_id));
      r.Set("live_proc_id", Py(n.live_proc_id)).Set("live_isodate", n.live_isodate);
      const std::string bundle = n.placeholder || n.bundle_id.empty() ? "None" : n.bundle_id;
      const std::string who = n.proc_name + " (Bundle ID: " + bundle + ", ID: " + Py(n.proc_id) + ")";
      ctx.Timeline(n.live_isodate, "live_usage", who + " WWAN IN: " + Py(n.wwan_in) + ", WWAN OUT: " + Py(n.wwan_out));
      if (n.proc_name.find("MANIPULATED") == std::string::npos && n.proc_name.find("MISSING") == std::string::npos &&
          !n.live_proc_id.null()) {
        ctx.Timeline(n.first_isodate, "first_usage", who);
        ctx.Timeline(n.isodate, "current_usage", who);
      }
      if (n.proc_id.truthy()) ctx.CheckProcess(n.proc_name, "process name", n.first_isodate);
    }
  });
}

void Datausage(ModuleContext& ctx) {
  NetUsage(ctx, FindIosFile(ctx, {"WirelessDomain", "Library/Databases/DataUsage.sqlite",
                                  {"private/var/wireless/Library/Databases/DataUsage.sqlite"}}));
}

void Netusage(ModuleContext& ctx) {
  for (const FileEntry* f : FindFsFiles(ctx, {"private/var/networkd/netusage.sqlite", "private/var/networkd/db/netusage.sqlite"}))
    NetUsage(ctx, f);
}

void SafariBrowserState(ModuleContext& ctx) {
  std::vector<const FileEntry*> files = FindInManifest(ctx, "Library/Safari/BrowserState.db");
  for (const FileEntry* f : FindInManifest(ctx, "Library/Safari/Profiles/*/BrowserState.db")) files.push_back(f);
  if (ctx.kind() == AcquisitionKind::kIosFilesystem)
    files = FindFsFiles(ctx, {"private/var/mobile/Library/Safari/BrowserState.db",
                              "private/var/mobile/Library/Safari/Profiles/*/BrowserState.db",
                              "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db",
                              "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/BrowserState.db"});
  for (const FileEntry* f : files)
    WithTable(ctx, f,
              {"SELECT tabs.title, tabs.url, tabs.user_visible_url, tabs.last_viewed_time, tab_sessions.session_data "
               "FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid ORDER BY tabs.last_viewed_time",
               "SELECT title, url, user_visible_url, last_viewed_time, session_data FROM tabs ORDER BY last_viewed_time"},
              [&](const Table& t) {
                for (size_t row = 0; row < t.rows.size(); ++row) {
                  const std::string title = Py(t.rows[row][0]), url = t.rows[row][1].text;
                  const std::string when = MacTime(t.rows[row][3]);
                  std::vector<std::string> entries;  // URLs of the tab's history.
                  const Cell& session = t.rows[row][4];
                  if (session.kind == Cell::Kind::kBlob && session.text.size() > 4)
                    if (auto data = plist::Parse(std::string_view(session.text).substr(4)))
                      if (const plist::Value* history = data->Find("SessionHistory"))
                        if (const plist::Value* list = history->Find("SessionHistoryEntries"))
                          for (const plist::Value& e : list->array)
                            if (const plist::Value* u = e.Find("SessionHistoryEntryURL")) entries.push_back(u->bytes);
                  Record& r = ctx.AddRecord();
                  r.Set("tab_title", title).Set("tab_url", url).Set("tab_visible_url", t.rows[row][2].text);
                  r.Set("last_viewed_timestamp", when).SetNumber("session_entries", static_cast<int64_t>(entries.size()));
                  r.Set("safari_browser_state_db", f->path);
                  ctx.Timeline(when, "tab", title + " - " + url);
                  if (ctx.CheckUrl(url, "URL of an open tab", when)) continue;
                  for (const std::string& e : entries) ctx.CheckUrl(e, "URL in a tab's history", when);
                }
              });
}

void Tcc(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/TCC/TCC.db", {"private/var/mobile/Library/TCC/TCC.db"}});
  WithTable(ctx, f,
            {"SELECT service, client, client_type, auth_value, auth_reason, last_modified FROM access",
             "SELECT service, client, client_type, allowed, prompt_count, last_modified FROM access",
             "SELECT service, client, client_type, allowed, prompt_count FROM access"},
            [&](const Table& t) {
              const bool v3 = t.Column("auth_value") >= 0;
              static const std::map<int64_t, std::string> kAuth = {{0, "denied"}, {1, "unknown"}, {2, "allowed"}, {3, "limited"}};
              static const std::map<int64_t, std::string> kReason = {
                  {1, "error"},           {2, "user_consent"},     {3, "user_set"},           {4, "system_set"},
                  {5, "service_policy"},  {6, "mdm_policy"},       {7, "override_policy"},    {8, "missing_usage_string"},
                  {9, "prompt_timeout"},  {10, "preflight_unknown"}, {11, "entitled"},         {12, "app_type_policy"}};
              for (size_t row = 0; row < t.rows.size(); ++row) {
                const std::string service = t.At(row, "service").text, client = t.At(row, "client").text;
                Record& r = ctx.AddRecord();
                r.Set("service", service).Set("client", client);
                r.Set("client_type", t.At(row, "client_type").integer == 0 ? "bundle_id" : "absolute_path");
                std::string value;
                if (v3) {
                  const auto a = kAuth.find(t.At(row, "auth_value").integer);
                  value = a == kAuth.end() ? "" : a->second;
                  const auto why = kReason.find(t.At(row, "auth_reason").integer);
                  r.Set("auth_value", value).Set("auth_reason_desc", why == kReason.end() ? "unknown" : why->second);
                } else {
                  value = t.At(row, "allowed").integer == 1 ? "allowed" : "denied";
                  r.Set("allowed_value", value).Set("prompt_count", Py(t.At(row, "prompt_count")));
                }
                std::string when;
                if (t.Column("last_modified") >= 0) {
                  when = UnixTime(t.At(row, "last_modified"));
                  r.Set("last_modified", when);
                  ctx.Timeline(when, "AccessRequest", "Access to " + service + " by " + client + " " + value);
                }
                ctx.CheckProcess(client, "process name", when);
              }
            });
}

void Sms(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/SMS/sms.db", {"private/var/mobile/Library/SMS/sms.db"}});
  WithTableInBatches(ctx, f, "SELECT message.*, handle.id AS phone_number FROM message, handle WHERE handle.rowid = message.handle_id",
            [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) {
                Record& r = ctx.AddRecord();
                AddCells(r, t, row);
                const std::string text = t.At(row, "text").null() ? "" : t.At(row, "text").text;
                const std::string when = MacTime(t.At(row, "date")), read = MacTime(t.At(row, "date_read"));
                r.Set("isodate", when).Set("isodate_read", read);
                r.Set("direction", t.At(row, "is_from_me").integer == 1 ? "sent" : "received");
                std::string escaped;
                for (char c : text) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
                const std::string data = Py(t.At(row, "service")) + ": " + Py(t.At(row, "guid")) + " \"" + escaped + "\" from " +
                                         Py(t.At(row, "phone_number")) + " (" + Py(t.At(row, "account")) + ")";
                ctx.Timeline(when, "sms_received", data);
                if (t.At(row, "date_read").truthy()) ctx.Timeline(read, "sms_read", data);
                if (text.starts_with("ALERT: State-sponsored attackers may be targeting your iPhone") ||
                    text.starts_with("ALERT: Apple detected a targeted mercenary spyware attack against your iPhone"))
                  ctx.Alert(AlertLevel::kHigh, "Apple warning about state-sponsored attack received on " + when, when, text);
                for (const std::string& link : FindLinks(text))
                  if (ctx.CheckUrl(link, "link in a message", when)) break;
              }
            });
}

void WebkitResourceLoadStatistics(ModuleContext& ctx) {
  std::vector<const FileEntry*> files =
      ctx.kind() == AcquisitionKind::kIosBackup
          ? FindInManifest(ctx, "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db")
          : FindFsFiles(ctx, {"private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/"
                              "ResourceLoadStatistics/observations.db",
                              "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/"
                              "Library/WebKit/WebsiteData/observations.db"});
  for (const FileEntry* f : files)
    WithTable(ctx, f, {"SELECT domainID, registrableDomain, lastSeen, hadUserInteraction FROM ObservedDomains"},
              [&](const Table& t) {
                for (size_t row = 0; row < t.rows.size(); ++row) {
                  const std::string domain = t.At(row, "registrableDomain").text;
                  const std::string when = UnixTime(t.At(row, "lastSeen"));
                  Record& r = ctx.AddRecord();
                  r.Set("domain_id", Py(t.At(row, "domainID"))).Set("registrable_domain", domain);
                  r.Set("last_seen_isodate", when).SetBool("had_user_interaction", t.At(row, "hadUserInteraction").truthy());
                  r.Set("path", f->path);
                  ctx.Timeline(when, "visit", "Webkit resource loaded from " + domain);
                  ctx.CheckUrl(domain, "domain", when);
                }
              });
}

void Whatsapp(ModuleContext& ctx) {
  const std::string chat_pattern = std::string(kAppGroup) + "ChatStorage.sqlite";
  const FileEntry* f = FindIosFile(ctx, {kWhatsappDomain, "ChatStorage.sqlite", {chat_pattern}});
  if (!f) return;
  auto db = OpenDatabase(ctx, *f);
  if (!db) return;
  if (auto t = QueryFirst(ctx, *db, *f,
                          {"SELECT ZWAMESSAGE.*, ZWAMEDIAITEM.ZAUTHORNAME, ZWAMEDIAITEM.ZMEDIAURL, ZWAMESSAGEDATAITEM.ZCONTENT1, "
                           "ZWAMESSAGEDATAITEM.ZCONTENT2, ZWAMESSAGEDATAITEM.ZMATCHEDTEXT, ZWAMESSAGEDATAITEM.ZSUMMARY, "
                           "ZWAMESSAGEDATAITEM.ZTITLE FROM ZWAMESSAGE LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.ZMESSAGE = "
                           "ZWAMESSAGE.Z_PK LEFT JOIN ZWAMESSAGEDATAITEM ON ZWAMESSAGEDATAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"})) {
    for (size_t row = 0; row < t->rows.size(); ++row) {
      Record& r = ctx.AddRecord();
      AddCells(r, *t, row);
      const std::string text = t->At(row, "ZTEXT").null() ? "" : t->At(row, "ZTEXT").text;
      const std::string when = MacTime(t->At(row, "ZMESSAGEDATE"));
      std::vector<std::string> links;
      for (const char* column : {"ZTEXT", "ZMATCHEDTEXT", "ZMEDIAURL", "ZCONTENT1", "ZCONTENT2"})
        for (const std::string& link : FindLinks(t->At(row, column).text))
          if (!link.starts_with("https://mmg-fna.whatsapp.net/") && !link.starts_with("https://mmg.whatsapp.net/") &&
              std::find(links.begin(), links.end(), link) == links.end())
            links.push_back(link);
      r.Set("isodate", when);
      std::string escaped, list;
      for (char c : text) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
      for (const std::string& link : links) list += (list.empty() ? "" : ", ") + link;
      ctx.Timeline(when, "message",
                   "'" + escaped + "' from " + Py(t->At(row, "ZFROMJID")) + (links.empty() ? "" : " - Embedded links: " + list));
      for (const std::string& link : links)
        if (ctx.CheckUrl(link, "link in a message", when)) break;
    }
  }
  // The phone numbers WhatsApp paired with its private ids (LIDs).
  std::map<std::string, std::string> lid_phone;
  const std::string lid_pattern = std::string(kAppGroup) + "LID.sqlite";
  const FileEntry* lid_file = FindIosFile(ctx, {kWhatsappDomain, "LID.sqlite", {lid_pattern}});
  WithTable(ctx, lid_file ? lid_file : f,
            {"SELECT ZLID AS lid, ZPHONENUMBER AS phone_number, ZTIMESTAMP AS pair_timestamp FROM ZWAPHONENUMBERLIDPAIR"},
            [&](const Table& t) {
              for (size_t row = 0; row < t.rows.size(); ++row) {
                const std::string lid = t.At(row, "lid").text, phone = t.At(row, "phone_number").text;
                const std::string when = t.At(row, "pair_timestamp").truthy() ? MacTime(t.At(row, "pair_timestamp")) : "";
                ctx.AddRecord().Set("record_type", "lid_phone_number_pair").Set("lid", lid).Set("phone_number", phone).Set("pair_timestamp", when);
                std::string number = phone.substr(0, phone.find('@'));
                if (number.starts_with("+")) number.erase(0, 1);
                lid_phone[lid.substr(0, lid.find('@'))] = number;
                if (!when.empty()) ctx.Timeline(when, "lid_pair_recorded", "WhatsApp associated LID " + lid + " with phone number " + phone);
              }
            });
  if (auto t = QueryFirst(ctx, *db, *f,
                          {"SELECT ZWACHATSESSION.Z_PK AS session_pk, ZWACHATSESSION.ZCONTACTJID AS contact_jid, "
                           "ZWACHATSESSION.ZPARTNERNAME AS partner_name, ZWACHATSESSION.ZSESSIONTYPE AS session_type, "
                           "ZWACHATSESSION.ZARCHIVED AS archived, ZWACHATSESSION.ZREMOVED AS removed, "
                           "ZWACHATSESSION.ZMESSAGECOUNTER AS message_counter, ZWACHATSESSION.ZLASTMESSAGEDATE AS last_message_date, "
                           "ZWAGROUPINFO.ZCREATIONDATE AS group_creation_date, MIN(ZWAMESSAGE.ZMESSAGEDATE) AS first_stored_message_date, "
                           "MAX(ZWAMESSAGE.ZMESSAGEDATE) AS last_stored_message_date, COUNT(ZWAMESSAGE.Z_PK) AS stored_message_count "
                           "FROM ZWACHATSESSION LEFT JOIN ZWAGROUPINFO ON ZWACHATSESSION.ZGROUPINFO = ZWAGROUPINFO.Z_PK "
                           "LEFT JOIN ZWAMESSAGE ON ZWAMESSAGE.ZCHATSESSION = ZWACHATSESSION.Z_PK GROUP BY ZWACHATSESSION.Z_PK"})) {
    for (size_t row = 0; row < t->rows.size(); ++row) {
      Record& r = ctx.AddRecord();
      r.Set("record_type", "chat_session");
      AddCells(r, *t, row);
      const std::string jid = t->At(row, "contact_jid").null() ? "unknown" : t->At(row, "contact_jid").text;
      std::string phone;
      if (jid.ends_with("@lid"))
        if (const auto it = lid_phone.find(jid.substr(0, jid.find('@'))); it != lid_phone.end()) phone = "+" + it->second;
      r.Set("partner_resolved_phone_number", phone);
      const std::string name = t->At(row, "partner_name").text;
      const std::string label = name.empty() ? (phone.empty() ? jid : phone) : "'" + name + "' (" + (phone.empty() ? jid : phone) + ")";
      const bool group = jid.ends_with("@g.us") || t->At(row, "group_creation_date").truthy();
      const std::string chat = (group ? "WhatsApp group chat " : "WhatsApp chat with ") + label;
      if (t->At(row, "group_creation_date").truthy())
        ctx.Timeline(MacTime(t->At(row, "group_creation_date")), "group_created", chat + " was created");
      if (t->At(row, "first_stored_message_date").truthy())
        ctx.Timeline(MacTime(t->At(row, "first_stored_message_date")), "chat_first_message", "First stored message in " + chat);
      const Cell& last = t->At(row, "last_message_date").truthy() ? t->At(row, "last_message_date") : t->At(row, "last_stored_message_date");
      if (last.truthy()) ctx.Timeline(MacTime(last), "chat_last_message", "Last message in " + chat);
    }
  }
}

std::vector<WhatsappContact>& WhatsappContacts(ModuleContext& ctx) { return ctx.run().whatsapp_contacts; }

void WhatsappContactsModule(ModuleContext& ctx) {
  WhatsappContacts(ctx).clear();
  const std::string pattern = std::string(kAppGroup) + "ContactsV2.sqlite";
  const FileEntry* f = FindIosFile(ctx, {kWhatsappDomain, "ContactsV2.sqlite", {pattern}});
  if (!f) return;
  auto db = OpenDatabase(ctx, *f);
  if (!db) return;
  const std::vector<std::string> present = db->Columns("ZWAADDRESSBOOKCONTACT");
  if (present.empty()) return;
  static constexpr std::pair<const char*, const char*> kFields[] = {
      {"whatsapp_id", "ZWHATSAPPID"},   {"lid", "ZLID"},           {"phone_number", "ZPHONENUMBER"},
      {"localized_phone_number", "ZLOCALIZEDPHONENUMBER"}, {"full_name", "ZFULLNAME"}, {"given_name", "ZGIVENNAME"},
      {"last_name", "ZLASTNAME"},       {"user_name", "ZUSERNAME"}, {"business_name", "ZBUSINESSNAME"},
      {"about_text", "ZABOUTTEXT"},     {"about_emoji", "ZABOUTEMOJI"}, {"notes", "ZNOTES"},
      {"disappearing_mode_duration", "ZDISAPPEARINGMODEDURATION"}, {"disappearing_mode_timestamp", "ZDISAPPEARINGMODETIMESTAMP"},
      {"about_timestamp", "ZABOUTTIMESTAMP"}, {"about_expiration_timestamp", "ZABOUTEXPIRATIONTIMESTAMP"},
      {"last_updated", "ZLASTUPDATED"}, {"phone_status", "ZPHONESTATUS"}, {"sync_policy", "ZSYNCPOLICY"}};
  std::string select = "SELECT Z_PK AS row_pk";
  for (const auto& [field, column] : kFields)
    if (std::find(present.begin(), present.end(), column) != present.end()) select += std::string(", ") + column + " AS " + field;
  auto t = QueryFirst(ctx, *db, *f, {select + " FROM ZWAADDRESSBOOKCONTACT"});
  if (!t) return;
  static const std::map<int64_t, std::string> kDurations = {
      {86400, "24 hours"}, {604800, "7 days"}, {1209600, "14 days"}, {2592000, "30 days"}, {7776000, "90 days"}};
  for (size_t row = 0; row < t->rows.size(); ++row) {
    Record& r = ctx.AddRecord();
    AddCells(r, *t, row);
    WhatsappContact c{t->At(row, "whatsapp_id").text, t->At(row, "lid").text, t->At(row, "phone_number").text,
                      !t->At(row, "full_name").text.empty() ? t->At(row, "full_name").text : t->At(row, "given_name").text};
    WhatsappContacts(ctx).push_back(c);
    std::string contact = !c.whatsapp_id.empty() ? c.whatsapp_id : !c.lid.empty() ? c.lid : !c.phone.empty() ? c.phone : "unknown";
    if (!t->At(row, "full_name").text.empty()) contact += " (" + t->At(row, "full_name").text + ")";
    const Cell& duration = t->At(row, "disappearing_mode_duration");
    std::string label = "off";
    if (duration.truthy()) {
      const auto known = kDurations.find(duration.integer);
      label = known != kDurations.end() ? known->second : std::to_string(duration.integer) + " seconds";
    }
    if (t->At(row, "disappearing_mode_timestamp").truthy())
      ctx.Timeline(MacTime(t->At(row, "disappearing_mode_timestamp")), "disappearing_mode_set",
                   "WhatsApp disappearing messages timer set to '" + label + "' for " + contact);
    if (t->At(row, "about_timestamp").truthy()) {
      const std::string about = t->At(row, "about_text").text;
      ctx.Timeline(MacTime(t->At(row, "about_timestamp")), "about_changed",
                   "WhatsApp about text of " + contact + " changed" + (about.empty() ? "" : " to \"" + about + "\""));
    }
    if (t->At(row, "about_expiration_timestamp").truthy())
      ctx.Timeline(MacTime(t->At(row, "about_expiration_timestamp")), "about_expiration",
                   "WhatsApp about text of " + contact + " scheduled to expire");
    if (t->At(row, "last_updated").truthy())
      ctx.Timeline(MacTime(t->At(row, "last_updated")), "contact_last_updated", "WhatsApp contact record for " + contact + " updated");
  }
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

void InteractionC(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/CoreDuet/People/interactionC.db",
                                         {"private/var/mobile/Library/CoreDuet/People/interactionC.db"}});
  const std::string base =
      "SELECT ZINTERACTIONS.ZSTARTDATE AS start_date, ZINTERACTIONS.ZENDDATE AS end_date, ZINTERACTIONS.ZBUNDLEID AS bundle_id, "
      "ZINTERACTIONS.ZACCOUNT AS account, ZINTERACTIONS.ZDIRECTION AS direction, ZCONTACTS.ZDISPLAYNAME AS sender_display_name, "
      "ZCONTACTS.ZIDENTIFIER AS sender_identifier, ZINTERACTIONS.ZDOMAINIDENTIFIER AS domain_identifier, "
      "ZINTERACTIONS.ZCREATIONDATE AS interactions_creation_date, ZCONTACTS.ZCREATIONDATE AS contacts_creation_date, "
      "ZCONTACTS.ZFIRSTINCOMINGRECIPIENTDATE AS first_incoming_recipient_date, ZCONTACTS.ZFIRSTINCOMINGSENDERDATE AS "
      "first_incoming_sender_date, ZCONTACTS.ZFIRSTOUTGOINGRECIPIENTDATE AS first_outgoing_recipient_date, "
      "ZCONTACTS.ZLASTINCOMINGSENDERDATE AS last_incoming_sender_date, ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE AS "
      "last_incoming_recipient_date, ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE AS last_outgoing_recipient_date, "
      "ZINTERACTIONS.Z_PK AS table_id";
  const std::string with_recipients =
      base + ", RECEIPIENTCONACT.ZDISPLAYNAME AS recipient_display_name, RECEIPIENTCONACT.ZIDENTIFIER AS recipient_identifier, "
             "ZCONTACTS.ZCUSTOMIDENTIFIER AS custom_id, ZATTACHMENT.ZCONTENTTEXT AS content, ZINTERACTIONS.ZGROUPNAME AS group_name "
             "FROM ZINTERACTIONS LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK LEFT JOIN Z_1INTERACTIONS ON "
             "ZINTERACTIONS.Z_PK = Z_1INTERACTIONS.Z_3INTERACTIONS LEFT JOIN ZATTACHMENT ON Z_1INTERACTIONS.Z_1ATTACHMENTS = "
             "ZATTACHMENT.Z_PK LEFT JOIN Z_2INTERACTIONRECIPIENT ON ZINTERACTIONS.Z_PK = "
             "Z_2INTERACTIONRECIPIENT.Z_3INTERACTIONRECIPIENT LEFT JOIN ZCONTACTS AS RECEIPIENTCONACT ON "
             "Z_2INTERACTIONRECIPIENT.Z_2RECIPIENTS = RECEIPIENTCONACT.Z_PK";
  const std::string senders_only = base + " FROM ZINTERACTIONS LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK";
  // WhatsApp peers named from WhatsApp's address book.
  std::map<std::string, std::pair<std::string, std::string>> by_lid, by_phone;
  for (const WhatsappContact& c : WhatsappContacts(ctx)) {
    if (!c.lid.empty()) by_lid[c.lid] = {c.phone, c.name};
    if (!c.phone.empty()) by_phone[Digits(c.phone)] = {c.phone, c.name};
    if (!c.whatsapp_id.empty()) by_phone.emplace(c.whatsapp_id.substr(0, c.whatsapp_id.find('@')), std::pair(c.phone, c.name));
  }
  WithTable(ctx, f, {with_recipients, senders_only}, [&](const Table& t) {
    for (size_t row = 0; row < t.rows.size(); ++row) {
      Record& r = ctx.AddRecord();
      AddCells(r, t, row);
      const std::string bundle = t.At(row, "bundle_id").text;
      const Cell& raw_direction = t.At(row, "direction");
      const std::string direction = raw_direction.Text() == "0" ? "INCOMING" : raw_direction.Text() == "1" ? "OUTGOING" : "";
      // A party: "name (identifier)", resolved through WhatsApp's contacts.
      auto party = [&](const char* prefix) {
        const std::string p(prefix);
        std::string name = t.At(row, p + "_display_name").text, id = t.At(row, p + "_identifier").text;
        if (bundle == "net.whatsapp.WhatsApp" && !id.empty()) {
          std::pair<std::string, std::string> hit;
          if (id.ends_with("@lid")) {
            if (auto it = by_lid.find(id); it != by_lid.end()) hit = it->second;
          } else if (id.ends_with("@s.whatsapp.net")) {
            const std::string digits = Digits(id);
            hit = {"+" + digits, ""};
            if (auto it = by_phone.find(digits); it != by_phone.end()) hit = {it->second.first.empty() ? "+" + digits : it->second.first, it->second.second};
          } else if (id.starts_with("+")) {
            if (auto it = by_phone.find(Digits(id)); it != by_phone.end()) hit.second = it->second.second;
          }
          if (name.empty()) name = hit.second;
          if (!hit.first.empty()) id = hit.first;
        }
        if (!name.empty() && !id.empty()) return Digits(name) == Digits(id) && !Digits(id).empty() ? id : name + " (" + id + ")";
        return name.empty() ? id : name;
      };
      std::string sender = party("sender"), recipient = t.Column("recipient_identifier") >= 0 ? party("recipient") : "";
      if (recipient.empty()) {
        const std::string domain = t.At(row, "domain_identifier").text;
        recipient = domain;
      }
      const std::string contact = sender;
      if (sender.empty() && direction == "OUTGOING") sender = "local user";
      if (recipient.empty() && direction == "INCOMING") recipient = "local user";
      std::string data = "[" + bundle + "]";
      if (!t.At(row, "account").text.empty()) data += " " + t.At(row, "account").text;
      if (!direction.empty()) data += " " + direction;
      data += " from " + (sender.empty() ? "unknown" : sender) + " to " + (recipient.empty() ? "unknown" : recipient);
      if (!t.At(row, "group_name").text.empty()) data += " (group: " + t.At(row, "group_name").text + ")";
      if (!t.At(row, "content").text.empty()) data += ": " + t.At(row, "content").text;
      const std::string start = MacTime(t.At(row, "start_date")), end = MacTime(t.At(row, "end_date"));
      if (!start.empty()) ctx.Timeline(start, "start_date", data);
      if (!end.empty() && end != start) ctx.Timeline(end, "end_date", data);
      const std::string created = MacTime(t.At(row, "interactions_creation_date"));
      if (!created.empty() && created != start && created != end) {
        const auto c = t.At(row, "interactions_creation_date").Number(), s = t.At(row, "start_date").Number();
        if (!c || !s) {
          ctx.Timeline(created, "interactions_creation_date", data);
        } else if (std::fabs(*c - *s) >= 3600) {
          const double diff = *c - *s, seconds = std::fabs(diff);
          char when[96];
          if (seconds >= 86400) std::snprintf(when, sizeof when, "%.0f days", std::nearbyint(seconds / 86400));
          else std::snprintf(when, sizeof when, "%.0f hours", std::nearbyint(seconds / 3600));
          ctx.Timeline(created, "interactions_creation_date",
                       "Interaction record created " + std::string(when) + (diff > 0 ? " after" : " before") + " the event: " + data);
        }
      }
      if (contact.empty()) continue;
      static constexpr std::pair<const char*, const char*> kContactDates[] = {
          {"contacts_creation_date", "Contact {} first recorded in interactionC"},
          {"first_incoming_sender_date", "First incoming interaction from {}"},
          {"last_incoming_sender_date", "Last incoming interaction from {}"},
          {"first_incoming_recipient_date", "First incoming interaction where {} was a recipient"},
          {"last_incoming_recipient_date", "Last incoming interaction where {} was a recipient"},
          {"first_outgoing_recipient_date", "First outgoing interaction to {}"},
          {"last_outgoing_recipient_date", "Last outgoing interaction to {}"}};
      for (const auto& [field, text] : kContactDates) {
        if (!t.At(row, field).truthy()) continue;
        std::string message = text;
        message.replace(message.find("{}"), 2, contact);
        ctx.Timeline(MacTime(t.At(row, field)), field, message);
      }
    }
  });
}

void GlobalPreferences(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"HomeDomain", "Library/Preferences/.GlobalPreferences.plist",
                                         {"private/var/mobile/Library/Preferences/.GlobalPreferences.plist"}});
  if (!f) return;
  auto prefs = ReadPlist(ctx, *f);
  if (!prefs) return;
  for (const auto& [key, value] : prefs->dict) {
    ctx.AddRecord().Set("entry", key).Set("value", value.Text());
    if (key != "LDMGlobalEnabled") continue;
    if (value.truthy()) ctx.Alert(AlertLevel::kInfo, "Lockdown mode enabled", "", key);
    else ctx.Alert(AlertLevel::kLow, "Lockdown mode disabled", "", key);
  }
}

// ---- Filesystem only -------------------------------------------------------------------

void Filesystem(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosFilesystem) return;
  for (const auto* list : {&ctx.files().directories(), &ctx.files().files()})
    for (const FileEntry& e : *list) {
      const std::string when = e.modified ? TimeFromSeconds(e.modified) : "";
      ctx.AddRecord().Set("path", e.path).Set("modified", when);
      ctx.Timeline(when, "entry_modified", e.path);
      if (!ctx.has_indicators()) continue;
      if (const indicators::Indicator* hit = ctx.iocs().MatchFileName(e.path)) {
        ctx.Matched(*hit, "file name", e.path, when, AlertLevel::kHigh);
      } else if (const indicators::Indicator* path_hit = ctx.iocs().MatchFilePath(e.path)) {
        ctx.Matched(*path_hit, "file path", e.path, when, AlertLevel::kHigh);
      }
      // A process indicator as a folder or file name.
      ctx.CheckProcessInPath(e.path, "process name in a file's path", when, AlertLevel::kHigh);
    }
}

// MVT's order (its mixed modules after the backup's or the dump's own;
// InteractionC after WhatsappContacts, whose contacts name its peers).
std::vector<Module> MixedModules() {
  return {
      {"calls", "Calls", Calls},
      {"chrome_favicon", "ChromeFavicon", ChromeFavicon},
      {"chrome_history", "ChromeHistory", ChromeHistory},
      {"contacts", "Contacts", Contacts},
      {"firefox_favicon", "FirefoxFavicon", FirefoxFavicon},
      {"firefox_history", "FirefoxHistory", FirefoxHistory},
      {"id_status_cache", "IDStatusCache", IdStatusCache},
      {"locationd_clients", "LocationdClients", LocationdClients},
      {"os_analytics_ad_daily", "OSAnalyticsADDaily", OsAnalyticsAdDaily},
      {"datausage", "Datausage", Datausage},
      {"safari_browser_state", "SafariBrowserState", SafariBrowserState},
      {"safari_history", "SafariHistory", SafariHistory},
      {"tcc", "TCC", Tcc},
      {"sms", "SMS", Sms},
      {"sms_attachments", "SMSAttachments", SmsAttachments},
      {"webkit_resource_load_statistics", "WebkitResourceLoadStatistics", WebkitResourceLoadStatistics},
      {"webkit_session_resource_log", "WebkitSessionResourceLog", WebkitSessionResourceLog},
      {"whatsapp", "Whatsapp", Whatsapp},
      {"whatsapp_contacts", "WhatsappContacts", WhatsappContactsModule},
      {"interaction_c", "InteractionC", InteractionC},
      {"shortcuts", "Shortcuts", Shortcuts},
      {"applications", "Applications", Applications},
      {"calendar", "Calendar", Calendar},
      {"global_preferences", "GlobalPreferences", GlobalPreferences},
  };
}

}  // namespace

const std::vector<Module>& IosBackupModules() {
  static const std::vector<Module> modules = [] {
    std::vector<Module> m = {{"backup_info", "BackupInfo", BackupInfo},
                             {"configuration_profiles", "ConfigurationProfiles", ConfigurationProfiles},
                             {"manifest", "Manifest", Manifest},
                             {"profile_events", "ProfileEvents", ProfileEvents}};
    for (const Module& mixed : MixedModules()) m.push_back(mixed);
    return m;
  }();
  return modules;
}

const std::vector<Module>& IosFilesystemModules() {
  static const std::vector<Module> modules = [] {
    std::vector<Module> m = {{"cache_files", "CacheFiles", CacheFiles},
                             {"filesystem", "Filesystem", Filesystem},
                             {"netusage", "Netusage", Netusage},
                             {"analytics", "Analytics", Analytics},
                             {"safari_favicon", "SafariFavicon", SafariFavicon},
                             {"shutdown_log", "ShutdownLog", ShutdownLog},
                             {"webkit_indexeddb", "WebkitIndexedDB", WebkitIndexedDb},
                             {"webkit_local_storage", "WebkitLocalStorage", WebkitLocalStorage},
                             {"webkit_safari_view_service", "WebkitSafariViewService", WebkitSafariViewService}};
    for (const Module& mixed : MixedModules()) m.push_back(mixed);
    return m;
  }();
  return modules;
}

}  // namespace vigie::check
