#include "vigie/detect/sdk_detector.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

#include "vigie/base/limits.h"
#include "vigie/detect/data_access.h"
#include "vigie/exodus/dex_matches.h"
#include "vigie/profile/class_shape.h"

namespace vigie::detect {
namespace {

// A structure match makes a finding when this many app classes, sharing
// this much feature weight (profile_index.h), match one profile of the SDK
// with this mean score; with kStrongStructureClasses it is "medium".
constexpr size_t kMinStructureClasses = 3;
constexpr double kMinStructureShared = 120;
constexpr double kMinStructureSimilarity = 0.8;
constexpr uint32_t kStrongStructureClasses = 20;

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Host-like tokens in a string: runs of [A-Za-z0-9.-] with an inner dot and a
// final label of letters ("t.appsflyer.com", in "https://t.appsflyer.com/x").
template <typename Fn>
void ForEachHostToken(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !IsHostChar(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && IsHostChar(s[i])) ++i;
    std::string_view tok = s.substr(start, i - start);
    while (!tok.empty() && (tok.front() == '.' || tok.front() == '-')) tok.remove_prefix(1);
    while (!tok.empty() && (tok.back() == '.' || tok.back() == '-')) tok.remove_suffix(1);
    size_t dot = tok.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || tok.size() - dot < 3) continue;
    std::string_view tld = tok.substr(dot + 1);
    if (!std::all_of(tld.begin(), tld.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }))
      continue;
    fn(tok);
  }
}

bool HasDot(std::string_view s) { return s.find('.') != std::string_view::npos; }

