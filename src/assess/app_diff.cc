#include "vigie/assess/app_diff.h"

#include <algorithm>
#include <set>
#include <utility>

namespace vigie::assess {
namespace {

SdkChange Change(const SdkFinding& s) {
  return {s.id, s.name, s.vendor_info ? s.vendor_info->name : s.vendor, s.confidence, s.basis, s.classes.examples};
}

}  // namespace

AppDiff Compare(const ScanResult& old, const ScanResult& now) {
  AppDiff d;
  d.old_file = old.file;
  d.new_file = now.file;
  d.old_app = old.manifest.identity;
  d.new_app = now.manifest.identity;
  d.same_package = AppName(old) == AppName(now);

  auto find_sdk = [](const ScanResult& r, const std::string& id) -> const SdkFinding* {
    for (const SdkFinding& s : r.sdks)
      if (s.id == id) return &s;
    return nullptr;
  };
  for (const SdkFinding& s : now.sdks) {
    const SdkFinding* before = find_sdk(old, s.id);
    if (!before) d.sdks_added.push_back(Change(s));
    for (const DataAccess& a : s.data_access) {
      if (!a.usable || (before && before->UsableAccess(a.kind))) continue;
      d.data_gained.push_back({s.id, s.name, a.kind, a.apis,
                               a.call_sites.examples.empty() ? "" : a.call_sites.examples[0], a.held});
    }
  }
  for (const SdkFinding& s : old.sdks)
    if (!find_sdk(now, s.id)) d.sdks_removed.push_back(Change(s));

  std::set<std::string> old_vendors, old_countries, new_countries;
  for (const Recipient& r : old.recipients) {
    old_vendors.insert(r.vendor_id);
    old_countries.insert(r.countries.begin(), r.countries.end());
  }
  for (const Recipient& r : now.recipients) {
    if (!old_vendors.count(r.vendor_id)) d.recipients_added.push_back(r);
    for (const std::string& c : r.countries)
      if (!old_countries.count(c) && new_countries.insert(c).second) d.countries_added.push_back(c);
  }

  std::set<std::string> old_perms, new_perms;
  for (const UsesPermission& p : old.manifest.permissions) old_perms.insert(p.name);
  for (const UsesPermission& p : now.manifest.permissions) new_perms.insert(p.name);
  for (const UsesPermission& p : now.manifest.permissions)
    if (!old_perms.count(p.name)) d.permissions_added.push_back(p.name);
  for (const UsesPermission& p : old.manifest.permissions)
    if (!new_perms.count(p.name)) d.permissions_removed.push_back(p.name);

  std::set<std::string> old_urls;
  for (const Endpoint& e : old.endpoints) old_urls.insert(e.url);
  for (const Endpoint& e : now.endpoints)
    if (!old_urls.count(e.url)) d.endpoints_added.push_back(e);

  std::set<std::pair<std::string, std::string>> old_findings;
  for (const Finding& f : old.findings) old_findings.emplace(f.id, f.subject);
  for (const Finding& f : now.findings)
    if (!old_findings.count({f.id, f.subject})) d.findings_added.push_back(f);

  d.policy_applied = now.policy.applied;
  std::set<std::pair<std::string, std::string>> old_violations;
  for (const PolicyViolation& v : old.policy.violations) old_violations.emplace(v.rule, v.subject);
  for (const PolicyViolation& v : now.policy.violations)
    if (!old_violations.count({v.rule, v.subject})) d.violations_added.push_back(v);
  return d;
}

}  // namespace vigie::assess
