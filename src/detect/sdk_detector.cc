#include "vigie/detect/sdk_detector.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <optional>

#include "vigie/detect/data_access.h"
#include "vigie/detect/endpoints.h"
#include "vigie/base/limits.h"
#include "vigie/base/parallel.h"

#include "vigie/exodus/class_set.h"

namespace vigie {
namespace {

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

// The start of part k of n items cut in `of` parts.
uint32_t Slice(uint64_t n, size_t k, size_t of) { return static_cast<uint32_t>(n * k / of); }

// What dexdump prints (`part`) of every class definition, marked in
// `slices` tasks of the pool and merged.
sig::PrintedItems MarkInSlices(const dex::DexFile& dex, TaskPool* pool, size_t slices, sig::PrintedPart part) {
  const uint32_t classes = dex.class_count();
  std::vector<sig::PrintedItems> marked(slices);
  RunTasks(pool, slices, [&](size_t task, unsigned) {
    marked[task] = sig::MarkPrintedItems(dex, Slice(classes, task, slices), Slice(classes, task + 1, slices), part);
  });
  for (size_t k = 1; k < slices; ++k) marked[0].Merge(marked[k]);
  return std::move(marked[0]);
}

std::string JavaName(std::string_view slash) {
  std::string out(slash);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

}  // namespace

SdkDetector::SdkDetector(std::shared_ptr<const sig::SdkMatcher> matcher, TaskPool* pool)
    : matcher_(std::move(matcher)), pool_(pool) {
  const unsigned threads = pool_ ? pool_->threads() : 1;
  sessions_.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) sessions_.emplace_back(*matcher_);
}

SdkFinding& SdkDetector::Finding(uint32_t sdk) {
  auto [it, fresh] = findings_.try_emplace(sdk);
  if (fresh) {
    const sig::SdkSignature& s = matcher_->db().sdks[sdk];
    SdkFinding& f = it->second;
    f.id = s.id;
    f.name = s.name;
    f.vendor = s.vendor;
    if (const sig::Vendor* v = matcher_->db().FindVendor(s.vendor)) f.vendor_info = *v;
    f.categories = s.categories;
    f.exodus_id = s.exodus_id;
    f.source = s.source;
  }
  return it->second;
}

void SdkDetector::FindHosts(std::string_view text, std::vector<std::string>& out) const {
  std::string host;
  ForEachHostToken(text, [&](std::string_view tok) {
    if (!matcher_->MayMatchHostEndingIn(tok.substr(tok.rfind('.') + 1))) return;
    host.assign(tok);
    for (char& c : host)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool covered = false;
    matcher_->MatchHost(host, [&](uint32_t) { covered = true; });
    if (covered) out.push_back(host);
  });
}

void SdkDetector::OnHost(const std::string& host) {
  if (!hosts_seen_.insert(host).second) return;
  uint32_t last = UINT32_MAX;
  matcher_->MatchHost(host, [&](uint32_t sdk) {
    if (sdk == last) return;  // Nested domains of one SDK count once.
    last = sdk;
    Finding(sdk).strings.Add(host);
  });
}

// One DEX's analysis (OnDex): its tasks' output slots, each written by one
// task only, and merged in task order afterwards.
struct SdkDetector::DexRound {
  static constexpr size_t kStringSlices = 4, kWalkSlices = 8;

  DexRound(const dex::DexFile& d, std::string_view name, bool with_exodus)
      : dex(d), entry_name(name), exodus(with_exodus), defined(with_exodus ? d.string_count() : 0) {
    // The descriptors of the defined classes, every one of which dexdump
    // prints: names of these strings are surely in Exodus' class set.
    if (exodus)
      for (uint32_t i = 0; i < dex.class_count(); ++i)
        if (const uint32_t t = dex.class_def(i).class_idx; t < dex.type_count())
          defined.Insert(dex.TypeDescriptorIndex(t));
  }

  const dex::DexFile& dex;
  const std::string_view entry_name;
  const bool exodus;
  sig::IndexSet defined;

