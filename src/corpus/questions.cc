// The named questions: SQL both backends run alike (no dialect functions,
// case folded with lower(), NULLs sorted last explicitly: SQLite puts them
// first, PostgreSQL last), and one answer worked out from the rows
// (history).
#include <algorithm>
#include <map>
#include <set>

#include "vigie/corpus/corpus.h"

namespace vigie::corpus {
namespace {

constexpr std::string_view kSdk = R"sql(
SELECT a.package, a.version_name, a.version_code, s.sdk_id, s.name AS sdk, s.vendor_id, s.confidence,
       s.classes, s.strings, s.basis, a.path, a.sha256
FROM sdks s JOIN apps a ON a.id = s.app_id
WHERE s.sdk_id = ? OR s.sdk_id = 'vigie:' || CAST(? AS TEXT) OR lower(s.name) = lower(?)
ORDER BY a.package IS NULL, a.package, a.version_code IS NULL, a.version_code, a.path)sql";

constexpr std::string_view kVendorCountry = R"sql(
SELECT a.package, a.version_name, a.version_code, r.vendor_id, r.name AS vendor, r.hq_country,
       c.country, r.via, r.data_broker, r.state_ties, r.sanctions, a.path, a.sha256
FROM recipient_countries c
JOIN recipients r ON r.app_id = c.app_id AND r.vendor_id = c.vendor_id
JOIN apps a ON a.id = c.app_id
WHERE c.country = upper(?)
ORDER BY a.package IS NULL, a.package, a.version_code IS NULL, a.version_code, a.path, r.vendor_id)sql";

constexpr std::string_view kFinding = R"sql(
SELECT a.package, a.version_name, a.version_code, f.rule_id, f.severity, f.subject, f.title, a.path, a.sha256
FROM findings f JOIN apps a ON a.id = f.app_id
WHERE f.rule_id = ?
ORDER BY f.severity_rank, a.package IS NULL, a.package, a.version_code IS NULL, a.version_code, a.path, f.subject)sql";

constexpr std::string_view kBrokerLocation = R"sql(
SELECT a.package, a.version_name, a.version_code, r.vendor_id, r.name AS vendor, r.hq_country, r.via,
       r.confidence, a.path, a.sha256
FROM recipients r
JOIN recipient_data d ON d.app_id = r.app_id AND d.vendor_id = r.vendor_id
JOIN apps a ON a.id = r.app_id
WHERE r.data_broker = 1 AND d.kind = 'location'
ORDER BY a.package IS NULL, a.package, a.version_code IS NULL, a.version_code, a.path, r.vendor_id)sql";

constexpr std::string_view kTopSdks = R"sql(
SELECT s.sdk_id, s.name AS sdk, s.vendor_id, s.category, COUNT(DISTINCT s.app_id) AS apps,
       SUM(CASE WHEN s.confidence = 'high' THEN 1 ELSE 0 END) AS high_confidence
FROM sdks s
GROUP BY s.sdk_id, s.name, s.vendor_id, s.category
ORDER BY apps DESC, s.sdk_id
LIMIT CAST(? AS INTEGER))sql";

constexpr std::string_view kFailures = R"sql(
SELECT a.path, a.status, d.level, d.code, d.location, d.message, a.sha256
FROM apps a JOIN diagnostics d ON d.app_id = a.id
WHERE a.status <> 'ok' AND d.level = 'error'
ORDER BY a.path)sql";

// Paths first: `vigie corpus query stale -f csv | cut -d, -f1` feeds
// `vigie corpus scan --rescan --features --files-from -`.
constexpr std::string_view kStale = R"sql(
SELECT a.path, a.package, a.version_code, a.kb_version, a.rematch_stale AS why
FROM apps a
WHERE a.rematch_stale IS NOT NULL
ORDER BY a.path)sql";

constexpr std::string_view kSummary = R"sql(
SELECT COUNT(*) AS apps,
       SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok,
       SUM(CASE WHEN status = 'partial' THEN 1 ELSE 0 END) AS partial,
       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
       COUNT(DISTINCT package) AS packages,
       (SELECT COUNT(*) FROM features) AS with_features,
       (SELECT COUNT(*) FROM sdks) AS sdk_findings,
       (SELECT COUNT(*) FROM findings) AS findings,
       MIN(scanned_at) AS first_scan, MAX(scanned_at) AS last_scan
FROM apps)sql";

constexpr std::string_view kVersions = R"sql(
SELECT a.id, a.version_code, a.version_name, a.scanned_at, a.sha256
FROM apps a WHERE a.package = ?
ORDER BY a.version_code IS NULL, a.version_code, a.scanned_at, a.sha256)sql";

