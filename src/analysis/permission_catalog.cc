#include "vigie/analysis/permission_catalog.h"

#include <sstream>
#include <unordered_map>

#include "embedded_data.h"

namespace vigie {
namespace {

// Splits the tab-separated lines of an embedded table, skipping comments.
std::vector<std::vector<std::string>> ParseTsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      cols.push_back(line.substr(start, tab - start));
    cols.push_back(line.substr(start));
    rows.push_back(std::move(cols));
  }
  return rows;
}

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
