// The store over either backend: an app becomes one row of `apps` and rows
// of the child tables, written in one transaction with multi-row INSERTs
// (a few statements per app, not one per row: PostgreSQL answers each over
// the network).
#include "vigie/store/store.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#endif
#include <xxhash.h>

#include "connection.h"
#include "schema.h"
#include "vigie/base/utf8.h"

namespace vigie::store {
namespace {

// Parameters per INSERT statement, within both SQLite's (32766) and
// PostgreSQL's (65535) caps.
constexpr size_t kMaxParamsPerStatement = 4000;

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

Value TextOrNull(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
Value Flag(bool b) { return int64_t{b ? 1 : 0}; }
Value Count(uint64_t n) { return static_cast<int64_t>(std::min<uint64_t>(n, INT64_MAX)); }

bool Has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Text as both backends store it alike: well-formed UTF-8 without NUL
// (PostgreSQL refuses anything else, and libpq would cut at a NUL).
void MakeStorable(std::vector<Value>& values) {
  for (Value& v : values)
    if (auto* s = std::get_if<std::string>(&v); s && !IsCleanUtf8(*s)) *s = CleanUtf8(*s);
}

// The rows of one child table for one app, written as few INSERTs.
class Rows {
 public:
  Rows(std::string_view table, std::vector<std::string_view> columns) : table_(table), columns_(std::move(columns)) {}

  void Add(std::vector<Value> row) {
    MakeStorable(row);
    values_.insert(values_.end(), std::make_move_iterator(row.begin()), std::make_move_iterator(row.end()));
  }

  std::string_view table() const { return table_; }
  const std::vector<Value>& values() const { return values_; }

  Status Write(Connection& c, int64_t app_id) {
    const size_t width = columns_.size() + 1;  // app_id first.
    const size_t rows = values_.size() / columns_.size();
    const size_t per_statement = std::max<size_t>(1, kMaxParamsPerStatement / width);
    for (size_t first = 0; first < rows; first += per_statement) {
      const size_t n = std::min(per_statement, rows - first);
      std::string sql = "INSERT INTO " + std::string(table_) + " (app_id";
      for (auto col : columns_) sql.append(", ").append(col);
      sql += ") VALUES ";
      std::vector<Value> params;
      params.reserve(n * width);
      for (size_t r = 0; r < n; ++r) {
        sql += r ? ", (?" : "(?";
        for (size_t k = 1; k < width; ++k) sql += ", ?";
        sql += ')';
        params.emplace_back(app_id);
        for (size_t k = 0; k < columns_.size(); ++k) params.push_back(values_[(first + r) * columns_.size() + k]);
      }
      if (auto r = c.Run(sql, params); !r) return r.error();
    }
    return std::nullopt;
  }

 private:
  std::string_view table_;
  std::vector<std::string_view> columns_;
  std::vector<Value> values_;
};

// Whether app `a` is stored whole: with its features of the format bound
// to the one parameter, or failed, with none to keep (Stored::kWithFeatures).
constexpr std::string_view kComplete =
    "(a.status = 'failed' OR EXISTS (SELECT 1 FROM features f WHERE f.app_id = a.id AND f.format = ?))";

// The tables a rematch rewrites.
constexpr std::string_view kVerdictTables[] = {"sdks",      "sdk_evidence",        "data_access",
                                               "recipients", "recipient_countries", "recipient_data",
                                               "findings",   "endpoints",           "secrets"};

// The rows of `app`'s verdicts: what knowledge decides (kVerdictTables).
std::vector<Rows> VerdictRows(const ScanResult& app) {
  Rows sdks("sdks", {"sdk_id", "name", "vendor_id", "category", "categories", "confidence", "basis", "source",
                     "classes", "renamed_classes", "strings", "shared_strings", "manifest", "permissions",
                     "structure_profile", "structure_similarity"});
  Rows evidence("sdk_evidence", {"sdk_id", "kind", "example"});
  Rows access("data_access",
              {"sdk_id", "kind", "usable", "apis", "call_sites", "location_precision", "background"});
  for (const SdkFinding& f : app.sdks) {
    sdks.Add({f.id, f.name, TextOrNull(f.vendor), f.categories.empty() ? Value{} : Value{f.categories[0]},
              Join(f.categories, ","), Text(ConfidenceName(f.confidence)), f.basis, f.source, Count(f.classes.count),
              Count(f.renamed_classes.count), Count(f.strings.count), Count(f.shared_strings.count),
              Count(f.manifest.count), Count(f.permissions.count),
              f.structure ? Value{f.structure->profile} : Value{},
              f.structure ? Value{f.structure->similarity} : Value{}});
    const std::pair<const char*, const EvidenceList*> lists[] = {
        {"class", &f.classes},        {"renamed_class", &f.renamed_classes}, {"string", &f.strings},
        {"shared_string", &f.shared_strings}, {"manifest", &f.manifest}, {"permission", &f.permissions}};
    for (const auto& [kind, list] : lists)
      for (const auto& example : list->examples) evidence.Add({f.id, Text(kind), example});
    for (const DataAccess& d : f.data_access) {
      access.Add({f.id, d.kind, Flag(d.usable), Join(d.apis, ", "), Count(d.call_sites.count),
                  TextOrNull(d.precision), Flag(d.background)});
      for (const auto& site : d.call_sites.examples) evidence.Add({f.id, Text("call_site"), site});
    }
  }

  Rows recipients("recipients", {"vendor_id", "name", "parent", "ultimate_parent", "hq_country", "confidence",
                                 "data_broker", "state_ties", "sanctions", "via"});
  Rows countries("recipient_countries", {"vendor_id", "country"});
  Rows data("recipient_data", {"vendor_id", "kind"});
  for (const Recipient& r : app.recipients) {
    recipients.Add({r.vendor_id, r.name, TextOrNull(r.parent), TextOrNull(r.ultimate_parent), TextOrNull(r.hq_country),
                    Text(ConfidenceName(r.confidence)),
                    Flag(Has(r.flags, "data_broker")), Flag(Has(r.flags, "state_ties")),
                    Flag(Has(r.flags, "sanctions")), Join(r.via, ", ")});
    for (const auto& country : r.countries) countries.Add({r.vendor_id, country});
    for (const auto& kind : r.data_kinds) data.Add({r.vendor_id, kind});
  }

  Rows findings("findings",
                {"rule_id", "severity", "severity_rank", "title", "subject", "explanation", "evidence"});
  for (const Finding& f : app.findings)
    findings.Add({f.id, Text(SeverityName(f.severity)), int64_t{static_cast<int>(f.severity)}, f.title, f.subject,
                  f.explanation, Join(f.evidence, "\n")});

  Rows endpoints("endpoints", {"url", "host", "sdk_id", "owner", "owner_country", "locations"});
  for (const Endpoint& e : app.endpoints)
    endpoints.Add({e.url, e.host, TextOrNull(e.sdk), TextOrNull(e.owner), TextOrNull(e.owner_country),
                   Join(e.where, ", ")});

  Rows secrets("secrets", {"kind", "redacted_value", "location", "severity", "role"});
  for (const Secret& s : app.secrets)
    secrets.Add({s.kind, s.value, s.where, Text(SeverityName(s.severity)), s.role});

  std::vector<Rows> all;
  for (Rows* r : {&sdks, &evidence, &access, &recipients, &countries, &data, &findings, &endpoints, &secrets})
    all.push_back(std::move(*r));
  return all;
}

// The rows of what the package itself says: manifest and diagnostics.
std::vector<Rows> PackageRows(const ScanResult& app) {
  Rows permissions("permissions", {"name", "permission_group", "protection", "max_sdk"});
  for (const UsesPermission& p : app.manifest.permissions)
    permissions.Add({p.name, p.what.group, p.what.protection, OrNull(p.max_sdk)});

  Rows components("components", {"kind", "name", "exported", "permission"});
  for (const Component& c : app.manifest.components)
    components.Add({Text(ComponentKindName(c.kind)), c.name, Flag(c.exported), OrNull(c.permission)});

  Rows diagnostics("diagnostics", {"level", "code", "location", "message"});
  for (const Diagnostic& d : app.diagnostics.items())
    diagnostics.Add({Text(LevelName(d.level)), Text(ErrorCodeName(d.code)), d.where, d.message});

  std::vector<Rows> all;
  for (Rows* r : {&permissions, &components, &diagnostics}) all.push_back(std::move(*r));
  return all;
}

// A digest of verdict rows and the signatures they were made with: a
// rematch rewrites an app only when it changes.
std::string VerdictsDigest(const std::vector<Rows>& rows, const std::string& signatures) {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  auto add = [&](const void* p, size_t n) { XXH3_128bits_update(&state, p, n); };
  auto add_text = [&](std::string_view s) {
    const uint64_t n = s.size();
    add(&n, sizeof n);
    add(s.data(), s.size());
  };
  add_text(signatures);
  for (const Rows& r : rows) {
    add_text(r.table());
    const uint64_t n = r.values().size();
    add(&n, sizeof n);
    for (const Value& v : r.values()) {
      const uint8_t tag = static_cast<uint8_t>(v.index());
      add(&tag, 1);
      if (const auto* i = std::get_if<int64_t>(&v)) add(i, sizeof *i);
      else if (const auto* d = std::get_if<double>(&v)) add(d, sizeof *d);
      else if (const auto* t = std::get_if<std::string>(&v)) add_text(*t);
    }
  }
  const XXH128_hash_t h = XXH3_128bits_digest(&state);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return hex;
}

std::vector<Value> AppRow(const ScanResult& app, const ScanProvenance& p) {
  const AppIdentity& id = app.manifest.identity;
  auto level = [](const std::optional<SdkLevel>& l) { return l && l->number ? Value{int64_t{*l->number}} : Value{}; };
  std::vector<Value> row = {app.file.sha256,
          app.file.path,
          Text(PackageKindName(app.file.kind)),
          Count(app.file.size),
          Text(ScanStatusName(app.status)),
          OrNull(id.package),
          OrNull(id.version_code),
          OrNull(id.version_name),
          OrNull(id.label),
          level(id.min_sdk),
          level(id.target_sdk),
          Count(app.code.dex.size()),
          Count(app.code.class_count),
          p.scanned_at,
          p.scan_seconds,
          p.vigie_version,
          p.kb_version,
          Join(app.signature_sources, "; ")};
  MakeStorable(row);
  return row;
}

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Connection> c, int version) : c_(std::move(c)), version_(version) {}

