#include "vigie/assess/policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace vigie::assess {
namespace {

using Json = nlohmann::json;

Error Invalid(const std::string& why) { return MakeError(ErrorCode::kPolicy, 0, why); }

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool IsCountry(const std::string& s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// "YYYY-MM-DD" with a real month and day: dates compare as text.
bool IsDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// o[key] as a list of non-empty strings; absent is empty.
std::optional<std::vector<std::string>> Strings(const Json& o, const char* key, std::string& error) {
  std::vector<std::string> out;
  const auto it = o.find(key);
  if (it == o.end()) return out;
  if (!it->is_array()) {
    error = std::string("\"") + key + "\" is not a list";
    return std::nullopt;
  }
  for (const Json& v : *it) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      error = std::string("\"") + key + "\" holds something other than a non-empty string";
      return std::nullopt;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Builds the violations of one app.
class Evaluation {
 public:
  Evaluation(const ScanResult& r, const Policy& p) : r_(r), p_(p) {}

  std::vector<PolicyViolation> Run() {
    for (const SdkFinding& sdk : r_.sdks)
      if (sdk.confidence >= p_.min_confidence) Sdk(sdk);
    if (p_.findings_at)
      for (const Finding& f : r_.findings)
        if (f.severity <= *p_.findings_at)  // Severities run from critical down.
          Add("finding", f.id, "finding at or above " + std::string(SeverityName(*p_.findings_at)) + ": " + f.title,
              f.evidence);
    return std::move(out_);
  }

 private:
  void Sdk(const SdkFinding& sdk) {
    const std::string who = sdk.name + " (" + std::string(ConfidenceName(sdk.confidence)) + " confidence, " +
                            sdk.basis + (sdk.classes.examples.empty() ? "" : "; e.g. " + sdk.classes.examples[0]) +
                            ")";
    const Vendor* vendor = sdk.vendor_info ? &*sdk.vendor_info : nullptr;
    const std::string vendor_name = vendor ? vendor->name : sdk.vendor;
    if (!sdk.vendor.empty() && Contains(p_.vendors, sdk.vendor))
      Add("vendor", sdk.id, "denied vendor " + vendor_name + ", through " + sdk.name, {"sdk: " + who});
    if (vendor) {
      for (const DeniedTie& denied : p_.vendor_ties)
        for (const VendorTie& tie : vendor->jurisdictions) {
          if (tie.country != denied.country) continue;
          std::vector<std::string> kinds;
          for (const std::string& t : tie.ties)
            if (denied.ties.empty() || Contains(denied.ties, t)) kinds.push_back(t);
          if (kinds.empty()) continue;
          Add(denied.ties.empty() ? "vendor_country" : "vendor_tie", sdk.id,
              vendor_name + " has ties to denied country " + tie.country + " (" + Joined(kinds) + "), through " +
                  sdk.name,
              {"sdk: " + who, "vendor: " + vendor_name + " in " + tie.country + ": " + Joined(tie.ties) +
                                  (vendor->sources.empty() ? "" : " (" + Joined(vendor->sources) + ")")});
        }
      for (const std::string& flag : vendor->flags)
        if (Contains(p_.vendor_flags, flag))
          Add("vendor_flag", sdk.id, vendor_name + " is flagged " + flag + ", through " + sdk.name,
              {"sdk: " + who, "vendor: " + vendor_name + " flagged " + flag +
                                  (vendor->sources.empty() ? "" : " (" + Joined(vendor->sources) + ")")});
    }
    for (const std::string& category : sdk.categories)
      if (Contains(p_.sdk_categories, category))
        Add("sdk_category", sdk.id, "denied SDK category " + category + ": " + sdk.name, {"sdk: " + who});
    for (const DataAccess& access : sdk.data_access) {
      if (!access.usable || !Contains(p_.data_kinds, access.kind)) continue;
      std::vector<std::string> evidence = {"sdk: " + who, "code: reaches " + access.kind + " through " +
                                                              Joined(access.apis)};
      if (!access.call_sites.examples.empty()) evidence.push_back("call site: " + access.call_sites.examples[0]);
      if (!access.held.empty()) evidence.push_back("permission: the app requests " + Joined(access.held));
      Add("data_kind", sdk.id, access.kind + " goes to a third party: " + sdk.name + " (" + vendor_name + ")",
          std::move(evidence));
    }
  }

  void Add(std::string rule, const std::string& subject, std::string message, std::vector<std::string> evidence) {
    out_.push_back({std::move(rule), subject, std::move(message), std::move(evidence), {}});
  }

  const ScanResult& r_;
  const Policy& p_;
  std::vector<PolicyViolation> out_;
};

}  // namespace

Result<Policy> ParsePolicy(std::string_view json) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Invalid("a policy is a JSON object");
  for (const auto& [key, unused] : doc.items())
    if (key != "schema_version" && key != "deny" && key != "min_confidence")
      return Invalid("unknown key '" + key + "' (schema_version, deny, min_confidence)");
  Policy p;
  if (auto c = doc.find("min_confidence"); c != doc.end()) {
    const std::string name = c->is_string() ? c->get<std::string>() : "";
    if (name == "low") p.min_confidence = Confidence::kLow;
    else if (name == "medium") p.min_confidence = Confidence::kMedium;
    else if (name == "high") p.min_confidence = Confidence::kHigh;
    else return Invalid("\"min_confidence\" is not low, medium or high");
  }
  const auto deny = doc.find("deny");
  if (deny == doc.end() || !deny->is_object()) return Invalid("\"deny\" is missing or not an object");
  static const std::set<std::string> kKeys = {"vendors",        "vendor_countries", "vendor_ties", "vendor_flags",
                                              "sdk_categories", "data_kinds",       "findings"};
  for (const auto& [key, unused] : deny->items())
    if (!kKeys.count(key)) return Invalid("unknown key 'deny." + key + "'");
  std::string error;
  auto vendors = Strings(*deny, "vendors", error);
  auto countries = vendors ? Strings(*deny, "vendor_countries", error) : std::nullopt;
  auto flags = countries ? Strings(*deny, "vendor_flags", error) : std::nullopt;
  auto categories = flags ? Strings(*deny, "sdk_categories", error) : std::nullopt;
  auto kinds = categories ? Strings(*deny, "data_kinds", error) : std::nullopt;
  if (!kinds) return Invalid("deny: " + error);
  p.vendors = std::move(*vendors);
  p.vendor_flags = std::move(*flags);
  p.sdk_categories = std::move(*categories);
  p.data_kinds = std::move(*kinds);
  for (const std::string& c : *countries) {
    if (!IsCountry(c)) return Invalid("deny.vendor_countries: '" + c + "' is not an ISO 3166-1 alpha-2 code");
    p.vendor_ties.push_back({c, {}});
  }
  if (auto ties = deny->find("vendor_ties"); ties != deny->end()) {
    if (!ties->is_array()) return Invalid("deny.vendor_ties is not a list");
    for (const Json& t : *ties) {
      const auto country = t.is_object() ? t.find("country") : t.end();
      if (!t.is_object() || country == t.end() || !country->is_string() || !IsCountry(country->get<std::string>()))
        return Invalid("deny.vendor_ties: each entry needs a \"country\" (an ISO 3166-1 alpha-2 code)");
      auto kinds_of = Strings(t, "ties", error);
      if (!kinds_of || kinds_of->empty()) return Invalid("deny.vendor_ties: each entry needs a list of \"ties\"");
      p.vendor_ties.push_back({country->get<std::string>(), std::move(*kinds_of)});
    }
  }
  if (auto f = deny->find("findings"); f != deny->end()) {
    p.findings_at = f->is_string() ? ParseSeverity(f->get<std::string>()) : std::nullopt;
    if (!p.findings_at) return Invalid("deny.findings is not a severity (critical, high, medium, low, info)");
  }
  return p;
}

Result<std::vector<Suppression>> ParseSuppressions(std::string_view json) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  const auto list = doc.is_object() ? doc.find("suppressions") : doc.end();
  if (doc.is_discarded() || !doc.is_object() || list == doc.end() || !list->is_array())
    return Invalid("a suppression file is a JSON object with a \"suppressions\" list");
  std::vector<Suppression> out;
  for (const Json& e : *list) {
    const std::string where = "suppression " + std::to_string(out.size() + 1) + ": ";
    if (!e.is_object()) return Invalid(where + "not an object");
    Suppression s;
    for (const auto& [key, value] : e.items()) {
      if (!value.is_string()) return Invalid(where + "\"" + key + "\" is not a string");
      const std::string v = value.get<std::string>();
      if (key == "app") s.app = v;
      else if (key == "sdk") s.sdk = v;
      else if (key == "finding") s.finding = v;
      else if (key == "reason") s.reason = v;
      else if (key == "expires") s.expires = v;
      else return Invalid(where + "unknown key '" + key + "' (app, sdk, finding, reason, expires)");
    }
    if (s.app.empty()) return Invalid(where + "names no app");
    if (s.sdk.empty() == s.finding.empty()) return Invalid(where + "names neither an SDK nor a finding, or both");
    if (s.reason.empty()) return Invalid(where + "gives no reason");
    if (!IsDate(s.expires)) return Invalid(where + "\"expires\" is not a date (YYYY-MM-DD)");
    out.push_back(std::move(s));
  }
  return out;
}

PolicyVerdict EvaluatePolicy(const ScanResult& r, const Policy& policy, const std::vector<Suppression>& suppressions,
                             std::string_view today) {
  PolicyVerdict verdict;
  verdict.applied = true;
  std::vector<PolicyViolation> found = Evaluation(r, policy).Run();
  const std::string app = AppName(r);
  std::vector<const Suppression*> live;
  for (const Suppression& s : suppressions) {
    if (s.app != app) continue;
    if (s.expires < today) {
      verdict.expired.push_back((s.sdk.empty() ? "finding " + s.finding : "SDK " + s.sdk) + " expired on " +
                                s.expires + ": " + s.reason);
    } else {
      live.push_back(&s);
    }
  }
  for (PolicyViolation& v : found)
    for (const Suppression* s : live)
      if ((v.rule == "finding" ? s->finding : s->sdk) == v.subject) {
        v.suppressed_by = s->reason + " (until " + s->expires + ")";
        break;
      }
  std::stable_partition(found.begin(), found.end(), [](const PolicyViolation& v) { return v.suppressed_by.empty(); });
  verdict.violations = std::move(found);
  return verdict;
}

}  // namespace vigie::assess
