#include <nlohmann/json.hpp>

#include "vigie/analysis/permission_catalog.h"
#include "vigie/report/report.h"
#include "vigie/version.h"

namespace vigie::report {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json Opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json ComponentJson(const Component& c) {
  Json j;
  j["kind"] = ComponentKindName(c.kind);
  j["name"] = c.name;
  j["exported"] = c.exported;
  j["exported_explicit"] = c.exported_explicit;
  j["enabled"] = c.enabled;
  j["permission"] = Opt(c.permission);
  if (c.kind == ComponentKind::kProvider) {
    j["authorities"] = Opt(c.authorities);
    j["read_permission"] = Opt(c.read_permission);
    j["write_permission"] = Opt(c.write_permission);
  }
  if (c.kind == ComponentKind::kActivityAlias) j["target_activity"] = Opt(c.target_activity);
  if (c.process) j["process"] = *c.process;
  Json filters = Json::array();
  for (const auto& f : c.intent_filters)
    filters.push_back({{"actions", f.actions}, {"categories", f.categories}, {"data", f.data}});
  j["intent_filters"] = std::move(filters);
  Json meta = Json::array();
  for (const auto& m : c.meta_data) meta.push_back({{"name", m.name}, {"value", m.value}, {"resource", m.is_resource}});
  j["meta_data"] = std::move(meta);
  return j;
}

}  // namespace

