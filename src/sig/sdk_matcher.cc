#include "vigie/sig/sdk_matcher.h"

#include <hs.h>

#include <algorithm>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#endif
#include <xxhash.h>

#include "vigie/sig/hs_compiler.h"

namespace vigie::sig {
namespace {

hs_database_t* Db(void* p) { return static_cast<hs_database_t*>(p); }
hs_scratch_t* Scratch(void* p) { return static_cast<hs_scratch_t*>(p); }

// KB regexes run once per class, where one report per pattern is enough.
// Exodus regexes and anchors run over all classes at once, so they must
// report every class they match (duplicates are dropped afterwards). Names
// are matched one per line, so '^' and '$' must hold at line ends.
constexpr unsigned kKbFlags = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
constexpr unsigned kExodusFlags = HS_FLAG_ALLOWEMPTY | HS_FLAG_MULTILINE;
constexpr unsigned kAnchorFlags = 0;

// Compiles one vectorscan database from (pattern, sdk) pairs, or loads it
// from the cache. Each pattern reports at most once per scanned string
// (HS_FLAG_SINGLEMATCH): a verdict needs existence, not positions.
Result<void*> CompileRegexes(const std::vector<std::pair<std::string, uint32_t>>& patterns, unsigned flag,
                             const SignatureDb& db, std::vector<uint32_t>& ids) {
  if (patterns.empty()) return static_cast<void*>(nullptr);
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, pattern_ids;
  for (uint32_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].first.c_str());
    flags.push_back(flag);
    pattern_ids.push_back(i);
    ids.push_back(patterns[i].second);
  }
  HsCompileError err;
  hs_database_t* out = CompileHsCached(exprs, flags, pattern_ids, err);
  if (!out) {
    if (err.expression < 0 || static_cast<size_t>(err.expression) >= ids.size())
      return MakeError(ErrorCode::kSignatureDb, 0, "the signatures' regexes were not compiled: " + err.message);
    const std::string& who = db.sdks[ids[err.expression]].name;
    return MakeError(ErrorCode::kSignatureDb, 0, "regex of '" + who + "' does not compile: " + err.message);
  }
  return static_cast<void*>(out);
}

struct Hits {
  const std::vector<uint32_t>* ids;
  const std::function<void(uint32_t)>* fn;
};

int OnMatch(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  auto* h = static_cast<Hits*>(ctx);
  (*h->fn)((*h->ids)[id]);
  return 0;
}

void Scan(void* db, void* scratch, std::string_view text, const std::vector<uint32_t>& ids,
          const std::function<void(uint32_t)>& fn) {
  if (!db) return;
  Hits h{&ids, &fn};
  hs_scan(Db(db), text.data(), static_cast<unsigned>(text.size()), 0, Scratch(scratch), OnMatch, &h);
}

std::string ToSlashes(std::string dotted) {
  for (char& c : dotted)
    if (c == '.') c = '/';
  return dotted;
}

}  // namespace

