// SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: one run whose tool
// lists the finding rules and every diagnostic code, an artifact per input,
// and a result per finding and per diagnostic.
#include <algorithm>
#include <map>
#include <optional>

#include "percent_encoding.h"
#include "vigie/base/mapped_file.h"
#include "vigie/base/version.h"
#include "vigie/report/json_writer.h"
#include "vigie/report/report.h"

namespace vigie::report {
namespace {

constexpr char kSarifSchema[] = "https://json.schemastore.org/sarif-2.1.0.json";
// What each rule of a policy denies (docs/policy.md).
constexpr std::pair<std::string_view, std::string_view> kPolicyRules[] = {
    {"vendor", "The app embeds an SDK of a vendor the policy denies."},
    {"vendor_country", "The app embeds an SDK whose vendor has ties to a country the policy denies."},
    {"vendor_tie", "The app embeds an SDK whose vendor has a tie of a denied kind to a country the policy names."},
    {"vendor_flag", "The app embeds an SDK whose vendor carries a flag the policy denies."},
    {"sdk_category", "The app embeds an SDK of a category the policy denies."},
    {"data_kind", "A third-party SDK's code reaches a kind of data the policy denies, with the permission to read it."},
    {"finding", "The app has a finding at or above the severity the policy denies."},
};

// Evidence lines a result's message repeats; all of them are in its
// properties.
constexpr size_t kMessageEvidence = 12;

// SARIF has three levels for problems; critical and high stop a gate.
std::string_view Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium: return "warning";
    case Severity::kLow:
    case Severity::kInfo: break;
  }
  return "note";
}

std::string_view Level(vigie::Level l) {
  switch (l) {
    case vigie::Level::kError: return "error";
    case vigie::Level::kWarning: return "warning";
    case vigie::Level::kInfo: break;
  }
  return "note";
}

// GitHub ranks security alerts by this score (CVSS-like, 0 to 10).
std::string_view SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "3.0";
    case Severity::kInfo: break;
  }
  return "0.0";
}

// A file path as a URI reference: relative paths stay relative (to the
// folder the scan ran in), absolute ones become file: URIs; bytes outside
// RFC 3986's unreserved set and '/' are percent-encoded.
std::string PathToUri(std::string_view path) {
  return (!path.empty() && path.front() == '/' ? "file://" : "") + PercentEncoded(path, "/");
}

// Stable across versions: a finding of the same rule about the same subject
// in the same app keeps its fingerprint, so code scanning tracks it rather
// than reopening it. Repeats of one (rule, subject) in an app (two secrets
// of one kind) are told apart by their order.
class Fingerprints {
 public:
  explicit Fingerprints(const ScanResult& r) : app_(AppName(r)) {}
  std::string Of(std::string_view kind, std::string_view rule, std::string_view subject) {
    std::string key;
    key.append(kind).append("\n").append(app_).append("\n").append(rule).append("\n").append(subject);
    const size_t repeat = seen_[key]++;
    if (repeat) key.append("\n").append(std::to_string(repeat));
    return Sha256Hex(ByteView(key));
  }

 private:
  std::string app_;
  std::map<std::string, size_t> seen_;
};

// Where in the package a finding's evidence is: the classes and methods of
// its SDK, or of its vendor's SDKs; the parts its secrets were read from;
// the manifest, for the app's own settings.
void LogicalLocations(JsonWriter& w, const ScanResult& r, const std::string& subject,
                      const std::vector<std::string>& evidence) {
  std::vector<std::pair<std::string, std::string_view>> names;  // (name, kind)
  if (subject == "app") names.emplace_back("AndroidManifest.xml", "resource");
  for (const Secret& secret : r.secrets)
    if (secret.kind == subject) names.emplace_back(secret.where, "module");
  for (const SdkFinding& sdk : r.sdks) {
    if (sdk.id != subject && sdk.vendor != subject) continue;
    for (const std::string& c : sdk.classes.examples) names.emplace_back(c, "type");
    // Call sites of the APIs the finding's evidence names.
    for (const DataAccess& access : sdk.data_access)
      for (const std::string& site : access.call_sites.examples) {
        const size_t arrow = site.find(" -> ");
        if (arrow == std::string::npos) continue;
        const std::string_view api = std::string_view(site).substr(arrow + 4);
        if (std::any_of(evidence.begin(), evidence.end(),
                        [&](const std::string& e) { return e.find(api) != std::string::npos; }))
          names.emplace_back(site.substr(0, arrow), "function");
      }
  }
  if (names.empty()) return;
  // A method with several call sites is one location (SARIF wants them unique).
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  w.Key("logicalLocations").BeginArray();
  for (const auto& [name, kind] : names)
    w.BeginObject().Field("fullyQualifiedName", name).Field("kind", kind).EndObject();
  w.EndArray();
}

