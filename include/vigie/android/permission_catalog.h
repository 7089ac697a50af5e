// What each Android permission exposes, from data/permissions.tsv (compiled
// into the binary at build time).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigie {

struct PermissionInfo {
  std::string group;       ///< Group id, e.g. "location"; "other" when unknown.
  std::string protection;  ///< "dangerous", "normal", "signature", "appop" or "unknown".
};

struct PermissionGroup {
  std::string id;
  std::string title;
};

/// Facts for one permission name; unknown names get group "other".
PermissionInfo LookupPermission(std::string_view name);

/// Groups in display order.
const std::vector<PermissionGroup>& PermissionGroups();

}  // namespace vigie
