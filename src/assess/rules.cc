// Applying the rules to a scan's facts.
#include "vigie/assess/rules.h"

#include <algorithm>
#include <map>

#include "embedded_assess.h"

namespace vigie::assess {
namespace {

using Kind = Condition::Kind;

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void AddUnique(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && !Contains(list, item)) list.push_back(item);
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
  std::string line = "sdk: " + f.name + " (" + std::string(ConfidenceName(f.confidence)) + " confidence, " + f.basis;
  if (!f.classes.examples.empty()) line += "; e.g. " + f.classes.examples[0];
  else if (!f.strings.examples.empty()) line += "; e.g. " + f.strings.examples[0];
  return line + ")";
}

std::string VendorName(const SdkFinding& f) {
  return f.vendor_info && !f.vendor_info->name.empty() ? f.vendor_info->name
         : f.vendor.empty()                             ? "an unknown vendor"
                                                        : f.vendor;
}

// The vendor's documented incidents, one evidence line each.
void AddRecords(const Vendor& v, std::vector<std::string>& out) {
  for (const auto& i : v.incidents) out.push_back("record: " + i.date + " " + i.summary + " (" + i.source + ")");
}

// What a rule is evaluated against: one SDK, one recipient, one secret, or
// the app; and what the conditions that held found.
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

  // The recipient's vendor, as the vendor KB knows it.
  const Vendor* RecipientVendor() const { return sdks.empty() || !sdks[0]->vendor_info ? nullptr : &*sdks[0]->vendor_info; }
};

bool Reaches(const Condition& c, Subject& s) {
  const std::vector<const SdkFinding*> sdks = s.sdk ? std::vector<const SdkFinding*>{s.sdk} : s.sdks;
  std::vector<std::string> reached, evidence;
  for (const auto& kind : c.kinds) {
    bool any = false;
    for (const SdkFinding* f : sdks)
      if (const DataAccess* d = f->UsableAccess(kind)) {
        AccessEvidence(*f, *d, evidence);
        any = true;
      }
    if (any) reached.push_back(kind);
    else if (c.kind != Kind::kReachesAny) return false;
  }
  if (reached.empty()) return false;
  std::vector<std::string> words;
  for (const auto& k : reached) words.push_back(KindWords(k));
  s.vars["reached"] = Join(words, ", ");
  s.evidence.insert(s.evidence.end(), evidence.begin(), evidence.end());
  return true;
}

bool VendorCountryInPolicy(Subject& s) {
  const Vendor* v = s.RecipientVendor();
  if (s.options.policy_countries.empty() || !v) return false;
  std::vector<std::string> countries, ties;
  for (const auto& t : v->jurisdictions) {
    if (!Contains(s.options.policy_countries, t.country)) continue;
    countries.push_back(t.country);
    ties.push_back(t.country + ": " + Join(t.ties, ", "));
    s.evidence.push_back("vendor: " + v->name + " has ties to " + t.country + " (" + Join(t.ties, ", ") + "; " +
                         Join(v->sources, ", ") + ")");
  }
  if (countries.empty()) return false;
  AddRecords(*v, s.evidence);
  s.vars["policy_countries"] = Join(countries, ", ");
  s.vars["ties"] = Join(ties, "; ");
  return true;
}

bool DevelopedOutsideHq(Subject& s) {
  const Vendor* v = s.RecipientVendor();
  if (!v) return false;
  // Where it says it is: where it is registered, else its headquarters.
  // Where it works: its headquarters, development and staff elsewhere.
  std::vector<std::string> presented, elsewhere;
  for (const auto& t : v->jurisdictions)
    if (Contains(t.ties, "registration")) AddUnique(presented, t.country);
  if (presented.empty() && !v->hq_country.empty()) presented.push_back(v->hq_country);
  for (const auto& t : v->jurisdictions) {
    const bool works = Contains(t.ties, "headquarters") || Contains(t.ties, "development") || Contains(t.ties, "staff");
    if (works && !Contains(presented, t.country)) AddUnique(elsewhere, t.country);
  }
  if (presented.empty() || elsewhere.empty()) return false;
  s.vars["hq"] = Join(presented, ", ");
  s.vars["dev_countries"] = Join(elsewhere, ", ");
  s.evidence.push_back("vendor: " + v->name + " presents itself as based in " + s.vars["hq"] +
                       "; it is run or its SDK is developed in " + s.vars["dev_countries"] + " (" +
                       Join(v->sources, ", ") + ")");
  AddRecords(*v, s.evidence);
  return true;
}

bool CleartextAllowed(Subject& s) {
  const Manifest& m = s.scan.manifest;
  const auto& a = m.application;
  const int target = m.identity.target_sdk ? m.identity.target_sdk->number.value_or(0) : 0;
  if (a.uses_cleartext_traffic.value_or(false)) {
    s.evidence.push_back("manifest: android:usesCleartextTraffic=\"true\"");
    return true;
  }
  if (!a.uses_cleartext_traffic && !a.network_security_config && target > 0 && target < 28) {
    s.evidence.push_back("manifest: targetSdkVersion " + std::to_string(target) +
                         ", below 28, with no usesCleartextTraffic and no network security config: cleartext is "
                         "allowed by default");
    return true;
  }
  return false;
}

