// iOS modules that read browsers and web views: Safari's history and
// favicons, Chrome, Firefox, WebKit's session log and storage folders, and
// NSURLCache databases. Each checks the URLs it reads against indicators.
#include <cmath>
#include <map>

#include "ios_common.h"
#include "ios_modules.h"
#include "vigie/indicators/indicator_set.h"

namespace vigie::check {

using acquisition::Cell;
using acquisition::FileEntry;
using acquisition::Table;

namespace {

constexpr std::string_view kApps = "private/var/mobile/Containers/Data/Application/*/";

std::string Pattern(std::string_view prefix, std::string_view rest) { return std::string(prefix) + std::string(rest); }

// Chrome's and WebKit's time: microseconds since 1601-01-01.
std::string ChromeTime(const Cell& c) {
  const auto v = c.Number();
  return v ? UnixTime(*v / 1e6 - 11644473600.0) : "";
}

// Runs `fn` on each table the files' databases answer.
template <typename Fn>
void ForEachTable(ModuleContext& ctx, const std::vector<const FileEntry*>& files, std::initializer_list<std::string_view> queries,
                  Fn&& fn) {
  for (const FileEntry* f : files) {
    auto db = OpenDatabase(ctx, *f);
    if (!db) continue;
    if (auto t = QueryFirst(ctx, *db, *f, queries)) fn(*f, *t);
  }
}

// Python's repr of a float of milliseconds ("12.5").
std::string Milliseconds(double ms) {
  acquisition::Cell c;
  c.kind = Cell::Kind::kReal;
  c.real = ms;
  return c.Text();
}

}  // namespace

void SafariHistory(ModuleContext& ctx) {
  std::vector<const FileEntry*> files = FindInManifest(ctx, "Library/Safari/History.db");
  for (const FileEntry* f : FindInManifest(ctx, "Library/Safari/Profiles/*/History.db")) files.push_back(f);
  if (ctx.kind() == AcquisitionKind::kIosFilesystem)
    files = FindFsFiles(ctx, {"private/var/mobile/Library/Safari/History.db", "private/var/mobile/Library/Safari/Profiles/*/History.db",
                              Pattern(kApps, "Library/Safari/History.db"), Pattern(kApps, "Library/Safari/Profiles/*/History.db")});
  ForEachTable(ctx, files,
               {"SELECT history_items.id, history_items.url, history_visits.id AS visit_id, history_visits.visit_time, "
                "history_visits.redirect_source, history_visits.redirect_destination FROM history_items JOIN history_visits "
                "ON history_visits.history_item = history_items.id ORDER BY history_visits.visit_time"},
               [&](const FileEntry& f, const Table& t) {
                 std::map<int64_t, size_t> by_visit;
                 for (size_t row = 0; row < t.rows.size(); ++row) by_visit.emplace(t.At(row, "visit_id").integer, row);
                 for (size_t row = 0; row < t.rows.size(); ++row) {
                   const std::string url = t.At(row, "url").text, when = MacTime(t.At(row, "visit_time"));
                   Record& r = ctx.AddRecord();
                   AddCells(r, t, row);
                   r.Set("isodate", when).Set("safari_history_db", f.path);
                   ctx.Timeline(when, "safari_history",
                                "Safari visit to " + url + " (ID: " + t.At(row, "id").Text() + ", Visit ID: " + t.At(row, "visit_id").Text() + ")");
                   // A plain-HTTP visit redirected within a second to another
                   // host: what a network injection looks like.
                   const Cell& destination = t.At(row, "redirect_destination");
                   if (url.starts_with("http://") && destination.truthy())
                     if (const auto it = by_visit.find(destination.integer); it != by_visit.end()) {
                       const std::string target = t.At(it->second, "url").text;
                       const auto from = t.At(row, "visit_time").Number(), to = t.At(it->second, "visit_time").Number();
                       if (from && to && indicators::HostOfUrl(url) != indicators::HostOfUrl(target)) {
                         const double diff = *to - *from, days = std::floor(diff / 86400);
                         const double rest = diff - days * 86400;
                         if (std::floor(rest) == 0)
                           ctx.Alert(AlertLevel::kMedium,
                                     "Redirect took less than a second! (" + Milliseconds(std::round((rest - std::floor(rest)) * 1e6) / 1000) +
                                         " milliseconds)",
                                     when, url + " -> " + target);
                       }
                     }
                   ctx.CheckUrl(url, "URL visited", when);
                 }
               });
}

void SafariFavicon(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosFilesystem) return;
  const auto files = FindFsFiles(ctx, {"private/var/mobile/Library/Image Cache/Favicons/Favicons.db",
                                       Pattern(kApps, "Library/Image Cache/Favicons/Favicons.db")});
  ForEachTable(ctx, files,
               {"SELECT page_url.url, icon_info.url AS icon_url, icon_info.timestamp, 'valid' AS type FROM page_url JOIN "
                "icon_info ON page_url.uuid = icon_info.uuid UNION ALL SELECT page_url, icon_url, timestamp, 'rejected' FROM "
                "rejected_resources"},
               [&](const FileEntry&, const Table& t) {
                 for (size_t row = 0; row < t.rows.size(); ++row) {
                   const std::string url = t.At(row, "url").text, icon = t.At(row, "icon_url").text;
                   const std::string when = MacTime(t.At(row, "timestamp"));
                   AddCells(ctx.AddRecord(), t, row);
                   ctx.Timeline(when, "safari_favicon",
                                "Safari favicon from " + url + " with icon URL " + icon + " (" + t.At(row, "type").text + ")");
                   if (!ctx.CheckUrl(url, "page with a favicon", when)) ctx.CheckUrl(icon, "favicon URL", when);
                 }
               });
}