  std::vector<std::pair<uint32_t, uint32_t>> class_hits;  // (class def, sdk)
  // Each SDK class belongs to the most specific SDK that matched it: the
  // package trie reports outer packages first.
  std::vector<std::pair<uint32_t, uint32_t>> owned;  // (class def, sdk), by class def
  std::optional<DexApiIndex> index;
  // The walk's prerequisites: the class and index tasks, counted when done
  // (or failed: the round then rethrows, and the walk does nothing).
  std::atomic<int> walk_ready{0};
  std::atomic<bool> walk_cancelled{false};

  std::vector<std::string> hosts[kStringSlices];
  std::vector<StringFind> finds[kStringSlices];  // URLs and secrets, by string index.
  std::vector<uint32_t> slashed[kStringSlices];   // Strings holding a '/', for Exodus' names.
  ExodusHits sure[kStringSlices], unsure[kStringSlices];
  std::vector<ApiUse> uses[kWalkSlices];
  std::vector<std::pair<uint32_t, uint32_t>> string_refs[kWalkSlices];  // (class def, string index)
};

void SdkDetector::OnDex(const dex::DexFile& dex, std::string_view entry_name, const std::function<void()>& side) {
  // One DEX's work is split into independent tasks on the scan's threads,
  // in one round. Each task writes only its own slot of the round; the slots
  // are merged afterwards in task order, so the result never depends on the
  // scheduling. Tasks are claimed in the order of `plan`:
  //  - defined class names against package prefixes and KB regexes, which
  //    also works out which SDK owns each class (MatchDexClasses);
  //  - the index of the framework members data/data_access.tsv names;
  //  - slices of the string table (ScanStringSlice): hosts, URLs and
  //    secrets; and, with an Exodus database, the Exodus names of every
  //    string holding a '/' (see AddExodusHits). The first half of the
  //    table, where the class descriptors sort, costs more than the second:
  //    ~1.5 times with the built-in KB, ~3 times with an Exodus database;
  //  - the caller's side work, if any;
  //  - the walk of what the SDKs' code calls, in eighths of the SDK classes
  //    (one SDK's classes can weigh more than the rest; WalkSdkCode). It
  //    needs the first two tasks, which are claimed first and so are done
  //    or under way on the other thread when a walk slice is claimed;
  //  - the cheap end of the string table last, to even out the threads.
  // One round rather than two (strings and names, then the walk) spares a
  // barrier where one thread would wait for the other.
  // A small DEX is analysed in well under a millisecond: handing tasks to
  // another thread would cost more than it saves.
  constexpr uint64_t kParallelDexMinSize = 1ull << 20;
  TaskPool* pool = dex.bytes().size() >= kParallelDexMinSize ? pool_ : nullptr;
  DexRound round(dex, entry_name, matcher_->has_exodus());

  enum class Kind { kClasses, kIndex, kStrings, kSide, kWalk };
  struct Task {
    Kind kind;
    size_t slice = 0;
  };
  std::vector<Task> plan = {{Kind::kClasses}, {Kind::kIndex}, {Kind::kStrings, 0}, {Kind::kStrings, 1}};
  if (side) plan.push_back({Kind::kSide});
  for (size_t k = 0; k < DexRound::kWalkSlices; ++k) plan.push_back({Kind::kWalk, k});
  for (size_t k = 2; k < DexRound::kStringSlices; ++k) plan.push_back({Kind::kStrings, k});

  RunTasks(pool, plan.size(), [&](size_t task, unsigned worker) {
    const Task t = plan[task];
    switch (t.kind) {
      case Kind::kClasses:
      case Kind::kIndex: {
        struct Ready {
          DexRound& r;
          bool done = false;
          ~Ready() {
            if (!done) r.walk_cancelled.store(true, std::memory_order_release);
            r.walk_ready.fetch_add(1, std::memory_order_release);
            r.walk_ready.notify_all();
          }
        } ready{round};
        if (t.kind == Kind::kIndex) round.index.emplace(dex);
        else MatchDexClasses(round, worker);
        ready.done = true;
        return;
      }
      case Kind::kStrings:
        return ScanStringSlice(round, t.slice, worker);
      case Kind::kSide:
        return side();
      case Kind::kWalk:
        return WalkSdkCode(round, t.slice);
    }
  });
  MergeDexRound(round, pool);
}

void SdkDetector::MatchDexClasses(DexRound& round, unsigned worker) {
  const dex::DexFile& dex = round.dex;
  for (uint32_t i = 0; i < dex.class_count(); ++i) {
    uint32_t last = UINT32_MAX;
    sessions_[worker].MatchDefinedClass(dex.TypeDescriptor(dex.class_def(i).class_idx), [&](uint32_t sdk) {
      if (sdk != last) round.class_hits.emplace_back(i, sdk);
      last = sdk;
    });
  }
  const auto& hits = round.class_hits;
  for (size_t k = 0; k < hits.size(); ++k)
    if (k + 1 == hits.size() || hits[k + 1].first != hits[k].first) round.owned.push_back(hits[k]);
}

void SdkDetector::ScanStringSlice(DexRound& round, size_t slice, unsigned worker) {
  const dex::DexFile& dex = round.dex;
  const uint32_t strings = dex.string_count();
  sig::ClassNameList sure_names, unsure_names;
  if (round.exodus && slice == 0) sure_names.AddMatchesIn(round.entry_name);  // dexdump prints the file's name.
  for (uint32_t i = Slice(strings, slice, DexRound::kStringSlices); i < Slice(strings, slice + 1, DexRound::kStringSlices);
       ++i) {
    const auto s = dex.MarkedStringAt(i);
    if (!s) continue;
    ScanString(s->text, s->dot, i, round.hosts[slice], round.finds[slice]);
    if (round.exodus && s->slash) {
      round.slashed[slice].push_back(i);
      (round.defined.Contains(i) ? sure_names : unsure_names).AddMatchesIn(s->text);
    }
  }
  if (round.exodus) {
    MatchNames(worker, sure_names, round.sure[slice]);
    MatchNames(worker, unsure_names, round.unsure[slice]);
  }
}

void SdkDetector::WalkSdkCode(DexRound& round, size_t slice) {
  for (int r; (r = round.walk_ready.load(std::memory_order_acquire)) < 2;)
    round.walk_ready.wait(r, std::memory_order_acquire);
  if (round.walk_cancelled.load(std::memory_order_acquire)) return;
  const auto& owned = round.owned;
  for (size_t k = owned.size() * slice / DexRound::kWalkSlices; k < owned.size() * (slice + 1) / DexRound::kWalkSlices;
       ++k)
    round.index->CollectUses(owned[k].first, round.uses[slice], &round.string_refs[slice]);
}

void SdkDetector::MergeDexRound(DexRound& round, TaskPool* pool) {
  const dex::DexFile& dex = round.dex;
  for (auto [i, sdk] : round.class_hits)
    Finding(sdk).classes.AddLazily(
        [&, i = i] { return dex::DescriptorToJavaName(dex.TypeDescriptor(dex.class_def(i).class_idx)); });
  for (const auto& list : round.hosts)
    for (const auto& host : list) OnHost(host);
  if (round.exodus) AddExodusHits(dex, pool, round.entry_name, round.slashed, round.sure, round.unsure);

  const auto& owned = round.owned;
  auto owner = [&](uint32_t class_def) -> const uint32_t* {
    auto it = std::lower_bound(owned.begin(), owned.end(), std::pair{class_def, 0u});
    return it == owned.end() || it->first != class_def ? nullptr : &it->second;
  };
  for (const auto& slice : round.uses)
    for (const ApiUse& use : slice)
      if (const uint32_t* sdk = owner(use.class_def))
        AddDataAccess(*sdk, ApiRules()[use.rule], MethodDisplayName(dex, use.method_idx));
  // A string with an endpoint or secret, loaded by an SDK's class, belongs
  // to that SDK (the first one, in class order, when several load it).
  const bool any_find =
      std::any_of(std::begin(round.finds), std::end(round.finds), [](const auto& f) { return !f.empty(); });
  std::vector<bool> endpoint_strings(any_find ? dex.string_count() : 0);
  for (const auto& list : round.finds)
    for (const auto& f : list) endpoint_strings[f.string_idx] = true;
  std::unordered_map<uint32_t, uint32_t> string_owner;
  if (any_find)
    for (const auto& slice : round.string_refs)
      for (auto [class_def, idx] : slice)
        if (idx < endpoint_strings.size() && endpoint_strings[idx])
          if (const uint32_t* sdk = owner(class_def)) string_owner.try_emplace(idx, *sdk);
  const std::string where(round.entry_name.empty() ? std::string_view("dex") : round.entry_name);
  for (const auto& list : round.finds)
    for (const auto& f : list) {
      auto it = string_owner.find(f.string_idx);
      AddFind(f, where, it == string_owner.end() ? UINT32_MAX : it->second);
    }
}

void SdkDetector::MatchNames(unsigned worker, const sig::ClassNameList& names, ExodusHits& out) {
  sessions_[worker].MatchExodusNames(names, [&](uint32_t sdk, size_t i) {
    out.emplace_back(sdk, std::string(names.name(i)));
  });
}

void SdkDetector::AddExodusHits(const dex::DexFile& dex, TaskPool* pool, std::string_view entry_name,
                                std::span<const std::vector<uint32_t>> slashed, std::span<ExodusHits> sure,
                                std::span<const ExodusHits> unsure) {
  // Every name of Exodus' class set holds a '/', and comes from a string
  // of the DEX (a printed type's descriptor, or a printed string) or from
  // the file's name. So the matches of the names of the defined classes'
  // descriptors and of the file's name (`sure`) are all in Exodus' matches,
  // and those are all among `sure` and the matches of every other string
  // holding a '/' (`unsure`). When each unsure match is also a sure one,
  // the sure ones are exactly Exodus' matches, and nothing more need be
  // read: the usual case, and every DEX of the corpus.
  ExodusHits found;
  for (ExodusHits& list : sure) std::move(list.begin(), list.end(), std::back_inserter(found));
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  auto is_sure = [&](const auto& hit) { return std::binary_search(found.begin(), found.end(), hit); };
  const bool settled = std::all_of(unsure.begin(), unsure.end(), [&](const ExodusHits& list) {
    return std::all_of(list.begin(), list.end(), is_sure);
  });
  if (!settled) {
    std::vector<uint32_t> with_slash;
    for (const auto& list : slashed) with_slash.insert(with_slash.end(), list.begin(), list.end());
    found = ExodusHitsByMarking(dex, pool, entry_name, with_slash);
  }
  std::move(found.begin(), found.end(), std::back_inserter(exodus_hits_));
}

SdkDetector::ExodusHits SdkDetector::ExodusHitsByMarking(const dex::DexFile& dex, TaskPool* pool,
                                                         std::string_view entry_name,
                                                         const std::vector<uint32_t>& with_slash) {
  // Exodus' class set worked out from what dexdump prints.
  // First round: the class definitions, marked in six slices: class data,
  // fields and every method's prototype; what the methods' code items print
  // is left for later (sig::CodeCandidates).
  const sig::PrintedItems printed = MarkInSlices(dex, pool, 6, sig::PrintedPart::kAllButCode);
  // Second round: the Exodus names only the code items could add
  // (AddHitsOfCode), and the names of what is printed, in parts: the
  // printed types in six ranges (the names of some ranges weigh double),
  // then the printed strings and the entry path.
  constexpr size_t kTypeLists = 6, kLists = kTypeLists + 1;
  std::optional<sig::CodeCandidates> candidates;
  std::vector<std::pair<uint32_t, size_t>> candidate_hits;  // (sdk, candidate name)
  std::vector<sig::ClassNameList> names(kLists);
  std::vector<ExodusHits> hits(kLists);
  RunTasks(pool, 1 + kLists, [&](size_t task, unsigned worker) {
    if (task == 0) {
      candidates.emplace(dex, printed, with_slash);
      sessions_[worker].MatchExodusNames(candidates->names(),
                                         [&](uint32_t sdk, size_t i) { candidate_hits.emplace_back(sdk, i); });
      return;
    }
    task -= 1;
    sig::ClassNameList& list = names[task];
    if (task < kTypeLists) {
      list.AddPrintedTypes(dex, printed.types, Slice(dex.type_count(), task, kTypeLists),
                           Slice(dex.type_count(), task + 1, kTypeLists));
    } else {
      list.AddPrintedStrings(dex, printed.strings);
      list.AddMatchesIn(entry_name);
    }
    MatchNames(worker, list, hits[task]);
  });
  if (!candidate_hits.empty()) AddHitsOfCode(dex, pool, *candidates, candidate_hits, hits);
  ExodusHits all;
  for (auto& h : hits) std::move(h.begin(), h.end(), std::back_inserter(all));
  return all;
}

void SdkDetector::AddHitsOfCode(const dex::DexFile& dex, TaskPool* pool, const sig::CodeCandidates& candidates,
                                const std::vector<std::pair<uint32_t, size_t>>& candidate_hits,
                                std::vector<ExodusHits>& hits) {
  // A candidate match already made by a printed item changes nothing.
  std::vector<std::pair<uint32_t, std::string_view>> known;
  for (const auto& list : hits)
    for (const auto& [sdk, name] : list) known.emplace_back(sdk, name);
  std::sort(known.begin(), known.end());
  std::vector<std::pair<uint32_t, size_t>> pending;
  for (auto [sdk, i] : candidate_hits)
    if (!std::binary_search(known.begin(), known.end(), std::pair{sdk, candidates.names().name(i)}))
      pending.emplace_back(sdk, i);
  if (pending.empty()) return;
  // Only the code items can tell: what they print is marked, in slices, in
  // one more round.
  const sig::PrintedItems code = MarkInSlices(dex, pool, 4, sig::PrintedPart::kCodeOnly);
  ExodusHits added;
  for (auto [sdk, i] : pending)
    if (candidates.PrintedWith(i, code)) added.emplace_back(sdk, std::string(candidates.names().name(i)));
  hits.push_back(std::move(added));
}

void SdkDetector::ScanString(std::string_view s, bool dotted, uint32_t idx, std::vector<std::string>& hosts,
                             std::vector<StringFind>& out) const {
  // Hosts, and every URL worth reporting, have a dot (`dotted`: whether s
  // holds one); "://" is searched only then.
  if (dotted) FindHosts(s, hosts);
  if (dotted && s.find("://") != std::string_view::npos) AppendFinds(s, idx, /*urls=*/true, out);
  else if (StartsLikeSecret(s)) AppendFinds(s, idx, /*urls=*/false, out);
}

void SdkDetector::AppendFinds(std::string_view s, uint32_t idx, bool urls, std::vector<StringFind>& out) {
  if (urls) ForEachUrl(s, [&](std::string_view url) { out.push_back({idx, std::string(url), nullptr}); });
  ForEachSecret(s, [&](const SecretMatch& m) { out.push_back({idx, std::string(m.token), m.rule}); });
}

void SdkDetector::AddFind(const StringFind& f, const std::string& where, uint32_t sdk) {
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
    // The SDK whose domain it is, else the SDK whose code loads it.
    matcher_->MatchHost(e.host, [&](uint32_t s) {
      if (e.sdk.empty()) e.sdk = matcher_->db().sdks[s].id;
    });
    if (e.sdk.empty() && sdk != UINT32_MAX) e.sdk = matcher_->db().sdks[sdk].id;
  }
}

