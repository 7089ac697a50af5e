#include "vigie/indicators/indicator_set.h"

#include <algorithm>
#include <array>

#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/base/task_pool.h"
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

// A value lower-cased into a buffer reused by the thread: lookups allocate nothing.
std::string_view LowerInto(std::string_view s) {
  thread_local std::string buffer;
  buffer.assign(s);
  for (char& c : buffer) c = ToLowerAscii(c);
  return buffer;
}

// The host part of a URL (or a bare host), case kept: see HostOfUrl.
std::string_view HostView(std::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) url = url.substr(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url = url.substr(at + 1);
  if (url.starts_with("[")) {  // An IPv6 literal, its port after the bracket.
    url = url.substr(1, url.find(']') == std::string_view::npos ? url.size() : url.find(']') - 1);
  } else if (const size_t colon = url.rfind(':'); colon != std::string_view::npos) {
    url = url.substr(0, colon);
  }
  while (url.ends_with(".")) url.remove_suffix(1);
  return url;
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

std::string HostOfUrl(std::string_view url) { return LowerAscii(HostView(url)); }

uint32_t IndicatorSet::AddCollection(std::string name, std::string file) {
  for (uint32_t i = 0; i < collections_.size(); ++i)
    if (collections_[i].name == name && collections_[i].file == file) return i;
  collections_.push_back({std::move(name), std::move(file)});
  return static_cast<uint32_t>(collections_.size() - 1);
}

std::string_view NormaliseValue(IndicatorType type, std::string_view value, std::string& scratch) {
  if (CaseBlind(type) && std::any_of(value.begin(), value.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    scratch.assign(value);
    for (char& c : scratch) c = ToLowerAscii(c);
    value = scratch;
  }
  if (type == IndicatorType::kDomain)
    while (value.ends_with(".")) value.remove_suffix(1);
  if (type == IndicatorType::kFilePath)
    while (value.size() > 1 && value.ends_with("/")) value.remove_suffix(1);
  return value;
}

bool IndicatorSet::Add(IndicatorType type, std::string_view value, uint32_t collection, bool conjunct) {
  std::string scratch;
  const std::string_view v = NormaliseValue(type, value, scratch);
  if (v.empty()) return false;
  AddNormalised(type, v, FlatViewMap<uint32_t>::Hash(v), collection, conjunct);
  return true;
}

void IndicatorSet::AddNormalised(IndicatorType type, std::string_view v, uint32_t hash, uint32_t collection,
                                 bool conjunct) {
  const auto index = static_cast<uint32_t>(indicators_.size());
  const bool added = by_type_[static_cast<size_t>(type)]
                         .Emplace(v, hash,
                                  [&] {
                                    v = values_.Add(v);
                                    return std::pair(v, index);
                                  })
                         .second;
  if (!added) return;  // The first collection naming it keeps it.
  indicators_.push_back({type, v, collection, conjunct});
  // The kernel keeps 15 characters of a process name and a NUL: a name of
  // 16 may be cut from a longer one.
  if (type == IndicatorType::kProcess && v.size() > 16) process_prefixes_.Insert(v.substr(0, 16), index);
  if (type == IndicatorType::kFilePath) {
    const auto at = std::lower_bound(path_lengths_.begin(), path_lengths_.end(), v.size());
    if (at == path_lengths_.end() || *at != v.size()) path_lengths_.insert(at, v.size());
  }
  if (type == IndicatorType::kConfigurationProfile) profiles_.push_back(index);
}

void IndicatorSet::Warn(const std::string& file, std::string indicator, std::string message) {
  warnings_.push_back({file, std::move(indicator), std::move(message)});
}

const Indicator* IndicatorSet::FindNormalised(IndicatorType type, std::string_view value) const {
  const uint32_t* index = by_type_[static_cast<size_t>(type)].Find(value);
  return index ? &indicators_[*index] : nullptr;
}

const Indicator* IndicatorSet::Find(IndicatorType type, std::string_view value) const {
  if (by_type_[static_cast<size_t>(type)].empty()) return nullptr;
  return FindNormalised(type, CaseBlind(type) ? LowerInto(value) : value);
}

const Indicator* IndicatorSet::MatchHost(std::string_view raw) const {
  if (by_type_[static_cast<size_t>(IndicatorType::kDomain)].empty()) return nullptr;
  while (raw.ends_with(".")) raw.remove_suffix(1);
  if (raw.empty()) return nullptr;
  const std::string_view host = LowerInto(raw);
  if (const Indicator* hit = FindNormalised(IndicatorType::kDomain, host)) return hit;
  if (IsAddress(host)) return nullptr;
  // Each parent down to the registrable domain ("www.example.org" is
  // matched by "example.org" this way, without stripping characters as
  // MVT's lstrip("www.") does). Parents are looked up first and the Public
  // Suffix List read only for a hit, which is rare.
  for (size_t dot = host.find('.'); dot != std::string_view::npos; dot = host.find('.', dot + 1)) {
    const std::string_view parent = host.substr(dot + 1);
    const Indicator* hit = FindNormalised(IndicatorType::kDomain, parent);
    if (!hit) continue;
    const std::string_view registrable = PublicSuffixList::Builtin().RegistrableDomain(host);
    // Shorter parents are public suffixes too: no parent of theirs is anyone's.
    return !registrable.empty() && parent.size() >= registrable.size() ? hit : nullptr;
  }
  return nullptr;
}

const Indicator* IndicatorSet::MatchUrl(std::string_view url) const {
  if (const Indicator* hit = Find(IndicatorType::kUrl, url)) return hit;
  return MatchHost(HostView(url));
}

const Indicator* IndicatorSet::MatchProcess(std::string_view name) const {
  name = Basename(name);
  if (const Indicator* hit = Find(IndicatorType::kProcess, name)) return hit;
  if (name.size() != 16) return nullptr;
  const uint32_t* index = process_prefixes_.Find(name);
  return index ? &indicators_[*index] : nullptr;
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
  // A plain prefix test, as MVT's startswith: the prefixes as long as some
  // indicator are looked up, shortest first.
  for (const size_t n : path_lengths_) {
    if (n > path.size()) break;
    if (const Indicator* hit = FindNormalised(IndicatorType::kFilePath, path.substr(0, n))) return hit;
  }
  return nullptr;
}

const Indicator* IndicatorSet::MatchConfigurationProfile(std::string_view uuid) const {
  if (uuid.empty()) return nullptr;
  for (const uint32_t index : profiles_)
    if (indicators_[index].value.find(uuid) != std::string_view::npos) return &indicators_[index];
  return nullptr;
}

std::optional<Error> IndicatorSet::AddStix2File(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file) return MakeError(ErrorCode::kIoError, 0, "cannot read " + path + ": " + file.error().message);
  if (file->view().size() > limits::kMaxIndicatorFileBytes)
    return MakeError(ErrorCode::kIndicatorsInvalid, 0, path + ": larger than limits::kMaxIndicatorFileBytes");
  // Reading is most of the cost of a large file; below a few parts' worth
  // threads would not pay for themselves.
  if (file->view().size() < (64u << 20)) return AddStix2(file->view().AsString(), path);
  TaskPool pool(CpuCount());
  return AddStix2(file->view().AsString(), path, &pool);
}

std::optional<Error> IndicatorSet::AddStix2(std::string_view json, const std::string& file, TaskPool* pool,
                                            size_t part_bytes) {
  Stix2Bundle bundle;
  if (auto error = ReadStix2Bundle(json, file, bundle, pool, part_bytes)) return error;
  files_.push_back(file);
  size_t per_type[kIndicatorTypes] = {};
  for (const Stix2Part& p : bundle.parts)
    for (const Stix2Value& v : p.values) ++per_type[static_cast<size_t>(v.type)];
  for (size_t t = 0; t < kIndicatorTypes; ++t) {
    if (per_type[t] > 0) by_type_[t].Reserve(by_type_[t].size() + per_type[t]);
    indicators_.reserve(indicators_.size() + per_type[t]);
  }
  const uint32_t fallback = AddCollection("Default collection", file);
  uint32_t collection = fallback;
  std::string_view collection_name;  // Of `collection`: consecutive indicators mostly share one.
  for (Stix2Part& p : bundle.parts) {
    for (const Stix2Indicator& s : p.indicators) {
      if (s.collection.empty()) {
        collection = fallback;
        collection_name = {};
      } else if (s.collection.data() != collection_name.data() || s.collection != collection_name) {
        collection = AddCollection(std::string(s.collection), file);
        collection_name = s.collection;
      }
      for (uint32_t i = s.first_value; i < s.first_value + s.values; ++i)
        AddNormalised(p.values[i].type, p.values[i].value, p.values[i].hash, collection, s.conjunct);
    }
    for (auto& w : p.warnings) Warn(file, std::move(w.first), std::move(w.second));
  }
  for (auto& w : bundle.warnings) Warn(file, std::move(w.first), std::move(w.second));
  return std::nullopt;
}

}  // namespace vigie::indicators
