// The one table of everything that can go wrong (or look odd) in an input.
//
// Each code has a stable dotted name used in JSON diagnostics and in future
// SARIF output, and a one-line meaning. Names are the interface: they are
// never renamed or reused. The enum's numeric order is internal.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigie {

// X(enumerator, "stable.name", "what it means")
#define VIGIE_ERROR_CODES(X)                                                                   \
  X(kOk, "ok", "no error")                                                                     \
  X(kIoError, "io.error", "the file could not be opened, mapped or read")                      \
  X(kUnknownFormat, "input.unknown_format", "the input is not a ZIP-based package or DEX")     \
  X(kZipNoEocd, "zip.no_eocd", "no end-of-central-directory record: not a ZIP or truncated")   \
  X(kZipMultiDisk, "zip.multi_disk", "split (multi-disk) archives are not supported")          \
  X(kZipBadOffsets, "zip.bad_offsets", "the central directory lies outside the file")          \
  X(kZipBadCentralEntry, "zip.bad_central_entry", "a central-directory record is malformed")   \
  X(kZipTooManyEntries, "zip.too_many_entries", "more entries than limits::kMaxZipEntries")    \
  X(kZipShiftedOffsets, "zip.shifted_offsets",                                                 \
    "data was prepended without fixing offsets; read with shifted offsets like unzip")        \
  X(kZipRecovered, "zip.recovered",                                                           \
    "no usable central directory; entries were recovered from local headers")                \
  X(kZipPrefixData, "zip.prefix_data", "bytes precede the first local header")                 \
  X(kZipJanus, "zip.janus_dex_prefix",                                                         \
    "a DEX file precedes the ZIP (Janus, CVE-2017-13156): old Android runs it instead")       \
  X(kZipCommentMismatch, "zip.comment_mismatch", "EOCD comment length disagrees with the file") \
  X(kZipCdGap, "zip.cd_gap",                                                                   \
    "bytes between central directory and end record; APK Signature Scheme v2+ rejects this") \
  X(kZipDuplicateName, "zip.duplicate_name", "two entries share a name")                       \
  X(kZipInvalidName, "zip.invalid_name", "an entry name holds NUL or invalid UTF-8")           \
  X(kZipBadLocalHeader, "zip.bad_local_header", "a local file header is missing or malformed") \
  X(kZipLocalMismatch, "zip.local_mismatch", "local header disagrees with the central directory") \
  X(kZipEncrypted, "zip.encrypted", "the entry is encrypted and cannot be read")               \
  X(kZipUnsupportedMethod, "zip.unsupported_method", "compression method other than stored/deflate") \
  X(kZipEntryOutOfBounds, "zip.entry_out_of_bounds", "entry data runs past the end of the archive") \
  X(kZipInflateFailed, "zip.inflate_failed", "deflate stream is corrupt")                      \
  X(kZipSizeMismatch, "zip.size_mismatch", "inflated size differs from the declared size")      \
  X(kZipCrcMismatch, "zip.crc_mismatch", "CRC-32 of the data differs from the declared one")   \
  X(kZipBomb, "zip.bomb", "declared or actual size exceeds the inflation caps")                \
  X(kZipOverlap, "zip.overlap", "entries share file data (overlapping-entry zip bomb or polyglot)") \
  X(kNestingTooDeep, "nested.too_deep", "archive nesting deeper than limits::kMaxArchiveDepth") \
  X(kManifestMissing, "manifest.missing", "no AndroidManifest.xml in the package")            \
  X(kAxmlMalformed, "axml.malformed", "binary XML chunk structure is malformed")               \
  X(kAxmlLimit, "axml.limit", "binary XML exceeds a parsing cap")                              \
  X(kAxmlOdd, "axml.odd", "binary XML uses an unusual but tolerated encoding")                  \
  X(kArscMalformed, "arsc.malformed", "resources.arsc is malformed")                           \
  X(kArscUnresolved, "arsc.unresolved", "a resource reference could not be resolved")          \
  X(kDexBadMagic, "dex.bad_magic", "not a DEX file (bad magic)")                               \
  X(kDexBadVersion, "dex.bad_version", "DEX version outside 035..041")                         \
  X(kDexBadHeader, "dex.bad_header", "DEX header fields are inconsistent")                     \
  X(kDexChecksum, "dex.checksum_mismatch", "DEX adler32 checksum does not match")              \
  X(kDexBadMap, "dex.bad_map", "DEX map list is malformed or disagrees with the header")       \
  X(kDexBadSection, "dex.bad_section", "a DEX table lies outside the file or is misaligned")   \
  X(kDexBadString, "dex.bad_string", "a DEX string is out of bounds or not valid MUTF-8")      \
  X(kDexBadClass, "dex.bad_class", "a class definition or class data is malformed")           \
  X(kDexTooMany, "dex.too_many", "more DEX files than limits::kMaxDexFiles")                   \
  X(kClassFileMalformed, "classfile.malformed", "a JVM .class file is malformed")              \
  X(kPlistMalformed, "plist.malformed", "a property list (binary or XML) is malformed")          \
  X(kProfileMalformed, "profile.malformed", "an SDK profile (data/profiles, vigie profile) is malformed")  \
  X(kSignatureDb, "signatures.invalid", "a signature database could not be loaded or compiled")  \
  X(kIndicatorsInvalid, "indicators.invalid", "an indicator file is not a STIX2 bundle")       \
  X(kIndicatorSkipped, "indicators.skipped", "an indicator could not be read and was left out") \
  X(kRules, "rules.invalid", "a rules file or knowledge table could not be parsed, or cannot hold as written") \
  X(kPolicy, "policy.invalid", "a policy or suppression file (--policy, --suppressions) could not be parsed") \
  X(kDeepSkipped, "deep.skipped", "--deep left an asset or native library unread (limits.h)")      \
  X(kDeepNotRead, "deep.not_read", "text assets or native libraries that only --deep reads")     \
  X(kAcquisitionUnknown, "check.unknown_input", "the input is no phone backup or dump that vigie check reads") \
  X(kAcquisitionMalformed, "check.malformed", "a file of a phone's backup or dump is malformed; what it held before the damage is read") \
  X(kAcquisitionTooLarge, "check.too_large", "a file of a phone's backup or dump exceeds a cap of limits.h; it is read up to the cap") \
  X(kBackupPassword, "check.password", "an encrypted backup needs its password, or the password given is wrong") \
  X(kStore, "store.failed", "the corpus database could not be opened, written or queried")     \
  X(kStoreSchema, "store.schema", "the corpus database has a schema this Vigie does not know (a newer Vigie wrote it)") \
  X(kFeatures, "features.malformed", "an app's stored features cannot be read back (docs/corpus.md, Rematch)") \
  X(kDiagnosticsTruncated, "diagnostics.truncated", "more diagnostics than limits::kMaxDiagnostics")

