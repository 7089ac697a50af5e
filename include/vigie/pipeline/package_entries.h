// What a package's entries are, and reading its manifest apart: the pieces
// of the scan pipeline (scanner.cc) that need no scan state, so that they
// can run on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/model/app_model.h"
#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie {

inline constexpr std::string_view kManifestEntry = "AndroidManifest.xml";
inline constexpr std::string_view kResourcesEntry = "resources.arsc";
inline constexpr std::string_view kBundleManifestEntry = "base/manifest/AndroidManifest.xml";

std::string_view Basename(std::string_view name);
bool EndsWith(std::string_view s, std::string_view suffix);
/// prefix + name, for entry paths inside nested archives ("a.apk!" + name).
std::string JoinPath(const std::string& prefix, std::string_view name);

/// The DEX files a runtime loads: classes.dex, classes2.dex... at the
/// package root, or under <module>/dex/ in an App Bundle.
bool IsCodeDex(std::string_view name);

/// `--deep`: assets and raw resources that hold text an app's endpoints and
/// keys may be written in (configuration, web content, JavaScript bundles,
/// React Native's index.android.bundle). docs/endpoints.md lists them.
bool IsTextAsset(std::string_view name);

/// `--deep`: of the text assets and native libraries `candidates`, those
/// to read. Native libraries are read for one ABI (arm64-v8a when there is
/// one), plus those only other ABIs have: the same library built for
/// several ABIs holds the same strings. Entries over the limits.h caps are
/// left out, each with a deep.skipped diagnostic.
std::vector<const zip::Entry*> ChooseDeepEntries(const std::vector<const zip::Entry*>& candidates,
                                                 Diagnostics& diags);

/// Extracts an entry, recording a failure under `where` with `severity`.
std::optional<ByteView> ExtractOrReport(zip::Extractor& extractor, const zip::Archive& archive, const zip::Entry& e,
                                        ByteBuffer& storage, const std::string& where, Severity severity,
                                        Diagnostics& diags, zip::Extractor::Crc crc = zip::Extractor::Crc::kCheck);

/// What one archive's manifest gives a scan, read apart (possibly on the
/// scan's helper thread) and merged by the scan.
struct ManifestPart {
  bool found = false;  ///< The archive has a manifest entry.
  Manifest manifest;
  Diagnostics diagnostics;
  /// Strings of resources.arsc that may hold an endpoint (a dot) or a secret
  /// (a rule's prefix), when `resource_strings` was asked for.
  std::vector<std::string> resource_strings;
};

/// The manifest of `archive` (entry paths under `prefix`): binary XML (an
/// APK, with resources.arsc resolving references) or, in an App Bundle,
/// aapt2's protobuf XML. `kind` is the package's kind (an AAR may ship
/// text XML).
ManifestPart ReadManifestPart(const zip::Archive& archive, const std::string& prefix, zip::Extractor& extractor,
                              PackageKind kind, bool resource_strings);

}  // namespace vigie