void ArtifactLocation(JsonWriter& w, const ScanResult& r, size_t artifact) {
  w.Key("physicalLocation").BeginObject();
  w.Key("artifactLocation").BeginObject().Field("uri", PathToUri(r.file.path)).Field("index", artifact).EndObject();
  w.EndObject();
}

// A result's message, and its location: its input, and where in it the
// evidence about `subject` is.
void MessageAndLocations(JsonWriter& w, const ScanResult& r, size_t artifact, const std::string& text,
                         const std::string& subject, const std::vector<std::string>& evidence) {
  w.Key("message").BeginObject().Field("text", text).EndObject();
  w.Key("locations").BeginArray().BeginObject();
  ArtifactLocation(w, r, artifact);
  LogicalLocations(w, r, subject, evidence);
  w.EndObject().EndArray();
}

// `rule`: the finding's rule among those listed; a rule of another rules
// file is named by its id alone.
void FindingResult(JsonWriter& w, const ScanResult& r, size_t artifact, const Finding& f,
                   std::optional<size_t> rule, Fingerprints& prints) {
  std::string text = f.title + ".\n\n" + f.explanation;
  if (!f.evidence.empty()) text += "\n\nEvidence:";
  for (size_t i = 0; i < f.evidence.size() && i < kMessageEvidence; ++i) text += "\n- " + f.evidence[i];
  if (f.evidence.size() > kMessageEvidence) text += "\n- …";
  w.BeginObject().Field("ruleId", f.id);
  if (rule) w.Field("ruleIndex", *rule);
  w.Field("level", Level(f.severity));
  MessageAndLocations(w, r, artifact, text, f.subject, f.evidence);
  w.Key("partialFingerprints").BeginObject().Field("vigieFinding/v1", prints.Of("finding", f.id, f.subject));
  w.EndObject();
  w.Key("properties").BeginObject();
  w.Field("severity", SeverityName(f.severity)).Field("subject", f.subject).Field("evidence", f.evidence);
  w.EndObject().EndObject();
}

// A policy violation: an error, or a suppressed one (SARIF's own
// suppressions, which code scanning shows as dismissed) with its reason.
void PolicyResult(JsonWriter& w, const ScanResult& r, size_t artifact, const PolicyViolation& v, size_t rule,
                  Fingerprints& prints) {
  std::string text = "Policy: " + v.message + ".";
  if (!v.evidence.empty()) text += "\n\nEvidence:";
  for (const std::string& e : v.evidence) text += "\n- " + e;
  w.BeginObject().Field("ruleId", "policy/" + v.rule).Field("ruleIndex", rule).Field("level", "error");
  MessageAndLocations(w, r, artifact, text, v.subject, v.evidence);
  w.Key("partialFingerprints").BeginObject().Field("vigiePolicy/v1", prints.Of("policy", v.rule, v.subject));
  w.EndObject();
  if (!v.suppressed_by.empty()) {
    w.Key("suppressions").BeginArray();
    w.BeginObject().Field("kind", "external").Field("justification", v.suppressed_by).EndObject();
    w.EndArray();
  }
  w.Key("properties").BeginObject().Field("subject", v.subject).Field("evidence", v.evidence).EndObject();
  w.EndObject();
}

void DiagnosticResult(JsonWriter& w, const ScanResult& r, size_t artifact, const Diagnostic& d, size_t rule,
                      Fingerprints& prints) {
  w.BeginObject().Field("ruleId", ErrorCodeName(d.code)).Field("ruleIndex", rule).Field("level", Level(d.level));
  w.Key("message").BeginObject().Field("text", d.where + ": " + d.message).EndObject();
  w.Key("locations").BeginArray().BeginObject();
  ArtifactLocation(w, r, artifact);
  w.Key("logicalLocations").BeginArray().BeginObject().Field("fullyQualifiedName", d.where).Field("kind", "module");
  w.EndObject().EndArray();
  w.EndObject().EndArray();
  w.Key("partialFingerprints").BeginObject();
  w.Field("vigieDiagnostic/v1", prints.Of("diagnostic", ErrorCodeName(d.code), d.where)).EndObject();
  w.EndObject();
}