std::string JavaName(std::string_view slash) {
  std::string out(slash);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

// Hosts in `text` that some signature covers, appended lower-cased.
template <typename Host>
void FindHosts(const sig::SdkMatcher& matcher, std::string_view text, std::vector<Host>& out) {
  std::string host;
  ForEachHostToken(text, [&](std::string_view tok) {
    // Most host-like tokens of a DEX are Java names ("java.lang.String"):
    // they are turned down by their last label before any copy.
    if (!matcher.MayMatchHostEndingIn(tok.substr(tok.rfind('.') + 1))) return;
    host.assign(tok);
    for (char& c : host)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool covered = false;
    matcher.MatchHost(host, [&](uint32_t, bool) { covered = true; });
    if (covered) out.push_back(Host{host});
  });
}

// The URLs (when `urls`) and secret tokens in `s`, appended.
void AppendFinds(std::string_view s, bool urls, std::vector<StringFind>& out) {
  if (urls) ForEachUrl(s, [&](std::string_view url) { out.push_back({std::string(url), nullptr, kNoSdk}); });
  ForEachSecret(s, [&](const SecretMatch& m) { out.push_back({std::string(m.token), m.rule, kNoSdk}); });
}

// Hosts covered by a signature, URLs and secret tokens in one string of the
// app's code or resources.
template <typename Host>
void ScanString(const sig::SdkMatcher& matcher, std::string_view s, bool dotted, std::vector<Host>& hosts,
                std::vector<StringFind>& finds) {
  // Hosts, and every URL worth reporting, have a dot; "://" is searched
  // only then. Hard-coded keys are whole string constants, so other strings
  // are only asked whether they start like one.
  if (dotted) FindHosts(matcher, s, hosts);
  if (dotted && s.find("://") != std::string_view::npos) AppendFinds(s, /*urls=*/true, finds);
  else if (StartsLikeSecret(s)) AppendFinds(s, /*urls=*/false, finds);
}

// The one SDK that owns `host` (not as a shared host), or kNoSdk.
uint32_t SoleOwner(const sig::SdkMatcher& matcher, std::string_view host) {
  uint32_t sdk = kNoSdk, owners = 0;
  matcher.MatchHost(host, [&](uint32_t s, bool shared) {
    if (!shared) ++owners, sdk = s;
  });
  return owners == 1 ? sdk : kNoSdk;
}

// Renamed code: a class that no package names and no profile matches, yet
// loads a string only one SDK's code holds (a host it owns, one of its
// manifest keys, SharedPreferences names, provider authorities or version
// tokens) that none of the SDKs' own classes loads, is taken as that SDK's
// code, with the string as evidence (docs/sdk-kb.md, "Renamed code"). Its calls then count as the
// SDK's data access. An SDK whose classes this DEX names already is left
// alone (its strings are loaded by its own obfuscated internals), so the
// rest of the code is walked only when a string points at code no name
// shows.
void AttributeRenamedCode(const sig::SdkMatcher& matcher, const dex::DexFile& dex, const DexApiIndex& index,
                          const std::vector<std::pair<uint32_t, uint32_t>>& owned,
                          const std::vector<bool>& structure_hits, DexEvidence& out,
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
      orphan.try_emplace(idx, marker.sdk,
                         std::string(marker.KindName()) + " " + std::string(dex.String(idx).value_or("")));
  if (orphan.empty()) return;
  std::vector<bool> is_owned = structure_hits;  // Structure speaks for those.
  for (const auto& [class_def, sdk] : owned) is_owned[class_def] = true;
  std::vector<ApiUse> uses;
  std::vector<std::pair<uint32_t, uint32_t>> refs;
  for (uint32_t i = 0; i < dex.class_count(); ++i) {
    if (is_owned[i]) continue;
    uses.clear();
    refs.clear();
    index.CollectUses(i, uses, &refs);
    const std::pair<uint32_t, std::string>* match = nullptr;
    for (auto [unused, idx] : refs)
      if (auto it = orphan.find(idx); it != orphan.end()) {
        match = &it->second;
        break;
      }
    if (!match) continue;
    const uint32_t sdk = match->first;
    out.renamed.emplace_back(sdk, dex::DescriptorToJavaName(dex.TypeDescriptor(dex.class_def(i).class_idx)) +
                                      " (loads " + match->second + ")");
    for (const ApiUse& use : uses) out.api_calls.push_back({sdk, use.rule, MethodDisplayName(dex, use.method_idx)});
    for (auto [unused, idx] : refs) string_owner.try_emplace(idx, sdk);
  }
}

// Renamed code by structure: each class no package names, and whose name
// an obfuscator gave, is shaped and looked up in the SDK profiles. A hit
// ties the class to the SDK for its strings (as a named class would) and
// keeps its calls; the detector
// decides over the whole input whether the hits make a finding. Returns
// the classes hit, which endpoint attribution then leaves alone.
std::vector<bool> MatchStructure(const sig::SdkMatcher& matcher, const dex::DexFile& dex, const DexApiIndex& index,
                                 const std::vector<std::pair<uint32_t, uint32_t>>& owned,
                                 const std::vector<bool>& found_in, std::unordered_map<uint32_t, uint32_t>& string_owner,
                                 DexEvidence& out) {
  std::vector<bool> hit_classes(dex.class_count());
  const profile::ProfileIndex* profiles = matcher.profiles();
  if (!profiles) return hit_classes;
  std::vector<bool> tied(dex.class_count());
  for (const auto& [class_def, sdk] : owned) tied[class_def] = true;
  // They are shaped first: together they are the app's background
  // (profile_index.h).
  profile::DexShaper shaper(dex);
  std::vector<std::pair<uint32_t, profile::AppClass>> renamed;  // (class def, its features)
  profile::ProfileIndex::Background background(*profiles);
  for (uint32_t i = 0; i < dex.class_count(); ++i)
    if (!tied[i] && profile::LooksRenamed(dex.TypeDescriptor(dex.class_def(i).class_idx)))
      renamed.emplace_back(i, background.Add(shaper.Of(i)));
  std::vector<ApiUse> uses;
  std::vector<std::pair<uint32_t, uint32_t>> string_refs;
  for (const auto& [i, features] : renamed) {
    const auto match = profiles->Match(features, background);
    if (!match) continue;
    const uint32_t sdk = matcher.ProfileSdk(match->profile);
    if (sdk == kNoSdk) continue;
    hit_classes[i] = true;
    StructureHit hit{sdk,           match->profile, match->klass,
                     match->shared, match->score,   match->strong,
                     dex::DescriptorToJavaName(dex.TypeDescriptor(dex.class_def(i).class_idx)), {}};
    uses.clear();
    string_refs.clear();
    index.CollectUses(i, uses, found_in.empty() ? nullptr : &string_refs);
    for (const ApiUse& use : uses) hit.calls.emplace_back(use.rule, MethodDisplayName(dex, use.method_idx));
    for (auto [unused, idx] : string_refs)
      if (idx < found_in.size() && found_in[idx]) string_owner.try_emplace(idx, sdk);
    out.structure.push_back(std::move(hit));
  }
  return hit_classes;
}

}  // namespace

