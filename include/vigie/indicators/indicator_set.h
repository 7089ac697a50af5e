// Indicators of compromise, as `vigie check` matches a phone's records
// against them (docs/check.md): STIX2 bundles such as Amnesty Tech's, read
// into hash sets, so that a lookup costs a few hashes whatever their number.
//
// The semantics are MVT's (../shared/MVT.md §2), except where docs/check.md
// says otherwise:
//  - each indicator belongs to the report listing it, else the malware a
//    relationship points it to, else a default collection;
//  - a domain matches a host that equals it or ends in "." + it, down to
//    the host's registrable domain (Public Suffix List);
//  - a process matches a basename equal to it, and a name of exactly 16
//    characters (the kernel's truncation) matches an indicator it begins;
//  - e-mail addresses, app ids, properties and hashes match case-blind;
//  - a file name matches a basename, a file path any path it begins;
//  - a configuration profile matches when its UUID occurs in the indicator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/base/flat_view_map.h"
#include "vigie/base/string_arena.h"

namespace vigie {
class TaskPool;
}

namespace vigie::indicators {

enum class IndicatorType : uint8_t {
  kDomain,  ///< domain-name, ipv4-addr and ipv6-addr values: hosts.
  kUrl,
  kProcess,
  kEmail,
  kFileName,
  kFilePath,
  kSha256,
  kSha1,
  kMd5,
  kAppId,
  kAppCertificate,  ///< app:cert.{md5,sha1,sha256}
  kAndroidProperty,
  kConfigurationProfile,
};
inline constexpr size_t kIndicatorTypes = 13;

/// "domain", "url", "process", …: how reports and the JSON name a type.
std::string_view TypeName(IndicatorType type);

struct Collection {
  std::string name;  ///< The report's or malware's name ("NSO Group Pegasus"), or "Default collection".
  std::string file;  ///< The STIX2 file it came from.
};

struct Indicator {
  IndicatorType type = IndicatorType::kDomain;
  std::string_view value;  ///< As matched: lower-case where matching is case-blind. Owned by the set.
  uint32_t collection = 0;  ///< Index into IndicatorSet::collections().
  /// The pattern joined it to others with AND: matching it alone says less
  /// than the pattern does.
  bool conjunct = false;
};

/// An indicator left out, and why, so that nothing is dropped silently.
struct IndicatorWarning {
  std::string file;
  std::string indicator;  ///< Its STIX id, or its position when it has none.
  std::string message;
};

class IndicatorSet {
 public:
  IndicatorSet() = default;
  IndicatorSet(IndicatorSet&&) = default;
  IndicatorSet& operator=(IndicatorSet&&) = default;
  IndicatorSet(const IndicatorSet&) = delete;  // Its tables point into its own arena.
  IndicatorSet& operator=(const IndicatorSet&) = delete;

  /// Reads a STIX2 bundle's indicators into the set. A file that is not a
  /// STIX2 bundle is an Error and adds nothing; an indicator that cannot be
  /// read adds a warning and the rest of the file is read. A large bundle
  /// is read on `pool`'s threads when one is given, in parts of
  /// `part_bytes` (tests cut small ones); the result does not depend on it.
  std::optional<Error> AddStix2(std::string_view json, const std::string& file, TaskPool* pool = nullptr,
                                size_t part_bytes = 16u << 20);
  /// The same, from a file, on every CPU when it is large.
  std::optional<Error> AddStix2File(const std::string& path);

  /// Adds one indicator; `value` is normalised as matching needs. Returns
  /// false (and adds nothing) for a value of that type that cannot match.
  bool Add(IndicatorType type, std::string_view value, uint32_t collection, bool conjunct = false);
  /// A collection's index, added when new.
  uint32_t AddCollection(std::string name, std::string file);

  const std::vector<Indicator>& indicators() const { return indicators_; }
  const std::vector<Collection>& collections() const { return collections_; }
  const std::vector<IndicatorWarning>& warnings() const { return warnings_; }
  /// Indicators of each type, by IndicatorType.
  size_t count(IndicatorType type) const { return by_type_[static_cast<size_t>(type)].size(); }
  size_t size() const { return indicators_.size(); }
  /// Files read.
  const std::vector<std::string>& files() const { return files_; }

  /// The indicator a record's value matches, or null (semantics above).
  const Indicator* MatchHost(std::string_view host) const;
  /// A URL: an URL indicator equal to it, else its host.
  const Indicator* MatchUrl(std::string_view url) const;
  const Indicator* MatchProcess(std::string_view name) const;
  const Indicator* MatchEmail(std::string_view address) const;
  const Indicator* MatchAppId(std::string_view id) const;
  const Indicator* MatchAndroidProperty(std::string_view name) const;
  /// A SHA-256, SHA-1 or MD5, told apart by their length.
  const Indicator* MatchHash(std::string_view hex) const;
  const Indicator* MatchAppCertificate(std::string_view hex) const;
  const Indicator* MatchFileName(std::string_view path) const;
  const Indicator* MatchFilePath(std::string_view path) const;
  const Indicator* MatchConfigurationProfile(std::string_view uuid) const;

 private:
  const Indicator* Find(IndicatorType type, std::string_view value) const;
  // Add() for a value already normalised, and its FlatViewMap hash.
  void AddNormalised(IndicatorType type, std::string_view value, uint32_t hash, uint32_t collection, bool conjunct);
  void Warn(const std::string& file, std::string indicator, std::string message);

  std::vector<Indicator> indicators_;
  std::vector<Collection> collections_;
  std::vector<IndicatorWarning> warnings_;
  std::vector<std::string> files_;
  StringArena values_;  // The bytes of every Indicator::value.
  // Per type: value -> index into indicators_ (the first one given).
  FlatViewMap<uint32_t> by_type_[kIndicatorTypes];
  // The first 16 characters of longer process names, for the kernel's
  // truncation: prefix -> the first indicator with it.
  FlatViewMap<uint32_t> process_prefixes_;
  std::vector<size_t> path_lengths_;  // Of file-path indicators, sorted, distinct: the prefixes worth looking up.
  std::vector<uint32_t> profiles_;    // Configuration profiles, matched by substring.
  // Find for a value already normalised (lower-case where the type is).
  const Indicator* FindNormalised(IndicatorType type, std::string_view value) const;
};

/// "https://Web.Example.com:8443/x" -> "web.example.com": the host of a URL
/// (or of a bare host), lower-case, without port, user info or a final dot.
std::string HostOfUrl(std::string_view url);

}  // namespace vigie::indicators
