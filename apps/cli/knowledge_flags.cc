#include "knowledge_flags.h"

#include <cctype>
#include <cstdio>
#include <memory>

namespace vigie::cli {
namespace {

// "FORMAT:FILE" of `flag`, split.
std::pair<std::string, std::string> FormatAndFile(const std::string& flag, const std::string& value,
                                                  const char* example) {
  const size_t colon = value.find(':');
  if (colon == std::string::npos || colon == 0)
    throw UsageError(flag + " takes FORMAT:FILE (e.g. " + example + "), got '" + value + "'");
  return {value.substr(0, colon), value.substr(colon + 1)};
}

}  // namespace

void KnowledgeArgs::AddTo(FlagSet& f) {
  f.Option({"--signatures"}, "FORMAT:FILE",
           "Also load a signature database, FORMAT:FILE; FORMAT is exodus (Exodus Privacy's tracker export) or vigie "
           "(the built-in KB format). Repeatable",
           [this](std::string_view v) { signatures.emplace_back(v); });
  f.Flag({"--no-default-kb"}, "Do not load Vigie's built-in SDK knowledge base", &no_default_kb);
  f.Flag({"--deep"},
         "Also read text assets and native libraries for endpoints and secrets (slower where an app ships web content "
         "or large libraries)",
         &deep);
  f.Option({"--entities"}, "FORMAT:FILE",
           "Also load who owns which domains, FORMAT:FILE; FORMAT is xray (the X-Ray company data) or disconnect "
           "(Disconnect's entities.json). Repeatable; endpoints get their owners",
           [this](std::string_view v) { entities.emplace_back(v); });
  f.Option({"--policy-countries"}, "CC[,CC...]",
           "Countries whose ties an SDK vendor's findings report, as ISO codes (e.g. RU,CN)",
           [this](std::string_view v) { policy_countries = v; });
}

void KnowledgeArgs::Apply(KnowledgeSpec& spec, ScanOptions& scan) const {
  spec.builtin_kb = !no_default_kb;
  for (const auto& s : signatures) spec.signatures.push_back(FormatAndFile("--signatures", s, "exodus:trackers.json"));
  for (const auto& e : entities) spec.entities.push_back(FormatAndFile("--entities", e, "xray:companies.json"));
  scan.deep = deep;
  for (size_t start = 0; start < policy_countries.size();) {
    size_t comma = policy_countries.find(',', start);
    if (comma == std::string::npos) comma = policy_countries.size();
    std::string code = policy_countries.substr(start, comma - start);
    for (char& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
        !std::isalpha(static_cast<unsigned char>(code[1])))
      throw UsageError("--policy-countries takes ISO 3166-1 alpha-2 codes separated by commas (e.g. RU,CN), got '" +
                       policy_countries + "'");
    scan.policy_countries.push_back(code);
    start = comma + 1;
  }
}

std::vector<std::string> KnowledgeArgs::AsFlags() const {
  std::vector<std::string> out;
  for (const auto& s : signatures) out.push_back("--signatures=" + s);
  for (const auto& e : entities) out.push_back("--entities=" + e);
  if (!policy_countries.empty()) out.push_back("--policy-countries=" + policy_countries);
  if (no_default_kb) out.push_back("--no-default-kb");
  if (deep) out.push_back("--deep");
  return out;
}

const Knowledge* LoadKnowledgeOrReport(const KnowledgeSpec& spec) {
  auto knowledge = LoadKnowledge(spec);
  if (!knowledge) {
    std::fprintf(stderr, "vigie: %s\n", knowledge.error().message.c_str());
    return nullptr;
  }
  // Held from a static, so it stays reachable (and leak checkers agree).
  static auto* kept = new std::vector<std::unique_ptr<const Knowledge>>();
  kept->push_back(std::make_unique<const Knowledge>(std::move(*knowledge)));
  return kept->back().get();
}

}  // namespace vigie::cli