std::vector<Endpoint> SdkDetector::TakeEndpoints() {
  std::vector<Endpoint> out;
  for (auto& [url, e] : endpoints_) out.push_back(std::move(e));
  return out;
}

void SdkDetector::AddDataAccess(uint32_t sdk, const ApiRule& rule, const std::string& caller) {
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

void SdkDetector::OnClassFile(std::string_view entry_name, const classfile::ClassFile* parsed) {
  // The class's own name where the file could be read (an entry can be
  // named anything), else the entry name.
  std::string_view name = parsed ? parsed->this_class() : entry_name;
  std::string desc;
  desc.reserve(name.size() + 2);
  desc.append("L").append(name).append(";");
  uint32_t last = UINT32_MAX;
  sessions_[0].MatchDefinedClass(desc, [&](uint32_t sdk) {
    if (sdk == last) return;
    last = sdk;
    Finding(sdk).classes.Add(JavaName(name));
  });
  if (parsed) {
    std::vector<std::string> hosts;
    std::vector<StringFind> found;
    parsed->ForEachStringConstant([&](std::string_view s) { ScanString(s, HasDot(s), 0, hosts, found); });
    const std::string where(entry_name);
    for (const auto& f : found) AddFind(f, where + ".class", UINT32_MAX);
    for (const auto& host : hosts) OnHost(host);
  }
  // Exodus' tooling applies its regexes to JAR entry names directly.
  if (matcher_->has_exodus()) jar_entry_names_.Add(entry_name);
}

void SdkDetector::PrepareResourceStrings(const std::vector<std::string>& strings, PreparedManifest& out) const {
  std::vector<std::string> hosts;
  std::vector<StringFind> found;
  for (const auto& s : strings) {
    // The pool also holds the paths of file resources ("res/drawable/a.png"):
    // neither hosts nor secrets.
    if (s.compare(0, 4, "res/") == 0) continue;
    ScanString(s, HasDot(s), 0, hosts, found);
  }
  for (auto& f : found) out.AddFind(std::move(f), "resources.arsc");
  for (auto& host : hosts) out.Add(PreparedManifest::Step::kHost, 0, std::move(host));
}

SdkDetector::BlobFinds SdkDetector::FindInBlob(std::string_view blob) {
  BlobFinds out;
  ForEachFindInBlob(
      blob, [&](std::string_view url) { out.urls.emplace_back(url); },
      [&](const SecretMatch& m) { out.secrets.emplace_back(m.rule, std::string(m.token)); });
  return out;
}

void SdkDetector::OnBlobFinds(const BlobFinds& finds, const std::string& where) {
  for (const auto& url : finds.urls) {
    AddFind({0, url, nullptr}, where, UINT32_MAX);
    // A URL's host counts as network evidence; bare host-like tokens of a
    // binary are not taken, too many of them are not hosts.
    OnHost(UrlHost(url));
  }
  for (const auto& [rule, token] : finds.secrets) AddFind({0, token, rule}, where, UINT32_MAX);
}

void SdkDetector::PrepareManifestItems(const Manifest& m, PreparedManifest& out) const {
  using Step = PreparedManifest::Step;
  auto component = [&](const std::string& name) {
    matcher_->MatchComponent(name, [&](uint32_t sdk) {
      out.Add(Step::kManifest, sdk, std::string("component ").append(name));
    });
  };
  auto meta = [&](const MetaData& md) {
    matcher_->MatchMetaData(md.name, [&](uint32_t sdk) {
      out.Add(Step::kManifest, sdk, std::string("meta-data ").append(md.name));
    });
    std::vector<std::string> hosts;
    FindHosts(md.value, hosts);
    for (auto& host : hosts) out.Add(Step::kHost, 0, std::move(host));
    std::vector<StringFind> found;
    AppendFinds(md.value, 0, /*urls=*/true, found);
    for (auto& f : found) out.AddFind(std::move(f), "AndroidManifest.xml (meta-data " + md.name + ")");
  };
  for (const auto& c : m.components) {
    component(c.name);
    for (const auto& md : c.meta_data) meta(md);
  }
  for (const auto& md : m.meta_data) meta(md);
  for (const auto& p : m.permissions) {
    matcher_->MatchPermission(p.name, [&](uint32_t sdk) { out.Add(Step::kPermission, sdk, p.name); });
    out.permissions.push_back(p.name);
  }
  if (m.identity.target_sdk) {
    try {
      out.target_sdk = std::stoi(*m.identity.target_sdk);
    } catch (const std::exception&) {
      // A target that is not a number (a hostile manifest) stays unknown.
    }
  }
}

SdkDetector::PreparedManifest SdkDetector::PrepareManifest(const Manifest& manifest,
                                                           const std::vector<std::string>& resource_strings) const {
  PreparedManifest out;
  PrepareResourceStrings(resource_strings, out);
  PrepareManifestItems(manifest, out);
  return out;
}

void SdkDetector::OnPreparedManifest(const PreparedManifest& prepared) {
  using Step = PreparedManifest::Step;
  for (const Step& step : prepared.steps) {
    switch (step.kind) {
      case Step::kManifest: Finding(step.sdk).manifest.Add(step.text); break;
      case Step::kPermission: Finding(step.sdk).permissions.Add(step.text); break;
      case Step::kHost: OnHost(step.text); break;
      case Step::kFind: AddFind(step.find, step.where, UINT32_MAX); break;
    }
  }
  requested_.insert(prepared.permissions.begin(), prepared.permissions.end());
  if (prepared.target_sdk) target_sdk_ = *prepared.target_sdk;
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
      d.background = held("android.permission.ACCESS_BACKGROUND_LOCATION") || (target_sdk_ > 0 && target_sdk_ < 29);
    }
  }
  // In the table's order of kinds, so reports read the same every time.
  std::stable_sort(f.data_access.begin(), f.data_access.end(),
                   [](const DataAccess& a, const DataAccess& b) { return KindRank(a.kind) < KindRank(b.kind); });
}

