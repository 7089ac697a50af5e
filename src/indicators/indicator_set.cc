#include "vigie/indicators/indicator_set.h"

#include <algorithm>

#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/indicators/public_suffix.h"
#include "ascii.h"
#include "stix_pattern.h"

namespace vigie::indicators {
namespace {

bool CaseBlind(IndicatorType t) {
  switch (t) {
    case IndicatorType::kDomain:
    case IndicatorType::kEmail:
    case IndicatorType::kSha256:
    case IndicatorType::kSha1:
    case IndicatorType::kMd5:
    case IndicatorType::kAppId:
    case IndicatorType::kAppCertificate:
    case IndicatorType::kAndroidProperty:
      return true;
    default:
      return false;
  }
}

std::string_view Basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "198.51.100.1", "2001:db8::1": an address, whose parents are no domains.
bool IsAddress(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

std::string_view TypeName(IndicatorType type) {
  static constexpr std::string_view kNames[kIndicatorTypes] = {
      "domain", "url", "process", "email", "file_name", "file_path", "sha256",
      "sha1", "md5", "app_id", "app_certificate", "android_property", "configuration_profile"};
  return kNames[static_cast<size_t>(type)];
}

std::string HostOfUrl(std::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) url = url.substr(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url = url.substr(at + 1);
  if (url.starts_with("[")) {  // An IPv6 literal, its port after the bracket.
    url = url.substr(1, url.find(']') == std::string_view::npos ? url.size() : url.find(']') - 1);
  } else if (const size_t colon = url.rfind(':'); colon != std::string_view::npos) {
    url = url.substr(0, colon);
  }
  while (url.ends_with(".")) url.remove_suffix(1);
  return LowerAscii(url);
}

uint32_t IndicatorSet::AddCollection(std::string name, std::string file) {
  for (uint32_t i = 0; i < collections_.size(); ++i)
    if (collections_[i].name == name && collections_[i].file == file) return i;
  collections_.push_back({std::move(name), std::move(file)});
  return static_cast<uint32_t>(collections_.size() - 1);
}

bool IndicatorSet::Add(IndicatorType type, std::string_view value, uint32_t collection, bool conjunct) {
  std::string v = CaseBlind(type) ? LowerAscii(value) : std::string(value);
  if (type == IndicatorType::kDomain)
    while (v.ends_with(".")) v.pop_back();
  if (type == IndicatorType::kFilePath)
    while (v.size() > 1 && v.ends_with("/")) v.pop_back();
  if (v.empty()) return false;
  auto& map = by_type_[static_cast<size_t>(type)];
  if (map.contains(v)) return true;  // The first collection naming it keeps it.
  map.emplace(v, static_cast<uint32_t>(indicators_.size()));
  if (type == IndicatorType::kProcess) processes_.insert(std::lower_bound(processes_.begin(), processes_.end(), v), v);
  indicators_.push_back({type, std::move(v), collection, conjunct});
  return true;
}

void IndicatorSet::Warn(const std::string& file, std::string indicator, std::string message) {
  warnings_.push_back({file, std::move(indicator), std::move(message)});
}

const Indicator* IndicatorSet::FindNormalised(IndicatorType type, std::string_view value) const {
  const auto& map = by_type_[static_cast<size_t>(type)];
  if (map.empty()) return nullptr;
  const auto it = map.find(value);
  return it == map.end() ? nullptr : &indicators_[it->second];
}

const Indicator* IndicatorSet::Find(IndicatorType type, std::string_view value) const {
  if (by_type_[static_cast<size_t>(type)].empty()) return nullptr;
  if (!CaseBlind(type)) return FindNormalised(type, value);
  return FindNormalised(type, LowerAscii(value));
}

const Indicator* IndicatorSet::MatchHost(std::string_view raw) const {
  if (by_type_[static_cast<size_t>(IndicatorType::kDomain)].empty()) return nullptr;
  std::string host = LowerAscii(raw);
  while (host.ends_with(".")) host.pop_back();
  if (host.empty()) return nullptr;
  if (const Indicator* hit = FindNormalised(IndicatorType::kDomain, host)) return hit;
  if (IsAddress(host)) return nullptr;
  // Each parent, down to the registrable domain ("www.example.org" is
  // matched by "example.org" this way, without stripping characters as
  // MVT's lstrip("www.") does).
  const std::string_view registrable = PublicSuffixList::Builtin().RegistrableDomain(host);
  if (registrable.empty()) return nullptr;  // A public suffix: no parent is anyone's.
  std::string_view rest = host;
  while (rest.size() > registrable.size()) {
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
    if (rest.size() < registrable.size()) break;
    if (const Indicator* hit = FindNormalised(IndicatorType::kDomain, rest)) return hit;
  }
  return nullptr;
}

const Indicator* IndicatorSet::MatchUrl(std::string_view url) const {
  if (const Indicator* hit = Find(IndicatorType::kUrl, url)) return hit;
  return MatchHost(HostOfUrl(url));
}

const Indicator* IndicatorSet::MatchProcess(std::string_view name) const {
  name = Basename(name);
  if (const Indicator* hit = Find(IndicatorType::kProcess, name)) return hit;
  // The kernel keeps 15 characters of a process name and a NUL; a name of
  // 16 may be cut from a longer one.
  if (name.size() != 16) return nullptr;
  const auto it = std::lower_bound(processes_.begin(), processes_.end(), name,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  return it != processes_.end() && it->starts_with(name) ? Find(IndicatorType::kProcess, *it) : nullptr;
}

const Indicator* IndicatorSet::MatchEmail(std::string_view a) const { return Find(IndicatorType::kEmail, a); }
const Indicator* IndicatorSet::MatchAppId(std::string_view id) const { return Find(IndicatorType::kAppId, id); }
const Indicator* IndicatorSet::MatchAndroidProperty(std::string_view n) const {
  return Find(IndicatorType::kAndroidProperty, n);
}
const Indicator* IndicatorSet::MatchAppCertificate(std::string_view hex) const {
  return Find(IndicatorType::kAppCertificate, hex);
}

const Indicator* IndicatorSet::MatchHash(std::string_view hex) const {
  switch (hex.size()) {
    case 64:
      return Find(IndicatorType::kSha256, hex);
    case 40:
      return Find(IndicatorType::kSha1, hex);
    case 32:
      return Find(IndicatorType::kMd5, hex);
    default:
      return nullptr;
  }
}

const Indicator* IndicatorSet::MatchFileName(std::string_view path) const {
  return Find(IndicatorType::kFileName, Basename(path));
}

const Indicator* IndicatorSet::MatchFilePath(std::string_view path) const {
  if (by_type_[static_cast<size_t>(IndicatorType::kFilePath)].empty()) return nullptr;
  // A plain prefix test, as MVT's startswith: every prefix is looked up.
  for (size_t n = 1; n <= path.size(); ++n)
    if (const Indicator* hit = FindNormalised(IndicatorType::kFilePath, path.substr(0, n))) return hit;
  return nullptr;
}

const Indicator* IndicatorSet::MatchConfigurationProfile(std::string_view uuid) const {
  if (uuid.empty()) return nullptr;
  for (const auto& [value, index] : by_type_[static_cast<size_t>(IndicatorType::kConfigurationProfile)])
    if (value.find(uuid) != std::string::npos) return &indicators_[index];
  return nullptr;
}

std::optional<Error> IndicatorSet::AddStix2File(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file) return MakeError(ErrorCode::kIoError, 0, "cannot read " + path + ": " + file.error().message);
  if (file->view().size() > limits::kMaxIndicatorFileBytes)
    return MakeError(ErrorCode::kIndicatorsInvalid, 0, path + ": larger than limits::kMaxIndicatorFileBytes");
  return AddStix2(file->view().AsString(), path);
}

std::optional<Error> IndicatorSet::AddStix2(std::string_view json, const std::string& file) {
  Stix2Bundle bundle;
  if (auto error = ReadStix2Bundle(json, file, bundle)) return error;
  files_.push_back(file);
  const uint32_t fallback = AddCollection("Default collection", file);
  for (const Stix2Indicator& s : bundle.indicators) {
    const uint32_t collection = s.collection.empty() ? fallback : AddCollection(s.collection, file);
    StixPattern pattern;
    if (auto why = ParseStixPattern(s.pattern, pattern)) {
      Warn(file, s.id, *why);
      continue;
    }
    for (const StixComparison& c : pattern.comparisons) {
      if (c.op != "=") {
        Warn(file, s.id, "comparison '" + c.path + " " + c.op + "' is not an equality: left out");
        continue;
      }
      const std::optional<IndicatorType> type = TypeOfPath(c.path);
      if (!type) {
        Warn(file, s.id, "observable '" + c.path + "' is not one vigie check matches: left out");
        continue;
      }
      if (!Add(*type, c.value, collection, pattern.conjunction))
        Warn(file, s.id, "empty value for '" + c.path + "': left out");
    }
  }
  for (auto& w : bundle.warnings) Warn(file, std::move(w.first), std::move(w.second));
  return std::nullopt;
}

}  // namespace vigie::indicators
