#include "module.h"

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#endif
#include <xxhash.h>

namespace vigie::check {

ModuleContext::ModuleContext(const acquisition::FileTree& files, const indicators::IndicatorSet& iocs,
                             CheckResult& result, RunState& run, std::string slug, std::string timeline_name)
    : files_(files),
      iocs_(iocs),
      result_(result),
      slug_(std::move(slug)),
      timeline_name_(std::move(timeline_name)),
      run_(run) {}

std::optional<std::string> ModuleContext::Read(const acquisition::FileEntry& file) {
  auto bytes = files_.Read(file, result_.diagnostics);
  if (!bytes) {
    result_.diagnostics.AddError(Level::kError, bytes.error(), file.path);
    return std::nullopt;
  }
  return std::move(bytes.value());
}

const std::string* ModuleContext::ReadShared(const acquisition::FileEntry& file) {
  auto it = run_.files.find(file.path);
  if (it == run_.files.end()) it = run_.files.emplace(file.path, Read(file)).first;
  return it->second ? &*it->second : nullptr;
}

ModuleResult& ModuleContext::Module() {
  if (!module_) {
    module_ = result_.modules.size();
    result_.modules.push_back({slug_, 0, {}});
  }
  return result_.modules[*module_];
}

Record& ModuleContext::AddRecord() {
  ModuleResult& m = Module();
  ++m.count;
  if (keep_records_) return m.records.emplace_back();
  scratch_.fields.clear();  // Filled and dropped: only the count is kept.
  return scratch_;
}

size_t ModuleContext::records() const { return module_ ? result_.modules[*module_].count : 0; }

void ModuleContext::Alert(AlertLevel level, std::string message, std::string event_time, std::string evidence) {
  result_.alerts.push_back({level, slug_, std::move(message), std::move(event_time), std::move(evidence), std::nullopt});
}

void ModuleContext::Matched(const indicators::Indicator& hit, std::string_view what, std::string_view value,
                            std::string event_time, AlertLevel level) {
  const indicators::Collection& c = iocs_.collections()[hit.collection];
  std::string message = "Found a known suspicious " + std::string(what) + " \"" + std::string(value) +
                        "\" matching indicator \"" + std::string(hit.value) + "\" from \"" + c.name + "\"";
  if (hit.conjunct) message += " (one term of a pattern that asks for more)";
  result_.alerts.push_back({level, slug_, std::move(message), std::move(event_time),
                            std::string(value),
                            IndicatorMatch{std::string(indicators::TypeName(hit.type)), std::string(hit.value), c.name,
                                           c.file, hit.conjunct}});
}

void ModuleContext::Timeline(std::string timestamp, std::string event, std::string description) {
  {
    std::string key = timestamp + '\0' + timeline_name_ + '\0' + event + '\0' + description;
    if (run_.timeline_seen.insert(XXH3_64bits(key.data(), key.size())).second) ++result_.timeline_rows;
  }
  if (keep_records_)
    result_.timeline.push_back({std::move(timestamp), timeline_name_, std::move(event), std::move(description)});
}

bool ModuleContext::CheckAppId(std::string_view id, std::string_view what) {
  if (id.empty()) return false;
  const indicators::Indicator* hit = iocs_.MatchAppId(id);
  if (hit) Matched(*hit, what, id, "");
  return hit != nullptr;
}

bool ModuleContext::CheckUrl(std::string_view url, std::string_view what, const std::string& when) {
  if (url.empty()) return false;
  const indicators::Indicator* hit = iocs_.MatchUrl(url);
  if (hit) Matched(*hit, what, url, when);
  return hit != nullptr;
}

bool ModuleContext::CheckProcess(std::string_view name, std::string_view what, const std::string& when,
                                 AlertLevel level) {
  if (name.empty()) return false;
  const indicators::Indicator* hit = iocs_.MatchProcess(name);
  if (hit) Matched(*hit, what, name, when, level);
  return hit != nullptr;
}

bool ModuleContext::CheckPath(std::string_view path, std::string_view what, const std::string& when,
                              AlertLevel level) {
  if (path.empty()) return false;
  const indicators::Indicator* hit = iocs_.MatchFileName(path);
  if (!hit) hit = iocs_.MatchFilePath(path);
  if (hit) Matched(*hit, what, path, when, level);
  return hit != nullptr;
}

bool ModuleContext::CheckProcessInPath(std::string_view path, std::string_view what, const std::string& when,
                                       AlertLevel level) {
  for (std::string_view rest = path; !rest.empty();) {
    const size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (const indicators::Indicator* hit = iocs_.MatchProcess(part); hit && hit->value == part) {
      Matched(*hit, what, path, when, level);
      return true;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return false;
}

}  // namespace vigie::check
