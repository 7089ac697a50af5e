#include "android_common.h"

#include <ctime>
#include <regex>
#include <set>

#include "text_lines.h"

namespace vigie::check {
namespace {

// MVT's list (mvt/android/utils.py @ dac4acb).
const std::set<std::string, std::less<>> kRootPackages = {
    "com.noshufou.android.su",         "com.noshufou.android.su.elite",   "eu.chainfire.supersu",
    "com.koushikdutta.superuser",      "com.thirdparty.superuser",        "com.yellowes.su",
    "com.koushikdutta.rommanager",     "com.koushikdutta.rommanager.license", "com.dimonvideo.luckypatcher",
    "com.chelpus.lackypatch",          "com.ramdroid.appquarantine",      "com.ramdroid.appquarantinepro",
    "com.devadvance.rootcloak",        "com.devadvance.rootcloakplus",    "de.robv.android.xposed.installer",
    "com.saurik.substrate",            "com.zachspong.temprootremovejb",  "com.amphoras.hidemyroot",
    "com.amphoras.hidemyrootadfree",   "com.formyhm.hiderootPremium",     "com.formyhm.hideroot",
    "me.phh.superuser",                "eu.chainfire.supersu.pro",        "com.kingouser.com",
    "com.topjohnwu.magisk"};

}  // namespace

bool IsRootPackage(std::string_view package) { return kRootPackages.contains(package); }

// getprop's "[name]: [value]" lines; MVT leaves out empty values.
Properties ReadProperties(std::string_view text) {
  Properties props;
  static const std::regex kLine(R"(\[(.+?)\]: \[(.+?)\])");
  for (std::string_view line : SplitLines(text)) {
    line = Trim(line);
    std::cmatch m;
    if (line.empty() || !std::regex_search(line.begin(), line.end(), m, kLine)) continue;
    props.emplace_back(m[1].str(), m[2].str());
  }
  return props;
}

void CheckProperties(ModuleContext& ctx, const Properties& props) {
  for (const auto& [name, value] : props) {
    ctx.AddRecord().Set("name", name).Set("value", value);
    if (name != "ro.build.version.security_patch") continue;
    std::tm patch{};
    if (!strptime(value.c_str(), "%Y-%m-%d", &patch)) continue;
    const std::time_t when = timegm(&patch);
    if (std::time(nullptr) - when > 186 * 86400)
      ctx.Alert(AlertLevel::kMedium,
                "This phone has not received security updates for more than six months (last update: " + value + ").",
                "", value);
  }
  for (const auto& [name, value] : props)
    if (const indicators::Indicator* hit = ctx.iocs().MatchAndroidProperty(name))
      ctx.Matched(*hit, "Android property", name, "");
}

}  // namespace vigie::check
