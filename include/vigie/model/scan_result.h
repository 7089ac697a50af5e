// The app model: everything a scan learned about one input, independent of
// how it is reported. The pipeline fills it; report sinks and stores read
// it, and nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/diagnostics.h"
#include "vigie/model/assessment.h"
#include "vigie/model/code.h"
#include "vigie/model/endpoints.h"
#include "vigie/model/manifest.h"
#include "vigie/model/sdk.h"

namespace vigie {

/// Container kind, from the archive's layout (not its file name alone).
enum class PackageKind : uint8_t { kUnknown, kApk, kAab, kXapk, kApks, kJar, kAar, kDex, kZip };
std::string_view PackageKindName(PackageKind k);

struct FileInfo {
  std::string path;
  std::string sha256;
  uint64_t size = 0;
  PackageKind kind = PackageKind::kUnknown;
};

/// Whether the input was read whole, in part, or not at all.
enum class ScanStatus : uint8_t { kOk, kPartial, kFailed };
std::string_view ScanStatusName(ScanStatus s);

struct ScanResult {
  FileInfo file;
  ScanStatus status = ScanStatus::kOk;
  Manifest manifest;
  CodeInventory code;
  std::vector<SdkFinding> sdks;
  std::vector<Recipient> recipients;  ///< Built from `sdks`.
  std::vector<Finding> findings;      ///< Most severe first.
  PolicyVerdict policy;               ///< With --policy only.
  std::vector<Endpoint> endpoints;    ///< By URL.
  std::vector<Secret> secrets;        ///< In the order found.
  std::vector<std::string> signature_sources;  ///< Databases the SDK findings come from.
  Diagnostics diagnostics;
};

/// What names the app from one version to the next: its package, or its
/// file's name when it has none (a JAR, a DEX, an unreadable manifest).
std::string AppName(const ScanResult& r);

/// The recipient `sdk`'s vendor is in `r`, or null when it has none.
const Recipient* RecipientOf(const ScanResult& r, const SdkFinding& sdk);

}  // namespace vigie
