// The JSON report (docs/json-schema.md), written in one pass with
// JsonWriter. Members appear in the order the schema documents.
#include "vigie/report/json_writer.h"
#include "vigie/report/report.h"
#include "vigie/base/version.h"

namespace vigie::report {
namespace {

std::optional<std::string> LevelText(const std::optional<SdkLevel>& level) {
  if (!level) return std::nullopt;
  return level->text;
}

void WriteMetaData(JsonWriter& w, std::string_view key, const std::vector<MetaData>& items) {
  w.Key(key).BeginArray();
  for (const auto& m : items)
    w.BeginObject().Field("name", m.name).Field("value", m.value).Field("resource", m.is_resource).EndObject();
  w.EndArray();
}

void WriteEvidence(JsonWriter& w, std::string_view key, const EvidenceList& e) {
  w.Key(key).BeginObject().Field("count", e.count).Field("examples", e.examples).EndObject();
}

void WriteComponent(JsonWriter& w, const Component& c) {
  w.BeginObject();
  w.Field("kind", ComponentKindName(c.kind));
  w.Field("name", c.name);
  w.Field("exported", c.exported);
  w.Field("exported_explicit", c.exported_explicit);
  w.Field("enabled", c.enabled);
  w.Field("permission", c.permission);
  if (c.kind == ComponentKind::kProvider) {
    w.Field("authorities", c.authorities);
    w.Field("read_permission", c.read_permission);
    w.Field("write_permission", c.write_permission);
  }
  if (c.kind == ComponentKind::kActivityAlias) w.Field("target_activity", c.target_activity);
  if (c.process) w.Field("process", *c.process);
  w.Key("intent_filters").BeginArray();
  for (const auto& f : c.intent_filters)
    w.BeginObject().Field("actions", f.actions).Field("categories", f.categories).Field("data", f.data).EndObject();
  w.EndArray();
  WriteMetaData(w, "meta_data", c.meta_data);
  w.EndObject();
}

// The vendor as the vendor KB knows it; null when the database names no
// vendor (Exodus entries). Unknown facts are null.
void WriteVendor(JsonWriter& w, const SdkFinding& f) {
  w.Key("vendor");
  if (f.vendor.empty()) {
    w.Null();
    return;
  }
  static const Vendor kUnknown;
  const Vendor& v = f.vendor_info ? *f.vendor_info : kUnknown;
  w.BeginObject().Field("id", f.vendor);
  w.StringOrNull("name", v.name).StringOrNull("parent", v.parent).StringOrNull("ultimate_parent", v.ultimate_parent);
  w.StringOrNull("hq_country", v.hq_country);
  w.Key("jurisdictions").BeginArray();
  for (const auto& t : v.jurisdictions) w.BeginObject().Field("country", t.country).Field("ties", t.ties).EndObject();
  w.EndArray();
  w.Field("flags", v.flags);
  w.Key("incidents").BeginArray();
  for (const auto& in : v.incidents)
    w.BeginObject().Field("date", in.date).Field("summary", in.summary).Field("source", in.source).EndObject();
  w.EndArray();
  w.Field("sources", v.sources);
  w.EndObject();
}

void WriteSdk(JsonWriter& w, const SdkFinding& f) {
  w.BeginObject().Field("id", f.id).Field("name", f.name);
  WriteVendor(w, f);
  w.Field("categories", f.categories).Key("exodus_ids").BeginArray();
  for (int id : f.exodus_ids) w.Number(id);
  w.EndArray().Field("source", f.source);
  w.Field("confidence", ConfidenceName(f.confidence)).Field("basis", f.basis);
  w.Key("evidence").BeginObject();
  WriteEvidence(w, "classes", f.classes);
  WriteEvidence(w, "renamed_classes", f.renamed_classes);
  WriteEvidence(w, "strings", f.strings);
  WriteEvidence(w, "shared_strings", f.shared_strings);
  WriteEvidence(w, "manifest", f.manifest);
  WriteEvidence(w, "permissions", f.permissions);
  w.EndObject();
  w.Key("structure");
  if (f.structure) {
    w.BeginObject().Field("profile", f.structure->profile);
    w.Key("similarity").Fraction(f.structure->similarity);
    w.Key("classes").Number(f.structure->classes).Key("profile_classes").Number(f.structure->profile_classes);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("data_access").BeginArray();
  for (const auto& d : f.data_access) {
    w.BeginObject().Field("kind", d.kind).Field("apis", d.apis);
    WriteEvidence(w, "call_sites", d.call_sites);
    w.Field("permissions", d.permissions).Field("held", d.held).Field("usable", d.usable);
    if (d.kind == "location") w.StringOrNull("precision", d.precision).Field("background", d.background);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteManifest(JsonWriter& w, const Manifest& m) {
  const AppIdentity& id = m.identity;
  w.Key("app").BeginObject();
  w.Field("package", id.package).Field("version_code", id.version_code).Field("version_name", id.version_name);
  w.Field("min_sdk", LevelText(id.min_sdk)).Field("target_sdk", LevelText(id.target_sdk));
  w.Field("max_sdk", LevelText(id.max_sdk)).Field("compile_sdk", LevelText(id.compile_sdk));
  w.Field("label", id.label).Field("split", id.split);
  w.Field("manifest_found", m.present);
  w.EndObject();

  w.Key("permissions").BeginArray();
  for (const auto& p : m.permissions) {
    w.BeginObject().Field("name", p.name).Field("group", p.what.group).Field("protection", p.what.protection);
    w.Field("max_sdk", p.max_sdk).Field("sdk23_only", p.sdk23_only).EndObject();
  }
  w.EndArray();
  w.Key("declared_permissions").BeginArray();
  for (const auto& p : m.declared_permissions)
    w.BeginObject().Field("name", p.name).Field("protection_level", p.protection_level).EndObject();
  w.EndArray();

  const ApplicationInfo& a = m.application;
  w.Key("application").BeginObject();
  w.Field("name", a.name).Field("debuggable", a.debuggable).Field("allow_backup", a.allow_backup);
  w.Field("uses_cleartext_traffic", a.uses_cleartext_traffic);
  w.Field("network_security_config", a.network_security_config);
  w.EndObject();
  w.Key("components").BeginArray();
  for (const auto& c : m.components) WriteComponent(w, c);
  w.EndArray();
  WriteMetaData(w, "meta_data", m.meta_data);
}

void WriteRecipient(JsonWriter& w, const Recipient& rec) {
  w.BeginObject().Key("vendor").BeginObject().Field("id", rec.vendor_id).Field("name", rec.name);
  w.StringOrNull("hq_country", rec.hq_country).EndObject();
  w.Field("countries", rec.countries).Field("flags", rec.flags).Field("data_kinds", rec.data_kinds);
  w.Field("via", rec.via).Field("confidence", ConfidenceName(rec.confidence)).EndObject();
}

void WriteFinding(JsonWriter& w, const Finding& f) {
  w.BeginObject().Field("id", f.id).Field("severity", SeverityName(f.severity)).Field("title", f.title);
  w.Field("explanation", f.explanation).Field("subject", f.subject).Field("evidence", f.evidence).EndObject();
}

void WriteViolation(JsonWriter& w, const PolicyViolation& v) {
  w.BeginObject().Field("rule", v.rule).Field("subject", v.subject).Field("message", v.message);
  w.Field("evidence", v.evidence).StringOrNull("suppressed_by", v.suppressed_by).EndObject();
}

void WriteVersion(JsonWriter& w, std::string_view key, const FileInfo& file, const AppIdentity& app) {
  w.Key(key).BeginObject().Field("path", file.path).StringOrNull("sha256", file.sha256);
  w.Field("package", app.package).Field("version_name", app.version_name).Field("version_code", app.version_code);
  w.EndObject();
}

void WriteSdkChanges(JsonWriter& w, std::string_view key, const std::vector<SdkChange>& changes) {
  w.Key(key).BeginArray();
  for (const SdkChange& c : changes) {
    w.BeginObject().Field("id", c.id).Field("name", c.name).Field("vendor", c.vendor);
    w.Field("confidence", ConfidenceName(c.confidence)).Field("basis", c.basis).Field("classes", c.classes);
    w.EndObject();
  }
  w.EndArray();
}

void WriteCode(JsonWriter& w, const CodeInventory& code) {
  w.Key("code").BeginObject();
  w.Key("dex").BeginArray();
  for (const auto& d : code.dex) {
    w.BeginObject().Field("path", d.path).Field("origin", DexOriginName(d.origin)).Field("version", d.version);
    w.Field("size", d.size).Field("class_count", d.class_count).Field("method_count", d.method_count);
    w.Field("field_count", d.field_count).Field("string_count", d.string_count).Field("type_count", d.type_count);
    w.Field("checksum_valid", d.checksum_valid).EndObject();
  }
  w.EndArray();
  w.Field("class_count", code.class_count);
  w.Key("top_packages").BeginArray();
  for (const auto& p : code.top_packages) w.BeginObject().Field("name", p.name).Field("class_count", p.class_count).EndObject();
  w.EndArray();
  w.Field("jvm_class_count", code.jvm_class_count);
  w.Field("native_libs", code.native_libs).Field("nested_archives", code.nested_archives);
  w.Key("libraries").BeginArray();
  for (const Library& l : code.libraries) {
    w.BeginObject().Field("group", l.group).Field("artifact", l.artifact).Field("version", l.version);
    w.Field("where", l.where).EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string ToJson(const ScanResult& r, JsonStyle style) {
  JsonWriter w(style == JsonStyle::kPretty);
  w.BeginObject();
  w.Field("schema", kSchemaId).Field("schema_version", kSchemaVersion);
  w.Key("tool").BeginObject().Field("name", "vigie").Field("version", kVersion).EndObject();
  w.Field("status", ScanStatusName(r.status));
  w.Key("file").BeginObject().Field("path", r.file.path).StringOrNull("sha256", r.file.sha256);
  w.Field("size", r.file.size).Field("kind", PackageKindName(r.file.kind)).EndObject();

  // Who gets the data heads the document: it is the answer, and the SDKs
  // below are the why.
  w.Key("recipients").BeginArray();
  for (const auto& rec : r.recipients) WriteRecipient(w, rec);
  w.EndArray();
  w.Key("findings").BeginArray();
  for (const auto& f : r.findings) WriteFinding(w, f);
  w.EndArray();
  if (r.policy.applied) {
    w.Key("policy").BeginObject().Field("violated", r.policy.violated());
    w.Key("violations").BeginArray();
    for (const PolicyViolation& v : r.policy.violations) WriteViolation(w, v);
    w.EndArray().Field("expired_suppressions", r.policy.expired).EndObject();
  } else {
    w.Field("policy", nullptr);
  }

  WriteManifest(w, r.manifest);
  WriteCode(w, r.code);

  w.Key("sdks").BeginArray();
  for (const auto& f : r.sdks) WriteSdk(w, f);
  w.EndArray();
  w.Key("endpoints").BeginArray();
  for (const auto& e : r.endpoints) {
    w.BeginObject().Field("url", e.url).Field("host", e.host).Field("where", e.where).StringOrNull("sdk", e.sdk);
    w.Key("owner");
    if (e.owner.empty()) {
      w.Null();
    } else {
      w.BeginObject().Field("name", e.owner).StringOrNull("parent", e.owner_parent);
      w.StringOrNull("country", e.owner_country).Field("source", e.owner_source).EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("secrets").BeginArray();
  for (const auto& s : r.secrets) {
    w.BeginObject().Field("kind", s.kind).Field("value", s.value).Field("where", s.where);
    w.Field("severity", SeverityName(s.severity)).Field("backend", s.backend).Field("role", s.role);
    w.Field("description", s.description);
    w.Field("source", s.source).EndObject();
  }
  w.EndArray();
  w.Key("signatures").BeginObject().Field("sources", r.signature_sources).EndObject();

  w.Key("diagnostics").BeginArray();
  for (const auto& d : r.diagnostics.items()) {
    w.BeginObject().Field("severity", LevelName(d.level)).Field("code", ErrorCodeName(d.code));
    w.Field("message", d.message).Field("where", d.where).EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string ToDiffJson(const AppDiff& d) {
  JsonWriter w(true);
  w.BeginObject().Field("schema", "https://vigie.dev/schema/diff").Field("schema_version", 1);
  w.Key("tool").BeginObject().Field("name", "vigie").Field("version", kVersion).EndObject();
  WriteVersion(w, "old", d.old_file, d.old_app);
  WriteVersion(w, "new", d.new_file, d.new_app);
  w.Field("same_package", d.same_package);
  WriteSdkChanges(w, "sdks_added", d.sdks_added);
  WriteSdkChanges(w, "sdks_removed", d.sdks_removed);
  w.Key("data_gained").BeginArray();
  for (const DataGain& g : d.data_gained) {
    w.BeginObject().Field("sdk", g.sdk_id).Field("sdk_name", g.sdk_name).Field("kind", g.kind).Field("apis", g.apis);
    w.StringOrNull("call_site", g.call_site).Field("permissions", g.held).EndObject();
  }
  w.EndArray();
  w.Key("recipients_added").BeginArray();
  for (const Recipient& r : d.recipients_added) WriteRecipient(w, r);
  w.EndArray();
  w.Field("countries_added", d.countries_added);
  w.Field("permissions_added", d.permissions_added).Field("permissions_removed", d.permissions_removed);
  w.Key("endpoints_added").BeginArray();
  for (const Endpoint& e : d.endpoints_added)
    w.BeginObject().Field("url", e.url).Field("host", e.host).StringOrNull("sdk", e.sdk).EndObject();
  w.EndArray();
  w.Key("findings_added").BeginArray();
  for (const Finding& f : d.findings_added) WriteFinding(w, f);
  w.EndArray();
  if (d.policy_applied) {
    w.Key("policy").BeginObject().Field("violated", d.violated()).Key("violations_added").BeginArray();
    for (const PolicyViolation& v : d.violations_added) WriteViolation(w, v);
    w.EndArray().EndObject();
  } else {
    w.Field("policy", nullptr);
  }
  w.EndObject();
  return w.Take() + "\n";
}

}  // namespace vigie::report
