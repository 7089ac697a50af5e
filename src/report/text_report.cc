// The human report. Everything printed from the input goes through Clean():
// a hostile manifest must not be able to move the cursor or recolour the
// user's terminal with embedded escape sequences.
#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "vigie/report/report.h"
#include "vigie/base/version.h"

namespace vigie::report {
namespace {

std::string Clean(std::string_view s, size_t max = 200) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
    if (out.size() >= max) {
      out += "…";
      break;
    }
  }
  return out;
}

std::string Short(const std::string& permission) {
  for (std::string_view p : {"android.permission.", "com.google.android.gms.permission."})
    if (permission.rfind(p, 0) == 0) return permission.substr(p.size());
  return permission;
}

class Writer {
 public:
  explicit Writer(const TextOptions& o) : color_(o.color) {}
  std::string Bold(std::string_view s) const { return color_ ? fmt::format("\033[1m{}\033[0m", s) : std::string(s); }
  std::string Dim(std::string_view s) const { return color_ ? fmt::format("\033[2m{}\033[0m", s) : std::string(s); }
  std::string Sev(Level s) const {
    std::string_view name = LevelName(s);
    if (!color_) return std::string(name);
    const char* code = s == Level::kError ? "31" : s == Level::kWarning ? "33" : "36";
    return fmt::format("\033[{}m{}\033[0m", code, name);
  }
  template <typename... Args>
  void Line(fmt::format_string<Args...> f, Args&&... args) {
    out_ += fmt::format(f, std::forward<Args>(args)...);
    out_ += '\n';
  }
  std::string Take() { return std::move(out_); }

 private:
  bool color_;
  std::string out_;
};

void WriteIdentity(Writer& w, const ScanResult& r) {
  const AppIdentity& id = r.manifest.identity;
  std::string label = id.label ? fmt::format(" \"{}\"", Clean(*id.label)) : "";
  w.Line("{:<12}{}{}", "App", w.Bold(Clean(id.package.value_or("(unknown package)"))), label);
  std::string version = id.version_name ? Clean(*id.version_name) : "?";
  std::string code = id.version_code ? std::to_string(*id.version_code) : "?";
  w.Line("{:<12}{} (code {})", "Version", version, code);
  auto level = [](const std::optional<SdkLevel>& l) { return Clean(l ? l->text : "?"); };
  w.Line("{:<12}min {} · target {} · compile {}", "SDK", level(id.min_sdk), level(id.target_sdk),
         level(id.compile_sdk));
  const ApplicationInfo& a = r.manifest.application;
  std::vector<std::string> flags;
  if (a.debuggable.value_or(false)) flags.push_back("debuggable");
  // A library's manifest is merged into the app's; its defaults say nothing.
  const bool is_app = r.file.kind != PackageKind::kAar && r.file.kind != PackageKind::kJar;
  if (is_app && r.manifest.present && a.allow_backup.value_or(true))
    flags.push_back(a.allow_backup ? "allowBackup" : "allowBackup (default)");
  if (a.uses_cleartext_traffic.value_or(false)) flags.push_back("cleartext traffic allowed");
  if (a.network_security_config) flags.push_back("networkSecurityConfig " + Clean(*a.network_security_config));
  if (!flags.empty()) w.Line("{:<12}{}", "Flags", fmt::join(flags, " · "));
}

void WritePermissions(Writer& w, const ScanResult& r) {
  const auto& perms = r.manifest.permissions;
  w.Line("");
  w.Line("{} ({})", w.Bold("Permissions"), perms.size());
  if (perms.empty()) {
    w.Line("  none requested");
    return;
  }
  // Groups in their display order (data/permission_groups.tsv).
  std::map<std::pair<uint32_t, std::string>, std::vector<std::string>> by_group;
  for (const auto& p : perms) {
    std::string text = Clean(Short(p.name));
    if (p.what.protection == "dangerous") text += "*";
    if (p.max_sdk) text += fmt::format(" (≤API {})", *p.max_sdk);
    by_group[{p.what.group_rank, p.what.group_title}].push_back(std::move(text));
  }
  for (const auto& [group, names] : by_group) w.Line("  {:<26}{}", group.second, fmt::join(names, ", "));
  w.Line("  {}", w.Dim("* dangerous: needs the user's runtime consent"));
}

