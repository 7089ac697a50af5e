#include "vigie/android/permission_catalog.h"

#include <unordered_map>

#include "embedded_data.h"
#include "vigie/base/tsv.h"

namespace vigie {
namespace {

const std::unordered_map<std::string, PermissionInfo>& Catalog() {
  static const auto* catalog = [] {
    auto* m = new std::unordered_map<std::string, PermissionInfo>();
    for (auto& row : ParseTsv(embedded::kPermissionsTsv))
      if (row.size() >= 3) (*m)[row[0]] = PermissionInfo{row[1], row[2]};
    return m;
  }();
  return *catalog;
}

}  // namespace

PermissionInfo LookupPermission(std::string_view name) {
  const auto& c = Catalog();
  auto it = c.find(std::string(name));
  if (it != c.end()) return it->second;
  return PermissionInfo{"other", "unknown"};
}

const std::vector<PermissionGroup>& PermissionGroups() {
  static const auto* groups = [] {
    auto* v = new std::vector<PermissionGroup>();
    for (auto& row : ParseTsv(embedded::kPermissionGroupsTsv))
      if (row.size() >= 2) v->push_back({row[0], row[1]});
    return v;
  }();
  return *groups;
}

}  // namespace vigie
