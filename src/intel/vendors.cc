#include "vigie/intel/vendors.h"

#include <algorithm>

#include "vigie/base/blob.h"
#include "vigie/base/json_fields.h"

namespace vigie::intel {
namespace {

using json::Json;

Error BadDb(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

constexpr char kMagic[4] = {'V', 'V', 'D', 'B'};
constexpr uint32_t kVersion = 1;

}  // namespace

const Vendor* VendorDb::Find(std::string_view id) const {
  for (const auto& v : vendors_)
    if (v.id == id) return &v;
  return nullptr;
}

Result<std::vector<Vendor>> ParseVendors(std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadDb(source, "not a JSON object");
  if (j.value("schema_version", 0) != 1) return BadDb(source, "unsupported schema_version");
  auto list = j.find("vendors");
  if (list == j.end() || !list->is_array()) return BadDb(source, "no \"vendors\" array");
  std::vector<Vendor> out;
  for (const auto& e : *list) {
    if (!e.is_object() || json::String(e, "id").empty()) return BadDb(source, "a vendors[] entry has no id");
    Vendor v;
    v.id = json::String(e, "id");
    v.name = json::String(e, "name");
    v.parent = json::String(e, "parent");
    v.ultimate_parent = json::String(e, "ultimate_parent");
    v.hq_country = json::String(e, "hq_country");
    if (auto js = e.find("jurisdictions"); js != e.end() && js->is_array())
      for (const auto& t : *js)
        if (t.is_object()) v.jurisdictions.push_back({json::String(t, "country"), json::Strings(t, "ties")});
    v.flags = json::Strings(e, "flags");
    if (auto is = e.find("incidents"); is != e.end() && is->is_array())
      for (const auto& i : *is)
        if (i.is_object()) v.incidents.push_back({json::String(i, "date"), json::String(i, "summary"), json::String(i, "source")});
    if (auto s = e.find("sources"); s != e.end() && s->is_object())
      for (const auto& [kind, urls] : s->items())
        if (urls.is_array())
          for (const auto& u : urls)
            if (u.is_string() && std::find(v.sources.begin(), v.sources.end(), u.get<std::string>()) == v.sources.end())
              v.sources.push_back(u.get<std::string>());
    if (v.sources.empty()) return BadDb(source, "vendor '" + v.id + "' cites no source");
    out.push_back(std::move(v));
  }
  return out;
}

std::string EncodeVendors(const std::vector<Vendor>& vendors) {
  BlobWriter w;
  w.Raw(std::string_view(kMagic, 4));
  w.U32(kVersion);
  w.U32(static_cast<uint32_t>(vendors.size()));
  for (const Vendor& v : vendors) {
    w.Str(v.id);
    w.Str(v.name);
    w.Str(v.parent);
    w.Str(v.ultimate_parent);
    w.Str(v.hq_country);
    w.U32(static_cast<uint32_t>(v.jurisdictions.size()));
    for (const VendorTie& t : v.jurisdictions) {
      w.Str(t.country);
      w.List(t.ties);
    }
    w.List(v.flags);
    w.U32(static_cast<uint32_t>(v.incidents.size()));
    for (const VendorIncident& i : v.incidents) {
      w.Str(i.date);
      w.Str(i.summary);
      w.Str(i.source);
    }
    w.List(v.sources);
  }
  return w.Take();
}

Result<std::vector<Vendor>> DecodeVendors(ByteView bytes) {
  const Error truncated = MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled vendor database");
  if (!bytes.StartsWith(std::string_view(kMagic, 4)))
    return MakeError(ErrorCode::kSignatureDb, 0, "not a compiled vendor database");
  BlobReader d(bytes.Tail(4));
  if (d.U32() != kVersion) return MakeError(ErrorCode::kSignatureDb, 4, "unsupported compiled vendor database version");
  const uint32_t n = d.U32();
  if (!d.ok() || !d.Fits(n)) return truncated;
  std::vector<Vendor> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    Vendor v;
    v.id = d.Str();
    v.name = d.Str();
    v.parent = d.Str();
    v.ultimate_parent = d.Str();
    v.hq_country = d.Str();
    const uint32_t ties = d.U32();
    if (!d.Fits(ties)) return truncated;
    for (uint32_t k = 0; k < ties && d.ok(); ++k) {
      VendorTie t;
      t.country = d.Str();
      t.ties = d.List();
      v.jurisdictions.push_back(std::move(t));
    }
    v.flags = d.List();
    const uint32_t incidents = d.U32();
    if (!d.Fits(incidents)) return truncated;
    for (uint32_t k = 0; k < incidents && d.ok(); ++k) {
      VendorIncident e;
      e.date = d.Str();
      e.summary = d.Str();
      e.source = d.Str();
      v.incidents.push_back(std::move(e));
    }
    v.sources = d.List();
    out.push_back(std::move(v));
  }
  if (!d.ok()) return truncated;
  return out;
}

}  // namespace vigie::intel
