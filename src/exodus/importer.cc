#include "vigie/exodus/importer.h"

#include <algorithm>

#include "vigie/base/json_fields.h"

namespace vigie::exodus {
namespace {

using json::Json;

Error BadDb(const std::string& source, const std::string& why) {
  return MakeError(ErrorCode::kSignatureDb, 0, source + ": " + why);
}

}  // namespace

Result<sig::SignatureDb> ParseExodus(std::string_view text, const std::string& source) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return BadDb(source, "not JSON");
  // The reports API wraps trackers in {"trackers": {...}}; some mirrors
  // publish the bare map or a list of one-entry maps.
  const Json* trackers = &j;
  if (j.is_object() && j.contains("trackers")) trackers = &j["trackers"];
  std::vector<const Json*> entries;
  if (trackers->is_object()) {
    for (const auto& [k, v] : trackers->items()) entries.push_back(&v);
  } else if (trackers->is_array()) {
    for (const auto& item : *trackers)
      if (item.is_object())
        for (const auto& [k, v] : item.items()) entries.push_back(&v);
  } else {
    return BadDb(source, "no trackers map");
  }
  sig::SignatureDb db;
  db.sources.push_back(source);
  db.sdks.reserve(entries.size());
  for (const Json* e : entries) {
    if (!e->is_object()) continue;
    sig::SdkSignature s;
    int id = 0;
    if (auto x = e->find("id"); x != e->end() && x->is_number_integer()) id = x->get<int>();
    s.id = "exodus:" + std::to_string(id);
    s.name = json::String(*e, "name");
    s.exodus_ids = {id};
    s.website = json::String(*e, "website");
    s.source = source;
    s.semantics = sig::CodeSemantics::kExodus;
    if (auto c = e->find("categories"); c != e->end() && c->is_array())
      for (const auto& cat : *c)
        if (cat.is_string()) s.categories.push_back(cat.get<std::string>());
    std::string code = json::String(*e, "code_signature");
    if (code.size() > 3) s.code_regexes.push_back(code);  // Exodus skips len <= 3.
    db.sdks.push_back(std::move(s));
  }
  // Exodus reports trackers in id order; keep that order for stable output.
  std::sort(db.sdks.begin(), db.sdks.end(),
            [](const sig::SdkSignature& a, const sig::SdkSignature& b) { return a.exodus_ids < b.exodus_ids; });
  return db;
}

}  // namespace vigie::exodus
