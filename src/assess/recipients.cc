#include "vigie/assess/recipients.h"

#include <algorithm>
#include <map>

#include "vigie/detect/data_access.h"

namespace vigie::assess {
namespace {

void AddUnique(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

std::vector<Recipient> BuildRecipients(const std::vector<SdkFinding>& sdks) {
  std::map<std::string, Recipient> by_vendor;
  for (const SdkFinding& f : sdks) {
    if (f.vendor.empty()) continue;
    Recipient& r = by_vendor[f.vendor];
    if (r.vendor_id.empty()) {
      r.vendor_id = f.vendor;
      r.name = f.vendor_info && !f.vendor_info->name.empty() ? f.vendor_info->name : f.vendor;
      if (f.vendor_info) {
        r.hq_country = f.vendor_info->hq_country;
        r.parent = f.vendor_info->parent;
        r.ultimate_parent = f.vendor_info->ultimate_parent;
        AddUnique(r.countries, r.hq_country);
        for (const auto& t : f.vendor_info->jurisdictions) AddUnique(r.countries, t.country);
        r.flags = f.vendor_info->flags;
      }
    }
    AddUnique(r.via, f.name);
    r.confidence = std::max(r.confidence, f.confidence);
    for (const auto& d : f.data_access)
      if (d.usable) AddUnique(r.data_kinds, d.kind);
  }
  std::vector<Recipient> out;
  for (auto& [id, r] : by_vendor) {
    // Kinds in the table's order, as everywhere else.
    std::stable_sort(r.data_kinds.begin(), r.data_kinds.end(),
                     [](const std::string& a, const std::string& b) { return detect::KindRank(a) < detect::KindRank(b); });
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const Recipient& a, const Recipient& b) {
    if (a.flags.empty() != b.flags.empty()) return !a.flags.empty();
    if (a.data_kinds.size() != b.data_kinds.size()) return a.data_kinds.size() > b.data_kinds.size();
    return a.name < b.name;
  });
  return out;
}

}  // namespace vigie::assess
