// The corpus schema, as numbered migrations: a database is brought from
// whatever version it has to the current one, each step in one
// transaction, and docs/corpus.md describes the result. A migration, once
// released, never changes: a new column or table is a new migration.
#include "schema.h"

#include <array>

namespace vigie::store {
namespace {

struct Migration {
  int version;
  std::string_view description;
  // {id}: the dialect's auto-numbered primary key; {blob}: its binary type.
  std::string_view sql;
};

// Child tables of apps are deleted with their app (a rescan replaces it).
// Names used by both dialects' SQL keywords ("where", "group") are avoided.
constexpr std::array kMigrations = {
    Migration{1, "apps and everything a scan finds in them", R"sql(
CREATE TABLE apps (
  id {id},
  sha256 TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  size BIGINT NOT NULL,
  status TEXT NOT NULL,
  package TEXT,
  version_code BIGINT,
  version_name TEXT,
  label TEXT,
  min_sdk INTEGER,
  target_sdk INTEGER,
  dex_count INTEGER NOT NULL,
  class_count BIGINT NOT NULL,
  scanned_at TEXT NOT NULL,
  scan_seconds DOUBLE PRECISION NOT NULL,
  vigie_version TEXT NOT NULL,
  kb_version TEXT NOT NULL,
  signatures TEXT NOT NULL
);
CREATE INDEX apps_package ON apps (package, version_code);

CREATE TABLE permissions (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  permission_group TEXT NOT NULL,
  protection TEXT NOT NULL,
  max_sdk INTEGER
);
CREATE INDEX permissions_app ON permissions (app_id);
CREATE INDEX permissions_name ON permissions (name);

CREATE TABLE components (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  exported SMALLINT NOT NULL,
  permission TEXT
);
CREATE INDEX components_app ON components (app_id);

CREATE TABLE sdks (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  sdk_id TEXT NOT NULL,
  name TEXT NOT NULL,
  vendor_id TEXT,
  category TEXT,
  categories TEXT NOT NULL,
  confidence TEXT NOT NULL,
  basis TEXT NOT NULL,
  source TEXT NOT NULL,
  classes BIGINT NOT NULL,
  renamed_classes BIGINT NOT NULL,
  strings BIGINT NOT NULL,
  shared_strings BIGINT NOT NULL,
  manifest BIGINT NOT NULL,
  permissions BIGINT NOT NULL,
  structure_profile TEXT,
  structure_similarity DOUBLE PRECISION
);
CREATE INDEX sdks_app ON sdks (app_id);
CREATE INDEX sdks_sdk ON sdks (sdk_id);

CREATE TABLE sdk_evidence (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  sdk_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  example TEXT NOT NULL
);
CREATE INDEX sdk_evidence_app ON sdk_evidence (app_id);

CREATE TABLE data_access (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  sdk_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  usable SMALLINT NOT NULL,
  apis TEXT NOT NULL,
  call_sites BIGINT NOT NULL,
  location_precision TEXT,
  background SMALLINT NOT NULL
);
CREATE INDEX data_access_app ON data_access (app_id);

CREATE TABLE recipients (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  vendor_id TEXT NOT NULL,
  name TEXT NOT NULL,
  parent TEXT,
  ultimate_parent TEXT,
  hq_country TEXT,
  confidence TEXT NOT NULL,
  data_broker SMALLINT NOT NULL,
  state_ties SMALLINT NOT NULL,
  sanctions SMALLINT NOT NULL,
  via TEXT NOT NULL
);
CREATE INDEX recipients_app ON recipients (app_id);
CREATE INDEX recipients_vendor ON recipients (vendor_id);

CREATE TABLE recipient_countries (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  vendor_id TEXT NOT NULL,
  country TEXT NOT NULL
);
CREATE INDEX recipient_countries_app ON recipient_countries (app_id);
CREATE INDEX recipient_countries_country ON recipient_countries (country);

CREATE TABLE recipient_data (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  vendor_id TEXT NOT NULL,
  kind TEXT NOT NULL
);
CREATE INDEX recipient_data_app ON recipient_data (app_id);

CREATE TABLE findings (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank SMALLINT NOT NULL,
  title TEXT NOT NULL,
  subject TEXT NOT NULL,
  explanation TEXT NOT NULL,
  evidence TEXT NOT NULL
);
CREATE INDEX findings_app ON findings (app_id);
CREATE INDEX findings_rule ON findings (rule_id);

CREATE TABLE endpoints (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  sdk_id TEXT,
  owner TEXT,
  owner_country TEXT,
  locations TEXT NOT NULL
);
CREATE INDEX endpoints_app ON endpoints (app_id);
CREATE INDEX endpoints_host ON endpoints (host);

CREATE TABLE secrets (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  redacted_value TEXT NOT NULL,
  location TEXT NOT NULL,
  severity TEXT NOT NULL,
  role TEXT NOT NULL
);
CREATE INDEX secrets_app ON secrets (app_id);

CREATE TABLE diagnostics (
  app_id BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  level TEXT NOT NULL,
  code TEXT NOT NULL,
  location TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX diagnostics_app ON diagnostics (app_id);
)sql"},
    Migration{2, "features kept for rematch, and what the last rematch wrote", R"sql(
CREATE TABLE features (
  app_id BIGINT PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  format INTEGER NOT NULL,
  data {blob} NOT NULL
);
ALTER TABLE apps ADD COLUMN verdicts_digest TEXT;
ALTER TABLE apps ADD COLUMN rematched_at TEXT;
ALTER TABLE apps ADD COLUMN rematch_stale TEXT;
)sql"},
};

std::string Substitute(std::string_view sql, const Connection& c) {
  std::string out;
  for (size_t i = 0; i < sql.size();) {
    if (sql.substr(i, 4) == "{id}") {
      out += c.IdColumnType();
      i += 4;
    } else if (sql.substr(i, 6) == "{blob}") {
      out += c.BlobColumnType();
      i += 6;
    } else {
      out += sql[i++];
    }
  }
  return out;
}

Result<int> AppliedVersion(Connection& c) {
  auto r = c.Run("SELECT MAX(version) FROM schema_migrations");
  if (!r) return r.error();
  if (r->rows.empty() || !r->rows[0][0]) return 0;
  return std::stoi(*r->rows[0][0]);
}

}  // namespace

int CurrentSchemaVersion() { return kMigrations.back().version; }

Result<int> Migrate(Connection& c) {
  if (auto e = c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                      "description TEXT NOT NULL, applied_at TEXT NOT NULL)"))
    return *e;
  // Most opens find the schema current, and take no write lock.
  auto version = AppliedVersion(c);
  if (!version) return version.error();
  if (*version == CurrentSchemaVersion()) return *version;
  if (auto e = c.BeginWrite()) return *e;
  auto rollback = [&](Error e) -> Error {
    (void)c.Exec("ROLLBACK");
    return e;
  };
  if (auto e = c.LockSchema()) return rollback(*e);
  version = AppliedVersion(c);  // Another writer may have migrated meanwhile.
  if (!version) return rollback(version.error());
  if (*version > CurrentSchemaVersion())
    return rollback(MakeError(ErrorCode::kStoreSchema, 0,
                              "the database has schema version " + std::to_string(*version) +
                                  ", this Vigie knows versions up to " + std::to_string(CurrentSchemaVersion()) +
                                  ": use a newer Vigie"));
  for (const Migration& m : kMigrations) {
    if (m.version <= *version) continue;
    if (auto e = c.Exec(Substitute(m.sql, c)))
      return rollback(StoreError("migration to schema " + std::to_string(m.version) + " failed: " + e->message));
    auto recorded = c.Run("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                          {int64_t{m.version}, Text(m.description), Text(UtcTimestamp())});
    if (!recorded) return rollback(recorded.error());
  }
  if (auto e = c.Exec("COMMIT")) return rollback(*e);
  return CurrentSchemaVersion();
}

}  // namespace vigie::store
