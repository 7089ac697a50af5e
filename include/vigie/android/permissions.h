// What each Android permission exposes, from data/permissions.tsv and
// data/permission_groups.tsv (embedded at build time).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "vigie/base/error.h"
#include "vigie/model/manifest.h"

namespace vigie::android {

/// Permission names and what they expose; "" holds what unknown names get.
using PermissionCatalog = std::unordered_map<std::string, PermissionClass>;

/// Parses the two tables' format, strictly: every permission's group must be
/// one of the groups, and the groups must include "other".
Result<PermissionCatalog> ParsePermissionTables(std::string_view permissions_tsv, std::string_view groups_tsv);

/// The group and protection level of permission `name`; unknown names are
/// in group "other" with protection "unknown".
PermissionClass ClassifyPermission(std::string_view name);

}  // namespace vigie::android