std::vector<SdkFinding> SdkDetector::Finish() {
  sessions_[0].MatchExodusNames(jar_entry_names_, [&](uint32_t sdk, size_t i) {
    exodus_hits_.emplace_back(sdk, std::string(jar_entry_names_.name(i)));
  });
  // Exodus' class set is a set: a name matched in several DEX files counts
  // once. Sorted names also make the examples the first ones of
  // sorted(classes), which is the one Exodus reports.
  std::sort(exodus_hits_.begin(), exodus_hits_.end());
  exodus_hits_.erase(std::unique(exodus_hits_.begin(), exodus_hits_.end()), exodus_hits_.end());
  for (const auto& [sdk, name] : exodus_hits_) Finding(sdk).classes.Add(name);
  std::vector<SdkFinding> out;
  for (auto& [sdk, f] : findings_) {
    ResolveDataAccess(f);
    const bool code = f.classes.count > 0, strings = f.strings.count > 0, manifest = f.manifest.count > 0;
    // Permissions never make a finding: many SDKs share them.
    if (!code && !strings && !manifest) continue;
    std::vector<std::string> kinds;
    if (code) kinds.push_back("code");
    if (manifest) kinds.push_back("manifest");
    if (strings) kinds.push_back("network strings");
    for (size_t i = 0; i < kinds.size(); ++i) f.basis += (i ? " + " : "") + kinds[i];
    if (code && (strings || manifest)) {
      f.confidence = "high";
    } else if (code || manifest) {
      f.confidence = "medium";
    } else {
      f.confidence = "low";
      f.basis += " only: its code may be renamed or obfuscated";
    }
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const SdkFinding& a, const SdkFinding& b) {
    const std::string ca = a.categories.empty() ? "~" : a.categories[0];
    const std::string cb = b.categories.empty() ? "~" : b.categories[0];
    return ca != cb ? ca < cb : a.name < b.name;
  });
  return out;
}

}  // namespace vigie
