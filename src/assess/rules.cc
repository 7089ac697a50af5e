#include "vigie/assess/rules.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "embedded_data.h"
#include "vigie/detect/data_access.h"
#include "vigie/detect/endpoints.h"

namespace vigie {
namespace {

using Json = nlohmann::json;

int SeverityRank(const std::string& s) {
  return s == "critical" ? 0 : s == "high" ? 1 : s == "medium" ? 2 : s == "low" ? 3 : 4;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

// Plain words for data kinds, in titles and explanations.
std::string KindWords(const std::string& kind) {
  static const std::map<std::string, std::string> words = {
      {"location", "the location"},       {"wifi", "Wi-Fi networks"},          {"bluetooth", "Bluetooth devices"},
      {"advertising_id", "the advertising ID"}, {"device_id", "device identifiers"}, {"phone_number", "the phone number"},
      {"accounts", "the accounts"},       {"contacts", "the contacts"},        {"calendar", "the calendar"},
      {"sms", "text messages"},           {"call_log", "the call log"},        {"installed_apps", "the installed apps"},
      {"clipboard", "the clipboard"},     {"camera", "the camera"},            {"microphone", "the microphone"},
      {"sensors", "the sensors"},         {"network_state", "the network state"}};
  auto it = words.find(kind);
  return it == words.end() ? kind : it->second;
}

std::string FlagWords(const std::string& flag) {
  if (flag == "data_broker") return "sells or licenses personal data";
  if (flag == "state_ties") return "has documented ties to a state";
  if (flag == "sanctions") return "is on a sanctions or export-control list";
  return flag;
}

// Rules come from the embedded, reviewed rules file; a condition whose value
// has the wrong type simply does not hold.
bool Bool(const Json& v) { return v.is_boolean() && v.get<bool>(); }

const DataAccess* Usable(const SdkFinding& f, const std::string& kind) {
  for (const auto& d : f.data_access)
    if (d.kind == kind && d.usable) return &d;
  return nullptr;
}

// The evidence that SDK `f` reaches data kind `d`.
void AccessEvidence(const SdkFinding& f, const DataAccess& d, std::vector<std::string>& out) {
  std::string line = "code: " + f.name + " reaches " + KindWords(d.kind) + " through " + Join(d.apis, ", ");
  if (!d.call_sites.examples.empty())
    line += " (" + std::to_string(d.call_sites.count) + " call site" + (d.call_sites.count == 1 ? "" : "s") +
            ", e.g. " + d.call_sites.examples[0] + ")";
  out.push_back(line);
  if (!d.held.empty()) out.push_back("permission: the app requests " + Join(d.held, ", "));
}

std::string SdkEvidence(const SdkFinding& f) {
  std::string line = "sdk: " + f.name + " (" + f.confidence + " confidence, " + f.basis;
  if (!f.classes.examples.empty()) line += "; e.g. " + f.classes.examples[0];
  else if (!f.strings.examples.empty()) line += "; e.g. " + f.strings.examples[0];
  return line + ")";
}

std::string VendorName(const SdkFinding& f) {
  return f.vendor_info && !f.vendor_info->name.empty() ? f.vendor_info->name : f.vendor.empty() ? "an unknown vendor" : f.vendor;
}

// The vendor's documented incidents, one evidence line each.
void AddRecords(const sig::Vendor& v, std::vector<std::string>& out) {
  for (const auto& i : v.incidents) out.push_back("record: " + i.date + " " + i.summary + " (" + i.source + ")");
}

// What a rule is evaluated against: one SDK, one recipient, or the app.
struct Subject {
  Subject(const ScanResult& r, const RuleOptions& o) : scan(r), options(o) {}
  const ScanResult& scan;
  const RuleOptions& options;
  const SdkFinding* sdk = nullptr;
  const Recipient* recipient = nullptr;
  const Secret* secret = nullptr;
  std::vector<const SdkFinding*> sdks;  // The recipient's SDKs.
  std::map<std::string, std::string> vars;
  std::vector<std::string> evidence;
};

// One condition of a rule; appends its evidence when it holds.
bool Holds(const std::string& name, const Json& value, Subject& s) {
  const Manifest& m = s.scan.manifest;
  auto kinds_of = [](const Json& v) {
    std::vector<std::string> out;
    if (v.is_string()) out.push_back(v.get<std::string>());
    if (v.is_array())
      for (const auto& k : v)
        if (k.is_string()) out.push_back(k.get<std::string>());
    return out;
  };
  if (name == "vendor_flag" && s.sdk) {
    const std::string flag = value.is_string() ? value.get<std::string>() : "";
    const auto& v = s.sdk->vendor_info;
    if (!v || std::find(v->flags.begin(), v->flags.end(), flag) == v->flags.end()) return false;
    s.evidence.push_back("vendor: " + v->name + " " + FlagWords(flag) + " (" + Join(v->sources, ", ") + ")");
    AddRecords(*v, s.evidence);
    return true;
  }
  if ((name == "reaches" || name == "reaches_any" || name == "reaches_all") && (s.sdk || s.recipient)) {
    std::vector<const SdkFinding*> sdks = s.sdk ? std::vector<const SdkFinding*>{s.sdk} : s.sdks;
    std::vector<std::string> reached;
    std::vector<std::string> evidence;
    for (const auto& kind : kinds_of(value)) {
      bool any = false;
      for (const SdkFinding* f : sdks)
        if (const DataAccess* d = Usable(*f, kind)) {
          AccessEvidence(*f, *d, evidence);
          any = true;
        }
      if (any) reached.push_back(kind);
      else if (name != "reaches_any") return false;
    }
    if (reached.empty()) return false;
    std::vector<std::string> words;
    for (const auto& k : reached) words.push_back(KindWords(k));
    s.vars["reached"] = Join(words, ", ");
    s.evidence.insert(s.evidence.end(), evidence.begin(), evidence.end());
    return true;
  }
  if (name == "location_background" && s.sdk) {
    const DataAccess* d = Usable(*s.sdk, "location");
    if (!d || d->background != Bool(value)) return false;
    const auto& perms = s.scan.manifest.permissions;
    const bool held = std::any_of(perms.begin(), perms.end(), [](const UsesPermission& p) {
      return p.name == "android.permission.ACCESS_BACKGROUND_LOCATION";
    });
    s.evidence.push_back(held ? "permission: the app requests ACCESS_BACKGROUND_LOCATION, so the location can be read "
                                "while the app is not in use"
                              : "manifest: the target SDK is below 29, where any location permission also covers the "
                                "background");
    return true;
  }
  if (name == "vendor_country_in_policy" && s.recipient) {
    if (s.options.policy_countries.empty() || s.sdks.empty() || !s.sdks[0]->vendor_info) return false;
    const sig::Vendor& v = *s.sdks[0]->vendor_info;
    std::vector<std::string> countries, ties;
    for (const auto& t : v.jurisdictions) {
      if (std::find(s.options.policy_countries.begin(), s.options.policy_countries.end(), t.country) ==
          s.options.policy_countries.end())
        continue;
      countries.push_back(t.country);
      ties.push_back(t.country + ": " + Join(t.ties, ", "));
      s.evidence.push_back("vendor: " + v.name + " has ties to " + t.country + " (" + Join(t.ties, ", ") + "; " +
                           Join(v.sources, ", ") + ")");
    }
    if (countries.empty()) return false;
    AddRecords(v, s.evidence);
    s.vars["policy_countries"] = Join(countries, ", ");
    s.vars["ties"] = Join(ties, "; ");
    return true;
  }
  if ((name == "backend" || name == "role") && s.secret) {
    if (name == "backend" && (!value.is_boolean() || value.get<bool>() != s.secret->backend)) return false;
    if (name == "role" && (!value.is_string() || value.get<std::string>() != s.secret->role)) return false;
    s.evidence.push_back("string: " + s.secret->value + " in " + s.secret->where + " (" + s.secret->kind + "; " +
                         s.secret->source + ")");
    return true;
  }
  if (name == "developed_outside_hq" && s.recipient) {
    if (s.sdks.empty() || !s.sdks[0]->vendor_info || !Bool(value)) return false;
    const sig::Vendor& v = *s.sdks[0]->vendor_info;
    // Where it says it is: the headquarters, else the registration.
    std::string hq = v.hq_country;
    std::vector<std::string> dev;
    for (const auto& t : v.jurisdictions) {
      const bool builds = std::find(t.ties.begin(), t.ties.end(), "development") != t.ties.end() ||
                          std::find(t.ties.begin(), t.ties.end(), "staff") != t.ties.end();
      const bool home = std::find(t.ties.begin(), t.ties.end(), "headquarters") != t.ties.end() ||
                        std::find(t.ties.begin(), t.ties.end(), "registration") != t.ties.end();
      if (hq.empty() && home) hq = t.country;
      if (builds && !home) dev.push_back(t.country);
    }
    if (hq.empty() || dev.empty()) return false;
    s.vars["hq"] = hq;
    s.vars["dev_countries"] = Join(dev, ", ");
    s.evidence.push_back("vendor: " + v.name + " is based in " + hq + "; the SDK is developed in " + Join(dev, ", ") +
                         " (" + Join(v.sources, ", ") + ")");
    AddRecords(v, s.evidence);
    return true;
  }
  if (name == "cleartext_allowed") {
    const auto& a = m.application;
    int target = 0;
    try {
      target = m.identity.target_sdk ? std::stoi(*m.identity.target_sdk) : 0;
    } catch (const std::exception&) {
      target = 0;
    }
    bool allowed = false;
    if (a.uses_cleartext_traffic.value_or(false)) {
      allowed = true;
      s.evidence.push_back("manifest: android:usesCleartextTraffic=\"true\"");
    } else if (!a.uses_cleartext_traffic && !a.network_security_config && target > 0 && target < 28) {
      allowed = true;
      s.evidence.push_back("manifest: targetSdkVersion " + std::to_string(target) +
                           ", below 28, with no usesCleartextTraffic and no network security config: cleartext is "
                           "allowed by default");
    }
    return allowed && Bool(value);
  }
  if (name == "debuggable") {
    if (!m.application.debuggable.value_or(false) || !Bool(value)) return false;
    s.evidence.push_back("manifest: android:debuggable=\"true\"");
    return true;
  }
  if (name == "allow_backup") {
    // A library's manifest is merged into an app's; its defaults say nothing.
    if (!m.present || s.scan.file.kind == PackageKind::kAar || s.scan.file.kind == PackageKind::kJar) return false;
    const bool on = m.application.allow_backup.value_or(true);
    if (!on || !Bool(value)) return false;
    s.evidence.push_back(m.application.allow_backup ? "manifest: android:allowBackup=\"true\""
                                                    : "manifest: no android:allowBackup, and it defaults to true");
    return true;
  }
  return false;
}

bool AllHold(const Json& conditions, Subject& s) {
  if (!conditions.is_array()) return false;
  for (const auto& c : conditions) {
    if (!c.is_object() || c.size() != 1) return false;
    if (!Holds(c.begin().key(), c.begin().value(), s)) return false;
  }
  return true;
}

std::string Fill(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    const std::string key = "{" + k + "}";
    for (size_t pos; (pos = text.find(key)) != std::string::npos;) text.replace(pos, key.size(), v);
  }
  return text;
}

const Json& Rules() {
  static const Json rules = [] {
    Json j = Json::parse(embedded::kRulesJson.begin(), embedded::kRulesJson.end(), nullptr,
                         /*allow_exceptions=*/false);
    return j.is_object() && j.contains("rules") ? j["rules"] : Json::array();
  }();
  return rules;
}

void Apply(const Json& rule, Subject s, std::vector<Finding>& out) {
  if (!AllHold(rule["when"], s)) return;
  std::string severity = rule.value("severity", "info");
  if (auto esc = rule.find("escalate"); esc != rule.end() && esc->is_array()) {
    for (const auto& e : *esc) {
      Subject probe = s;
      probe.evidence.clear();
      if (AllHold(e["when"], probe)) {
        severity = e.value("severity", severity);
        s.evidence.insert(s.evidence.end(), probe.evidence.begin(), probe.evidence.end());
        for (auto& [k, v] : probe.vars) s.vars[k] = v;
        break;
      }
    }
  }
  if (s.secret && rule.value("severity_from", "") == "secret") severity = s.secret->severity;
  Finding f;
  f.id = rule.value("id", "");
  f.severity = severity;
  f.title = Fill(rule.value("title", ""), s.vars);
  f.explanation = Fill(rule.value("explanation", ""), s.vars);
  f.subject = s.sdk ? s.sdk->id : s.recipient ? s.recipient->vendor_id : s.secret ? s.secret->kind : "app";
  f.evidence = std::move(s.evidence);
  out.push_back(std::move(f));
}

}  // namespace

void PreloadTables() {
  (void)Rules();
  (void)ApiRules();
  (void)SecretRules();
}

std::vector<Finding> EvaluateRules(const ScanResult& r, const RuleOptions& options) {
  std::vector<Finding> out;
  for (const auto& rule : Rules()) {
    const std::string scope = rule.value("scope", "");
    if (scope == "sdk") {
      for (const auto& f : r.sdks) {
        Subject s(r, options);
        s.sdk = &f;
        s.vars = {{"sdk", f.name}, {"vendor", VendorName(f)}};
        s.evidence.push_back(SdkEvidence(f));
        Apply(rule, std::move(s), out);
      }
    } else if (scope == "recipient") {
      for (const auto& rec : r.recipients) {
        Subject s(r, options);
        s.recipient = &rec;
        for (const auto& f : r.sdks)
          if (f.vendor == rec.vendor_id) {
            s.sdks.push_back(&f);
            s.evidence.push_back(SdkEvidence(f));
          }
        s.vars = {{"vendor", rec.name}, {"via", Join(rec.via, ", ")}};
        Apply(rule, std::move(s), out);
      }
    } else if (scope == "secret") {
      for (const auto& secret : r.secrets) {
        Subject s(r, options);
        s.secret = &secret;
        std::string name = secret.kind;
        std::replace(name.begin(), name.end(), '_', ' ');
        s.vars = {{"secret_kind", secret.kind}, {"secret_name", name}, {"secret_value", secret.value},
                  {"secret_description", secret.description}};
        Apply(rule, std::move(s), out);
      }
    } else if (scope == "app") {
      Subject s(r, options);
      Apply(rule, std::move(s), out);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return SeverityRank(a.severity) < SeverityRank(b.severity); });
  return out;
}

}  // namespace vigie