  std::string_view backend() const override { return c_->backend(); }
  int schema_version() const override { return version_; }

  Result<Stored> Lookup(const std::string& sha256, int features_format) override {
    auto r = c_->Run("SELECT CASE WHEN " + std::string(kComplete) + " THEN 1 ELSE 0 END FROM apps a WHERE a.sha256 = ?",
                     {int64_t{features_format}, sha256});
    if (!r) return r.error();
    if (r->rows.empty()) return Stored::kAbsent;
    return r->rows[0][0] == "1" ? Stored::kWithFeatures : Stored::kResults;
  }

  Result<size_t> CountWithoutFeatures(int features_format) override {
    auto r = c_->Run("SELECT COUNT(*) FROM apps a WHERE NOT " + std::string(kComplete), {int64_t{features_format}});
    if (!r) return r.error();
    return r->rows.empty() || !r->rows[0][0] ? 0 : std::stoull(*r->rows[0][0]);
  }

  Result<PutOutcome> Put(const ScanResult& app, const ScanProvenance& provenance, bool replace,
                         FeaturesBlob features) override {
    if (app.file.sha256.empty()) return StoreError(app.file.path + ": an app is stored by its SHA-256, and has none");
    if (lost_) return *lost_;
    if (grouped_) return PutInGroup(app, provenance, replace, features);
    if (auto e = c_->BeginWrite()) return *e;
    auto outcome = Write(app, provenance, replace, features);
    if (!outcome) {
      (void)c_->Exec("ROLLBACK");
      return outcome.error();
    }
    if (*outcome == PutOutcome::kAlreadyStored) {
      if (auto e = c_->Exec("ROLLBACK")) return *e;
      return outcome;
    }
    if (auto e = c_->Exec("COMMIT")) {
      (void)c_->Exec("ROLLBACK");
      return *e;
    }
    return outcome;
  }