void Rule(JsonWriter& w, std::string_view id, std::string_view summary, std::string_view level,
          std::string_view security_severity, std::string_view tag) {
  w.BeginObject().Field("id", id);
  w.Key("shortDescription").BeginObject().Field("text", summary).EndObject();
  w.Key("fullDescription").BeginObject().Field("text", summary).EndObject();
  w.Key("help").BeginObject().Field("text", summary).EndObject();
  w.Key("defaultConfiguration").BeginObject().Field("level", level).EndObject();
  w.Key("properties").BeginObject();
  w.Key("tags").BeginArray().String(tag).EndArray();
  if (!security_severity.empty()) w.Field("security-severity", security_severity);
  w.EndObject().EndObject();
}

}  // namespace

std::string ToSarif(const std::vector<ScanResult>& results, const std::vector<SarifRule>& rules) {
  // Diagnostic codes are rules too, after the finding rules, in their
  // enumeration's order (kOk, the first, is none).
  std::vector<ErrorCode> codes;
#define VIGIE_CODE_ENTRY(e, name, doc) codes.push_back(ErrorCode::e);
  VIGIE_ERROR_CODES(VIGIE_CODE_ENTRY)
#undef VIGIE_CODE_ENTRY
  codes.erase(codes.begin());
  auto policy_index = [&](std::string_view rule) {
    size_t i = 0;
    while (i < std::size(kPolicyRules) && kPolicyRules[i].first != rule) ++i;
    return rules.size() + i;
  };
  auto code_index = [&](ErrorCode code) {
    return rules.size() + std::size(kPolicyRules) +
           static_cast<size_t>(std::find(codes.begin(), codes.end(), code) - codes.begin());
  };
  auto rule_index = [&](std::string_view id) -> std::optional<size_t> {
    for (size_t i = 0; i < rules.size(); ++i)
      if (rules[i].id == id) return i;
    return std::nullopt;
  };

  JsonWriter w(true);
  w.BeginObject().Field("version", "2.1.0").Field("$schema", kSarifSchema);
  w.Key("runs").BeginArray().BeginObject();
  w.Key("tool").BeginObject().Key("driver").BeginObject();
  w.Field("name", "Vigie").Field("semanticVersion", kVersion);
  w.Field("version", kBuildId[0] ? std::string(kVersion) + "+" + kBuildId : std::string(kVersion));
  w.Key("rules").BeginArray();
  for (const SarifRule& r : rules) Rule(w, r.id, r.summary, Level(r.severity), SecuritySeverity(r.severity), "privacy");
  for (const auto& [id, summary] : kPolicyRules) Rule(w, "policy/" + std::string(id), summary, "error", "", "policy");
  for (ErrorCode c : codes) Rule(w, ErrorCodeName(c), ErrorCodeDoc(c), "warning", "", "input");
  w.EndArray().EndObject().EndObject();

  w.Key("artifacts").BeginArray();
  for (const ScanResult& r : results) {
    w.BeginObject();
    w.Key("location").BeginObject().Field("uri", PathToUri(r.file.path)).EndObject();
    w.Field("length", r.file.size);
    if (!r.file.sha256.empty()) w.Key("hashes").BeginObject().Field("sha-256", r.file.sha256).EndObject();
    w.EndObject();
  }
  w.EndArray();

  w.Key("results").BeginArray();
  for (size_t a = 0; a < results.size(); ++a) {
    const ScanResult& r = results[a];
    Fingerprints prints(r);
    for (const Finding& f : r.findings) FindingResult(w, r, a, f, rule_index(f.id), prints);
    for (const PolicyViolation& v : r.policy.violations) PolicyResult(w, r, a, v, policy_index(v.rule), prints);
    for (const Diagnostic& d : r.diagnostics.items())
      if (d.code != ErrorCode::kOk) DiagnosticResult(w, r, a, d, code_index(d.code), prints);
  }
  w.EndArray();
  w.EndObject().EndArray().EndObject();
  return w.Take() + "\n";
}

}  // namespace vigie::report