/// Identifies one kind of problem. Stable across releases.
enum class ErrorCode : uint16_t {
#define VIGIE_ENUM_ENTRY(e, name, doc) e,
  VIGIE_ERROR_CODES(VIGIE_ENUM_ENTRY)
#undef VIGIE_ENUM_ENTRY
};

/// The stable dotted name of a code, e.g. "zip.no_eocd".
std::string_view ErrorCodeName(ErrorCode code);
/// The one-line meaning of a code.
std::string_view ErrorCodeDoc(ErrorCode code);

/// A parser failure: what went wrong, where in the bytes, and a short context.
struct Error {
  ErrorCode code = ErrorCode::kOk;
  uint64_t offset = 0;  ///< Byte offset in the part being parsed.
  std::string message;  ///< Human context, e.g. "string_ids size 5 exceeds file".
};

/// A value or an Error. Shaped like std::expected, which GCC 12 lacks.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}   // NOLINT: implicit by design.
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

/// The value of `r`, a parse of built-in knowledge that vigie_kbc already
/// checked when the binary was built: an error here is a bug in Vigie, not
/// bad input, and is thrown as one.
template <typename T>
T CheckedAtBuild(Result<T> r) {
  if (!r) throw std::logic_error("built-in knowledge: " + r.error().message);
  return std::move(*r);
}

/// Shorthand for building an Error.
inline Error MakeError(ErrorCode code, uint64_t offset, std::string message) {
  return Error{code, offset, std::move(message)};
}

}  // namespace vigie