  std::optional<Error> BeginGroup() override {
    if (lost_) return lost_;
    if (grouped_) return std::nullopt;
    if (auto e = c_->BeginWrite()) return e;
    grouped_ = true;
    return std::nullopt;
  }

  std::optional<Error> CommitGroup() override {
    if (lost_) return lost_;
    if (!grouped_) return std::nullopt;
    grouped_ = false;
    if (auto e = c_->Exec("COMMIT")) return Lose(*e);
    return std::nullopt;
  }

  std::optional<Error> QueryEach(std::string_view sql, const std::vector<std::string>& params,
                                 RowSink& sink) override {
    if (auto e = c_->BeginReadOnly()) return e;
    std::vector<Value> values(params.begin(), params.end());
    Status failed = c_->Stream(sql, values, sink);
    Status ended = c_->EndReadOnly();
    return failed ? failed : ended;
  }

 private:
  // One app of the open group, under a savepoint of its own: an app the
  // database refuses leaves the group's other apps as they are.
  Result<PutOutcome> PutInGroup(const ScanResult& app, const ScanProvenance& provenance, bool replace,
                                FeaturesBlob features) {
    if (auto e = c_->Exec("SAVEPOINT app")) return Lose(*e);
    auto outcome = Write(app, provenance, replace, features);
    if (!outcome || *outcome == PutOutcome::kAlreadyStored) {
      // Some failures (a full disk, I/O) end the whole transaction: the
      // group's apps are then lost, and the caller must know.
      if (auto e = c_->Exec("ROLLBACK TO app")) return Lose(*e);
    }
    if (auto e = c_->Exec("RELEASE app")) return Lose(*e);
    return outcome;
  }