void ChromeHistory(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"AppDomain-com.google.chrome.ios", "Library/Application Support/Google/Chrome/Default/History",
                                         {"private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/Default/History"}});
  if (!f) return;
  ForEachTable(ctx, {f},
               {"SELECT urls.id, urls.url, visits.id AS visit_id, visits.visit_time, visits.from_visit FROM urls JOIN visits "
                "ON visits.url = urls.id ORDER BY visits.visit_time"},
               [&](const FileEntry&, const Table& t) {
                 for (size_t row = 0; row < t.rows.size(); ++row) {
                   const std::string url = t.At(row, "url").text, when = ChromeTime(t.At(row, "visit_time"));
                   Record& r = ctx.AddRecord();
                   AddCells(r, t, row);
                   r.Set("isodate", when);
                   ctx.Timeline(when, "visit",
                                t.At(row, "id").Text() + " - " + url + " (visit ID: " + t.At(row, "visit_id").Text() +
                                    ", redirect source: " + t.At(row, "from_visit").Text() + ")");
                   ctx.CheckUrl(url, "URL visited", when);
                 }
               });
}

void ChromeFavicon(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"AppDomain-com.google.chrome.ios", "Library/Application Support/Google/Chrome/Default/Favicons",
                                         {"private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/Default/Favicons"}});
  if (!f) return;
  ForEachTable(ctx, {f},
               {"SELECT icon_mapping.page_url, favicons.url AS icon_url, favicon_bitmaps.last_updated, "
                "favicon_bitmaps.last_requested FROM icon_mapping JOIN favicon_bitmaps ON icon_mapping.icon_id = "
                "favicon_bitmaps.icon_id JOIN favicons ON icon_mapping.icon_id = favicons.id ORDER BY icon_mapping.id"},
               [&](const FileEntry&, const Table& t) {
                 for (size_t row = 0; row < t.rows.size(); ++row) {
                   const std::string url = t.At(row, "page_url").text, icon = t.At(row, "icon_url").text;
                   const Cell& stamp = t.At(row, "last_updated").truthy() ? t.At(row, "last_updated") : t.At(row, "last_requested");
                   const std::string when = ChromeTime(stamp);
                   AddCells(ctx.AddRecord(), t, row);
                   ctx.Timeline(when, "new_favicon", icon + " from " + url);
                   if (!ctx.CheckUrl(url, "page with a favicon", when)) ctx.CheckUrl(icon, "favicon URL", when);
                 }
               });
}

