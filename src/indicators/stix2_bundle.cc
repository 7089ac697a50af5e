#include <algorithm>
#include <functional>

#include "vigie/base/flat_view_map.h"
#include "vigie/base/task_pool.h"
#include "json_reader.h"
#include "stix_pattern.h"

namespace vigie::indicators {
namespace {

using Token = JsonReader::Token;
using Names = FlatViewMap<std::string_view>;

// The members of a STIX2 object that collections and indicators need, as
// views into the text or into a part's storage.
struct StixObject {
  std::string_view type, id, name, pattern, pattern_type, source_ref, target_ref;
  size_t first_ref = 0, refs = 0;  // object_refs, in Stix2Part::refs.
};

// What a part needs while it is read.
struct PartReader {
  explicit PartReader(Stix2Part& p) : part(p) {}

  Stix2Part& part;
  StixPattern pattern;  // Reused from one indicator to the next.
  std::string scratch;

  std::string_view Keep(const JsonReader& r) {
    return r.string_decoded() ? std::string_view(part.storage.emplace_back(r.string())) : r.string();
  }

  // Reads the object whose '{' was just read; false on a JSON error.
  bool ReadObject(JsonReader& r, StixObject& o) {
    for (Token t = r.Next(); t != Token::kObjectEnd; t = r.Next()) {
      if (t != Token::kKey) return false;
      const std::string_view key = r.string();
      std::string_view* field = key == "type"           ? &o.type
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
        *field = Keep(r);
      } else if (refs && v == Token::kArrayStart) {
        o.first_ref = part.refs.size();
        for (Token e = r.Next(); e != Token::kArrayEnd; e = r.Next()) {
          if (e == Token::kString) part.refs.push_back(Keep(r));
          else if (!r.SkipValue(e)) return false;
        }
        o.refs = part.refs.size() - o.first_ref;
      } else if (!r.SkipValue(v)) {
        return false;
      }
    }
    return true;
  }

  // An indicator's pattern read into values, and warnings for what is left out.
  void AddIndicator(const StixObject& o, size_t offset) {
    const std::string id = o.id.empty() ? "object at byte " + std::to_string(offset) : std::string(o.id);
    auto warn = [&](std::string why) { part.warnings.emplace_back(id, std::move(why)); };
    if (!o.pattern_type.empty() && o.pattern_type != "stix")
      return warn("pattern_type '" + std::string(o.pattern_type) + "' is not STIX patterning: left out");
    if (o.pattern.empty()) return warn("no pattern: left out");
    if (auto why = ParseStixPattern(o.pattern, part.storage, pattern)) return warn(*why);
    Stix2Indicator s;
    s.id = o.id.empty() ? std::string_view(part.storage.emplace_back(id)) : o.id;
    s.id_hash = Names::Hash(s.id);
    s.first_value = static_cast<uint32_t>(part.values.size());
    s.conjunct = pattern.conjunction;
    for (const StixComparison& c : pattern.comparisons) {
      if (c.op != "=" || c.negated) {
        warn("comparison '" + std::string(c.path) + (c.negated ? " NOT " : " ") + std::string(c.op) +
             "' is not an equality: left out");
        continue;
      }
      const std::optional<IndicatorType> type = TypeOfPath(c.path);
      if (!type) {
        warn("observable '" + std::string(c.path) + "' is not one vigie check matches: left out");
        continue;
      }
      std::string_view value = NormaliseValue(*type, c.value, scratch);
      if (value.empty()) {
        warn("an empty " + std::string(TypeName(*type)) + " value: left out");
        continue;
      }
      if (value.data() == scratch.data()) value = part.storage.emplace_back(value);
      part.values.push_back({*type, value, FlatViewMap<uint32_t>::Hash(value)});
    }
    s.values = static_cast<uint32_t>(part.values.size() - s.first_value);
    if (s.values > 0) part.indicators.push_back(s);
  }

  // Reads the list's elements from the reader's position until the first
  // element that begins at or after `end`, or the list's end.
  void Read(JsonReader r, size_t end) {
    for (Token e = r.Next();; e = r.Next()) {
      if (e == Token::kArrayEnd) {
        part.stop = r.token_start();
        part.ended = true;
        return;
      }
      if (e == Token::kError) {
        part.broken = r.error();
        return;
      }
      if (r.token_start() >= end) {
        part.stop = r.token_start();
        return;
      }
      if (e != Token::kObjectStart) {
        if (!r.SkipValue(e)) {
          part.broken = r.error();
          return;
        }
        continue;
      }
      const size_t offset = r.token_start();
      StixObject o;
      if (!ReadObject(r, o)) {
        part.broken = r.error();
        return;
      }
      if (o.type == "indicator") {
        AddIndicator(o, offset);
      } else if (o.type == "malware") {
        part.malware.emplace_back(o.id, o.name);
      } else if (o.type == "relationship") {
        part.relationships.push_back({o.source_ref, o.target_ref});
        part.relationship_hashes.push_back(Names::Hash(o.source_ref));
      } else if (o.type == "report") {
        part.reports.push_back({o.name, o.first_ref, o.refs});
      }
    }
  }
};

// Where a part of the list may begin, at or after `from`: a '{' after a
// ',' (a guess: the text may be inside a string; the part before checks it).
size_t GuessElementStart(std::string_view json, size_t from) {
  for (size_t comma = json.find(',', from); comma != std::string_view::npos; comma = json.find(',', comma + 1)) {
    size_t i = comma + 1;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) ++i;
    if (i < json.size() && json[i] == '{') return i;
  }
  return json.size();
}