  // The group's transaction is gone, and with it the apps it held.
  Error Lose(const Error& e) {
    (void)c_->Exec("ROLLBACK");
    grouped_ = false;
    lost_ = StoreError("the transaction holding the last apps stored was lost: " + e.message);
    return *lost_;
  }

  Result<PutOutcome> Write(const ScanResult& app, const ScanProvenance& provenance, bool replace,
                           FeaturesBlob features) {
    bool replaced = false;
    if (replace) {
      auto gone = c_->Run("DELETE FROM apps WHERE sha256 = ? RETURNING id", {app.file.sha256});
      if (!gone) return gone.error();
      replaced = !gone->rows.empty();
    }
    std::vector<Rows> verdicts = VerdictRows(app);
    std::vector<Value> row = AppRow(app, provenance);
    row.push_back(VerdictsDigest(verdicts, std::get<std::string>(row.back())));
    auto inserted = c_->Run(
        "INSERT INTO apps (sha256, path, kind, size, status, package, version_code, version_name, label, min_sdk, "
        "target_sdk, dex_count, class_count, scanned_at, scan_seconds, vigie_version, kb_version, signatures, "
        "verdicts_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (sha256) DO NOTHING RETURNING id",
        row);
    if (!inserted) return inserted.error();
    if (inserted->rows.empty() || !inserted->rows[0][0]) return PutOutcome::kAlreadyStored;
    const int64_t app_id = std::stoll(*inserted->rows[0][0]);
    for (Rows& rows : PackageRows(app))
      if (auto e = rows.Write(*c_, app_id)) return *e;
    for (Rows& rows : verdicts)
      if (auto e = rows.Write(*c_, app_id)) return *e;
    if (!features.data.empty())
      if (auto r = c_->Run("INSERT INTO features (app_id, format, data) VALUES (?, ?, ?)",
                           {app_id, int64_t{features.format}, Blob{std::string(features.data)}});
          !r)
        return r.error();
    return replaced ? PutOutcome::kReplaced : PutOutcome::kStored;
  }

  Result<std::vector<StoredFeatures>> FeaturesAfter(int64_t after_id, size_t limit, int format,
                                                    size_t max_bytes) override {
    // Rows past the budget are let go as they come, so a batch of huge apps
    // never sits in memory whole.
    class Sink final : public RowSink {
     public:
      Sink(const Connection& c, size_t max_bytes) : c_(c), left_(max_bytes) {}
      void Columns(const std::vector<std::string>&) override {}
      void Add(Row row) override {
        if (full_) return;
        StoredFeatures f;
        f.app_id = std::stoll(row[0].value_or("0"));
        f.path = row[1].value_or("");
        f.verdicts_digest = row[2].value_or("");
        f.data = c_.BlobFromCell(std::move(row[3]).value_or(""));
        full_ = f.data.size() >= left_;
        left_ -= std::min(left_, f.data.size());
        out.push_back(std::move(f));
      }
      std::vector<StoredFeatures> out;

     private:
      const Connection& c_;
      size_t left_;
      bool full_ = false;
    } sink(*c_, max_bytes);
    if (auto e = c_->Stream(
            "SELECT a.id, a.path, a.verdicts_digest, f.data FROM apps a JOIN features f ON f.app_id = a.id "
            "WHERE a.id > ? AND f.format = ? ORDER BY a.id LIMIT ?",
            {after_id, int64_t{format}, static_cast<int64_t>(limit)}, sink))
      return *e;
    return std::move(sink.out);
  }

