#include <unordered_map>

#include "stix_pattern.h"
#include "vigie/base/json_fields.h"

namespace vigie::indicators {

using json::Json;

std::optional<Error> ReadStix2Bundle(std::string_view json, const std::string& file, Stix2Bundle& out) {
  Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return MakeError(ErrorCode::kIndicatorsInvalid, 0, file + ": not JSON");
  const auto objects = doc.is_object() ? doc.find("objects") : doc.end();
  if (!doc.is_object() || objects == doc.end() || !objects->is_array())
    return MakeError(ErrorCode::kIndicatorsInvalid, 0, file + ": not a STIX2 bundle (no objects list)");
  // Collections: each malware and report, by id; an indicator belongs to
  // the first report listing it, else to the malware a relationship
  // points it to.
  std::unordered_map<std::string, std::string> malware, in_report, indicated;
  for (const Json& o : *objects) {
    if (!o.is_object()) continue;
    const std::string type = json::String(o, "type");
    if (type == "malware") malware.emplace(json::String(o, "id"), json::String(o, "name"));
  }
  for (const Json& o : *objects) {
    if (!o.is_object()) continue;
    const std::string type = json::String(o, "type");
    if (type == "report") {
      const std::string name = json::String(o, "name");
      for (const std::string& ref : json::Strings(o, "object_refs")) in_report.emplace(ref, name);
    } else if (type == "relationship") {
      const auto it = malware.find(json::String(o, "target_ref"));
      if (it != malware.end()) indicated.emplace(json::String(o, "source_ref"), it->second);
    }
  }
  size_t position = 0;
  for (const Json& o : *objects) {
    ++position;
    if (!o.is_object() || json::String(o, "type") != "indicator") continue;
    Stix2Indicator s;
    s.id = json::String(o, "id");
    if (s.id.empty()) s.id = "object " + std::to_string(position);
    const std::string pattern_type = json::String(o, "pattern_type");
    if (!pattern_type.empty() && pattern_type != "stix") {
      out.warnings.emplace_back(s.id, "pattern_type '" + pattern_type + "' is not STIX patterning: left out");
      continue;
    }
    s.pattern = json::String(o, "pattern");
    if (s.pattern.empty()) {
      out.warnings.emplace_back(s.id, "no pattern: left out");
      continue;
    }
    if (auto it = in_report.find(s.id); it != in_report.end()) s.collection = it->second;
    else if (auto m = indicated.find(s.id); m != indicated.end()) s.collection = m->second;
    out.indicators.push_back(std::move(s));
  }
  return std::nullopt;
}

}  // namespace vigie::indicators
