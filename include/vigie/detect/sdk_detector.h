// SDK detection: turns what the scan reads (DEX files, JVM classes, the
// manifest, assets) into SdkFindings with evidence, endpoints and secrets,
// using a compiled SdkMatcher.
//
// A DEX is read for evidence on any thread (AnalyseDex) while it is in
// memory, and its evidence is added to the SdkDetector in entry order,
// like everything else: the report is the same whichever thread read which
// DEX.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "vigie/detect/endpoints.h"
#include "vigie/features/app_features.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/model/endpoints.h"
#include "vigie/model/manifest.h"
#include "vigie/model/sdk.h"
#include "vigie/profile/class_shape.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::detect {

/// No SDK: a string no SDK's class loads.
inline constexpr uint32_t kNoSdk = UINT32_MAX;

/// A URL or secret token in a string of the app.
struct StringFind {
  std::string text;
  const SecretRule* secret = nullptr;  ///< Null for a URL.
  uint32_t sdk = kNoSdk;               ///< The SDK whose class loads the string.
};

/// An app class whose structure matches a class of an SDK's profile.
struct StructureHit {
  uint32_t sdk = kNoSdk;
  uint32_t profile = 0;  ///< Index into the matcher's profiles.
  uint32_t klass = 0;    ///< The profile class it matches.
  float shared = 0, score = 0;
  bool strong = false;    ///< Counts towards finding the SDK (profile_index.h).
  std::string app_class;  ///< Dotted.
  std::vector<std::pair<uint32_t, std::string>> calls;  ///< Its data_access.tsv calls: (rule, caller).
};

/// What one DEX file shows of the SDKs in it.
struct DexEvidence {
  std::string where;  ///< The entry's path, as endpoints and secrets name it.
  /// Defined classes each SDK's signatures match, by SDK index.
  std::vector<std::pair<uint32_t, EvidenceList>> classes;
  /// A host a signature covers, and the SDK whose class loads the string it
  /// is in (the first, in class order), or kNoSdk.
  struct Host {
    std::string name;
    uint32_t carrier = kNoSdk;
  };
  std::vector<Host> hosts;  ///< In string order.
  std::vector<std::pair<uint32_t, std::string>> exodus_hits;  ///< (sdk, name of Exodus' class set)
  /// Read from features whose bounds on Exodus' class set did not settle
  /// its matches: exodus_hits are the sure ones, and the package must be
  /// read again to know the rest.
  bool exodus_unsettled = false;
  /// Classes no package names that load a host one SDK owns: (sdk, class).
  std::vector<std::pair<uint32_t, std::string>> renamed;
  /// A call of a data_access.tsv API by an SDK's class: (sdk, rule, caller).
  struct ApiCall {
    uint32_t sdk;
    uint32_t rule;
    std::string caller;
  };
  std::vector<ApiCall> api_calls;
  std::vector<StringFind> finds;  ///< In string order.
  /// Classes neither names nor strings tie to an SDK, matched by structure
  /// against the SDK profiles. Whether they make a finding is decided over
  /// the whole input.
  std::vector<StructureHit> structure;
  /// With profiles, a digest of the renamed-looking classes names tie to
  /// SDKs (features::Staleness::tied); 0 without.
  uint64_t tied = 0;
  /// With features kept (ExtractDexFeatures), those it was read from, for
  /// the detector to keep in order.
  std::optional<features::DexFeatures> features;
};

/// Reads `dex` (archive entry `entry_name`, its path inside its own archive)
/// for SDK evidence, with `session`'s matcher:
///  - its defined classes against package prefixes and code regexes, which
///    also settles which SDK owns each class (the most specific one);
///  - its strings for hosts a signature covers, URLs and secrets, each
///    URL or secret credited to the SDK whose class loads it;
///  - the code of the SDKs' classes for calls of data_access.tsv's APIs;
///  - with Exodus signatures, Exodus' class set (exodus/dex_matches.h);
///  - with SDK profiles, the structure of the classes nothing else ties to
///    an SDK.
/// Thread-safe across sessions.
DexEvidence AnalyseDex(const dex::DexFile& dex, std::string_view entry_name, sig::MatchSession& session);

/// What AnalyseDex reads of `dex`, kept for a rematch (features/app_features.h):
/// every class's descriptor, calls and string loads (the whole code is
/// walked, which AnalyseDex avoids), the strings KeepString keeps and those
/// the session's knowledge knows as SDK strings, Exodus' class set, and,
/// with profiles, the structure matches.
features::DexFeatures ExtractDexFeatures(const dex::DexFile& dex, std::string_view entry_name,
                                         sig::MatchSession& session);
/// AnalyseDex over stored features: the same evidence AnalyseDex finds in
/// the DEX they were extracted from, while features::Staleness holds.
DexEvidence AnalyseDexFeatures(const features::DexFeatures& f, sig::MatchSession& session);

/// Whether a string may bear evidence whatever the knowledge: it holds a
/// host-like token, a URL, or starts like a secret (`dot`: it holds a '.').
bool KeepString(std::string_view s, bool dot);

