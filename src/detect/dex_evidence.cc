// The evidence of one DEX file, read from the file itself or from the
// features a corpus scan kept of it, by one implementation (AnalyseCode);
// and the extraction of those features.
#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "embedded_detect.h"
#include "string_evidence.h"
#include "vigie/detect/data_access.h"
#include "vigie/detect/sdk_detector.h"
#include "vigie/exodus/class_set.h"
#include "vigie/exodus/dex_matches.h"
#include "vigie/profile/class_shape.h"

namespace vigie::detect {
namespace {

using Loads = DexApiIndex::Loads;

// ---- Where the code is read from ------------------------------------------
// The evidence of a DEX is worked out by one implementation (AnalyseCode)
// over either source: the file itself, or the features a corpus scan kept
// of it. A rematch thus finds what the scan found, by construction.

// A DEX file, read in place.
class LiveDex {
 public:
  using Use = ApiUse;
  explicit LiveDex(const dex::DexFile& dex) : dex_(dex), index_(dex) {}
  uint32_t class_count() const { return dex_.class_count(); }
  uint32_t string_count() const { return dex_.string_count(); }
  std::string_view Descriptor(uint32_t i) const { return dex_.TypeDescriptor(dex_.class_def(i).class_idx); }
  // fn(index, text, has a dot) for each string.
  template <typename Fn>
  void ForEachString(Fn&& fn) const {
    for (uint32_t i = 0; i < dex_.string_count(); ++i)
      if (const auto s = dex_.MarkedStringAt(i)) fn(i, s->text, s->dot);
  }
  std::string_view StringText(uint32_t idx) const { return dex_.String(idx).value_or(""); }
  void Collect(uint32_t klass, std::vector<Use>& uses, const Loads* loads) const {
    index_.CollectUses(klass, uses, loads);
  }
  static uint32_t Rule(const Use& u) { return u.rule; }
  std::string Caller(const Use& u) const { return MethodDisplayName(dex_, u.method_idx); }

  // Structure matches of the classes no package names whose names an
  // obfuscator gave; they are shaped first, as together they are the app's
  // background (profile_index.h).
  std::vector<features::StructureMatch> MatchStructure(const profile::ProfileIndex& profiles,
                                                       const std::vector<bool>& tied) const {
    profile::DexShaper shaper(dex_);
    std::vector<std::pair<uint32_t, profile::AppClass>> renamed;  // (class def, its features)
    profile::ProfileIndex::Background background(profiles);
    for (uint32_t i = 0; i < dex_.class_count(); ++i)
      if (!tied[i] && profile::LooksRenamed(Descriptor(i))) renamed.emplace_back(i, background.Add(shaper.Of(i)));
    std::vector<features::StructureMatch> out;
    for (const auto& [i, app_class] : renamed)
      if (const auto m = profiles.Match(app_class, background))
        out.push_back({i, m->profile, m->klass, m->shared, m->score, m->strong});
    return out;
  }

  exodus::Hits Exodus(std::string_view entry_name, sig::MatchSession& session, bool& /*unsettled*/) const {
    return exodus::MatchDex(dex_, entry_name, session);
  }

  const dex::DexFile& dex() const { return dex_; }

 private:
  const dex::DexFile& dex_;
  const DexApiIndex index_;
};

// A DEX as a corpus scan stored it (features::DexFeatures).
class StoredDex {
 public:
  using Use = std::pair<uint32_t, uint32_t>;  // (rule, caller)
  explicit StoredDex(const features::DexFeatures& f) : f_(f) {}
  uint32_t class_count() const { return static_cast<uint32_t>(f_.classes.size()); }
  uint32_t string_count() const { return f_.strings.empty() ? 0 : f_.strings.back().first + 1; }
  std::string_view Descriptor(uint32_t i) const { return f_.classes[i]; }
  template <typename Fn>
  void ForEachString(Fn&& fn) const {
    for (const auto& [i, text] : f_.strings) fn(i, text, HasDot(text));
  }
  std::string_view StringText(uint32_t idx) const {
    const auto it = std::lower_bound(f_.strings.begin(), f_.strings.end(), idx,
                                     [](const auto& s, uint32_t i) { return s.first < i; });
    return it != f_.strings.end() && it->first == idx ? it->second : std::string_view();
  }
  void Collect(uint32_t klass, std::vector<Use>& uses, const Loads* loads) const {
    const auto it = std::lower_bound(f_.code.begin(), f_.code.end(), klass,
                                     [](const features::ClassCode& c, uint32_t k) { return c.klass < k; });
    if (it == f_.code.end() || it->klass != klass) return;
    // Stored bytes are input too: a rule this Vigie does not have is dropped.
    for (const Use& call : it->calls)
      if (call.first < ApiRules().size()) uses.push_back(call);
    if (loads)
      for (uint32_t s : it->loads)
        if (s < loads->wanted.size() && loads->wanted[s]) loads->out.emplace_back(klass, s);
  }
  static uint32_t Rule(const Use& u) { return u.first; }
  std::string Caller(const Use& u) const {
    return u.second < f_.callers.size() ? std::string(f_.callers[u.second]) : std::string();
  }