void FirefoxHistory(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db",
                                         {"private/var/mobile/profile.profile/browser.db"}});
  if (!f) return;
  ForEachTable(ctx, {f},
               {"SELECT visits.id, visits.date/1000000 AS date, history.url, history.title, visits.is_local, visits.type "
                "FROM visits, history WHERE visits.siteID = history.id"},
               [&](const FileEntry&, const Table& t) {
                 for (size_t row = 0; row < t.rows.size(); ++row) {
                   const std::string url = t.At(row, "url").text, when = UnixTime(t.At(row, "date"));
                   Record& r = ctx.AddRecord();
                   AddCells(r, t, row);
                   r.Set("isodate", when);
                   ctx.Timeline(when, "firefox_history", "Firefox visit with ID " + t.At(row, "id").Text() + " to URL: " + url);
                   ctx.CheckUrl(url, "URL visited", when);
                 }
               });
}

void FirefoxFavicon(ModuleContext& ctx) {
  const FileEntry* f = FindIosFile(ctx, {"AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db",
                                         {"private/var/mobile/profile.profile/browser.db"}});
  if (!f) return;
  ForEachTable(ctx, {f},
               {"SELECT favicons.id, favicons.url, favicons.width, favicons.height, favicons.type, favicons.date, "
                "history.id AS history_id, history.url AS history_url FROM favicons INNER JOIN favicon_sites ON "
                "favicon_sites.faviconID = favicons.id INNER JOIN history ON favicon_sites.siteID = history.id"},
               [&](const FileEntry&, const Table& t) {
                 for (size_t row = 0; row < t.rows.size(); ++row) {
                   const std::string url = t.At(row, "url").text, page = t.At(row, "history_url").text;
                   const std::string when = UnixTime(t.At(row, "date"));
                   AddCells(ctx.AddRecord(), t, row);
                   ctx.Timeline(when, "firefox_history", "Firefox favicon " + url + " when visiting " + page);
                   if (!ctx.CheckUrl(url, "favicon URL", when)) ctx.CheckUrl(page, "page with a favicon", when);
                 }
               });
}

void WebkitSessionResourceLog(ModuleContext& ctx) {
  constexpr std::string_view kLog = "full_browsing_session_resourceLog.plist";
  std::vector<const FileEntry*> files =
      ctx.kind() == AcquisitionKind::kIosBackup
          ? FindInManifest(ctx, "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist")
          : FindFsFiles(ctx, {Pattern(kApps, "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/") + std::string(kLog),
                              Pattern(kApps, "Library/WebKit/WebsiteData/ResourceLoadStatistics/") + std::string(kLog),
                              "private/var/mobile/Library/WebClips/*/Storage/" + std::string(kLog)});
  for (const FileEntry* f : files) {
    auto log = ReadPlist(ctx, *f);
    if (!log) continue;
    const plist::Value* stats = log->Find("browsingStatistics");
    if (!stats) continue;
    for (const plist::Value& item : stats->array) {
      auto domains = [&](const char* key) {
        std::vector<std::string> out;
        if (const plist::Value* list = item.Find(key))
          for (const plist::Value& e : list->array) {
            if (e.kind == plist::Value::Kind::kString) out.push_back(e.bytes);
            for (const char* k : {"origin", "domain"})
              if (const plist::Value* v = e.Find(k)) out.push_back(v->bytes);
          }
        return out;
      };
      const plist::Value* origin_value = item.Find("PrevalentResourceOrigin");
      const std::string origin = origin_value ? origin_value->bytes : "";
      const auto sources = domains("topFrameUniqueRedirectsFrom"), destinations = domains("topFrameUniqueRedirectsTo");
      Record& r = ctx.AddRecord();
      r.Set("origin", origin).Set("path", f->path);
      std::vector<std::string> batch = {origin};
      for (const char* key : {"topFrameUniqueRedirectsFrom", "topFrameUniqueRedirectsTo", "subframeUnderTopFrameOrigins",
                              "subresourceUnderTopFrameOrigins"})
        for (std::string& d : domains(key)) batch.push_back(std::move(d));
      for (const std::string& d : batch) {
        if (!ctx.CheckUrl(d, "domain in a WebKit session", "")) continue;
        std::string path;
        for (const std::string& s : sources) path += (path.empty() ? "SOURCE: \"" : ", \"") + s + "\"";
        if (!path.empty()) path += " -> ";
        path += "ORIGIN: \"" + origin + "\"";
        for (size_t i = 0; i < destinations.size(); ++i) path += (i == 0 ? " -> DESTINATION: \"" : ", \"") + destinations[i] + "\"";
        ctx.Alert(AlertLevel::kHigh, "Found HTTP redirect between suspicious domains: " + path, "", d);
        break;
      }
    }
  }
}

