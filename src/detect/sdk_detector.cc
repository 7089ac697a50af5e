#include "vigie/detect/sdk_detector.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <iterator>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "string_evidence.h"
#include "vigie/base/limits.h"
#include "vigie/detect/data_access.h"
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

// The manifest entries detection and the rules read (features::AppFeatures).
void KeepManifest(const Manifest& m, Manifest& out) {
  out.present = m.present;
  out.identity.target_sdk = m.identity.target_sdk;
  out.application.debuggable = m.application.debuggable;
  out.application.allow_backup = m.application.allow_backup;
  out.application.uses_cleartext_traffic = m.application.uses_cleartext_traffic;
  out.application.network_security_config = m.application.network_security_config;
  out.permissions.clear();
  for (const UsesPermission& p : m.permissions) out.permissions.push_back({p.name, {}, false, {}});
  out.components.clear();
  for (const Component& c : m.components) {
    Component kept;
    kept.kind = c.kind;
    kept.name = c.name;
    kept.meta_data = c.meta_data;
    out.components.push_back(std::move(kept));
  }
  out.meta_data = m.meta_data;
}

}  // namespace

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

void SdkDetector::AddDex(DexEvidence evidence) {
  for (const auto& [sdk, list] : evidence.classes) Finding(sdk).classes.Append(list);
  for (const auto& [sdk, name] : evidence.renamed) Finding(sdk).renamed_classes.Add(name);
  for (const auto& host : evidence.hosts) AddHost(host.name, host.carrier);
  exodus_hits_.insert(exodus_hits_.end(), evidence.exodus_hits.begin(), evidence.exodus_hits.end());
  exodus_unsettled_ = exodus_unsettled_ || evidence.exodus_unsettled;
  for (const auto& call : evidence.api_calls) AddDataAccess(call.sdk, call.rule, call.caller);
  for (const auto& f : evidence.finds) AddFind(f, evidence.where);
  structure_.insert(structure_.end(), evidence.structure.begin(), evidence.structure.end());
  if (matcher_.profiles()) tied_ = Fold(tied_ ? tied_ : kFnvBasis, evidence.tied);
  if (features_ && evidence.features) features_->records.emplace_back(std::move(*evidence.features));
}

void SdkDetector::AddClassFile(std::string_view entry_name, const classfile::ClassFile* parsed) {
  features::JvmClass c;
  c.entry_name = std::string(entry_name);
  c.parsed = parsed != nullptr;
  // The class's own name where the file could be read (an entry can be
  // named anything), else the entry name.
  c.name = std::string(parsed ? parsed->this_class() : entry_name);
  profile::Shape shape;
  if (parsed) {
    parsed->ForEachStringConstant([&](std::string_view s) {
      if (KeepString(s, HasDot(s)) || matcher_.IsSdkStringText(s)) c.strings.emplace_back(s);
    });
    c.rules = ClassFileApiRules(*parsed);
    // Only a name an obfuscator gave is looked up by structure.
    if (matcher_.profiles() && profile::LooksRenamed(JavaName(c.name))) shape = profile::ShapeOfClassFile(*parsed);
  }
  AddJvmClass(std::move(c), std::move(shape), /*replayed=*/false);
}

