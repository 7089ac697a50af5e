// Compiled signatures. Everything is compiled once, into one automaton per
// kind of evidence, and every input is scanned once per kind:
//  - Java package prefixes: a trie over package segments, walked once per
//    defined class;
//  - code regexes (Exodus' and the KB's): one vectorscan database each;
//  - domains: a trie over reversed host labels, walked once per host found
//    in the app's strings.
// Nothing loops over signatures × classes.
#pragma once

#include <array>
#include <optional>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/base/view_hash.h"
#include "vigie/sig/name_list.h"
#include "vigie/profile/profile_index.h"
#include "vigie/sig/segment_trie.h"
#include "vigie/sig/signature_db.h"
#include "vigie/sig/wildcard_literals.h"

namespace vigie::sig {

class SdkMatcher;

/// Per-thread matching state (vectorscan scratch space). Cheap to create
/// once per scanned input; one per thread that matches.
class MatchSession {
 public:
  explicit MatchSession(const SdkMatcher& matcher);
  MatchSession(MatchSession&& other) noexcept;
  ~MatchSession();
  MatchSession(const MatchSession&) = delete;
  MatchSession& operator=(const MatchSession&) = delete;

  /// fn(sdk) for the signature owning the defined class `descriptor`
  /// ("Lcom/example/Foo;"): the one with the longest package prefix of it
  /// (none when that prefix is an excluded one), and each whose KB regex
  /// matches it.
  void MatchDefinedClass(std::string_view descriptor, const std::function<void(uint32_t)>& fn);
  /// fn(sdk) for each Exodus signature that re.search-matches `class_name`
  /// (slash form, an element of Exodus' class set).
  void MatchExodusClass(std::string_view class_name, const std::function<void(uint32_t)>& fn);
  /// fn(sdk, i) once for each (signature, names.name(i)) that matches, in
  /// order of i: one vectorscan call over the whole list.
  void MatchExodusNames(const NameList& names, const std::function<void(uint32_t, size_t)>& fn);

  const SdkMatcher& matcher() const { return *m_; }

 private:
  const SdkMatcher* m_;
  void* anchor_scratch_ = nullptr;
  void* exodus_scratch_ = nullptr;
  void* kb_scratch_ = nullptr;
};

class SdkMatcher {
 public:
  /// Compiles `db`. Fails (signatures.invalid) when a regex does not compile,
  /// naming the SDK.
  /// With `profiles`, code no package names is also matched by its
  /// structure against those of the profiles whose SDK `db` holds.
  static Result<std::shared_ptr<const SdkMatcher>> Compile(
      SignatureDb db, std::shared_ptr<const profile::ProfileIndex> profiles = nullptr);
  ~SdkMatcher();

  const SignatureDb& db() const { return db_; }
  /// Whether any entry uses Exodus semantics (so scans must build the
  /// Exodus class set).
  bool has_exodus() const { return exodus_db_ != nullptr || exodus_anchor_db_ != nullptr; }

  /// fn(sdk, shared) for each signature listing the most specific domain
  /// that covers `host` (the host itself or its nearest listed parent);
  /// `shared` when the signature lists it as shared.
  void MatchHost(std::string_view host, const std::function<void(uint32_t, bool)>& fn) const;
  /// Whether some signature domain ends in the label `label` ("com"), in any
  /// case: most host-like tokens of a DEX are Java names
  /// ("java.lang.String"), and this drops them before any copy or walk.
  bool MayMatchHostEndingIn(std::string_view label) const;

