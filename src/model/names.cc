// The model's names as reports print them, and its small helpers.
#include <algorithm>
#include <array>

#include "vigie/model/app_diff.h"
#include "vigie/model/scan_result.h"

namespace vigie {

std::string_view PackageKindName(PackageKind k) {
  switch (k) {
    case PackageKind::kApk: return "apk";
    case PackageKind::kAab: return "aab";
    case PackageKind::kXapk: return "xapk";
    case PackageKind::kApks: return "apks";
    case PackageKind::kJar: return "jar";
    case PackageKind::kAar: return "aar";
    case PackageKind::kDex: return "dex";
    case PackageKind::kZip: return "zip";
    case PackageKind::kUnknown: break;
  }
  return "unknown";
}

std::string_view ComponentKindName(ComponentKind k) {
  switch (k) {
    case ComponentKind::kActivity: return "activity";
    case ComponentKind::kActivityAlias: return "activity-alias";
    case ComponentKind::kService: return "service";
    case ComponentKind::kReceiver: return "receiver";
    case ComponentKind::kProvider: return "provider";
  }
  return "unknown";
}

std::string_view DexOriginName(DexOrigin o) {
  switch (o) {
    case DexOrigin::kPackage: return "package";
    case DexOrigin::kNested: return "nested";
    case DexOrigin::kJanusPrefix: return "janus_prefix";
  }
  return "unknown";
}

bool PolicyVerdict::violated() const {
  return std::any_of(violations.begin(), violations.end(),
                     [](const PolicyViolation& v) { return v.suppressed_by.empty(); });
}

bool AppDiff::violated() const {
  return std::any_of(violations_added.begin(), violations_added.end(),
                     [](const PolicyViolation& v) { return v.suppressed_by.empty(); });
}

std::string AppName(const ScanResult& r) {
  if (r.manifest.identity.package) return *r.manifest.identity.package;
  const size_t slash = r.file.path.find_last_of('/');
  return slash == std::string::npos ? r.file.path : r.file.path.substr(slash + 1);
}

std::string_view ScanStatusName(ScanStatus s) {
  switch (s) {
    case ScanStatus::kOk: return "ok";
    case ScanStatus::kPartial: return "partial";
    case ScanStatus::kFailed: return "failed";
  }
  return "unknown";
}

namespace {
constexpr std::array<std::string_view, 5> kSeverityNames = {"critical", "high", "medium", "low", "info"};
}  // namespace

std::string_view SeverityName(Severity s) { return kSeverityNames[static_cast<size_t>(s)]; }

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i)
    if (kSeverityNames[i] == name) return static_cast<Severity>(i);
  return std::nullopt;
}

std::string_view ConfidenceName(Confidence c) {
  switch (c) {
    case Confidence::kLow: return "low";
    case Confidence::kMedium: return "medium";
    case Confidence::kHigh: return "high";
  }
  return "unknown";
}

void EvidenceList::Add(std::string_view item) {
  AddLazily([item] { return item; });
}

void EvidenceList::Append(const EvidenceList& later) {
  count += later.count;
  for (const auto& e : later.examples) {
    if (examples.size() >= kMaxExamples) break;
    examples.push_back(e);
  }
}

bool Manifest::Requests(std::string_view name) const {
  for (const auto& p : permissions)
    if (p.name == name) return true;
  return false;
}

const DataAccess* SdkFinding::UsableAccess(std::string_view kind) const {
  for (const auto& d : data_access)
    if (d.kind == kind && d.usable) return &d;
  return nullptr;
}

std::vector<std::string> SdkFinding::UsableKinds() const {
  std::vector<std::string> out;
  for (const auto& d : data_access)
    if (d.usable) out.push_back(d.kind);
  return out;
}

const Recipient* RecipientOf(const ScanResult& r, const SdkFinding& sdk) {
  if (sdk.vendor.empty()) return nullptr;
  for (const Recipient& p : r.recipients)
    if (p.vendor_id == sdk.vendor) return &p;
  return nullptr;
}

}  // namespace vigie
