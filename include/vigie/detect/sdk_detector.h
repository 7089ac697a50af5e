// SDK detection: turns what the scanner reads (DEX files, JVM class names,
// the manifest) into SdkFindings with evidence, using a compiled SdkMatcher.
// The scanner feeds it while each DEX is in memory, so no DEX is kept.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "vigie/model/app_model.h"
#include "vigie/base/parallel.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/exodus/class_set.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie {

class SdkDetector {
 public:
  /// `pool`: the threads one DEX's analysis may use (null: only the
  /// caller's). It must outlive the detector.
  explicit SdkDetector(std::shared_ptr<const sig::SdkMatcher> matcher, TaskPool* pool = nullptr);

  /// A DEX read from archive entry `entry_name` (its path inside its own
  /// archive; Exodus' class set includes matches in that path). `side`, when
  /// given, is the caller's own work on this DEX, run as one task of the
  /// analysis's first round, so that it costs no wall time of its own on
  /// several cores.
  void OnDex(const dex::DexFile& dex, std::string_view entry_name, const std::function<void()>& side = {});
  /// A JVM class from a JAR/AAR: its entry name (slash form without
  /// ".class", which Exodus' tooling matches) and, when it could be parsed,
  /// the class file (its own name and string constants).
  void OnClassFile(std::string_view entry_name, const classfile::ClassFile* parsed);
  /// The manifest (components, meta-data, permissions) and the strings of
  /// resources.arsc, in two steps. PrepareManifest works out what they add
  /// without touching the detector: only the signatures are read, so any
  /// thread may call it while another analyses code (the scan's helper
  /// does, while the code inflates). OnPreparedManifest then adds it, at the
  /// point of the scan where it belongs.
  struct PreparedManifest;
  PreparedManifest PrepareManifest(const Manifest& manifest, const std::vector<std::string>& resource_strings) const;
  void OnPreparedManifest(const PreparedManifest& prepared);

  /// The URLs and secret tokens of an asset or a native library, found on
  /// any thread (FindInBlob), then added in a fixed order (OnBlobFinds): the
  /// URLs become endpoints, and their hosts network evidence.
  struct BlobFinds {
    std::vector<std::string> urls;
    std::vector<std::pair<const struct SecretRule*, std::string>> secrets;
  };
  static BlobFinds FindInBlob(std::string_view blob);
  void OnBlobFinds(const BlobFinds& finds, const std::string& where);

  const sig::SdkMatcher& matcher() const { return *matcher_; }

  /// The findings, ordered by category, then name.
  std::vector<SdkFinding> Finish();
  /// URLs and secrets found in the strings seen (docs/endpoints.md).
  std::vector<Endpoint> TakeEndpoints();
  std::vector<Secret> TakeSecrets() { return std::move(secrets_); }