DexEvidence AnalyseDex(const dex::DexFile& dex, std::string_view entry_name, sig::MatchSession& session) {
  const sig::SdkMatcher& matcher = session.matcher();
  DexEvidence out;
  out.where = entry_name.empty() ? std::string("dex") : std::string(entry_name);

  // Defined classes. Each class belongs to the SDK with the longest package
  // prefix of it (a KB regex may name another).
  std::map<uint32_t, EvidenceList> classes;
  std::vector<std::pair<uint32_t, uint32_t>> owned;  // (class def, sdk), by class def
  for (uint32_t i = 0; i < dex.class_count(); ++i) {
    uint32_t last = kNoSdk;
    session.MatchDefinedClass(dex.TypeDescriptor(dex.class_def(i).class_idx), [&](uint32_t sdk) {
      if (sdk == last) return;
      last = sdk;
      classes[sdk].AddLazily([&] { return dex::DescriptorToJavaName(dex.TypeDescriptor(dex.class_def(i).class_idx)); });
    });
    if (last != kNoSdk) owned.emplace_back(i, last);
  }
  out.classes.assign(std::make_move_iterator(classes.begin()), std::make_move_iterator(classes.end()));

  // Strings: hosts, URLs, secrets and the SDKs' own strings.
  std::vector<uint32_t> find_strings, host_strings;  // The string each find or host came from.
  std::vector<std::pair<uint32_t, sig::SdkMatcher::SdkString>> sdk_strings;  // (string index, what it is)
  for (uint32_t i = 0; i < dex.string_count(); ++i) {
    const auto s = dex.MarkedStringAt(i);
    if (!s) continue;
    ScanString(matcher, s->text, s->dot, out.hosts, out.finds);
    find_strings.resize(out.finds.size(), i);
    host_strings.resize(out.hosts.size(), i);
    if (const auto marker = matcher.SdkStringOf(s->text)) sdk_strings.emplace_back(i, *marker);
  }

  // The SDKs' code: what it calls, and which strings it loads. A string with
  // a host, an endpoint or a secret, loaded by an SDK's class, belongs to
  // that SDK (the first one, in class order, when several load it).
  std::vector<bool> found_in(out.finds.empty() && out.hosts.empty() && sdk_strings.empty() ? 0 : dex.string_count());
  for (uint32_t idx : find_strings) found_in[idx] = true;
  for (uint32_t idx : host_strings) found_in[idx] = true;
  for (const auto& [idx, marker] : sdk_strings) found_in[idx] = true;
  std::unordered_map<uint32_t, uint32_t> string_owner;
  const DexApiIndex index(dex);
  std::vector<ApiUse> uses;
  std::vector<std::pair<uint32_t, uint32_t>> string_refs;  // (class def, string index)
  for (const auto& [class_def, sdk] : owned) {
    uses.clear();
    string_refs.clear();
    index.CollectUses(class_def, uses, found_in.empty() ? nullptr : &string_refs);
    for (const ApiUse& use : uses) out.api_calls.push_back({sdk, use.rule, MethodDisplayName(dex, use.method_idx)});
    for (auto [unused, idx] : string_refs)
      if (idx < found_in.size() && found_in[idx]) string_owner.try_emplace(idx, sdk);
  }
  const std::vector<bool> structure_hits = MatchStructure(matcher, dex, index, owned, found_in, string_owner, out);
  AttributeRenamedCode(matcher, dex, index, owned, structure_hits, out, host_strings, sdk_strings, string_owner);
  for (size_t k = 0; k < out.finds.size(); ++k)
    if (auto it = string_owner.find(find_strings[k]); it != string_owner.end()) out.finds[k].sdk = it->second;
  for (size_t k = 0; k < out.hosts.size(); ++k)
    if (auto it = string_owner.find(host_strings[k]); it != string_owner.end()) out.hosts[k].carrier = it->second;

  if (matcher.has_exodus()) out.exodus_hits = exodus::MatchDex(dex, entry_name, session);
  return out;
}