// One condition; appends its evidence when it holds.
bool Holds(const Condition& c, Subject& s) {
  const Manifest& m = s.scan.manifest;
  switch (c.kind) {
    case Kind::kVendorFlag: {
      const auto& v = s.sdk->vendor_info;
      if (!v || !Contains(v->flags, c.text)) return false;
      s.evidence.push_back("vendor: " + v->name + " " + FlagWords(c.text) + " (" + Join(v->sources, ", ") + ")");
      AddRecords(*v, s.evidence);
      return true;
    }
    case Kind::kReaches:
    case Kind::kReachesAny:
      return Reaches(c, s);
    case Kind::kLocationBackground: {
      const DataAccess* d = s.sdk->UsableAccess("location");
      if (!d || !d->background) return false;
      s.evidence.push_back(m.Requests("android.permission.ACCESS_BACKGROUND_LOCATION")
                               ? "permission: the app requests ACCESS_BACKGROUND_LOCATION, so the location can be "
                                 "read while the app is not in use"
                               : "manifest: the target SDK is below 29, where any location permission also covers "
                                 "the background");
      return true;
    }
    case Kind::kVendorCountryInPolicy:
      return VendorCountryInPolicy(s);
    case Kind::kDevelopedOutsideHq:
      return DevelopedOutsideHq(s);
    case Kind::kBackend:
    case Kind::kRole:
      if (c.kind == Kind::kBackend ? s.secret->backend != c.flag : s.secret->role != c.text) return false;
      s.evidence.push_back("string: " + s.secret->value + " in " + s.secret->where + " (" + s.secret->kind + "; " +
                           s.secret->source + ")");
      return true;
    case Kind::kCleartextAllowed:
      return CleartextAllowed(s);
    case Kind::kDebuggable:
      if (!m.application.debuggable.value_or(false)) return false;
      s.evidence.push_back("manifest: android:debuggable=\"true\"");
      return true;
    case Kind::kAllowBackup: {
      // A library's manifest is merged into an app's; its defaults say nothing.
      if (!m.present || s.scan.file.kind == PackageKind::kAar || s.scan.file.kind == PackageKind::kJar) return false;
      if (!m.application.allow_backup.value_or(true)) return false;
      s.evidence.push_back(m.application.allow_backup ? "manifest: android:allowBackup=\"true\""
                                                      : "manifest: no android:allowBackup, and it defaults to true");
      return true;
    }
  }
  return false;
}

bool AllHold(const std::vector<Condition>& conditions, Subject& s) {
  for (const Condition& c : conditions)
    if (!Holds(c, s)) return false;
  return true;
}

std::string Fill(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    const std::string key = "{" + k + "}";
    for (size_t pos; (pos = text.find(key)) != std::string::npos;) text.replace(pos, key.size(), v);
  }
  return text;
}

void Apply(const Rule& rule, Subject s, std::vector<Finding>& out) {
  if (!AllHold(rule.when, s)) return;
  Severity severity = rule.severity;
  for (const Escalation& e : rule.escalate) {
    Subject probe = s;
    probe.evidence.clear();
    if (AllHold(e.when, probe)) {
      severity = e.severity;
      s.evidence.insert(s.evidence.end(), probe.evidence.begin(), probe.evidence.end());
      for (auto& [k, v] : probe.vars) s.vars[k] = v;
      break;
    }
  }
  if (s.secret && rule.severity_from_secret) severity = s.secret->severity;
  Finding f;
  f.id = rule.id;
  f.severity = severity;
  f.title = Fill(rule.title, s.vars);
  f.explanation = Fill(rule.explanation, s.vars);
  f.subject = s.sdk ? s.sdk->id : s.recipient ? s.recipient->vendor_id : s.secret ? s.secret->kind : "app";
  f.evidence = std::move(s.evidence);
  out.push_back(std::move(f));
}

}  // namespace

const RuleSet& BuiltinRules() {
  static const RuleSet rules = CheckedAtBuild(ParseRules(embedded::kRulesJson));
  return rules;
}

std::vector<Finding> EvaluateRules(const ScanResult& r, const RuleOptions& options, const RuleSet& rules) {
  std::vector<Finding> out;
  for (const Rule& rule : rules.rules) {
    switch (rule.scope) {
      case Scope::kSdk:
        for (const auto& f : r.sdks) {
          Subject s(r, options);
          s.sdk = &f;
          s.vars = {{"sdk", f.name}, {"vendor", VendorName(f)}};
          s.evidence.push_back(SdkEvidence(f));
          Apply(rule, std::move(s), out);
        }
        break;
      case Scope::kRecipient:
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
        break;
      case Scope::kSecret:
        for (const auto& secret : r.secrets) {
          Subject s(r, options);
          s.secret = &secret;
          std::string name = secret.kind;
          std::replace(name.begin(), name.end(), '_', ' ');
          s.vars = {{"secret_kind", secret.kind},
                    {"secret_name", name},
                    {"secret_value", secret.value},
                    {"secret_description", secret.description}};
          Apply(rule, std::move(s), out);
        }
        break;
      case Scope::kApp:
        Apply(rule, Subject(r, options), out);
        break;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
  return out;
}

}  // namespace vigie::assess