constexpr std::string_view kVersionSdks = R"sql(
SELECT s.app_id, s.sdk_id, s.name FROM sdks s JOIN apps a ON a.id = s.app_id WHERE a.package = ?)sql";

const std::string& Cell(const std::optional<std::string>& c) {
  static const std::string kNull;
  return c ? *c : kNull;
}

// SDKs added and removed from one stored version of the package to the
// next, in version order; a version that changes nothing gets one row.
Result<store::Table> History(store::Store& store, const std::string& package) {
  auto versions = store.Query(kVersions, {package});
  if (!versions) return versions.error();
  auto sdks = store.Query(kVersionSdks, {package});
  if (!sdks) return sdks.error();
  std::map<std::string, std::map<std::string, std::string>> by_app;  // app id -> sdk id -> name
  for (const auto& row : sdks->rows) by_app[Cell(row[0])][Cell(row[1])] = Cell(row[2]);
  store::Table out;
  out.columns = {"version_code", "version_name", "change", "sdk_id", "sdk", "scanned_at", "sha256"};
  const std::map<std::string, std::string>* before = nullptr;
  for (const auto& v : versions->rows) {
    const auto& now = by_app[Cell(v[0])];
    auto add = [&](std::string change, const std::string& id, const std::string& name) {
      out.rows.push_back({v[1], v[2], std::move(change), id.empty() ? std::nullopt : std::optional(id),
                          name.empty() ? std::nullopt : std::optional(name), v[3], v[4]});
    };
    const size_t rows_before = out.rows.size();
    for (const auto& [id, name] : now)
      if (!before || !before->count(id)) add(before ? "added" : "present", id, name);
    if (before)
      for (const auto& [id, name] : *before)
        if (!now.count(id)) add("removed", id, name);
    if (out.rows.size() == rows_before) add(before ? "unchanged" : "none", "", "");
    before = &now;
  }
  return out;
}

Error UsageProblem(std::string message) { return MakeError(ErrorCode::kOk, 0, std::move(message)); }

}  // namespace

const std::vector<Question>& Questions() {
  static const std::vector<Question> kQuestions = {
      {"sdk", "NAME|ID", "apps with the SDK, by its id (vigie:appsflyer, exodus:12) or name"},
      {"vendor-country", "CC", "apps sending data to a vendor with ties to the country (ISO code)"},
      {"finding", "RULE_ID", "apps with the finding (data/rules.json ids)"},
      {"broker-location", "", "apps whose SDKs can send location to a data broker"},
      {"history", "PACKAGE", "SDKs added and removed across the stored versions of a package"},
      {"top-sdks", "[N]", "the N SDKs found in most apps (20 by default)"},
      {"failures", "", "apps read in part or not at all, with their errors"},
      {"stale", "", "apps whose last rematch could not stand in for a rescan, and why"},
      {"summary", "", "how many apps, packages, apps with features, SDK findings and findings are stored"},
  };
  return kQuestions;
}

Result<store::Table> Ask(store::Store& store, std::string_view name, const std::vector<std::string>& args) {
  const auto& all = Questions();
  const auto q = std::find_if(all.begin(), all.end(), [&](const Question& q) { return q.name == name; });
  if (q == all.end()) {
    std::string known;
    for (const auto& k : all) known += (known.empty() ? "" : ", ") + std::string(k.name);
    return UsageProblem("unknown question '" + std::string(name) + "' (known: " + known + ")");
  }
  const bool required = !q->argument.empty() && q->argument.front() != '[';
  const size_t most = q->argument.empty() ? 0 : 1;
  if (args.size() > most || (required && args.empty()))
    return UsageProblem("question '" + std::string(name) + "' takes " +
                        (q->argument.empty() ? std::string("no argument") : std::string(q->argument)));
  const std::string arg = args.empty() ? "" : args[0];
  if (name == "sdk") return store.Query(kSdk, {arg, arg, arg});
  if (name == "vendor-country") return store.Query(kVendorCountry, {arg});
  if (name == "finding") return store.Query(kFinding, {arg});
  if (name == "broker-location") return store.Query(kBrokerLocation);
  if (name == "history") return History(store, arg);
  if (name == "top-sdks") {
    if (!arg.empty() && (arg.size() > 9 || arg.find_first_not_of("0123456789") != std::string::npos))
      return UsageProblem("top-sdks takes a number, got '" + arg + "'");
    return store.Query(kTopSdks, {arg.empty() ? "20" : arg});
  }
  if (name == "failures") return store.Query(kFailures);
  if (name == "stale") return store.Query(kStale);
  return store.Query(kSummary);
}

}  // namespace vigie::corpus