BlobFinds FindInBlob(std::string_view blob) {
  BlobFinds out;
  ForEachFindInBlob(
      blob, [&](std::string_view url) { out.urls.emplace_back(url); },
      [&](const SecretMatch& m) { out.secrets.emplace_back(m.rule, std::string(m.token)); });
  return out;
}

SdkDetector::SdkDetector(sig::MatchSession& session) : matcher_(session.matcher()), session_(session) {}

SdkFinding& SdkDetector::Finding(uint32_t sdk) {
  auto [it, fresh] = findings_.try_emplace(sdk);
  if (fresh) {
    const sig::SdkSignature& s = matcher_.db().sdks[sdk];
    SdkFinding& f = it->second;
    f.id = s.id;
    f.name = s.name;
    f.vendor = s.vendor;
    f.categories = s.categories;
    f.exodus_ids = s.exodus_ids;
    f.source = s.source;
  }
  return it->second;
}

void SdkDetector::AddHost(const std::string& host, uint32_t carrier) {
  const auto inserted = hosts_seen_.try_emplace(host, false);
  const auto seen = inserted.first;
  const bool fresh = inserted.second;  // Not a structured binding: lambdas capture it (clang 14).
  if (!fresh && seen->second) return;  // Counted as its SDK's own already.
  bool owned = false;
  matcher_.MatchHost(host, [&](uint32_t sdk, bool shared) {
    const bool supports = shared || (carrier != kNoSdk && carrier != sdk);
    if (supports && !fresh) return;  // Already counted as support.
    SdkFinding& f = Finding(sdk);
    (supports ? f.shared_strings : f.strings).Add(host);
    owned |= !supports;
  });
  seen->second = owned;
}

void SdkDetector::AddFind(const StringFind& f, const std::string& where) {
  if (f.secret) {
    if (secrets_.size() >= limits::kMaxSecrets) return;
    if (!secrets_seen_.insert(f.secret->kind + "\n" + f.text).second) return;
    Secret s;
    s.kind = f.secret->kind;
    s.value = RedactSecret(*f.secret, f.text);
    s.where = where;
    s.severity = f.secret->severity;
    s.backend = f.secret->role == "backend";
    s.role = f.secret->role;
    s.description = f.secret->description;
    s.source = f.secret->source;
    secrets_.push_back(std::move(s));
    return;
  }
  auto [it, fresh] = endpoints_.try_emplace(f.text);
  Endpoint& e = it->second;
  if (fresh) {
    if (endpoints_.size() > limits::kMaxEndpoints) {
      endpoints_.erase(it);
      return;
    }
    e.url = f.text;
    e.host = UrlHost(f.text);
  }
  if (std::find(e.where.begin(), e.where.end(), where) == e.where.end()) e.where.push_back(where);
  if (e.sdk.empty()) {
    // The SDK whose own domain it is, else the SDK whose code loads it.
    matcher_.MatchHost(e.host, [&](uint32_t s, bool shared) {
      if (e.sdk.empty() && !shared) e.sdk = matcher_.db().sdks[s].id;
    });
    if (e.sdk.empty() && f.sdk != kNoSdk) e.sdk = matcher_.db().sdks[f.sdk].id;
  }
}

