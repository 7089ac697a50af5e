#include "vigie/model/app_model.h"

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

void EvidenceList::Add(std::string_view item) {
  AddLazily([item] { return item; });
}

std::string_view ScanStatusName(ScanStatus s) {
  switch (s) {
    case ScanStatus::kOk: return "ok";
    case ScanStatus::kPartial: return "partial";
    case ScanStatus::kFailed: return "failed";
  }
  return "unknown";
}

}  // namespace vigie