Result<std::shared_ptr<const SdkMatcher>> SdkMatcher::Compile(SignatureDb db,
                                                              std::shared_ptr<const profile::ProfileIndex> profiles) {
  auto m = std::shared_ptr<SdkMatcher>(new SdkMatcher());
  if (profiles && !profiles->empty()) {
    std::unordered_map<std::string_view, uint32_t> by_id;
    for (uint32_t i = 0; i < db.sdks.size(); ++i) by_id.emplace(db.sdks[i].id, i);
    for (uint32_t p = 0; p < profiles->profile_count(); ++p) {
      // Profiles name KB ids; a database read with another prefix has none.
      const auto it = by_id.find("vigie:" + profiles->profile(p).sdk);
      m->profile_sdks_.push_back(it == by_id.end() ? kNobody : it->second);
    }
    const std::string encoded = profiles->Encode();
    m->profiles_digest_ = XXH3_64bits(encoded.data(), encoded.size()) | 1;  // Never 0, which means none.
    m->profiles_ = std::move(profiles);
  }
  std::vector<std::pair<std::string, uint32_t>> exodus, kb;
  size_t packages = 0, hosts = 0, components = 0;
  for (const SdkSignature& s : db.sdks) {
    packages += s.code_packages.size() + s.code_excludes.size();
    hosts += s.domains.size() + s.shared_domains.size();
    components += s.manifest_components.size();
  }
  m->packages_.Reserve(packages);
  m->hosts_.Reserve(hosts);
  m->components_.Reserve(components);
  for (uint32_t i = 0; i < db.sdks.size(); ++i) {
    const SdkSignature& s = db.sdks[i];
    for (const auto& p : s.code_packages) m->packages_.Insert(ToSlashes(p), i);
    for (const auto& p : s.code_excludes) m->packages_.Insert(ToSlashes(p), kNobody);
    for (const auto& r : s.code_regexes) {
      if (s.semantics != CodeSemantics::kExodus) kb.emplace_back(r, i);
      else if (WildcardLiterals::Accepts(r)) m->exodus_literals_.Add(r, i);
      else exodus.emplace_back(r, i);
    }
    for (const auto& d : s.domains) m->hosts_.Insert(d, i);
    for (const auto& d : s.shared_domains) m->hosts_.Insert(d, i | kSharedBit);
    for (const auto& c : s.manifest_components) m->components_.Insert(c, i);
    for (const auto& k : s.manifest_meta_data) m->meta_data_[k].push_back(i);
    using Kind = SdkString::Kind;
    auto add_string = [&](std::string_view text, Kind kind) {
      if (text.empty() || text.size() >= m->sdk_string_starts_.size()) return;
      auto [it, fresh] = m->sdk_strings_.try_emplace(std::string(text), SdkString{i, kind});
      if (!fresh && it->second.sdk != i) it->second.sdk = kNobody;
      m->sdk_string_starts_[text.size()] |= LabelStartBit(text.front());
      m->sdk_string_ends_[text.size()] |= LabelStartBit(text.back());
    };
    for (const auto& k : s.manifest_meta_data) add_string(k, Kind::kMetaDataKey);
    for (const auto& p : s.string_preferences) add_string(p, Kind::kPreferences);
    for (const auto& a : s.string_authorities) {
      add_string(a, Kind::kAuthority);
      add_string("." + a, Kind::kAuthority);  // Code appends it to the app's package name.
    }
    for (const auto& v : s.string_versions) add_string(v, Kind::kVersion);
    for (const auto& p : s.manifest_permissions) m->permissions_[p].push_back(i);
  }
  for (const auto& [text, unused] : m->sdk_strings_) m->sdk_string_texts_.push_back(text);
  std::sort(m->sdk_string_texts_.begin(), m->sdk_string_texts_.end());
  m->packages_.Finish();
  m->components_.Finish();
  m->hosts_.Finish();
  m->hosts_.ForEachFirstSegment([&](std::string_view label) {
    if (!label.empty() && label.size() < m->host_top_labels_.size())
      m->host_top_labels_[label.size()] |= LabelStartBit(label[0]);
  });
  std::vector<std::pair<std::string, uint32_t>> anchors;
  for (const auto& a : m->exodus_literals_.anchor_patterns())
    anchors.emplace_back(a, static_cast<uint32_t>(anchors.size()));
  auto a = CompileRegexes(anchors, kAnchorFlags, db, m->anchor_ids_);
  if (!a) return a.error();
  m->exodus_anchor_db_ = *a;
  auto e = CompileRegexes(exodus, kExodusFlags, db, m->exodus_ids_);
  if (!e) return e.error();
  m->exodus_db_ = *e;
  auto k = CompileRegexes(kb, kKbFlags, db, m->kb_ids_);
  if (!k) return k.error();
  m->kb_db_ = *k;
  m->db_ = std::move(db);
  return std::shared_ptr<const SdkMatcher>(std::move(m));
}

SdkMatcher::~SdkMatcher() {
  hs_free_database(Db(exodus_anchor_db_));
  hs_free_database(Db(exodus_db_));
  hs_free_database(Db(kb_db_));
}

void SdkMatcher::MatchHost(std::string_view host, const std::function<void(uint32_t, bool)>& fn) const {
  for (uint32_t e : hosts_.Owners(host)) fn(e & ~kSharedBit, (e & kSharedBit) != 0);
}