void SdkDetector::AddDataAccess(uint32_t sdk, uint32_t rule_index, const std::string& caller) {
  const ApiRule& rule = ApiRules()[rule_index];
  auto& list = Finding(sdk).data_access;
  auto it = std::find_if(list.begin(), list.end(), [&](const DataAccess& d) { return d.kind == rule.kind; });
  if (it == list.end()) {
    list.emplace_back();
    it = std::prev(list.end());
    it->kind = rule.kind;
  }
  if (std::find(it->apis.begin(), it->apis.end(), rule.display) == it->apis.end()) it->apis.push_back(rule.display);
  for (const auto& p : rule.permissions)
    if (std::find(it->permissions.begin(), it->permissions.end(), p) == it->permissions.end())
      it->permissions.push_back(p);
  it->call_sites.Add(caller + " -> " + rule.display);
}

void SdkDetector::AddDex(const DexEvidence& evidence) {
  for (const auto& [sdk, list] : evidence.classes) Finding(sdk).classes.Append(list);
  for (const auto& [sdk, name] : evidence.renamed) Finding(sdk).renamed_classes.Add(name);
  for (const auto& host : evidence.hosts) AddHost(host.name, host.carrier);
  exodus_hits_.insert(exodus_hits_.end(), evidence.exodus_hits.begin(), evidence.exodus_hits.end());
  for (const auto& call : evidence.api_calls) AddDataAccess(call.sdk, call.rule, call.caller);
  for (const auto& f : evidence.finds) AddFind(f, evidence.where);
  structure_.insert(structure_.end(), evidence.structure.begin(), evidence.structure.end());
}

void SdkDetector::AddClassFile(std::string_view entry_name, const classfile::ClassFile* parsed) {
  // The class's own name where the file could be read (an entry can be
  // named anything), else the entry name.
  std::string_view name = parsed ? parsed->this_class() : entry_name;
  std::string desc;
  desc.reserve(name.size() + 2);
  desc.append("L").append(name).append(";");
  uint32_t last = kNoSdk;
  session_.MatchDefinedClass(desc, [&](uint32_t sdk) {
    if (sdk == last) return;
    last = sdk;
    Finding(sdk).classes.Add(JavaName(name));
  });
  if (parsed) {
    std::vector<std::string> hosts;
    std::vector<StringFind> found;
    std::vector<std::string> keys;  // SDKs' own strings the class loads (SdkStringOf).
    parsed->ForEachStringConstant([&](std::string_view s) {
      ScanString(matcher_, s, HasDot(s), hosts, found);
      if (matcher_.SdkStringOf(s)) keys.emplace_back(s);
    });
    const std::string where = std::string(entry_name) + ".class";
    const std::string java = JavaName(name);
    std::vector<std::pair<uint32_t, std::string>> calls;
    for (uint32_t rule : ClassFileApiRules(*parsed)) calls.emplace_back(rule, java);
    if (last != kNoSdk) {
      for (const auto& f : found) AddFind({f.text, f.secret, last}, where);
      for (const auto& host : hosts) AddHost(host, last);
      for (const auto& [rule, caller] : calls) AddDataAccess(last, rule, caller);
      jvm_owned_strings_.insert(hosts.begin(), hosts.end());
      jvm_owned_strings_.insert(keys.begin(), keys.end());
    } else {
      // Unnamed: its structure may tie it to an SDK, as a name would, once
      // every class is read and the app's background known; else its
      // strings may (FinishJvm).
      // Only a name an obfuscator gave is looked up by structure.
      profile::Shape shape;
      if (profile::LooksRenamed(java)) shape = profile::ShapeOfClassFile(*parsed);
      JvmCandidate c{java, std::move(shape), std::move(hosts), std::move(keys), std::move(calls), {}, where};
      for (auto& f : found) c.finds.push_back(std::move(f));
      jvm_unowned_.push_back(std::move(c));
    }
  }
  // Exodus' tooling applies its regexes to JAR entry names directly.
  if (matcher_.has_exodus()) jar_entry_names_.Add(entry_name);
}

void SdkDetector::AddBlob(const BlobFinds& finds, const std::string& where) {
  for (const auto& url : finds.urls) {
    AddFind({url, nullptr, kNoSdk}, where);
    // A URL's host counts as network evidence; bare host-like tokens of a
    // binary are not taken, too many of them are not hosts.
    AddHost(UrlHost(url));
  }
  for (const auto& [rule, token] : finds.secrets) AddFind({token, rule, kNoSdk}, where);
}