void RunParts(TaskPool* pool, size_t parts, const std::function<void(size_t)>& fn) {
  if (pool && parts > 1) pool->Run(parts, [&](size_t i, unsigned) { fn(i); });
  else
    for (size_t i = 0; i < parts; ++i) fn(i);
}

// Reads the `objects` list from the reader's position (just after its '[')
// into parts, several at once on `pool`; then keeps the chain of parts
// that each began where the one before stopped, and reads the rest alone.
void ReadObjectsList(std::string_view json, const JsonReader& at_list, TaskPool* pool, size_t part_bytes,
                     std::deque<Stix2Part>& out) {
  const size_t begin = at_list.token_start() + 1;
  std::vector<size_t> starts{begin};
  if (pool && pool->threads() > 1)
    for (size_t from = begin + part_bytes; from < json.size(); from += part_bytes) {
      const size_t start = GuessElementStart(json, std::max(from, starts.back() + 1));
      if (start >= json.size()) break;
      starts.push_back(start);
      from = start;
    }
  std::deque<Stix2Part> parts(starts.size());
  RunParts(pool, parts.size(), [&](size_t i) {
    const size_t end = i + 1 < starts.size() ? starts[i + 1] : json.size();
    PartReader(parts[i]).Read(at_list.ResumeInArray(starts[i]), end);
  });
  size_t kept = 1;
  while (kept < parts.size() && parts[kept - 1].broken.empty() && !parts[kept - 1].ended &&
         parts[kept - 1].stop == starts[kept])
    ++kept;
  parts.resize(kept);
  if (parts.back().broken.empty() && !parts.back().ended) {  // A guess was wrong: the rest, alone.
    const size_t stop = parts.back().stop;
    PartReader(parts.emplace_back()).Read(at_list.ResumeInArray(stop), json.size());
  }
  for (Stix2Part& p : parts) out.push_back(std::move(p));
}

// Each indicator's collection: the first report listing it, else the
// malware a relationship points it to.
void ResolveCollections(std::deque<Stix2Part>& parts, TaskPool* pool) {
  Names malware, in_report, indicated;
  size_t relationships = 0;
  for (const Stix2Part& p : parts) {
    for (const auto& [id, name] : p.malware) malware.Insert(id, name);
    relationships += p.relationships.size();
  }
  for (const Stix2Part& p : parts)
    for (const Stix2Part::Report& report : p.reports)
      for (size_t i = 0; i < report.refs; ++i) in_report.Insert(p.refs[report.first_ref + i], report.name);
  if (!malware.empty()) {
    indicated.Reserve(relationships);
    for (const Stix2Part& p : parts)
      for (size_t i = 0; i < p.relationships.size(); ++i)
        if (const std::string_view* name = malware.Find(p.relationships[i].target))
          indicated.Emplace(p.relationships[i].source, p.relationship_hashes[i],
                            [&] { return std::pair(p.relationships[i].source, *name); });
  }
  if (in_report.empty() && indicated.empty()) return;
  RunParts(pool, parts.size(), [&](size_t i) {
    for (Stix2Indicator& s : parts[i].indicators) {
      if (const std::string_view* name = in_report.Find(s.id, s.id_hash)) s.collection = *name;
      else if (const std::string_view* m = indicated.Find(s.id, s.id_hash)) s.collection = *m;
    }
  });
}

}  // namespace

std::optional<Error> ReadStix2Bundle(std::string_view json, const std::string& file, Stix2Bundle& out,
                                     TaskPool* pool, size_t part_bytes) {
  JsonReader r(json);
  if (r.Next() != Token::kObjectStart)
    return MakeError(ErrorCode::kIndicatorsInvalid, 0, file + ": not a STIX2 bundle (not a JSON object)");
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
    ReadObjectsList(json, r, pool, part_bytes, out.parts);
    if (!out.parts.back().broken.empty()) {
      broken = out.parts.back().broken;
      break;
    }
    r = r.ResumeInArray(out.parts.back().stop);
    r.Next();  // The list's ']'.
  }
  if (!has_objects)
    return MakeError(ErrorCode::kIndicatorsInvalid, 0,
                     file + ": not a STIX2 bundle (" + (broken.empty() ? "no objects list" : broken) + ")");
  ResolveCollections(out.parts, pool);
  if (!broken.empty()) out.warnings.emplace_back("(file)", "not valid JSON from " + broken + ": the rest is left out");
  return std::nullopt;
}

}  // namespace vigie::indicators