void WriteComponents(Writer& w, const ScanResult& r) {
  const auto& comps = r.manifest.components;
  int counts[5] = {}, exported[5] = {};
  for (const auto& c : comps) {
    ++counts[static_cast<int>(c.kind)];
    if (c.exported) ++exported[static_cast<int>(c.kind)];
  }
  w.Line("");
  w.Line("{} ({})", w.Bold("Components"), comps.size());
  static constexpr const char* kPlural[] = {"activities", "activity aliases", "services", "receivers", "providers"};
  static constexpr const char* kSingular[] = {"activity", "activity alias", "service", "receiver", "provider"};
  std::vector<std::string> parts;
  for (int k = 0; k < 5; ++k)
    if (counts[k]) parts.push_back(fmt::format("{} {} ({} exported)", counts[k], counts[k] == 1 ? kSingular[k] : kPlural[k], exported[k]));
  if (!parts.empty()) w.Line("  {}", fmt::join(parts, " · "));
  int shown = 0;
  for (const auto& c : comps) {
    if (!c.exported || !c.enabled) continue;
    if (++shown > 20) {
      w.Line("  … more exported components in --format json");
      break;
    }
    std::string guard = c.permission ? " guarded by " + Clean(*c.permission) : " unguarded";
    std::string actions;
    for (const auto& f : c.intent_filters)
      for (const auto& a : f.actions) actions += (actions.empty() ? " [" : ", ") + Clean(a);
    if (!actions.empty()) actions += "]";
    w.Line("  exported {:<9}{}{}{}", ComponentKindName(c.kind), Clean(c.name), w.Dim(guard), actions);
  }
  if (!r.manifest.meta_data.empty()) w.Line("  {} application meta-data entries", r.manifest.meta_data.size());
}

void WriteCode(Writer& w, const ScanResult& r) {
  const CodeInventory& c = r.code;
  w.Line("");
  w.Line("{} ({} DEX file{}, {} classes)", w.Bold("Code"), c.dex.size(), c.dex.size() == 1 ? "" : "s", c.class_count);
  for (const auto& d : c.dex) {
    w.Line("  {:<28} v{:03}  {:>7} classes  {:>8} methods  {:>9} bytes{}", Clean(d.path, 60), d.version,
           d.class_count, d.method_count, d.size,
           std::string(d.checksum_valid ? "" : "  (bad checksum)") +
               (d.origin == DexOrigin::kJanusPrefix ? "  (Janus prefix: outside the package)" : ""));
  }
  if (!c.top_packages.empty()) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < c.top_packages.size() && i < 8; ++i)
      parts.push_back(fmt::format("{} ({})", Clean(c.top_packages[i].name), c.top_packages[i].class_count));
    w.Line("  Largest packages: {}", fmt::join(parts, ", "));
  }
  if (c.jvm_class_count) w.Line("  JVM classes (.class files): {}", c.jvm_class_count);
  if (!c.native_libs.empty()) w.Line("  Native libraries: {}", c.native_libs.size());
  if (!c.libraries.empty()) w.Line("  Libraries with Maven coordinates: {}", c.libraries.size());
  for (const auto& n : c.nested_archives) w.Line("  Nested archive: {}", Clean(n));
}

std::string Evidence(const EvidenceList& e, std::string_view what) {
  if (e.count == 0) return {};
  std::vector<std::string> ex;
  for (size_t i = 0; i < e.examples.size() && i < 2; ++i) ex.push_back(Clean(e.examples[i], 80));
  return fmt::format("{} {} (e.g. {})", e.count, what, fmt::join(ex, ", "));
}

