// Every cap Vigie applies to untrusted input lives here, each with the reason
// for its value. Hitting a cap never aborts a scan: the parser stops the part
// it was reading, records a diagnostic naming the cap, and the scan goes on
// with whatever else is readable.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vigie::limits {

// ---- ZIP ------------------------------------------------------------------

/// Central-directory entries read from one archive. The largest Play apps
/// carry ~100k entries; a million leaves headroom yet bounds the entry table
/// (~64 MB) for a crafted EOCD that claims 2^64 entries.
inline constexpr uint64_t kMaxZipEntries = 1'000'000;

/// Bytes of the tail searched for the end-of-central-directory record: the
/// 22-byte record plus the largest comment a 16-bit length can describe.
inline constexpr uint64_t kMaxEocdSearch = 22 + 0xFFFF;

/// Largest inflated size of one entry Vigie will materialise. DEX files are
/// limited by 32-bit offsets, so 1 GiB is beyond anything ART loads.
inline constexpr uint64_t kMaxEntryInflatedSize = 1ull << 30;

/// Total bytes inflated while scanning one input, nested archives included.
/// Defeats "many small bombs" archives that stay under the per-entry cap.
inline constexpr uint64_t kMaxTotalInflated = 4ull << 30;

/// Deflate cannot exceed ~1032:1, so a larger declared ratio is a lie; 1100
/// allows for rounding on tiny entries without admitting overlap bombs.
inline constexpr uint64_t kMaxCompressionRatio = 1100;

/// Ratio checks only apply to outputs larger than this: a 1 KiB run of zeros
/// legitimately compresses 100:1 and costs nothing to inflate.
inline constexpr uint64_t kRatioCheckMinOutput = 1ull << 20;

/// Compressed entries at least this large are inflated by streaming, releasing
/// the consumed input pages as they go so that peak memory stays near the
/// output size instead of output + input.
inline constexpr uint64_t kStreamingInflateThreshold = 8ull << 20;

/// Chunk of compressed input handed to zlib per step when streaming.
inline constexpr uint64_t kStreamingInflateChunk = 4ull << 20;

/// Bytes searched for the first local header when the central directory is
/// unusable and entries are recovered by walking local headers. Covers Janus
/// DEX prefixes and self-extractor stubs without scanning a whole file.
inline constexpr uint64_t kMaxRecoveryPrefixSearch = 16ull << 20;

/// How deep APK-in-APK / JAR-in-APK nesting is followed. Exodus stops at 10;
/// real bundles (XAPK, APKS, embedded APKs) need 2.
inline constexpr int kMaxArchiveDepth = 4;

/// Largest nested archive (APK in APK, JAR in AAR) inflated into memory.
inline constexpr uint64_t kMaxNestedArchiveSize = 512ull << 20;

// ---- DEX ------------------------------------------------------------------

/// DEX files read per input. Multidex apps ship tens; 4096 is far past any
/// real app yet bounds work on an archive of a million tiny `classesN.dex`.
inline constexpr uint64_t kMaxDexFiles = 4096;

/// URLs and secrets kept per input. An app holds tens to a few hundred; a
/// crafted one could hold millions of strings that look like URLs.
inline constexpr uint64_t kMaxEndpoints = 5000;
inline constexpr uint64_t kMaxSecrets = 1000;

/// `--deep`: an asset or native library larger than this (inflated) is not
/// read, and one input's deep reading stops after the total.
inline constexpr uint64_t kMaxDeepEntryBytes = 64ull << 20;
inline constexpr uint64_t kMaxDeepTotalBytes = 512ull << 20;

/// A library record (META-INF/*.version, pom.properties) larger than this
/// is not one: real ones are a line or a few.
inline constexpr uint64_t kMaxLibraryRecordBytes = 4096;
/// Library records kept per input; an app carries tens to a few hundred.
inline constexpr uint64_t kMaxLibraries = 2000;

/// Map-list items accepted. The format defines ~20 section types; a long map
/// is malformed.
inline constexpr uint32_t kMaxDexMapItems = 64;

/// Nesting of encoded arrays and annotations inside a static value. The format
/// allows any depth; real files nest 2 or 3, and recursion must stay bounded.
inline constexpr int kMaxEncodedValueDepth = 32;

// ---- Binary XML (AndroidManifest.xml) -------------------------------------

/// Largest binary XML document parsed. Real manifests stay under 1 MiB.
inline constexpr uint64_t kMaxAxmlSize = 32ull << 20;