 private:
  SdkFinding& Finding(uint32_t sdk);
  /// Hosts in `text` that some signature covers, appended lower-cased.
  void FindHosts(std::string_view text, std::vector<std::string>& out) const;
  void OnHost(const std::string& host);
  void AddDataAccess(uint32_t sdk, const struct ApiRule& rule, const std::string& caller);
  // A URL or secret token in string `string_idx` of the DEX being read.
  struct StringFind {
    uint32_t string_idx;
    std::string text;
    const struct SecretRule* secret;  // Null for a URL.
  };
  // PrepareManifest's two parts: each thing to add, in order.
  void PrepareResourceStrings(const std::vector<std::string>& strings, PreparedManifest& out) const;
  void PrepareManifestItems(const Manifest& manifest, PreparedManifest& out) const;
  // Exodus matches: (sdk, class name) pairs.
  using ExodusHits = std::vector<std::pair<uint32_t, std::string>>;
  // OnDex's tasks, on one DEX: their output slots (defined in the .cc), the
  // task bodies, and the merge of the slots in task order.
  struct DexRound;
  void MatchDexClasses(DexRound& round, unsigned worker);
  void ScanStringSlice(DexRound& round, size_t slice, unsigned worker);
  void WalkSdkCode(DexRound& round, size_t slice);
  void MergeDexRound(DexRound& round, TaskPool* pool);
  // The matches of `names`, on pool thread `worker`, appended to `out`.
  void MatchNames(unsigned worker, const sig::ClassNameList& names, ExodusHits& out);
  // Adds one DEX's Exodus matches, from those of its strings' names: `sure`
  // and `unsure` (and `slashed`, the strings holding a '/') hold one list per
  // string slice of OnDex.
  void AddExodusHits(const dex::DexFile& dex, TaskPool* pool, std::string_view entry_name,
                     std::span<const std::vector<uint32_t>> slashed, std::span<ExodusHits> sure,
                     std::span<const ExodusHits> unsure);
  // One DEX's Exodus matches, from what dexdump would print of it, marked
  // item by item: what AddExodusHits falls back on.
  ExodusHits ExodusHitsByMarking(const dex::DexFile& dex, TaskPool* pool, std::string_view entry_name,
                                 const std::vector<uint32_t>& with_slash);
  // Exodus matches of names only methods' code items could add (the last
  // round of ExodusHitsByMarking, run only when such a name matches
  // something new).
  void AddHitsOfCode(const dex::DexFile& dex, TaskPool* pool, const sig::CodeCandidates& candidates,
                     const std::vector<std::pair<uint32_t, size_t>>& candidate_hits, std::vector<ExodusHits>& hits);
  // Hosts covered by a signature, URLs and secret tokens in one string;
  // `dotted`: whether it holds a '.'.
  void ScanString(std::string_view s, bool dotted, uint32_t string_idx, std::vector<std::string>& hosts,
                  std::vector<StringFind>& out) const;
  // The secret tokens in `s`, after its URLs when `urls`.
  static void AppendFinds(std::string_view s, uint32_t string_idx, bool urls, std::vector<StringFind>& out);
  void AddFind(const StringFind& f, const std::string& where, uint32_t sdk);
  void ResolveDataAccess(SdkFinding& f) const;

  std::shared_ptr<const sig::SdkMatcher> matcher_;
  TaskPool* pool_;
  std::vector<sig::MatchSession> sessions_;  // One per pool thread.
  std::map<uint32_t, SdkFinding> findings_;
  // Exodus' class set is never held whole: DEX names are matched DEX by DEX,
  // and only the (sdk, name) pairs that match are kept. JAR entry names,
  // which Exodus matches as they are, are matched at the end.
  ExodusHits exodus_hits_;
  sig::ClassNameList jar_entry_names_;
  std::unordered_set<std::string> hosts_seen_;
  std::unordered_set<std::string> requested_;  // The app's uses-permission names.
  std::map<std::string, Endpoint> endpoints_;  // By URL.
  std::vector<Secret> secrets_;
  std::unordered_set<std::string> secrets_seen_;
  int target_sdk_ = 0;                         // 0: unknown.
};

struct SdkDetector::PreparedManifest {
  // One thing to add: the resource strings' hosts and finds, then the
  // manifest's evidence, in the order they are found.
  struct Step {
    enum Kind : uint8_t { kManifest, kPermission, kHost, kFind };
    Kind kind = kHost;
    uint32_t sdk = 0;                 // kManifest and kPermission: whose evidence.
    std::string text;                 // The evidence, or the host.
    StringFind find{0, {}, nullptr};  // kFind.
    std::string where;                // kFind.
  };

  void Add(Step::Kind kind, uint32_t sdk, std::string text) {
    Step& s = steps.emplace_back();
    s.kind = kind;
    s.sdk = sdk;
    s.text = std::move(text);
  }
  void AddFind(StringFind find, std::string where) {
    Step& s = steps.emplace_back();
    s.kind = Step::kFind;
    s.find = std::move(find);
    s.where = std::move(where);
  }

  std::vector<Step> steps;
  std::vector<std::string> permissions;  // Requested by the app.
  std::optional<int> target_sdk;
};

}  // namespace vigie
