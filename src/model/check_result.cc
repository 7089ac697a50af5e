// The phone model's names and small helpers.
#include "vigie/model/check_result.h"

#include <algorithm>

namespace vigie {

std::string_view AcquisitionKindName(AcquisitionKind k) {
  switch (k) {
    case AcquisitionKind::kIosBackup: return "ios-backup";
    case AcquisitionKind::kIosFilesystem: return "ios-fs";
    case AcquisitionKind::kAndroidQf: return "androidqf";
    case AcquisitionKind::kBugreport: return "bugreport";
    case AcquisitionKind::kAndroidBackup: return "android-backup";
    case AcquisitionKind::kUnknown: break;
  }
  return "unknown";
}

std::string_view AlertLevelName(AlertLevel level) {
  switch (level) {
    case AlertLevel::kInfo: return "info";
    case AlertLevel::kLow: return "low";
    case AlertLevel::kMedium: return "medium";
    case AlertLevel::kHigh: return "high";
    case AlertLevel::kCritical: return "critical";
  }
  return "info";
}

Record& Record::Set(std::string key, std::string value) {
  fields.push_back({std::move(key), std::move(value), RecordField::Kind::kString});
  return *this;
}

Record& Record::SetNumber(std::string key, int64_t value) {
  fields.push_back({std::move(key), std::to_string(value), RecordField::Kind::kNumber});
  return *this;
}

Record& Record::SetBool(std::string key, bool value) {
  fields.push_back({std::move(key), value ? "true" : "false", RecordField::Kind::kBool});
  return *this;
}

Record& Record::SetNull(std::string key) {
  fields.push_back({std::move(key), "", RecordField::Kind::kNull});
  return *this;
}

std::string_view Record::Get(std::string_view key) const {
  for (const RecordField& f : fields)
    if (f.key == key) return f.value;
  return {};
}

size_t CheckResult::records() const {
  size_t n = 0;
  for (const ModuleResult& m : modules) n += m.count;
  return n;
}

std::optional<AlertLevel> CheckResult::highest() const {
  std::optional<AlertLevel> top;
  for (const Alert& a : alerts)
    if (!top || a.level > *top) top = a.level;
  return top;
}

}  // namespace vigie