std::string ToJson(const ScanResult& r, JsonStyle style) {
  Json j;
  j["schema"] = kSchemaId;
  j["schema_version"] = kSchemaVersion;
  j["tool"] = {{"name", "vigie"}, {"version", kVersion}};
  j["status"] = ScanStatusName(r.status);
  j["file"] = {{"path", r.file.path},
               {"sha256", r.file.sha256.empty() ? Json(nullptr) : Json(r.file.sha256)},
               {"size", r.file.size},
               {"kind", PackageKindName(r.file.kind)}};

  const Manifest& m = r.manifest;
  const AppIdentity& id = m.identity;
  j["recipients"] = Json::array();  // Heads the document; filled below.
  Json findings = Json::array();
  for (const auto& f : r.findings)
    findings.push_back({{"id", f.id},
                        {"severity", f.severity},
                        {"title", f.title},
                        {"explanation", f.explanation},
                        {"subject", f.subject},
                        {"evidence", f.evidence}});
  j["findings"] = std::move(findings);
  Json endpoints = Json::array();
  for (const auto& e : r.endpoints)
    endpoints.push_back({{"url", e.url},
                         {"host", e.host},
                         {"where", e.where},
                         {"sdk", e.sdk.empty() ? Json(nullptr) : Json(e.sdk)},
                         {"owner", e.owner.empty() ? Json(nullptr)
                                                   : Json{{"name", e.owner},
                                                          {"parent", e.owner_parent.empty() ? Json(nullptr) : Json(e.owner_parent)},
                                                          {"country", e.owner_country.empty() ? Json(nullptr) : Json(e.owner_country)},
                                                          {"source", e.owner_source}}}});
  Json secrets = Json::array();
  for (const auto& s : r.secrets)
    secrets.push_back({{"kind", s.kind},
                       {"value", s.value},
                       {"where", s.where},
                       {"severity", s.severity},
                       {"backend", s.backend},
                       {"description", s.description},
                       {"source", s.source}});
  j["app"] = {{"package", Opt(id.package)},
              {"version_code", Opt(id.version_code)},
              {"version_name", Opt(id.version_name)},
              {"min_sdk", Opt(id.min_sdk)},
              {"target_sdk", Opt(id.target_sdk)},
              {"max_sdk", Opt(id.max_sdk)},
              {"compile_sdk", Opt(id.compile_sdk)},
              {"label", Opt(id.label)},
              {"split", Opt(id.split)},
              {"manifest_found", m.present}};

  Json perms = Json::array();
  for (const auto& p : m.permissions) {
    PermissionInfo info = LookupPermission(p.name);
    perms.push_back({{"name", p.name},
                     {"group", info.group},
                     {"protection", info.protection},
                     {"max_sdk", Opt(p.max_sdk)},
                     {"sdk23_only", p.sdk23_only}});
  }
  j["permissions"] = std::move(perms);
  Json declared = Json::array();
  for (const auto& p : m.declared_permissions)
    declared.push_back({{"name", p.name}, {"protection_level", Opt(p.protection_level)}});
  j["declared_permissions"] = std::move(declared);

  const ApplicationInfo& a = m.application;
  j["application"] = {{"name", Opt(a.name)},
                      {"debuggable", Opt(a.debuggable)},
                      {"allow_backup", Opt(a.allow_backup)},
                      {"uses_cleartext_traffic", Opt(a.uses_cleartext_traffic)},
                      {"network_security_config", Opt(a.network_security_config)}};
  Json components = Json::array();
  for (const auto& c : m.components) components.push_back(ComponentJson(c));
  j["components"] = std::move(components);
  Json meta = Json::array();
  for (const auto& md : m.meta_data) meta.push_back({{"name", md.name}, {"value", md.value}, {"resource", md.is_resource}});
  j["meta_data"] = std::move(meta);

  Json dex = Json::array();
  for (const auto& d : r.code.dex) {
    dex.push_back({{"path", d.path},
                   {"origin", DexOriginName(d.origin)},
                   {"version", d.version},
                   {"size", d.size},
                   {"class_count", d.class_count},
                   {"method_count", d.method_count},
                   {"field_count", d.field_count},
                   {"string_count", d.string_count},
                   {"type_count", d.type_count},
                   {"checksum_valid", d.checksum_valid}});
  }
  Json packages = Json::array();
  for (const auto& p : r.code.top_packages) packages.push_back({{"name", p.name}, {"class_count", p.class_count}});
  j["code"] = {{"dex", std::move(dex)},
               {"class_count", r.code.class_count},
               {"top_packages", std::move(packages)},
               {"jvm_class_count", r.code.jvm_class_count},
               {"native_libs", r.code.native_libs},
               {"nested_archives", r.code.nested_archives}};

  // The vendor as the vendor KB knows it; null when the database names no
  // vendor (Exodus entries). Unknown facts are null.
  auto VendorJson = [](const SdkFinding& f) -> Json {
    if (f.vendor.empty()) return nullptr;
    auto orNull = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
    Json v = {{"id", f.vendor}, {"name", nullptr}, {"parent", nullptr}, {"ultimate_parent", nullptr},
              {"hq_country", nullptr}, {"jurisdictions", Json::array()}, {"flags", Json::array()},
              {"incidents", Json::array()}, {"sources", Json::array()}};
    if (!f.vendor_info) return v;
    const sig::Vendor& i = *f.vendor_info;
    v["name"] = orNull(i.name);
    v["parent"] = orNull(i.parent);
    v["ultimate_parent"] = orNull(i.ultimate_parent);
    v["hq_country"] = orNull(i.hq_country);
    for (const auto& t : i.jurisdictions) v["jurisdictions"].push_back({{"country", t.country}, {"ties", t.ties}});
    v["flags"] = i.flags;
    for (const auto& in : i.incidents)
      v["incidents"].push_back({{"date", in.date}, {"summary", in.summary}, {"source", in.source}});
    v["sources"] = i.sources;
    return v;
  };
  Json sdks = Json::array();
  for (const auto& f : r.sdks) {
    auto evidence = [](const EvidenceList& e) { return Json{{"count", e.count}, {"examples", e.examples}}; };
    Json access = Json::array();
    for (const auto& d : f.data_access) {
      Json a = {{"kind", d.kind},
                {"apis", d.apis},
                {"call_sites", evidence(d.call_sites)},
                {"permissions", d.permissions},
                {"held", d.held},
                {"usable", d.usable}};
      if (d.kind == "location") {
        a["precision"] = d.precision.empty() ? Json(nullptr) : Json(d.precision);
        a["background"] = d.background;
      }
      access.push_back(std::move(a));
    }
    sdks.push_back({{"id", f.id},
                    {"name", f.name},
                    {"vendor", VendorJson(f)},
                    {"categories", f.categories},
                    {"exodus_id", Opt(f.exodus_id)},
                    {"source", f.source},
                    {"confidence", f.confidence},
                    {"basis", f.basis},
                    {"evidence",
                     {{"classes", evidence(f.classes)},
                      {"strings", evidence(f.strings)},
                      {"manifest", evidence(f.manifest)},
                      {"permissions", evidence(f.permissions)}}},
                    {"data_access", std::move(access)}});
  }
  // Who gets the data heads the document (its key was placed first): it is
  // the answer, and the SDKs below are the why.
  Json recipients = Json::array();
  for (const auto& rec : r.recipients)
    recipients.push_back(
        {{"vendor", {{"id", rec.vendor_id},
                     {"name", rec.name},
                     {"hq_country", rec.hq_country.empty() ? Json(nullptr) : Json(rec.hq_country)}}},
         {"countries", rec.countries},
         {"flags", rec.flags},
         {"data_kinds", rec.data_kinds},
         {"via", rec.via},
         {"confidence", rec.confidence}});
  j["recipients"] = std::move(recipients);
  j["sdks"] = std::move(sdks);
  j["endpoints"] = std::move(endpoints);
  j["secrets"] = std::move(secrets);
  j["signatures"] = {{"sources", r.signature_sources}};

  Json diags = Json::array();
  for (const auto& d : r.diagnostics.items()) {
    diags.push_back({{"severity", SeverityName(d.severity)},
                     {"code", ErrorCodeName(d.code)},
                     {"message", d.message},
                     {"where", d.where}});
  }
  j["diagnostics"] = std::move(diags);
  // Invalid UTF-8 from hostile files is replaced rather than rejected.
  return j.dump(style == JsonStyle::kPretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace vigie::report