void WriteSdks(Writer& w, const ScanResult& r) {
  if (r.signature_sources.empty()) return;
  w.Line("");
  w.Line("{} ({})", w.Bold("Third-party SDKs"), r.sdks.size());
  if (r.sdks.empty()) {
    w.Line("  none recognised by {}", fmt::join(r.signature_sources, ", "));
    return;
  }
  std::string category;
  for (const auto& f : r.sdks) {
    std::string cat = f.categories.empty() ? "uncategorised" : f.categories[0];
    if (cat != category) {
      category = cat;
      w.Line("  {}", w.Bold(Clean(category)));
    }
    std::string vendor = f.vendor.empty() ? "" : " — " + Clean(f.vendor);
    if (f.vendor_info) {
      const Vendor& v = *f.vendor_info;
      std::vector<std::string> facts;
      if (!v.hq_country.empty()) facts.push_back(v.hq_country);
      for (const auto& flag : v.flags) facts.push_back(flag == "data_broker" ? "data broker" : flag == "state_ties" ? "state ties" : flag);
      vendor = " — " + Clean(v.name) + (facts.empty() ? "" : " (" + Clean(fmt::format("{}", fmt::join(facts, ", "))) + ")");
    }
    w.Line("    {}{}  [{} confidence: {}]", Clean(f.name), vendor, ConfidenceName(f.confidence), f.basis);
    if (f.renamed_classes.count)
      w.Line("      {}", w.Dim("renamed code: classes an obfuscator renamed, tied to this SDK by what renaming keeps "
                             "(the hosts, keys and other strings only the SDK holds that they load, or their structure next to the SDK's published binary)"));
    if (f.structure)
      w.Line("      {}", w.Dim(fmt::format("structure: {} classes match {} ({} classes), similarity {:.2f}",
                                           f.structure->classes, Clean(f.structure->profile),
                                           f.structure->profile_classes, f.structure->similarity)));
    for (auto [list, what] : {std::pair{&f.classes, "classes"},
                              std::pair{&f.renamed_classes, "renamed classes"},
                              std::pair{&f.strings, "hosts"},
                              std::pair{&f.shared_strings, "shared hosts (support only)"},
                              std::pair{&f.manifest, "manifest entries"},
                              std::pair{&f.permissions, "requested permissions it declares"}}) {
      std::string line = Evidence(*list, what);
      if (!line.empty()) w.Line("      {}", w.Dim(line));
    }
    for (const auto& d : f.data_access) {
      std::string how = d.usable ? "the app's permissions let it run" : "the app lacks the permission it needs";
      if (d.kind == "location" && d.usable)
        how = d.precision + (d.background ? ", also in the background" : ", foreground only");
      w.Line("      reaches {} ({}) via {}", Clean(d.kind), how, Clean(fmt::format("{}", fmt::join(d.apis, ", ")), 200));
      std::string sites = Evidence(d.call_sites, "call sites");
      if (!sites.empty()) w.Line("        {}", w.Dim(sites));
    }
  }
}

// The answer first: which third parties receive data, where they are, and
// what their code can take here.
void WriteRecipients(Writer& w, const ScanResult& r) {
  if (r.recipients.empty()) return;
  w.Line("{} ({})", w.Bold("Who gets data"), r.recipients.size());
  for (const auto& rec : r.recipients) {
    std::vector<std::string> facts;
    if (!rec.countries.empty()) facts.push_back(fmt::format("{}", fmt::join(rec.countries, ", ")));
    for (const auto& f : rec.flags) facts.push_back(f == "data_broker" ? "data broker" : f == "state_ties" ? "state ties" : f);
    std::string line = Clean(rec.name);
    if (!facts.empty()) line += " (" + Clean(fmt::format("{}", fmt::join(facts, "; "))) + ")";
    w.Line("  {}", rec.flags.empty() ? line : w.Bold(line));
    std::string kinds = rec.data_kinds.empty() ? "its code calls none of the listed data APIs"
                                               : fmt::format("can take: {}", fmt::join(rec.data_kinds, ", "));
    w.Line("    {} · via {}{}", Clean(kinds), Clean(fmt::format("{}", fmt::join(rec.via, ", ")), 200),
           rec.confidence == Confidence::kLow ? " (low confidence)" : "");
  }
  w.Line("");
}

