// The iOS modules, one function each, grouped in files by what they read
// (ios_modules.cc: system and messaging databases; ios_web_modules.cc:
// browsers and web views; ios_device_modules.cc: profiles, apps, logs).
// Private to the check library; the lists in ios_modules.cc run them in
// MVT's order.
#pragma once

#include <string_view>

#include "module.h"

namespace vigie::check {

void SafariHistory(ModuleContext& ctx);
void SafariFavicon(ModuleContext& ctx);
void ChromeHistory(ModuleContext& ctx);
void ChromeFavicon(ModuleContext& ctx);
void FirefoxHistory(ModuleContext& ctx);
void FirefoxFavicon(ModuleContext& ctx);
void WebkitSessionResourceLog(ModuleContext& ctx);
void WebkitIndexedDb(ModuleContext& ctx);
void WebkitLocalStorage(ModuleContext& ctx);
void WebkitSafariViewService(ModuleContext& ctx);
void CacheFiles(ModuleContext& ctx);

void ConfigurationProfiles(ModuleContext& ctx);
void ProfileEvents(ModuleContext& ctx);
void Calls(ModuleContext& ctx);
void Contacts(ModuleContext& ctx);
void IdStatusCache(ModuleContext& ctx);
void LocationdClients(ModuleContext& ctx);
void OsAnalyticsAdDaily(ModuleContext& ctx);
void SmsAttachments(ModuleContext& ctx);
void Shortcuts(ModuleContext& ctx);
void Applications(ModuleContext& ctx);
void ShutdownLog(ModuleContext& ctx);
void Analytics(ModuleContext& ctx);

}  // namespace vigie::check