void SdkDetector::AddManifest(const Manifest& m, const std::vector<std::string>& resource_strings) {
  std::vector<std::string> hosts;
  std::vector<StringFind> found;
  for (const auto& s : resource_strings) {
    // The pool also holds the paths of file resources ("res/drawable/a.png"):
    // neither hosts nor secrets.
    if (s.compare(0, 4, "res/") == 0) continue;
    ScanString(matcher_, s, HasDot(s), hosts, found);
  }
  for (const auto& f : found) AddFind(f, "resources.arsc");
  for (const auto& host : hosts) AddHost(host);

  auto meta = [&](const MetaData& md) {
    matcher_.MatchMetaData(md.name, [&](uint32_t sdk) { Finding(sdk).manifest.Add("meta-data " + md.name); });
    hosts.clear();
    FindHosts(matcher_, md.value, hosts);
    for (const auto& host : hosts) AddHost(host);
    found.clear();
    AppendFinds(md.value, /*urls=*/true, found);
    for (const auto& f : found) AddFind(f, "AndroidManifest.xml (meta-data " + md.name + ")");
  };
  for (const auto& c : m.components) {
    matcher_.MatchComponent(c.name, [&](uint32_t sdk) { Finding(sdk).manifest.Add("component " + c.name); });
    for (const auto& md : c.meta_data) meta(md);
  }
  for (const auto& md : m.meta_data) meta(md);
  for (const auto& p : m.permissions) {
    matcher_.MatchPermission(p.name, [&](uint32_t sdk) { Finding(sdk).permissions.Add(p.name); });
    requested_.insert(p.name);
  }
  if (m.identity.target_sdk) target_sdk_ = m.identity.target_sdk->number;
}

// Whether the app's permissions let each kind of access run.
void SdkDetector::ResolveDataAccess(SdkFinding& f) const {
  auto held = [&](const char* p) { return requested_.count(p) > 0; };
  for (DataAccess& d : f.data_access) {
    std::sort(d.apis.begin(), d.apis.end());
    d.held.clear();
    for (const auto& p : d.permissions)
      if (requested_.count(p)) d.held.push_back(p);
    d.usable = d.permissions.empty() || !d.held.empty();
    if (d.kind == "location" && d.usable) {
      d.precision = held("android.permission.ACCESS_FINE_LOCATION") ? "precise" : "coarse";
      // Before Android 10, a location permission also covered the
      // background; from 10 on, ACCESS_BACKGROUND_LOCATION is needed.
      d.background = held("android.permission.ACCESS_BACKGROUND_LOCATION") ||
                     (target_sdk_ && *target_sdk_ > 0 && *target_sdk_ < 29);
    }
  }
  // In the table's order of kinds, so reports read the same every time.
  std::stable_sort(f.data_access.begin(), f.data_access.end(),
                   [](const DataAccess& a, const DataAccess& b) { return KindRank(a.kind) < KindRank(b.kind); });
}

bool SdkDetector::NamedByCode(uint32_t sdk) const {
  const auto it = findings_.find(sdk);
  return it != findings_.end() && it->second.classes.count > 0;
}

