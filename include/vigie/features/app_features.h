// What SDK detection reads of an app, kept so that a corpus can be matched
// again under other knowledge without reopening a single package
// (docs/corpus.md, "Rematch").
//
// The features are what the knowledge does not change: every defined class
// name, the strings that may hold a host, a URL or a secret, the framework
// API calls and string loads of every class, the names of Exodus' class
// set, the manifest entries SDK detection and the rules read. A few parts
// depend on the knowledge of the scan that made them (the SDKs' own strings,
// structure matches of renamed code); digests of that knowledge travel with
// them, so a rematch knows when they no longer hold (Staleness).
//
// The encoding is a compact binary form (varints, length-prefixed text,
// then deflate), read back with every length and count checked.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"
#include "vigie/base/string_arena.h"
#include "vigie/model/manifest.h"
#include "vigie/model/scan_result.h"

struct libdeflate_compressor;

namespace vigie::features {

/// Version of the encoding and of what it holds; the store records it with
/// the bytes, and a rematch reads only features of its own version.
inline constexpr uint32_t kFormat = 2;

/// An app class's structure matched one class of an SDK profile, under the
/// profiles and the set of tied classes the scan had.
struct StructureMatch {
  uint32_t klass = 0;          ///< The app class: its class-def index (DEX) or 0 (JVM).
  uint32_t profile = 0;        ///< Index into the profile index.
  uint32_t profile_class = 0;  ///< The profile class it matches.
  float shared = 0, score = 0;
  bool strong = false;
  bool operator==(const StructureMatch&) const = default;
};

/// What one class's code does: its calls of data_access.tsv's APIs, and
/// the kept strings it loads.
struct ClassCode {
  uint32_t klass = 0;  ///< Class-def index.
  std::vector<std::pair<uint32_t, uint32_t>> calls;  ///< (API rule, caller: index into DexFeatures::callers)
  std::vector<uint32_t> loads;  ///< String indices of kept strings, first load first.
};

/// One DEX file. Its text is views: into `text` when extracted, into the
/// AppFeatures' decoded body when read back (a DEX has thousands of
/// names, and a rematch reads a hundred thousand apps).
struct DexFeatures {
  std::string where;  ///< Its entry's path inside its own archive.
  std::vector<std::string_view> classes;  ///< Descriptors of the defined classes, in class-def order.
  /// Kept strings (sdk_detector.h, KeepString, and the knowledge's SDK
  /// strings), by their index in the DEX, in index order.
  std::vector<std::pair<uint32_t, std::string_view>> strings;
  std::vector<std::string_view> callers;  ///< Display names of calling methods.
  std::vector<ClassCode> code;            ///< Classes that call an API or load a kept string, by class.
  /// For Exodus' class set, beyond the names the defined classes'
  /// descriptors and the entry's name give: the names of the DEX's other
  /// strings holding a '/', among which the set's other names are
  /// (exodus::NameBounds); or, when `exodus_placed`, the set's other names
  /// themselves (the scan's own signatures needed them placed).
  std::vector<std::string_view> exodus_names;
  bool exodus_placed = false;
  /// Structure matches of the classes nothing tied to an SDK, whose names
  /// an obfuscator gave (made only with profiles).
  std::vector<StructureMatch> structure;
  StringArena text;  ///< The text extraction copied.
};

/// One JVM class of a JAR or AAR.
struct JvmClass {
  std::string entry_name;  ///< Slash form, without ".class".
  bool parsed = false;
  std::string name;  ///< Its own name when parsed (slash form).
  std::vector<std::string> strings;  ///< Kept string constants, in constant-pool order.
  std::vector<uint32_t> rules;       ///< data_access.tsv rules it uses.
  std::optional<StructureMatch> structure;
};

/// URLs and secret tokens of an asset or native library (--deep).
struct Blob {
  std::string where;
  std::vector<std::string> urls;
  std::vector<std::pair<uint32_t, std::string>> secrets;  ///< (secret rule index, token)
};

/// Evidence in the order the scan met it: the order decides which place
/// names an endpoint first and which classes are a finding's examples.
using Record = std::variant<DexFeatures, JvmClass, Blob>;

/// What the knowledge of the scan was, for the parts that depend on it.
struct Staleness {
  uint64_t rules = 0;     ///< data_access.tsv and secrets.tsv (EvidenceRulesDigest).
  uint64_t profiles = 0;  ///< The profile index; 0 without profiles.
  uint64_t tied = 0;      ///< Renamed-looking classes tied to an SDK by the scan's knowledge.
  bool operator==(const Staleness&) const = default;
};

struct AppFeatures {
  Staleness knowledge;
  PackageKind kind = PackageKind::kUnknown;
  std::vector<Record> records;
  /// The manifest entries detection and the rules read: presence,
  /// identity's SDK levels, application flags, permissions, components
  /// with their meta-data, and application meta-data.
  Manifest manifest;
  std::vector<std::string> resource_strings;  ///< Kept strings of resources.arsc.
  /// Every SDK string the scan's knowledge knew (sorted): the strings of
  /// code kept for being one. A rematch whose knowledge knows another has
  /// not seen it in the app's code.
  std::vector<std::string_view> sdk_strings;
  StringArena text;  ///< The text of sdk_strings, when they were copied.
  std::unique_ptr<char[]> body;  ///< What Decode inflated, which views point into.
};

/// Writes the encoded, deflated form. One per thread: it keeps deflate's
/// state, which costs more to set up than a small app takes to deflate.
class Encoder {
 public:
  Encoder();
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  std::string Encode(const AppFeatures& f);

 private:
  ::libdeflate_compressor* compressor_;
};

/// Encoder().Encode(f), for a single app.
std::string Encode(const AppFeatures& f);
/// Reads what Encode wrote; fails (features.malformed) on anything else,
/// within limits::kMaxFeaturesSize inflated.
Result<AppFeatures> Decode(ByteView bytes);

}  // namespace vigie::features