namespace {

// WebKit's storage folders name each site's files "https_example.org_0".
void WebkitFolders(ModuleContext& ctx, std::string_view pattern, const char* event, const char* label) {
  if (ctx.kind() != AcquisitionKind::kIosFilesystem) return;
  for (const FileEntry& folder : ctx.files().directories()) {
    if (!acquisition::GlobMatch(pattern, folder.path)) continue;
    const std::string when = folder.modified ? UnixTime(static_cast<double>(folder.modified)) : "";
    const std::string prefix = folder.path + "/";
    for (const auto* list : {&ctx.files().directories(), &ctx.files().files()})
      for (const FileEntry& e : *list) {
        if (!e.path.starts_with(prefix) || e.path.find('/', prefix.size()) != std::string::npos) continue;
        std::string name = e.path.substr(prefix.size());
        if (!name.starts_with("http")) continue;
        if (name.starts_with("https_")) name.replace(0, 6, "https://");
        else if (name.starts_with("http_")) name.replace(0, 5, "http://");
        const std::string url = name.substr(0, name.find('_'));
        ctx.AddRecord().Set("folder", folder.path).Set("url", url).Set("isodate", when);
        if (event) ctx.Timeline(when, event, std::string(label) + " folder " + folder.path + " containing file for URL " + url);
        ctx.CheckUrl(url, "site with WebKit storage", when);
      }
  }
}

}  // namespace

void WebkitIndexedDb(ModuleContext& ctx) {
  WebkitFolders(ctx, Pattern(kApps, "Library/WebKit/WebsiteData/IndexedDB"), "webkit_indexeddb", "IndexedDB");
}
void WebkitLocalStorage(ModuleContext& ctx) {
  WebkitFolders(ctx, Pattern(kApps, "Library/WebKit/WebsiteData/LocalStorage"), "webkit_local_storage", "WebKit Local Storage");
}
void WebkitSafariViewService(ModuleContext& ctx) {
  WebkitFolders(ctx, Pattern(kApps, "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData"), nullptr, "");
}

void CacheFiles(ModuleContext& ctx) {
  if (ctx.kind() != AcquisitionKind::kIosFilesystem) return;
  std::vector<const FileEntry*> files;
  for (const FileEntry& f : ctx.files().files())
    if (f.path == "Cache.db" || f.path.ends_with("/Cache.db")) files.push_back(&f);
  ForEachTable(ctx, files, {"SELECT * FROM cfurl_cache_response"}, [&](const FileEntry& f, const Table& t) {
    if (t.columns.size() < 6) return;
    for (size_t row = 0; row < t.rows.size(); ++row) {
      const std::string url = t.rows[row][4].text, when = t.rows[row][5].text;
      ctx.AddRecord().Set("cache_file", f.path).Set("url", url).Set("isodate", when);
      ctx.Timeline(when, "cache_response", f.path + " recorded visit to URL " + url);
      ctx.CheckUrl(url, "URL in a cache", when);
    }
  });
}

}  // namespace vigie::check