  /// fn(sdk) for signatures naming this manifest component class (exactly,
  /// else by the longest package prefix), meta-data key, or permission.
  void MatchComponent(std::string_view class_name, const std::function<void(uint32_t)>& fn) const;
  void MatchMetaData(std::string_view key, const std::function<void(uint32_t)>& fn) const;
  /// A string constant of the app's code that only one SDK's code holds:
  /// one of its meta-data keys, SharedPreferences names, provider
  /// authorities (with or without the leading "."), or version tokens.
  /// Code that loads it is that SDK's. Most strings are turned down by
  /// their length and first character alone.
  struct SdkString {
    enum class Kind : uint8_t { kMetaDataKey, kPreferences, kAuthority, kVersion };
    uint32_t sdk = UINT32_MAX;
    Kind kind = Kind::kMetaDataKey;
    /// "key", "preferences", "authority", "version": how reports name it.
    std::string_view KindName() const;
  };
  std::optional<SdkString> SdkStringOf(std::string_view s) const;
  /// Whether `s` is an SDK string of any SDK, held by one or by several.
  bool IsSdkStringText(std::string_view s) const;
  /// Every SDK string, sorted: what a rematch checks stored features against.
  const std::vector<std::string>& SdkStringTexts() const { return sdk_string_texts_; }
  void MatchPermission(std::string_view permission, const std::function<void(uint32_t)>& fn) const;

  /// The SDK profiles (renamed code), or null.
  const profile::ProfileIndex* profiles() const { return profiles_.get(); }
  /// The SDK of profile `p`, or UINT32_MAX when the database has no such SDK.
  uint32_t ProfileSdk(uint32_t p) const { return p < profile_sdks_.size() ? profile_sdks_[p] : kNobody; }
  /// A digest of the profile index; 0 without profiles.
  uint64_t profiles_digest() const { return profiles_digest_; }

 private:
  friend class MatchSession;
  // Trie entries: an SDK index, flagged when the SDK lists the key as shared,
  // or kNobody for an excluded package.
  static constexpr uint32_t kSharedBit = 0x80000000u, kNobody = 0xffffffffu;

  SignatureDb db_;
  SegmentTrie packages_{'/', false};    // "com/appsflyer" over class descriptors.
  SegmentTrie components_{'.', false};  // "com.appsflyer.Receiver" over component names.
  SegmentTrie hosts_{'.', true};        // "com.appsflyer": the labels of "appsflyer.com", from the right.
  // For each length up to 64, the first characters of the top labels
  // ("com", "io") of that length: bit (c | 0x20) % 32, so case-blind.
  std::array<uint32_t, 65> host_top_labels_{};
  static uint32_t LabelStartBit(char c) { return uint32_t{1} << ((static_cast<unsigned char>(c) | 0x20) % 32); }
  // Looked up by string_view: asking about a string of the app copies nothing.
  using KeyMap = ViewMap<std::vector<uint32_t>>;
  KeyMap meta_data_, permissions_;
  // SDK strings, by their text; sdk is kNobody when two SDKs hold one.
  ViewMap<SdkString> sdk_strings_;
  std::vector<std::string> sdk_string_texts_;  // Its keys, sorted.
  // For each length up to 128, the first and the last characters of the SDK
  // strings of that length (LabelStartBit); longer strings are never SDK
  // strings. Every string of the app's code is asked about, and nearly all
  // are turned down here, before hashing.
  std::array<uint32_t, 129> sdk_string_starts_{}, sdk_string_ends_{};
  // Whether `s` passes that first test.
  bool MayBeSdkString(std::string_view s) const;
  // Exodus signatures: dotted literals by their anchors (wildcard_literals.h),
  // anything else as regexes.
  WildcardLiterals exodus_literals_;
  void* exodus_anchor_db_ = nullptr;  // hs_database_t*
  void* exodus_db_ = nullptr;
  void* kb_db_ = nullptr;
  std::vector<uint32_t> anchor_ids_, exodus_ids_, kb_ids_;  // pattern id -> anchor id or sdk index
  std::shared_ptr<const profile::ProfileIndex> profiles_;
  std::vector<uint32_t> profile_sdks_;  // Profile -> SDK index, or kNobody.
  uint64_t profiles_digest_ = 0;
};

}  // namespace vigie::sig
