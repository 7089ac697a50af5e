// Reading a package's entries for the scan (scanner.cc): extraction with
// its diagnostics, the manifest with its resources, and the entries --deep
// reads. None of it holds scan state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/model/scan_result.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie::pipeline {

/// prefix + name, for entry paths inside nested archives ("a.apk!" + name).
std::string JoinPath(const std::string& prefix, std::string_view name);

/// Extracts an entry, recording a failure under `where` at `level`.
std::optional<ByteView> ExtractOrReport(zip::Extractor& extractor, const zip::Archive& archive, const zip::Entry& e,
                                        ByteBuffer& storage, const std::string& where, Level level,
                                        Diagnostics& diags);

/// What one archive's manifest gives a scan.
struct ManifestPart {
  bool found = false;  ///< The archive has a manifest entry.
  Manifest manifest;
  /// Strings of resources.arsc that may hold an endpoint (a dot) or a secret
  /// (a rule's prefix), when asked for.
  std::vector<std::string> resource_strings;
};

/// The manifest of `archive` (entry paths under `prefix`): binary XML (an
/// APK, with resources.arsc resolving references) or, in an App Bundle,
/// aapt2's protobuf XML. `kind` is the package's kind (an AAR may ship
/// text XML).
ManifestPart ReadManifestPart(const zip::Archive& archive, const std::string& prefix, zip::Extractor& extractor,
                              PackageKind kind, bool resource_strings, Diagnostics& diags);

/// `--deep`: of the text assets and native libraries `candidates`, those
/// to read. Native libraries are read for one ABI (arm64-v8a when there is
/// one), plus those only other ABIs have: the same library built for
/// several ABIs holds the same strings. Entries over the limits.h caps are
/// left out, each with a deep.skipped diagnostic.
std::vector<const zip::Entry*> ChooseDeepEntries(const std::vector<const zip::Entry*>& candidates,
                                                 Diagnostics& diags);

}  // namespace vigie::pipeline