/// A digest of the built-in tables the evidence is read with
/// (data_access.tsv, secrets.tsv) and of the features' format.
uint64_t EvidenceRulesDigest();

/// The URLs and secret tokens of an asset or a native library.
struct BlobFinds {
  std::vector<std::string> urls;
  std::vector<std::pair<const SecretRule*, std::string>> secrets;
};
/// Finds them; thread-safe.
BlobFinds FindInBlob(std::string_view blob);

/// Gathers the evidence of one input, in the order the scan reads it, and
/// makes the findings at the end. Not thread-safe: one per scan.
class SdkDetector {
 public:
  /// `session`, of `session.matcher()`, is the calling thread's; it must
  /// outlive the detector.
  explicit SdkDetector(sig::MatchSession& session);

  const sig::SdkMatcher& matcher() const { return matcher_; }

  /// Keeps the features of everything added from now on in `out` (a
  /// corpus scan): the DEX evidence must then carry its features.
  void KeepFeatures(features::AppFeatures* out) { features_ = out; }
  /// Adds the evidence features hold, in their order (a rematch), then
  /// their manifest; Finish() follows.
  void Replay(const features::AppFeatures& f);
  /// The digests of the knowledge the evidence added so far was read with.
  features::Staleness Knowledge() const;
  /// Whether features added so far left Exodus' matches of a DEX unsettled
  /// (DexEvidence::exodus_unsettled).
  bool exodus_unsettled() const { return exodus_unsettled_; }

  void AddDex(DexEvidence evidence);
  /// A JVM class from a JAR/AAR: its entry name (slash form without
  /// ".class", which Exodus' tooling matches) and, when it could be parsed,
  /// the class file (its own name and string constants).
  void AddClassFile(std::string_view entry_name, const classfile::ClassFile* parsed);
  /// The URLs and secrets of asset or library `where`; the URLs' hosts
  /// count as network evidence.
  void AddBlob(const BlobFinds& finds, const std::string& where);
  /// The manifest (components, meta-data, permissions) and the strings of
  /// resources.arsc that may hold hosts or secrets.
  void AddManifest(const Manifest& manifest, const std::vector<std::string>& resource_strings);

  /// The findings, ordered by category, then name. Data access is resolved
  /// against the permissions of the manifest added.
  std::vector<SdkFinding> Finish();
  /// URLs and secrets found in the strings seen (docs/endpoints.md).
  std::vector<Endpoint> TakeEndpoints();
  std::vector<Secret> TakeSecrets() { return std::move(secrets_); }

 private:
  SdkFinding& Finding(uint32_t sdk);
  // A host in the app's strings. One that only another SDK's code carries
  // (`carrier`) is that SDK's business: it supports, never makes, a finding
  // for the SDK whose host it is.
  void AddHost(const std::string& host, uint32_t carrier = kNoSdk);
  void AddFind(const StringFind& f, const std::string& where);
  void AddDataAccess(uint32_t sdk, uint32_t rule, const std::string& caller);
  void ResolveDataAccess(SdkFinding& f) const;

  const sig::SdkMatcher& matcher_;
  sig::MatchSession& session_;
  std::map<uint32_t, SdkFinding> findings_;
  // Exodus' class set is never held whole: DEX names are matched DEX by DEX,
  // and only the (sdk, name) pairs that match are kept. JAR entry names,
  // which Exodus matches as they are, are matched at the end.
  std::vector<std::pair<uint32_t, std::string>> exodus_hits_;
  sig::NameList jar_entry_names_;
  std::vector<StructureHit> structure_;  // Over the whole input, for FinishStructure.
  // JVM classes no package names: settled once every class has been read
  // (FinishJvm), by their structure, else by their strings.
  struct JvmCandidate {
    std::string name;
    profile::Shape shape;
    std::optional<features::StructureMatch> stored;  // A replayed class's: instead of its shape.
    size_t record = SIZE_MAX;                       // Its features record, when kept.
    std::vector<std::string> hosts;  // Hosts some signature covers.
    std::vector<std::string> keys;   // SDKs' manifest keys.
    std::vector<std::pair<uint32_t, std::string>> calls;
    std::vector<StringFind> finds;
    std::string where;
  };
  std::vector<JvmCandidate> jvm_unowned_;
  void AddJvmClass(features::JvmClass c, profile::Shape shape, bool replayed);
  std::unordered_set<std::string> jvm_owned_strings_;  // Loaded by some SDK's named class.
  void FinishJvm();
  // Whether the SDK's classes are named in the input: its renamed code needs no guess.
  bool NamedByCode(uint32_t sdk) const;
  void FinishStructure();
  std::unordered_map<std::string, bool> hosts_seen_;  // Host -> counted as the SDK's own.
  std::unordered_set<std::string> requested_;  // The app's uses-permission names.
  std::optional<int> target_sdk_;
  std::map<std::string, Endpoint> endpoints_;  // By URL.
  std::vector<Secret> secrets_;
  std::unordered_set<std::string> secrets_seen_;
  features::AppFeatures* features_ = nullptr;
  bool exodus_unsettled_ = false;
  uint64_t tied_ = 0;  // Folded over the inputs (features::Staleness::tied).
};

}  // namespace vigie::detect