/// Element nesting depth. Manifests nest ~5 deep; a deep crafted tree would
/// otherwise grow the element stack without bound.
inline constexpr uint32_t kMaxAxmlDepth = 256;

/// Attribute count on one element. Real elements carry < 50.
inline constexpr uint32_t kMaxAxmlAttributes = 4096;

/// XML nodes (chunks) walked in one document.
inline constexpr uint64_t kMaxAxmlNodes = 1'000'000;

// ---- String pools (AXML and resources.arsc) -------------------------------

/// Strings in one pool; resources.arsc of large apps hold ~100k.
inline constexpr uint32_t kMaxStringPoolStrings = 4'000'000;

/// Characters decoded from one pool string for a report; longer strings are
/// truncated with a diagnostic.
inline constexpr uint32_t kMaxReportedStringLength = 64 * 1024;

// ---- resources.arsc -------------------------------------------------------

/// Largest resource table parsed (to resolve the app label).
inline constexpr uint64_t kMaxArscSize = 256ull << 20;

/// Reference hops followed when a resource value points to another resource.
inline constexpr int kMaxResourceIndirections = 8;

// ---- SDK profiles (renamed code) ------------------------------------------

/// Classes and feature hashes one profile may hold. The largest SDKs have a
/// few thousand classes of a few hundred features; these bound a crafted
/// profile file.
inline constexpr uint64_t kMaxProfileClasses = 100'000;
inline constexpr uint64_t kMaxProfileFeatures = 20'000'000;

/// Indicators (STIX2 files of `vigie check`): the size of one file, and the
/// length of one pattern, beyond which it is refused rather than read. A
/// file is mapped, not copied, and what is kept of it until collections are
/// known is views, a fraction of its size; 1 GiB holds a million indicators
/// in Amnesty's layout (Amnesty's largest file is 2.2 MB).
inline constexpr uint64_t kMaxIndicatorFileBytes = 1ull << 30;
inline constexpr size_t kMaxPatternLength = 64 * 1024;
/// Nesting of JSON arrays and objects read by a pull reader.
inline constexpr size_t kMaxJsonDepth = 256;

// ---- Stored features (corpus rematch) ---------------------------------------

/// An app's features inflated: a corpus-sized app needs about 100 KB, the
/// largest real apps a few MB.
inline constexpr uint64_t kMaxFeaturesSize = 256ull << 20;

/// A DEX string's index in stored features: real DEX files hold up to a few
/// hundred thousand strings. A rematch sizes tables by the largest index.
inline constexpr uint32_t kMaxFeaturesStringIndex = 1u << 24;

// ---- Phone acquisitions (vigie check) ---------------------------------------

/// Files of one acquisition listed (a filesystem dump of an iPhone holds a
/// few hundred thousand); beyond it the walk stops with a diagnostic.
inline constexpr size_t kMaxAcquisitionFiles = 5'000'000;
/// Bytes of one file of an acquisition read into memory (a log, a JSON
/// list, a decompressed SMS backup); a larger one is read up to the cap.
inline constexpr uint64_t kMaxAcquisitionFileBytes = 512ull << 20;
/// Bytes of one JSON file of an acquisition parsed into a tree
/// (packages.json, an SMS backup): a tree costs several times its text.
inline constexpr uint64_t kMaxAcquisitionJsonBytes = 64ull << 20;
/// Values one property list may expand to (references repeat objects), and
/// its nesting.
inline constexpr size_t kMaxPlistValues = 2'000'000;
inline constexpr size_t kMaxPlistDepth = 128;
/// PBKDF2 rounds of an encrypted Android backup (Android writes 10,000): a
/// crafted header cannot make the key derivation run for minutes.
inline constexpr unsigned kMaxBackupKdfRounds = 1'000'000;

/// PBKDF2 rounds of an encrypted iOS backup's keybag (Apple writes 10
/// million for the first stage).
inline constexpr uint32_t kMaxIosBackupKdfRounds = 20'000'000;

/// Candidate profile classes scored in full per app class: a class that
/// shares rare features with more than this many is generic code.
inline constexpr size_t kMaxProfileCandidates = 16;

// ---- Reporting ------------------------------------------------------------

/// Diagnostics kept per input; further ones are counted, not stored, so a
/// file with a million broken entries cannot flood memory or the report.
inline constexpr uint32_t kMaxDiagnostics = 500;

}  // namespace vigie::limits
