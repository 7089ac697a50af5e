#include "vigie/android/permissions.h"

#include <set>

#include "embedded_android.h"
#include "vigie/base/tsv.h"

namespace vigie::android {
namespace {

Error Bad(const std::string& why) { return MakeError(ErrorCode::kRules, 0, why); }

const PermissionCatalog& Catalog() {
  static const PermissionCatalog catalog =
      CheckedAtBuild(ParsePermissionTables(embedded::kPermissionsTsv, embedded::kPermissionGroupsTsv));
  return catalog;
}

}  // namespace

Result<PermissionCatalog> ParsePermissionTables(std::string_view permissions_tsv, std::string_view groups_tsv) {
  std::unordered_map<std::string, PermissionClass> groups;
  uint32_t rank = 0;
  for (auto& row : ParseTsv(groups_tsv)) {
    if (row.size() != 2) return Bad("permission_groups.tsv: expected id <TAB> title");
    groups[row[0]] = PermissionClass{row[0], row[1], rank++, "unknown"};
  }
  if (!groups.count("other")) return Bad("permission_groups.tsv: no group \"other\" for unknown permissions");
  static const std::set<std::string> kProtections = {"dangerous", "normal", "signature", "appop"};
  PermissionCatalog out;
  for (auto& row : ParseTsv(permissions_tsv)) {
    if (row.size() != 4) return Bad("permissions.tsv: expected permission, group, protection and source");
    auto group = groups.find(row[1]);
    if (group == groups.end()) return Bad("permissions.tsv: " + row[0] + ": unknown group '" + row[1] + "'");
    if (!kProtections.count(row[2])) return Bad("permissions.tsv: " + row[0] + ": unknown protection '" + row[2] + "'");
    PermissionClass c = group->second;
    c.protection = row[2];
    if (!out.emplace(row[0], std::move(c)).second) return Bad("permissions.tsv: " + row[0] + " is listed twice");
  }
  out[""] = groups["other"];
  return out;
}

PermissionClass ClassifyPermission(std::string_view name) {
  const PermissionCatalog& c = Catalog();
  auto it = name.empty() ? c.end() : c.find(std::string(name));
  return it != c.end() ? it->second : c.at("");
}

}  // namespace vigie::android