void WriteFindings(Writer& w, const ScanResult& r) {
  if (r.findings.empty()) return;
  w.Line("{} ({})", w.Bold("Findings"), r.findings.size());
  for (const auto& f : r.findings) {
    std::string sev(SeverityName(f.severity));
    for (char& c : sev) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string head = fmt::format("{:<8} {}", sev, Clean(f.title, 200));
    w.Line("  {}", f.severity <= Severity::kHigh ? w.Bold(head) : head);
    w.Line("           {}", Clean(f.explanation, 600));
    for (const auto& e : f.evidence) w.Line("           {}", w.Dim("- " + Clean(e, 300)));
  }
  w.Line("");
}

void WritePolicy(Writer& w, const ScanResult& r) {
  if (!r.policy.applied) return;
  const auto& all = r.policy.violations;
  const size_t standing = static_cast<size_t>(
      std::count_if(all.begin(), all.end(), [](const PolicyViolation& v) { return v.suppressed_by.empty(); }));
  w.Line("{} {}", w.Bold("Policy"),
         standing ? fmt::format("VIOLATED ({} violation(s), {} suppressed)", standing, all.size() - standing)
                  : fmt::format("passed ({} suppressed)", all.size()));
  for (const PolicyViolation& v : all) {
    const std::string head = fmt::format("{:<14} {}", v.rule, Clean(v.message, 200));
    w.Line("  {}", v.suppressed_by.empty() ? w.Bold(head) : w.Dim(head + " — suppressed: " + Clean(v.suppressed_by)));
    for (const auto& e : v.evidence) w.Line("                 {}", w.Dim("- " + Clean(e, 300)));
  }
  for (const auto& e : r.policy.expired) w.Line("  {}", "expired suppression: " + Clean(e, 300));
  w.Line("");
}

void WriteDiagnostics(Writer& w, const ScanResult& r) {
  const auto& items = r.diagnostics.items();
  if (items.empty()) return;
  w.Line("");
  w.Line("{} ({})", w.Bold("Diagnostics"), items.size());
  for (const auto& d : items)
    w.Line("  {:<8} {:<24} {}: {}", w.Sev(d.level), ErrorCodeName(d.code), Clean(d.where, 80), Clean(d.message, 300));
}

std::string Version(const AppIdentity& id) {
  std::string out = id.version_name ? Clean(*id.version_name) : "?";
  if (id.version_code) out += fmt::format(" (code {})", *id.version_code);
  return out;
}

template <typename T, typename Fn>
void DiffSection(Writer& w, std::string_view title, const std::vector<T>& items, Fn&& line) {
  if (items.empty()) return;
  w.Line("{} ({})", w.Bold(title), items.size());
  for (const T& item : items) line(item);
  w.Line("");
}

}  // namespace