void SdkDetector::FinishJvm() {
  // Structure first, against the background of every renamed class.
  const profile::ProfileIndex* profiles = matcher_.profiles();
  std::optional<profile::ProfileIndex::Background> background;
  std::vector<profile::AppClass> features(jvm_unowned_.size());
  if (profiles) {
    background.emplace(*profiles);
    for (size_t i = 0; i < jvm_unowned_.size(); ++i)
      if (!jvm_unowned_[i].shape.empty()) features[i] = background->Add(jvm_unowned_[i].shape);
  }
  for (size_t i = 0; i < jvm_unowned_.size(); ++i) {
    JvmCandidate& c = jvm_unowned_[i];
    uint32_t sdk = kNoSdk;
    if (background && !c.shape.empty())
      if (const auto match = profiles->Match(features[i], *background))
        if (sdk = matcher_.ProfileSdk(match->profile); sdk != kNoSdk)
          structure_.push_back(
              {sdk, match->profile, match->klass, match->shared, match->score, match->strong, c.name, c.calls});
    for (const auto& f : c.finds) AddFind({f.text, f.secret, sdk}, c.where);
    for (const auto& host : c.hosts) AddHost(host, sdk);
    if (sdk != kNoSdk) c.hosts.clear(), c.keys.clear();
  }
  // Then, as AttributeRenamedCode does per DEX: a string one SDK holds that
  // none of the SDKs' named classes loads ties the classes loading it to
  // that SDK, unless the SDK is named already.
  for (const JvmCandidate& c : jvm_unowned_) {
    std::vector<std::string_view> strings(c.hosts.begin(), c.hosts.end());
    strings.insert(strings.end(), c.keys.begin(), c.keys.end());
    for (std::string_view s : strings) {
      if (jvm_owned_strings_.count(std::string(s))) continue;
      const auto marker = matcher_.SdkStringOf(s);
      const uint32_t sdk = marker ? marker->sdk : SoleOwner(matcher_, s);
      if (sdk == kNoSdk) continue;
      if (NamedByCode(sdk)) continue;
      const std::string what = marker ? std::string(marker->KindName()) + " " : "";
      Finding(sdk).renamed_classes.Add(c.name + " (loads " + what + std::string(s) + ")");
      for (const auto& [rule, caller] : c.calls) AddDataAccess(sdk, rule, caller);
      break;
    }
  }
  jvm_unowned_.clear();
}

