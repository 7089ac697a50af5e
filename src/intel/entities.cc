#include "vigie/intel/entities.h"

#include "vigie/base/json_fields.h"
#include "vigie/base/mapped_file.h"

namespace vigie::intel {
namespace {

using json::Json;

Error Bad(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

void EntityDb::Add(std::string domain, size_t entity) {
  domain = Lower(std::move(domain));
  while (!domain.empty() && domain.front() == '.') domain.erase(0, 1);
  if (!domain.empty()) by_domain_.try_emplace(std::move(domain), entity);
}

std::optional<Error> EntityDb::Import(const std::string& format, std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad(source, "not JSON");
  if (format == "xray") {
    if (!j.is_array()) return Bad(source, "expected an array of companies");
    for (const auto& c : j) {
      if (!c.is_object() || json::String(c, "owner_name").empty()) continue;
      Entity e;
      e.name = json::String(c, "owner_name");
      e.parent = json::String(c, "parent");
      e.root_parent = json::String(c, "root_parent");
      e.country = json::String(c, "country");
      for (char& ch : e.country)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      e.source = source;
      entities_.push_back(std::move(e));
      if (auto doms = c.find("doms"); doms != c.end() && doms->is_array())
        for (const auto& d : *doms)
          if (d.is_string()) Add(d.get<std::string>(), entities_.size() - 1);
    }
    return std::nullopt;
  }
  if (format == "disconnect") {
    auto list = j.find("entities");
    if (!j.is_object() || list == j.end() || !list->is_object()) return Bad(source, "no \"entities\" object");
    for (const auto& [name, body] : list->items()) {
      if (!body.is_object()) continue;
      entities_.push_back(Entity{name, "", "", "", source});
      for (const char* key : {"properties", "resources"})
        if (auto doms = body.find(key); doms != body.end() && doms->is_array())
          for (const auto& d : *doms)
            if (d.is_string()) Add(d.get<std::string>(), entities_.size() - 1);
    }
    return std::nullopt;
  }
  return Bad(source, "unknown entities format '" + format + "' (known: xray, disconnect)");
}

std::optional<Error> EntityDb::ImportFile(const std::string& format, const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file) return MakeError(ErrorCode::kIoError, 0, "cannot read " + path + ": " + file.error().message);
  return Import(format, file->view().AsString(), format + ":" + path);
}

const Entity* EntityDb::Owner(std::string_view host) const {
  std::string h = Lower(std::string(host));
  while (!h.empty()) {
    if (auto it = by_domain_.find(h); it != by_domain_.end()) return &entities_[it->second];
    const size_t dot = h.find('.');
    if (dot == std::string::npos) break;
    h.erase(0, dot + 1);
  }
  return nullptr;
}

}  // namespace vigie::intel