std::string ToDiffText(const AppDiff& d, const TextOptions& options) {
  Writer w(options);
  w.Line("{} {} {} → {}", w.Bold("Vigie " + std::string(kVersion) + " — diff"),
         Clean(d.new_app.package.value_or(d.new_file.path)), Version(d.old_app), Version(d.new_app));
  w.Line("{}", w.Dim(fmt::format("  old {} · sha256 {}", Clean(d.old_file.path), d.old_file.sha256)));
  w.Line("{}", w.Dim(fmt::format("  new {} · sha256 {}", Clean(d.new_file.path), d.new_file.sha256)));
  if (!d.same_package)
    w.Line("  {}", w.Bold(fmt::format("not the same app: {} and {}", Clean(d.old_app.package.value_or("?")),
                                      Clean(d.new_app.package.value_or("?")))));
  w.Line("");
  auto sdk_line = [&](char sign) {
    return [&, sign](const SdkChange& s) {
      w.Line("  {} {} — {} ({} confidence, {}{})", sign, Clean(s.name), Clean(s.vendor.empty() ? "?" : s.vendor),
             ConfidenceName(s.confidence), Clean(s.basis),
             s.classes.empty() ? "" : "; e.g. " + Clean(s.classes[0]));
    };
  };
  DiffSection(w, "SDKs added", d.sdks_added, sdk_line('+'));
  DiffSection(w, "SDKs removed", d.sdks_removed, sdk_line('-'));
  DiffSection(w, "Data access gained", d.data_gained, [&](const DataGain& g) {
    w.Line("  + {} by {}: {}", g.kind, Clean(g.sdk_name), Clean(fmt::format("{}", fmt::join(g.apis, ", ")), 300));
    if (!g.call_site.empty()) w.Line("      {}", w.Dim("- e.g. " + Clean(g.call_site, 300)));
    if (!g.held.empty()) w.Line("      {}", w.Dim(fmt::format("- the app requests {}", fmt::join(g.held, ", "))));
  });
  DiffSection(w, "New recipients", d.recipients_added, [&](const Recipient& r) {
    w.Line("  + {} ({}){}{}", Clean(r.name), fmt::join(r.countries, ", "),
           r.flags.empty() ? "" : fmt::format(" — {}", fmt::join(r.flags, ", ")),
           r.data_kinds.empty() ? "" : fmt::format(" · can take: {}", fmt::join(r.data_kinds, ", ")));
  });
  if (!d.countries_added.empty())
    w.Line("{} {}\n", w.Bold("New countries:"), fmt::join(d.countries_added, ", "));
  DiffSection(w, "Permissions added", d.permissions_added, [&](const std::string& p) { w.Line("  + {}", Clean(p)); });
  DiffSection(w, "Permissions removed", d.permissions_removed,
              [&](const std::string& p) { w.Line("  - {}", Clean(p)); });
  DiffSection(w, "New endpoints", d.endpoints_added, [&](const Endpoint& e) {
    w.Line("  + {}{}", Clean(e.url, 300), e.sdk.empty() ? "" : " (" + Clean(e.sdk) + ")");
  });
  DiffSection(w, "New findings", d.findings_added, [&](const Finding& f) {
    std::string sev(SeverityName(f.severity));
    for (char& c : sev) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    w.Line("  + {:<8} {}", sev, Clean(f.title, 200));
    for (const auto& e : f.evidence) w.Line("             {}", w.Dim("- " + Clean(e, 300)));
  });
  if (d.policy_applied) {
    w.Line("{} {}", w.Bold("Policy"),
           d.violated() ? "VIOLATED by what this version adds" : "passed: this version adds no standing violation");
    for (const PolicyViolation& v : d.violations_added) {
      const std::string head = fmt::format("{:<14} {}", v.rule, Clean(v.message, 200));
      w.Line("  + {}",
             v.suppressed_by.empty() ? w.Bold(head) : w.Dim(head + " — suppressed: " + Clean(v.suppressed_by)));
      for (const auto& e : v.evidence) w.Line("                   {}", w.Dim("- " + Clean(e, 300)));
    }
  }
  const bool nothing = d.sdks_added.empty() && d.sdks_removed.empty() && d.data_gained.empty() &&
                       d.recipients_added.empty() && d.permissions_added.empty() && d.permissions_removed.empty() &&
                       d.endpoints_added.empty() && d.findings_added.empty();
  if (nothing) w.Line("No change in SDKs, data access, recipients, permissions, endpoints or findings.");
  return w.Take();
}

std::string ToText(const ScanResult& r, const TextOptions& options) {
  Writer w(options);
  w.Line("{} {}", w.Bold("Vigie " + std::string(kVersion) + " —"), Clean(r.file.path));
  w.Line("{}", w.Dim(fmt::format("  {} · {} bytes · sha256 {} · status {}", PackageKindName(r.file.kind), r.file.size,
                                 r.file.sha256.empty() ? "-" : r.file.sha256, ScanStatusName(r.status))));
  w.Line("");
  if (r.status != ScanStatus::kFailed) {
    WriteRecipients(w, r);
    WriteFindings(w, r);
    WritePolicy(w, r);
    WriteIdentity(w, r);
    WritePermissions(w, r);
    WriteComponents(w, r);
    WriteCode(w, r);
    WriteSdks(w, r);
  }
  WriteDiagnostics(w, r);
  return w.Take();
}

}  // namespace vigie::report
