#include "vigie/intel/vendors.h"

#include <algorithm>
#include <optional>

#include "vigie/base/blob.h"
#include "vigie/base/json_fields.h"

namespace vigie::intel {
namespace {

using json::Json;

Error BadDb(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

constexpr char kMagic[4] = {'V', 'V', 'D', 'B'};
// Version 2 put an index of ids before the records.
constexpr uint32_t kVersion = 2;

const Error kTruncated = MakeError(ErrorCode::kSignatureDb, 0, "truncated compiled vendor database");

// One record, as EncodeVendors wrote it; nullopt when it does not read whole.
std::optional<Vendor> DecodeRecord(ByteView bytes) {
  BlobReader d(bytes);
  Vendor v;
  v.id = d.Str();
  v.name = d.Str();
  v.parent = d.Str();
  v.ultimate_parent = d.Str();
  v.hq_country = d.Str();
  const uint32_t ties = d.U32();
  if (!d.Fits(ties)) return std::nullopt;
  for (uint32_t k = 0; k < ties && d.ok(); ++k) {
    VendorTie t;
    t.country = d.Str();
    t.ties = d.List();
    v.jurisdictions.push_back(std::move(t));
  }
  v.flags = d.List();
  const uint32_t incidents = d.U32();
  if (!d.Fits(incidents)) return std::nullopt;
  for (uint32_t k = 0; k < incidents && d.ok(); ++k) {
    VendorIncident e;
    e.date = d.Str();
    e.summary = d.Str();
    e.source = d.Str();
    v.incidents.push_back(std::move(e));
  }
  v.sources = d.List();
  if (!d.ok()) return std::nullopt;
  return v;
}

}  // namespace

Result<std::shared_ptr<const VendorDb>> VendorDb::Open(ByteView bytes) {
  if (!bytes.StartsWith(std::string_view(kMagic, 4)))
    return MakeError(ErrorCode::kSignatureDb, 0, "not a compiled vendor database");
  Reader r(bytes.Tail(4));
  if (r.U32() != kVersion) return MakeError(ErrorCode::kSignatureDb, 4, "unsupported compiled vendor database version");
  const uint32_t n = r.U32();
  // Each index entry takes at least 8 bytes: a larger count is a lie.
  if (!r.ok() || uint64_t{n} * 8 > r.remaining()) return kTruncated;
  auto db = std::make_shared<VendorDb>();
  db->index_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t size = r.U32();
    const std::string_view id = r.Bytes(size).AsString();
    const uint32_t offset = r.U32();
    if (!r.ok()) return kTruncated;
    if (!db->index_.empty() && !(db->index_.back().first < id))
      return MakeError(ErrorCode::kSignatureDb, 0, "compiled vendor database: ids out of order");
    db->index_.emplace_back(id, offset);
  }
  db->records_ = bytes.Tail(bytes.size() - r.remaining());
  for (const auto& [id, offset] : db->index_)
    if (offset >= db->records_.size()) return kTruncated;
  return std::shared_ptr<const VendorDb>(std::move(db));
}

const Vendor* VendorDb::Find(std::string_view id) const {
  if (!vendors_.empty()) {
    for (const auto& v : vendors_)
      if (v.id == id) return &v;
    return nullptr;
  }
  auto it = std::lower_bound(index_.begin(), index_.end(), id,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == index_.end() || it->first != id) return nullptr;
  std::lock_guard lock(mu_);
  auto& slot = decoded_[it->first];
  if (!slot) {
    auto v = DecodeRecord(records_.Tail(it->second));
    if (!v || v->id != id) return nullptr;
    slot = std::make_unique<const Vendor>(std::move(*v));
  }
  return slot.get();
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
  std::vector<const Vendor*> sorted;
  for (const Vendor& v : vendors) sorted.push_back(&v);
  std::sort(sorted.begin(), sorted.end(), [](const Vendor* a, const Vendor* b) { return a->id < b->id; });
  BlobWriter records;
  std::vector<uint32_t> offsets;
  for (const Vendor* v : sorted) {
    offsets.push_back(static_cast<uint32_t>(records.size()));
    records.Str(v->id);
    records.Str(v->name);
    records.Str(v->parent);
    records.Str(v->ultimate_parent);
    records.Str(v->hq_country);
    records.U32(static_cast<uint32_t>(v->jurisdictions.size()));
    for (const VendorTie& t : v->jurisdictions) {
      records.Str(t.country);
      records.List(t.ties);
    }
    records.List(v->flags);
    records.U32(static_cast<uint32_t>(v->incidents.size()));
    for (const VendorIncident& i : v->incidents) {
      records.Str(i.date);
      records.Str(i.summary);
      records.Str(i.source);
    }
    records.List(v->sources);
  }
  BlobWriter w;
  w.Raw(std::string_view(kMagic, 4));
  w.U32(kVersion);
  w.U32(static_cast<uint32_t>(sorted.size()));
  for (size_t i = 0; i < sorted.size(); ++i) {
    w.Str(sorted[i]->id);
    w.U32(offsets[i]);
  }
  w.Raw(records.Take());
  return w.Take();
}

Result<std::vector<Vendor>> DecodeVendors(ByteView bytes) {
  auto db = VendorDb::Open(bytes);
  if (!db) return db.error();
  std::vector<Vendor> out;
  for (const auto& [id, offset] : (*db)->index_) {
    const Vendor* v = (*db)->Find(id);
    if (!v) return kTruncated;
    out.push_back(*v);
  }
  return out;
}

}  // namespace vigie::intel