void SdkDetector::FinishStructure() {
  const profile::ProfileIndex* profiles = matcher_.profiles();
  if (!profiles || structure_.empty()) return;
  // One app class per profile class: the best-scoring one.
  std::sort(structure_.begin(), structure_.end(), [](const StructureHit& a, const StructureHit& b) {
    return std::tie(a.sdk, a.profile, a.klass, b.score, b.shared) < std::tie(b.sdk, b.profile, b.klass, a.score, a.shared);
  });
  structure_.erase(std::unique(structure_.begin(), structure_.end(),
                               [](const StructureHit& a, const StructureHit& b) {
                                 return a.sdk == b.sdk && a.profile == b.profile && a.klass == b.klass;
                               }),
                   structure_.end());
  for (size_t i = 0; i < structure_.size();) {
    const uint32_t sdk = structure_[i].sdk;
    size_t end = i;
    while (end < structure_.size() && structure_[end].sdk == sdk) ++end;
    // The SDK's versions are profiled apart: the one sharing most explains
    // the code, and its hits are the evidence.
    std::map<uint32_t, double> shared_by_profile;
    for (size_t k = i; k < end; ++k) shared_by_profile[structure_[k].profile] += structure_[k].shared;
    const uint32_t best = std::max_element(shared_by_profile.begin(), shared_by_profile.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    // Strong hits of that profile decide; weak ones (small classes) of any
    // of the SDK's profiles only follow.
    std::vector<const StructureHit*> hits;
    std::unordered_set<std::string_view> classes;
    double shared = 0, weighted = 0;
    size_t strong = 0;
    for (size_t k = i; k < end; ++k) {
      const StructureHit& h = structure_[k];
      if (!h.strong || h.profile != best || !classes.insert(h.app_class).second) continue;
      hits.push_back(&h);
      ++strong;
      shared += h.shared;
      weighted += static_cast<double>(h.shared) * h.score;
    }
    for (size_t k = i; k < end; ++k)
      if (!structure_[k].strong && classes.insert(structure_[k].app_class).second) hits.push_back(&structure_[k]);
    i = end;
    if (NamedByCode(sdk)) continue;  // No guess needed.
    if (strong < kMinStructureClasses || shared < kMinStructureShared) continue;
    const double similarity = weighted / shared;
    if (similarity < kMinStructureSimilarity) continue;
    // Strong hits first, most shared first.
    std::sort(hits.begin(), hits.end(), [](const StructureHit* a, const StructureHit* b) {
      return std::tie(a->strong, a->shared) > std::tie(b->strong, b->shared);
    });
    SdkFinding& f = Finding(sdk);
    const profile::ProfileInfo& p = profiles->profile(best);
    f.structure = StructureMatch{p.binary, similarity, static_cast<uint32_t>(hits.size()), p.class_count};
    for (const StructureHit* h : hits) {
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", h->score);
      f.renamed_classes.Add(h->app_class + " (structure of " + std::string(profiles->class_name(h->klass)) + ", " +
                            score + ")");
      for (const auto& [rule, caller] : h->calls) AddDataAccess(sdk, rule, caller);
    }
  }
  structure_.clear();
}

std::vector<SdkFinding> SdkDetector::Finish() {
  session_.MatchExodusNames(jar_entry_names_, [&](uint32_t sdk, size_t i) {
    exodus_hits_.emplace_back(sdk, std::string(jar_entry_names_.name(i)));
  });
  // Exodus' class set is a set: a name matched in several DEX files counts
  // once. Sorted names also make the examples the first ones of
  // sorted(classes), which is the one Exodus reports.
  std::sort(exodus_hits_.begin(), exodus_hits_.end());
  exodus_hits_.erase(std::unique(exodus_hits_.begin(), exodus_hits_.end()), exodus_hits_.end());
  for (const auto& [sdk, name] : exodus_hits_) Finding(sdk).classes.Add(name);
  FinishJvm();
  FinishStructure();
  std::vector<SdkFinding> out;
  for (auto& [sdk, f] : findings_) {
    ResolveDataAccess(f);
    const bool code = f.classes.count > 0, strings = f.strings.count > 0, manifest = f.manifest.count > 0;
    const bool renamed = !code && f.renamed_classes.count > 0;
    const bool structure = renamed && f.structure.has_value();
    // Only code (by name, or renamed code loading the SDK's own strings) or
    // the SDK's own hosts make a finding. Manifest entries without code are
    // configuration the SDK would read, shared hosts are other SDKs' too,
    // and many SDKs declare the same permissions.
    if (!code && !strings && !renamed) continue;
    std::vector<std::string> kinds;
    if (code) kinds.push_back("code");
    if (manifest) kinds.push_back("manifest");
    if (strings) kinds.push_back("network strings");
    if (renamed) kinds.push_back("renamed code");
    for (size_t i = 0; i < kinds.size(); ++i) f.basis += (i ? " + " : "") + kinds[i];
    if (code && (strings || manifest)) {
      f.confidence = Confidence::kHigh;
    } else if (code || (strings && manifest) || (renamed && (strings || manifest)) ||
               (structure && f.structure->classes >= kStrongStructureClasses)) {
      // Code alone; or, without code by name, two of its own hosts, its
      // manifest entries and renamed classes loading its strings; or a
      // structure match of many classes.
      f.confidence = Confidence::kMedium;
    } else {
      f.confidence = Confidence::kLow;
    }
    if (structure) {
      char similarity[16];
      std::snprintf(similarity, sizeof similarity, "%.2f", f.structure->similarity);
      f.basis += std::string(": structure match, similarity ") + similarity;
      if (f.renamed_classes.count > f.structure->classes) f.basis += ", and endpoint match";
    } else if (renamed) {
      f.basis += ": endpoint match (classes no package names load strings only this SDK holds)";
    }
    else if (!code && !manifest) f.basis += " only: its code may be renamed or obfuscated";
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const SdkFinding& a, const SdkFinding& b) {
    const std::string ca = a.categories.empty() ? "~" : a.categories[0];
    const std::string cb = b.categories.empty() ? "~" : b.categories[0];
    return ca != cb ? ca < cb : a.name < b.name;
  });
  return out;
}

std::vector<Endpoint> SdkDetector::TakeEndpoints() {
  std::vector<Endpoint> out;
  for (auto& [url, e] : endpoints_) out.push_back(std::move(e));
  return out;
}

}  // namespace vigie::detect
