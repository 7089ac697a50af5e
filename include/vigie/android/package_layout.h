// How Android packages are laid out: which entries are the manifest, the
// resources and the code a runtime loads, and what kind of package an
// archive is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vigie/model/scan_result.h"
#include "vigie/zip/zip_archive.h"

namespace vigie::android {

inline constexpr std::string_view kManifestEntry = "AndroidManifest.xml";
inline constexpr std::string_view kResourcesEntry = "resources.arsc";
inline constexpr std::string_view kBundleManifestEntry = "base/manifest/AndroidManifest.xml";

/// The DEX files a runtime loads: classes.dex, classes2.dex... at the
/// package root, or under <module>/dex/ in an App Bundle.
bool IsCodeDex(std::string_view name);

/// JVM class files of a JAR or AAR.
bool IsClassFile(std::string_view name);

/// APKs and JARs nested in a package (XAPK, APKS, embedded APKs, an AAR's
/// classes.jar), which are opened in turn.
bool IsNestedArchive(std::string_view name);

/// Native libraries: lib/<abi>/*.so.
bool IsNativeLibrary(std::string_view name);

/// A library's Maven coordinates as a package records them, read from an
/// entry's name and its few bytes of text.
struct LibraryRecord {
  std::string group, artifact, version;
};
/// Whether entry `name` records a library: META-INF/<group>_<artifact>.version
/// (AndroidX, Google Play services and Firebase write one per library into
/// every app built with them; base/root/META-INF/ in a bundle), or
/// META-INF/maven/<group>/<artifact>/pom.properties (Maven's JARs).
bool IsLibraryRecord(std::string_view name);
/// The coordinates entry `name` with text `text` records; nullopt when they
/// are not all there, or not plain single-line text.
std::optional<LibraryRecord> ReadLibraryRecord(std::string_view name, std::string_view text);

/// `--deep`: assets and raw resources that hold text an app's endpoints and
/// keys may be written in (configuration, web content, JavaScript bundles,
/// React Native's index.android.bundle). docs/endpoints.md lists them.
bool IsTextAsset(std::string_view name);

/// What kind of package `archive` (read from file `path`) is, from its
/// layout; the file name only breaks ties.
PackageKind ClassifyPackage(const zip::Archive& archive, std::string_view path);

}  // namespace vigie::android
