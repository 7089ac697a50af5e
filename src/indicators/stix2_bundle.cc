#include <unordered_map>

#include "json_reader.h"
#include "stix_pattern.h"

namespace vigie::indicators {
namespace {

using Token = JsonReader::Token;

// The members of a STIX2 object that collections and indicators need.
struct StixObject {
  std::string type, id, name, pattern, pattern_type, source_ref, target_ref;
  std::vector<std::string> object_refs;
};

// Reads the object whose '{' was just read; false on a JSON error.
bool ReadObject(JsonReader& r, StixObject& o) {
  for (Token t = r.Next(); t != Token::kObjectEnd; t = r.Next()) {
    if (t != Token::kKey) return false;
    const std::string_view key = r.string();
    std::string* field = key == "type"           ? &o.type
                         : key == "id"           ? &o.id
                         : key == "name"         ? &o.name
                         : key == "pattern"      ? &o.pattern
                         : key == "pattern_type" ? &o.pattern_type
                         : key == "source_ref"   ? &o.source_ref
                         : key == "target_ref"   ? &o.target_ref
                                                 : nullptr;
    const bool refs = key == "object_refs";
    const Token v = r.Next();
    if (field && v == Token::kString) {
      field->assign(r.string());
    } else if (refs && v == Token::kArrayStart) {
      for (Token e = r.Next(); e != Token::kArrayEnd; e = r.Next()) {
        if (e == Token::kString) o.object_refs.emplace_back(r.string());
        else if (!r.SkipValue(e)) return false;
      }
    } else if (!r.SkipValue(v)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Error> ReadStix2Bundle(std::string_view json, const std::string& file, Stix2Bundle& out) {
  JsonReader r(json);
  if (r.Next() != Token::kObjectStart)
    return MakeError(ErrorCode::kIndicatorsInvalid, 0, file + ": not a STIX2 bundle (not a JSON object)");
  std::vector<StixObject> objects;
  bool has_objects = false;
  std::string broken;  // Why reading stopped early, when it did.
  for (Token t = r.Next(); t != Token::kObjectEnd && broken.empty(); t = r.Next()) {
    if (t != Token::kKey) {
      broken = r.error();
      break;
    }
    const bool list = r.string() == "objects";
    const Token v = r.Next();
    if (!list || v != Token::kArrayStart) {
      if (!r.SkipValue(v)) broken = r.error();
      continue;
    }
    has_objects = true;
    for (Token e = r.Next(); e != Token::kArrayEnd; e = r.Next()) {
      if (e == Token::kObjectStart) {
        StixObject o;
        if (!ReadObject(r, o)) {
          broken = r.error();
          break;
        }
        objects.push_back(std::move(o));
      } else if (!r.SkipValue(e)) {
        broken = r.error();
        break;
      }
    }
  }
  if (!has_objects)
    return MakeError(ErrorCode::kIndicatorsInvalid, 0,
                     file + ": not a STIX2 bundle (" + (broken.empty() ? "no objects list" : broken) + ")");
  if (!broken.empty()) out.warnings.emplace_back("(file)", "not valid JSON from " + broken + ": the rest is left out");

  // Collections: each malware and report; an indicator belongs to the first
  // report listing it, else to the malware a relationship points it to.
  std::unordered_map<std::string_view, std::string_view> malware, in_report, indicated;
  for (const StixObject& o : objects)
    if (o.type == "malware") malware.emplace(o.id, o.name);
  for (const StixObject& o : objects) {
    if (o.type == "report") {
      for (const std::string& ref : o.object_refs) in_report.emplace(ref, o.name);
    } else if (o.type == "relationship") {
      if (const auto it = malware.find(o.target_ref); it != malware.end()) indicated.emplace(o.source_ref, it->second);
    }
  }
  size_t position = 0;
  for (StixObject& o : objects) {
    ++position;
    if (o.type != "indicator") continue;
    Stix2Indicator s;
    s.id = o.id.empty() ? "object " + std::to_string(position) : o.id;
    if (!o.pattern_type.empty() && o.pattern_type != "stix") {
      out.warnings.emplace_back(s.id, "pattern_type '" + o.pattern_type + "' is not STIX patterning: left out");
      continue;
    }
    if (o.pattern.empty()) {
      out.warnings.emplace_back(s.id, "no pattern: left out");
      continue;
    }
    if (const auto it = in_report.find(o.id); it != in_report.end()) s.collection = it->second;
    else if (const auto m = indicated.find(o.id); m != indicated.end()) s.collection = m->second;
    s.pattern = std::move(o.pattern);
    out.indicators.push_back(std::move(s));
  }
  return std::nullopt;
}

}  // namespace vigie::indicators