void SdkDetector::AddJvmClass(features::JvmClass c, profile::Shape shape, bool replayed) {
  std::string desc;
  desc.reserve(c.name.size() + 2);
  desc.append("L").append(c.name).append(";");
  const std::string java = JavaName(c.name);
  uint32_t last = kNoSdk;
  session_.MatchDefinedClass(desc, [&](uint32_t sdk) {
    if (sdk == last) return;
    last = sdk;
    Finding(sdk).classes.Add(java);
  });
  if (last != kNoSdk && matcher_.profiles() && profile::LooksRenamed(java))
    tied_ = Fold(Fold(tied_ ? tied_ : kFnvBasis, java), uint64_t{0});
  if (c.parsed) {
    std::vector<std::string> hosts;
    std::vector<StringFind> found;
    std::vector<std::string> keys;  // SDKs' own strings the class loads (SdkStringOf).
    for (const std::string& s : c.strings) {
      ScanString(matcher_, s, HasDot(s), hosts, found);
      if (matcher_.SdkStringOf(s)) keys.push_back(s);
    }
    const std::string where = c.entry_name + ".class";
    std::vector<std::pair<uint32_t, std::string>> calls;
    for (uint32_t rule : c.rules)
      if (rule < ApiRules().size()) calls.emplace_back(rule, java);
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
      JvmCandidate candidate{java, std::move(shape), {}, SIZE_MAX, std::move(hosts), std::move(keys), std::move(calls),
                             {}, where};
      if (replayed) candidate.stored = c.structure;
      if (features_) candidate.record = features_->records.size();
      for (auto& f : found) candidate.finds.push_back(std::move(f));
      jvm_unowned_.push_back(std::move(candidate));
    }
  }
  // Exodus' tooling applies its regexes to JAR entry names directly.
  if (matcher_.has_exodus()) jar_entry_names_.Add(c.entry_name);
  if (features_) features_->records.emplace_back(std::move(c));
}

void SdkDetector::AddBlob(const BlobFinds& finds, const std::string& where) {
  if (features_) {
    features::Blob b{where, finds.urls, {}};
    for (const auto& [rule, token] : finds.secrets)
      b.secrets.emplace_back(static_cast<uint32_t>(rule - SecretRules().data()), token);
    features_->records.emplace_back(std::move(b));
  }
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
    const bool dot = HasDot(s);
    if (features_ && KeepString(s, dot)) features_->resource_strings.push_back(s);
    ScanString(matcher_, s, dot, hosts, found);
  }
  if (features_) KeepManifest(m, features_->manifest);
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
  // Structure first, against the background of every renamed class; a
  // replayed class brings the scan's match instead.
  const profile::ProfileIndex* profiles = matcher_.profiles();
  std::optional<profile::ProfileIndex::Background> background;
  std::vector<profile::AppClass> app_classes(jvm_unowned_.size());
  if (profiles) {
    background.emplace(*profiles);
    for (size_t i = 0; i < jvm_unowned_.size(); ++i)
      if (!jvm_unowned_[i].shape.empty()) app_classes[i] = background->Add(jvm_unowned_[i].shape);
  }
  for (size_t i = 0; i < jvm_unowned_.size(); ++i) {
    JvmCandidate& c = jvm_unowned_[i];
    std::optional<features::StructureMatch> match = c.stored;
    if (match && (!profiles || !Fits(*match, *profiles))) match.reset();
    if (background && !c.shape.empty())
      if (const auto m = profiles->Match(app_classes[i], *background))
        match = features::StructureMatch{0, m->profile, m->klass, m->shared, m->score, m->strong};
    if (features_ && c.record < features_->records.size())
      std::get<features::JvmClass>(features_->records[c.record]).structure = match;
    uint32_t sdk = kNoSdk;
    if (profiles && match)
      if (sdk = matcher_.ProfileSdk(match->profile); sdk != kNoSdk)
        structure_.push_back({sdk, match->profile, match->profile_class, match->shared, match->score, match->strong,
                              c.name, c.calls});
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

void SdkDetector::Replay(const features::AppFeatures& f) {
  for (const features::Record& record : f.records) {
    if (const auto* d = std::get_if<features::DexFeatures>(&record)) {
      AddDex(AnalyseDexFeatures(*d, session_));
    } else if (const auto* c = std::get_if<features::JvmClass>(&record)) {
      AddJvmClass(*c, {}, /*replayed=*/true);
    } else {
      const auto& b = std::get<features::Blob>(record);
      BlobFinds finds{b.urls, {}};
      for (const auto& [rule, token] : b.secrets)
        if (rule < SecretRules().size()) finds.secrets.emplace_back(&SecretRules()[rule], token);
      AddBlob(finds, b.where);
    }
  }
  AddManifest(f.manifest, f.resource_strings);
}

features::Staleness SdkDetector::Knowledge() const {
  return {EvidenceRulesDigest(), matcher_.profiles_digest(), tied_};
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
