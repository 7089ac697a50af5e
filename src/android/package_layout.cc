#include "vigie/android/package_layout.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace vigie::android {
namespace {

std::string_view Basename(std::string_view name) {
  auto slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool IsCodeDex(std::string_view name) {
  std::string_view base = Basename(name);
  if (base.size() < 11 || base.substr(0, 7) != "classes" || !EndsWith(base, ".dex")) return false;
  std::string_view digits = base.substr(7, base.size() - 11);
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsClassFile(std::string_view name) { return EndsWith(name, ".class"); }

bool IsNestedArchive(std::string_view name) { return EndsWith(name, ".apk") || EndsWith(name, ".jar"); }

bool IsNativeLibrary(std::string_view name) { return name.substr(0, 4) == "lib/" && EndsWith(name, ".so"); }

bool IsTextAsset(std::string_view name) {
  if (name.substr(0, 7) != "assets/" && name.substr(0, 8) != "res/raw/") return false;
  std::string_view base = Basename(name);
  if (base == "index.android.bundle") return true;
  const size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return false;
  static const std::set<std::string_view> kText = {"json", "xml",    "txt", "js",  "html", "htm",
                                                   "properties", "conf", "cfg", "ini", "yaml", "yml",
                                                   "plist", "config", "bundle", "jsbundle", "env", "csv"};
  std::string ext(base.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kText.count(ext) > 0;
}

PackageKind ClassifyPackage(const zip::Archive& a, std::string_view path) {
  bool manifest = a.Find(kManifestEntry), class_files = false, root_apks = false;
  for (const auto& e : a.entries()) {
    if (IsClassFile(e.name)) class_files = true;
    if (EndsWith(e.name, ".apk") && e.name.find('/') == std::string_view::npos) root_apks = true;
  }
  if (manifest && a.Find("classes.jar")) return PackageKind::kAar;
  if (a.Find("BundleConfig.pb") || a.Find(kBundleManifestEntry)) return PackageKind::kAab;
  if (!manifest && a.Find("toc.pb")) return PackageKind::kApks;
  if (!manifest && root_apks && a.Find("manifest.json")) return PackageKind::kXapk;
  if (manifest) return PackageKind::kApk;
  if (class_files || EndsWith(path, ".jar")) return PackageKind::kJar;
  if (EndsWith(path, ".apk")) return PackageKind::kApk;
  return PackageKind::kZip;
}

}  // namespace vigie::android