  // The scan's matches; they hold while the tied classes and the profiles
  // are the scan's (features::Staleness).
  std::vector<features::StructureMatch> MatchStructure(const profile::ProfileIndex& profiles,
                                                       const std::vector<bool>& tied) const {
    std::vector<features::StructureMatch> out;
    for (const auto& m : f_.structure)
      if (m.klass < tied.size() && !tied[m.klass] && Fits(m, profiles)) out.push_back(m);
    return out;
  }

  // Exodus' class set: the names of the defined classes and of the entry,
  // then the names the scan kept (features::DexFeatures::exodus_names).
  // When those are only bounds and they do not settle the matches, the
  // sure matches are returned and `unsettled` is set.
  exodus::Hits Exodus(std::string_view entry_name, sig::MatchSession& session, bool& unsettled) const {
    sig::NameList sure, others;
    exodus::AddClassNames(sure, entry_name);
    for (std::string_view d : f_.classes) exodus::AddClassNames(sure, d);
    for (std::string_view n : f_.exodus_names) (f_.exodus_placed ? sure : others).Add(n);
    if (auto settled = exodus::SettledMatches(session, sure, others)) return *settled;
    unsettled = true;
    return exodus::MatchNames(session, sure);
  }

 private:
  const features::DexFeatures& f_;
};

// Renamed code: a class that no package names and no profile matches, yet
// loads a string only one SDK's code holds (a host it owns, one of its
// manifest keys, SharedPreferences names, provider authorities or version
// tokens) that none of the SDKs' own classes loads, is taken as that SDK's
// code, with the string as evidence (docs/sdk-kb.md, "Renamed code"). Its calls then count as the
// SDK's data access. An SDK whose classes this DEX names already is left
// alone (its strings are loaded by its own obfuscated internals), so the
// rest of the code is walked only when a string points at code no name
// shows.
template <typename Code>
void AttributeRenamedCode(const sig::SdkMatcher& matcher, const Code& code,
                          const std::vector<std::pair<uint32_t, uint32_t>>& owned,
                          const std::vector<bool>& structure_hits, const std::vector<bool>& found_in, DexEvidence& out,
                          const std::vector<uint32_t>& host_strings,
                          const std::vector<std::pair<uint32_t, sig::SdkMatcher::SdkString>>& sdk_strings,
                          std::unordered_map<uint32_t, uint32_t>& string_owner) {
  std::unordered_set<uint32_t> named;
  for (const auto& [sdk, list] : out.classes) named.insert(sdk);
  // String index -> (the one SDK it belongs to, what it is).
  std::unordered_map<uint32_t, std::pair<uint32_t, std::string>> orphan;
  for (size_t k = 0; k < out.hosts.size(); ++k) {
    if (string_owner.count(host_strings[k])) continue;
    const uint32_t sdk = SoleOwner(matcher, out.hosts[k].name);
    if (sdk != kNoSdk && !named.count(sdk)) orphan.try_emplace(host_strings[k], sdk, out.hosts[k].name);
  }
  for (const auto& [idx, marker] : sdk_strings)
    if (!string_owner.count(idx) && !named.count(marker.sdk))
      orphan.try_emplace(idx, marker.sdk, std::string(marker.KindName()) + " " + std::string(code.StringText(idx)));
  if (orphan.empty()) return;
  std::vector<bool> is_owned = structure_hits;  // Structure speaks for those.
  for (const auto& [class_def, sdk] : owned) is_owned[class_def] = true;
  std::vector<typename Code::Use> uses;
  std::vector<std::pair<uint32_t, uint32_t>> refs;
  const Loads loads{found_in, refs};
  for (uint32_t i = 0; i < code.class_count(); ++i) {
    if (is_owned[i]) continue;
    uses.clear();
    refs.clear();
    code.Collect(i, uses, &loads);
    const std::pair<uint32_t, std::string>* match = nullptr;
    for (auto [unused, idx] : refs)
      if (auto it = orphan.find(idx); it != orphan.end()) {
        match = &it->second;
        break;
      }
    if (!match) continue;
    const uint32_t sdk = match->first;
    out.renamed.emplace_back(sdk, dex::DescriptorToJavaName(code.Descriptor(i)) + " (loads " + match->second + ")");
    for (const auto& use : uses) out.api_calls.push_back({sdk, Code::Rule(use), code.Caller(use)});
    for (auto [unused, idx] : refs) string_owner.try_emplace(idx, sdk);
  }
}

// Renamed code by structure: a structure match ties the class to the SDK
// for its strings (as a named class would) and keeps its calls; the
// detector decides over the whole input whether the hits make a finding.
// Returns the classes hit, which endpoint attribution then leaves alone.
template <typename Code>
std::vector<bool> MatchStructure(const sig::SdkMatcher& matcher, const Code& code,
                                 const std::vector<std::pair<uint32_t, uint32_t>>& owned,
                                 const std::vector<bool>& found_in, std::unordered_map<uint32_t, uint32_t>& string_owner,
                                 DexEvidence& out) {
  std::vector<bool> hit_classes(code.class_count());
  const profile::ProfileIndex* profiles = matcher.profiles();
  if (!profiles) return hit_classes;
  std::vector<bool> tied(code.class_count());
  for (const auto& [class_def, sdk] : owned) tied[class_def] = true;
  std::vector<typename Code::Use> uses;
  std::vector<std::pair<uint32_t, uint32_t>> string_refs;
  const Loads loads{found_in, string_refs};
  for (const features::StructureMatch& m : code.MatchStructure(*profiles, tied)) {
    const uint32_t sdk = matcher.ProfileSdk(m.profile);
    if (sdk == kNoSdk) continue;
    hit_classes[m.klass] = true;
    StructureHit hit{sdk, m.profile, m.profile_class, m.shared, m.score, m.strong,
                     dex::DescriptorToJavaName(code.Descriptor(m.klass)), {}};
    uses.clear();
    string_refs.clear();
    code.Collect(m.klass, uses, found_in.empty() ? nullptr : &loads);
    for (const auto& use : uses) hit.calls.emplace_back(Code::Rule(use), code.Caller(use));
    for (auto [unused, idx] : string_refs) string_owner.try_emplace(idx, sdk);
    out.structure.push_back(std::move(hit));
  }
  return hit_classes;
}

// The classes each SDK's signatures own: each class belongs to the SDK
// with the longest package prefix of it (a KB regex may name another).
template <typename Code>
std::vector<std::pair<uint32_t, uint32_t>> MatchClasses(const Code& code, sig::MatchSession& session,
                                                        std::map<uint32_t, EvidenceList>* classes) {
  std::vector<std::pair<uint32_t, uint32_t>> owned;  // (class def, sdk), by class def
  for (uint32_t i = 0; i < code.class_count(); ++i) {
    uint32_t last = kNoSdk;
    session.MatchDefinedClass(code.Descriptor(i), [&](uint32_t sdk) {
      if (sdk == last) return;
      last = sdk;
      if (classes) (*classes)[sdk].AddLazily([&] { return dex::DescriptorToJavaName(code.Descriptor(i)); });
    });
    if (last != kNoSdk) owned.emplace_back(i, last);
  }
  return owned;
}

template <typename Code>
DexEvidence AnalyseCode(const Code& code, std::string_view entry_name, sig::MatchSession& session) {
  const sig::SdkMatcher& matcher = session.matcher();
  DexEvidence out;
  out.where = entry_name.empty() ? std::string("dex") : std::string(entry_name);

  std::map<uint32_t, EvidenceList> classes;
  const std::vector<std::pair<uint32_t, uint32_t>> owned = MatchClasses(code, session, &classes);
  out.classes.assign(std::make_move_iterator(classes.begin()), std::make_move_iterator(classes.end()));
  // Which renamed-looking classes names tie: the structure matches were
  // made among the others (features::Staleness).
  if (matcher.profiles()) {
    out.tied = kFnvBasis;
    for (const auto& [class_def, sdk] : owned)
      if (profile::LooksRenamed(code.Descriptor(class_def))) out.tied = Fold(out.tied, class_def);
  }

  // Strings: hosts, URLs, secrets and the SDKs' own strings.
  std::vector<uint32_t> find_strings, host_strings;  // The string each find or host came from.
  std::vector<std::pair<uint32_t, sig::SdkMatcher::SdkString>> sdk_strings;  // (string index, what it is)
  code.ForEachString([&](uint32_t i, std::string_view text, bool dot) {
    ScanString(matcher, text, dot, out.hosts, out.finds);
    find_strings.resize(out.finds.size(), i);
    host_strings.resize(out.hosts.size(), i);
    if (const auto marker = matcher.SdkStringOf(text)) sdk_strings.emplace_back(i, *marker);
  });

  // The SDKs' code: what it calls, and which strings it loads. A string with
  // a host, an endpoint or a secret, loaded by an SDK's class, belongs to
  // that SDK (the first one, in class order, when several load it).
  std::vector<bool> found_in(out.finds.empty() && out.hosts.empty() && sdk_strings.empty() ? 0 : code.string_count());
  for (uint32_t idx : find_strings) found_in[idx] = true;
  for (uint32_t idx : host_strings) found_in[idx] = true;
  for (const auto& [idx, marker] : sdk_strings) found_in[idx] = true;
  std::unordered_map<uint32_t, uint32_t> string_owner;
  std::vector<typename Code::Use> uses;
  std::vector<std::pair<uint32_t, uint32_t>> string_refs;  // (class def, string index)
  const Loads loads{found_in, string_refs};
  for (const auto& [class_def, sdk] : owned) {
    uses.clear();
    string_refs.clear();
    code.Collect(class_def, uses, found_in.empty() ? nullptr : &loads);
    for (const auto& use : uses) out.api_calls.push_back({sdk, Code::Rule(use), code.Caller(use)});
    for (auto [unused, idx] : string_refs) string_owner.try_emplace(idx, sdk);
  }
  const std::vector<bool> structure_hits = MatchStructure(matcher, code, owned, found_in, string_owner, out);
  AttributeRenamedCode(matcher, code, owned, structure_hits, found_in, out, host_strings, sdk_strings, string_owner);
  for (size_t k = 0; k < out.finds.size(); ++k)
    if (auto it = string_owner.find(find_strings[k]); it != string_owner.end()) out.finds[k].sdk = it->second;
  for (size_t k = 0; k < out.hosts.size(); ++k)
    if (auto it = string_owner.find(host_strings[k]); it != string_owner.end()) out.hosts[k].carrier = it->second;

  if (matcher.has_exodus()) out.exodus_hits = code.Exodus(entry_name, session, out.exodus_unsettled);
  return out;
}

// The names Exodus' class set holds beyond `sure` (those of the defined
// classes' descriptors and of the entry's name): everything dexdump
// prints, code items included, since other signatures may match what these
// did not.
std::vector<std::string> PrintedNamesBeyond(const dex::DexFile& dex, const sig::NameList& sure) {
  const exodus::PrintedItems printed = exodus::MarkPrintedItems(dex);
  exodus::IndexSet defined_types(dex.type_count());
  for (uint32_t i = 0; i < dex.class_count(); ++i) defined_types.Insert(dex.class_def(i).class_idx);
  sig::NameList all;
  printed.types.ForEach([&](uint32_t t) {
    if (!defined_types.Contains(t)) exodus::AddClassNames(all, dex.TypeDescriptor(t));
  });
  exodus::AddPrintedStrings(all, dex, printed.strings);
  std::vector<std::string_view> known;
  for (size_t i = 0; i < sure.size(); ++i) known.push_back(sure.name(i));
  std::sort(known.begin(), known.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < all.size(); ++i)
    if (!std::binary_search(known.begin(), known.end(), all.name(i))) out.emplace_back(all.name(i));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

bool KeepString(std::string_view s, bool dot) {
  if (dot) {
    if (s.find("://") != std::string_view::npos) return true;
    bool host = false;
    ForEachHostToken(s, [&](std::string_view) { return !(host = true); });
    if (host) return true;
  }
  return StartsLikeSecret(s);
}

uint64_t EvidenceRulesDigest() {
  static const uint64_t digest = [] {
    uint64_t h = Fold(kFnvBasis, features::kFormat);
    h = Fold(h, embedded::kDataAccessTsv);
    return Fold(h, embedded::kSecretsTsv);
  }();
  return digest;
}

DexEvidence AnalyseDex(const dex::DexFile& dex, std::string_view entry_name, sig::MatchSession& session) {
  return AnalyseCode(LiveDex(dex), entry_name, session);
}

DexEvidence AnalyseDexFeatures(const features::DexFeatures& f, sig::MatchSession& session) {
  return AnalyseCode(StoredDex(f), f.where, session);
}

features::DexFeatures ExtractDexFeatures(const dex::DexFile& dex, std::string_view entry_name,
                                         sig::MatchSession& session) {
  const sig::SdkMatcher& matcher = session.matcher();
  const LiveDex code(dex);
  features::DexFeatures f;
  f.where = std::string(entry_name);
  f.classes.reserve(dex.class_count());
  for (uint32_t i = 0; i < dex.class_count(); ++i) f.classes.push_back(f.text.Add(code.Descriptor(i)));

  std::vector<bool> kept(dex.string_count());
  code.ForEachString([&](uint32_t i, std::string_view text, bool dot) {
    if (!KeepString(text, dot) && !matcher.IsSdkStringText(text)) return;
    kept[i] = true;
    f.strings.emplace_back(i, f.text.Add(text));
  });

  // Every class's calls and loads of kept strings: any class may be an
  // SDK's under other knowledge.
  std::unordered_map<std::string, uint32_t> callers;
  std::vector<uint32_t> loaded_by(dex.string_count(), UINT32_MAX);  // The class that last loaded each string.
  std::vector<ApiUse> uses;
  std::vector<std::pair<uint32_t, uint32_t>> refs;
  const Loads loads{kept, refs};
  for (uint32_t i = 0; i < dex.class_count(); ++i) {
    uses.clear();
    refs.clear();
    code.Collect(i, uses, &loads);
    features::ClassCode c{i, {}, {}};
    for (const ApiUse& use : uses) {
      const auto [it, fresh] = callers.try_emplace(code.Caller(use), static_cast<uint32_t>(f.callers.size()));
      if (fresh) f.callers.push_back(f.text.Add(it->first));
      c.calls.emplace_back(use.rule, it->second);
    }
    for (auto [unused, idx] : refs)
      if (loaded_by[idx] != i) {
        loaded_by[idx] = i;
        c.loads.push_back(idx);
      }
    if (!c.calls.empty() || !c.loads.empty()) f.code.push_back(std::move(c));
  }

  // Exodus' class set is kept as its bounds, which settle almost every
  // match without reading what dexdump prints; when they do not settle the
  // scan's own signatures, the set's names are placed (a rematch with
  // other signatures may still find its bounds unsettled: it then says the
  // app is stale).
  const exodus::NameBounds bounds = exodus::BoundNames(dex, entry_name);
  if (matcher.has_exodus() && !exodus::SettledMatches(session, bounds.sure, bounds.unsure)) {
    f.exodus_placed = true;
    for (const std::string& name : PrintedNamesBeyond(dex, bounds.sure)) f.exodus_names.push_back(f.text.Add(name));
  } else {
    for (size_t i = 0; i < bounds.unsure.size(); ++i) f.exodus_names.push_back(f.text.Add(bounds.unsure.name(i)));
  }
  if (const profile::ProfileIndex* profiles = matcher.profiles()) {
    std::vector<bool> tied(dex.class_count());
    for (const auto& [class_def, sdk] : MatchClasses(code, session, nullptr)) tied[class_def] = true;
    f.structure = code.MatchStructure(*profiles, tied);
  }
  return f;
}

}  // namespace vigie::detect
