// The module MVT runs on an Android backup (`mvt-android check-backup`):
// SMS and MMS saved by the telephony provider, their links checked against
// indicators.
#include "json_file.h"
#include "module.h"
#include "text_lines.h"
#include "time_text.h"
#include "vigie/acquisition/android_backup.h"

namespace vigie::check {
namespace {

void Sms(ModuleContext& ctx) {
  for (const char* kind : {"sms", "mms"}) {
    for (const acquisition::FileEntry* f :
         ctx.files().Glob(std::string("apps/com.android.providers.telephony/d_f/*_") + kind + "_backup")) {
      auto bytes = ctx.Read(*f);
      if (!bytes) continue;
      std::string json, why;
      if (!acquisition::InflateZlib(*bytes, json, why)) {
        ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, f->path, why);
        if (json.empty()) continue;
      }
      auto messages = ParseJson(ctx, json, f->path);
      if (!messages || !messages->is_array()) continue;
      for (nlohmann::json& m : *messages) {
        if (!m.is_object()) continue;
        if (m.contains("mms_body")) {
          m["body"] = m["mms_body"];
          m.erase("mms_body");
        }
        Record& r = ctx.AddRecord();
        AddFields(r, m);
        const std::string body = Text(m, "body");
        int64_t date = 0;
        try {
          date = std::stoll(Text(m, "date"));
        } catch (...) {
        }
        const std::string when = TimeFromMillis(date);
        r.Set("isodate", when);
        r.Set("direction", Text(m, "date_sent").empty() || Text(m, "date_sent") == "0" ? "received" : "sent");
        const std::vector<std::string> links = FindLinks(body);
        std::string list;
        for (const std::string& link : links) list += (list.empty() ? "" : " ") + link;
        if (!links.empty()) r.Set("links", list);
        for (const std::string& link : links)
          if (const indicators::Indicator* hit = ctx.iocs().MatchUrl(link)) {
            ctx.Matched(*hit, "link in a message", link, when);
            break;
          }
      }
    }
  }
}

}  // namespace

const std::vector<Module>& AndroidBackupModules() {
  static const std::vector<Module> modules = {{"sms", "SMS", Sms}};
  return modules;
}

}  // namespace vigie::check