bool SdkMatcher::MayMatchHostEndingIn(std::string_view label) const {
  char lower[64];
  if (label.size() > sizeof lower) return true;  // Longer than a DNS label: let the walk decide.
  // Most labels asked about end Java names ("AdView"): no top label has
  // their length and first letter, and they are turned down before hashing.
  if (label.empty() || !(host_top_labels_[label.size()] & LabelStartBit(label[0]))) return false;
  for (size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return hosts_.HasFirstSegment(std::string_view(lower, label.size()));
}

void SdkMatcher::MatchComponent(std::string_view name, const std::function<void(uint32_t)>& fn) const {
  for (uint32_t sdk : components_.Owners(name)) fn(sdk);
}

bool SdkMatcher::MayBeSdkString(std::string_view s) const {
  return !s.empty() && s.size() < sdk_string_starts_.size() &&
         (sdk_string_starts_[s.size()] & LabelStartBit(s.front())) &&
         (sdk_string_ends_[s.size()] & LabelStartBit(s.back()));
}

std::optional<SdkMatcher::SdkString> SdkMatcher::SdkStringOf(std::string_view s) const {
  if (!MayBeSdkString(s)) return std::nullopt;
  const auto it = sdk_strings_.find(s);
  if (it == sdk_strings_.end() || it->second.sdk == kNobody) return std::nullopt;
  return it->second;
}

bool SdkMatcher::IsSdkStringText(std::string_view s) const {
  return MayBeSdkString(s) && sdk_strings_.find(s) != sdk_strings_.end();
}

std::string_view SdkMatcher::SdkString::KindName() const {
  switch (kind) {
    case Kind::kMetaDataKey:
      return "key";
    case Kind::kPreferences:
      return "preferences";
    case Kind::kAuthority:
      return "authority";
    case Kind::kVersion:
      return "version";
  }
  return "string";
}

void SdkMatcher::MatchMetaData(std::string_view key, const std::function<void(uint32_t)>& fn) const {
  if (auto it = meta_data_.find(key); it != meta_data_.end())
    for (uint32_t s : it->second) fn(s);
}

void SdkMatcher::MatchPermission(std::string_view p, const std::function<void(uint32_t)>& fn) const {
  if (auto it = permissions_.find(p); it != permissions_.end())
    for (uint32_t s : it->second) fn(s);
}

MatchSession::MatchSession(MatchSession&& other) noexcept
    : m_(other.m_),
      anchor_scratch_(other.anchor_scratch_),
      exodus_scratch_(other.exodus_scratch_),
      kb_scratch_(other.kb_scratch_) {
  other.anchor_scratch_ = other.exodus_scratch_ = other.kb_scratch_ = nullptr;
}

MatchSession::MatchSession(const SdkMatcher& m) : m_(&m) {
  hs_scratch_t* s = nullptr;
  if (m.exodus_anchor_db_ && hs_alloc_scratch(Db(m.exodus_anchor_db_), &s) == HS_SUCCESS) anchor_scratch_ = s;
  s = nullptr;
  if (m.exodus_db_ && hs_alloc_scratch(Db(m.exodus_db_), &s) == HS_SUCCESS) exodus_scratch_ = s;
  s = nullptr;
  if (m.kb_db_ && hs_alloc_scratch(Db(m.kb_db_), &s) == HS_SUCCESS) kb_scratch_ = s;
}

MatchSession::~MatchSession() {
  hs_free_scratch(Scratch(anchor_scratch_));
  hs_free_scratch(Scratch(exodus_scratch_));
  hs_free_scratch(Scratch(kb_scratch_));
}

void MatchSession::MatchDefinedClass(std::string_view d, const std::function<void(uint32_t)>& fn) {
  if (d.size() < 3 || d.front() != 'L' || d.back() != ';') return;
  std::string_view body = d.substr(1, d.size() - 2);
  for (uint32_t sdk : m_->packages_.Owners(body))
    if (sdk != SdkMatcher::kNobody) fn(sdk);
  if (kb_scratch_) Scan(m_->kb_db_, kb_scratch_, body, m_->kb_ids_, fn);
}

void MatchSession::MatchExodusClass(std::string_view c, const std::function<void(uint32_t)>& fn) {
  NameList one;
  one.Add(c);
  MatchExodusNames(one, [&](uint32_t sdk, size_t) { fn(sdk); });
}

void MatchSession::MatchExodusNames(const NameList& names,
                                    const std::function<void(uint32_t, size_t)>& fn) {
  const std::string_view text = names.text();
  if (names.size() == 0 || text.size() > UINT32_MAX) return;
  // Matches come per end offset, several per name and pattern, and several
  // patterns may belong to one SDK; duplicates are dropped after the scans.
  struct Ctx {
    const NameList* names;
    const std::vector<uint32_t>* ids;
    const WildcardLiterals* literals;
    std::vector<std::pair<size_t, uint32_t>> hits;  // (name, sdk)
  } ctx{&names, nullptr, &m_->exodus_literals_, {}};
  if (anchor_scratch_) {
    auto on_anchor = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) -> int {
      auto* c = static_cast<Ctx*>(p);
      const size_t i = c->names->IndexOfEnd(to);
      const std::string_view name = c->names->name(i);
      const uint64_t begin = static_cast<uint64_t>(name.data() - c->names->text().data());
      c->literals->Verify(id, c->names->text(), begin, to, begin + name.size(),
                          [&](uint32_t sdk) { c->hits.emplace_back(i, sdk); });
      return 0;
    };
    hs_scan(Db(m_->exodus_anchor_db_), text.data(), static_cast<unsigned>(text.size()), 0, Scratch(anchor_scratch_),
            on_anchor, &ctx);
  }
  if (exodus_scratch_) {
    ctx.ids = &m_->exodus_ids_;
    auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) -> int {
      auto* c = static_cast<Ctx*>(p);
      c->hits.emplace_back(c->names->IndexOfEnd(to), (*c->ids)[id]);
      return 0;
    };
    hs_scan(Db(m_->exodus_db_), text.data(), static_cast<unsigned>(text.size()), 0, Scratch(exodus_scratch_),
            on_match, &ctx);
  }
  std::sort(ctx.hits.begin(), ctx.hits.end());
  ctx.hits.erase(std::unique(ctx.hits.begin(), ctx.hits.end()), ctx.hits.end());
  for (auto [name, sdk] : ctx.hits) fn(sdk, name);
}

}  // namespace vigie::sig