  Result<size_t> Rewrite(const std::vector<Reverdict>& apps, const std::string& kb_version) override {
    if (auto e = c_->BeginWrite()) return *e;
    auto changed = RewriteAll(apps, kb_version);
    if (!changed) {
      (void)c_->Exec("ROLLBACK");
      return changed;
    }
    if (auto e = c_->Exec("COMMIT")) {
      (void)c_->Exec("ROLLBACK");
      return *e;
    }
    return changed;
  }

  Result<size_t> RewriteAll(const std::vector<Reverdict>& apps, const std::string& kb_version) {
    const std::string now = UtcTimestamp();
    size_t changed = 0;
    for (const Reverdict& app : apps) {
      std::vector<Rows> rows = VerdictRows(*app.verdicts);
      std::string signatures = Join(app.verdicts->signature_sources, "; ");
      if (!IsCleanUtf8(signatures)) signatures = CleanUtf8(signatures);
      const std::string digest = VerdictsDigest(rows, signatures);
      if (digest != app.verdicts_digest) {
        ++changed;
        for (std::string_view table : kVerdictTables)
          if (auto r = c_->Run("DELETE FROM " + std::string(table) + " WHERE app_id = ?", {app.app_id}); !r)
            return r.error();
        for (Rows& r : rows)
          if (auto e = r.Write(*c_, app.app_id)) return *e;
      }
      auto updated = c_->Run(
          "UPDATE apps SET kb_version = ?, signatures = ?, verdicts_digest = ?, rematched_at = ?, rematch_stale = ? "
          "WHERE id = ?",
          {kb_version, signatures, digest, now, TextOrNull(app.stale), app.app_id});
      if (!updated) return updated.error();
    }
    return changed;
  }

  std::unique_ptr<Connection> c_;
  int version_;
  bool grouped_ = false;       // A group's transaction is open.
  std::optional<Error> lost_;  // Why a group's transaction was lost.
};

}  // namespace

std::string UtcTimestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

StoreUrl StoreUrl::Parse(std::string_view url) {
  StoreUrl u;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    u.backend = Backend::kPostgres;
    u.target = url;
  } else if (url.starts_with("postgresql:")) {
    u.backend = Backend::kPostgres;
    u.target = url.substr(11);
  } else {
    u.target = url.starts_with("sqlite:") ? url.substr(7) : url;
  }
  return u;
}

std::string StoreUrl::Display() const {
  if (backend == Backend::kSqlite) return target;
  std::string shown = target;
  // URI form: postgresql://user:password@host/db.
  if (const size_t scheme = shown.find("://"); scheme != std::string::npos) {
    const size_t at = shown.find('@', scheme);
    const size_t colon = shown.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      shown.replace(colon + 1, at - colon - 1, "***");
    return shown;
  }
  // key=value form: password=...
  if (const size_t key = shown.find("password="); key != std::string::npos) {
    const size_t end = shown.find(' ', key);
    shown.replace(key + 9, (end == std::string::npos ? shown.size() : end) - key - 9, "***");
  }
  return "postgresql:" + shown;
}

Store::~Store() = default;

Result<Table> Store::Query(std::string_view sql, const std::vector<std::string>& params) {
  TableSink sink;
  if (auto e = QueryEach(sql, params, sink)) return *e;
  return std::move(sink.table);
}

Result<std::unique_ptr<Store>> Store::Open(const StoreUrl& url) {
  auto c = url.backend == StoreUrl::Backend::kPostgres ? OpenPostgres(url.target) : OpenSqlite(url.target);
  if (!c) return c.error();
  auto version = Migrate(**c);
  if (!version) return version.error();
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(*c), *version));
}

}  // namespace vigie::store
