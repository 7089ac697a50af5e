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

namespace {

constexpr std::string_view kMavenDir = "META-INF/maven/";

// Where a .version record's name starts: after META-INF/ at the package's
// root, or at a bundle module's root.
std::optional<std::string_view> VersionRecordName(std::string_view name) {
  if (!EndsWith(name, ".version")) return std::nullopt;
  for (std::string_view dir : {std::string_view("META-INF/"), std::string_view("base/root/META-INF/")})
    if (name.substr(0, dir.size()) == dir && name.find('/', dir.size()) == std::string_view::npos)
      return name.substr(dir.size(), name.size() - dir.size() - 8);
  return std::nullopt;
}

// A coordinate: printable ASCII without blanks or '/', as Maven allows.
bool IsCoordinate(std::string_view s) {
  return !s.empty() && s.size() <= 256 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f && c != '/'; });
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsLibraryRecord(std::string_view name) {
  if (VersionRecordName(name)) return true;
  return name.substr(0, kMavenDir.size()) == kMavenDir && EndsWith(name, "/pom.properties");
}

std::optional<LibraryRecord> ReadLibraryRecord(std::string_view name, std::string_view text) {
  LibraryRecord r;
  if (const auto base = VersionRecordName(name)) {
    // "<group>_<artifact>": groups are dotted names without '_'.
    const size_t sep = base->find('_');
    if (sep == std::string_view::npos) return std::nullopt;
    r.group = base->substr(0, sep);
    r.artifact = base->substr(sep + 1);
    r.version = Trimmed(text);
  } else if (IsLibraryRecord(name)) {
    // key=value lines (java.util.Properties; comments start with '#').
    while (!text.empty()) {
      const size_t end = text.find('\n');
      std::string_view line = Trimmed(text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
      const size_t eq = line.find('=');
      if (line.empty() || line.front() == '#' || eq == std::string_view::npos) continue;
      const std::string_view key = Trimmed(line.substr(0, eq)), value = Trimmed(line.substr(eq + 1));
      if (key == "groupId") r.group = value;
      else if (key == "artifactId") r.artifact = value;
      else if (key == "version") r.version = value;
    }
  } else {
    return std::nullopt;
  }
  if (!IsCoordinate(r.group) || !IsCoordinate(r.artifact) || !IsCoordinate(r.version)) return std::nullopt;
  return r;
}

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
