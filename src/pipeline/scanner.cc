#include "vigie/pipeline/scanner.h"

#include <algorithm>
#include <string_view>
#include <thread>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "vigie/detect/endpoints.h"
#include "vigie/assess/rules.h"
#include "vigie/android/manifest_reader.h"
#include "vigie/pipeline/package_entries.h"
#include "vigie/assess/recipients.h"
#include "vigie/detect/sdk_detector.h"
#include "vigie/intel/entities.h"
#include "vigie/sig/matcher_source.h"
#include "vigie/sig/sdk_matcher.h"
#include "vigie/base/helper_thread.h"
#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/base/parallel.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie {
namespace {

constexpr size_t kTopPackages = 15;
constexpr uint64_t kParallelHashMinSize = 1ull << 20;

// Java package prefix of a class descriptor, up to three segments:
// "Lcom/google/android/gms/Foo;" -> "com/google/android".
std::string_view PackagePrefix(std::string_view descriptor) {
  if (descriptor.size() < 3 || descriptor.front() != 'L') return {};
  std::string_view body = descriptor.substr(1, descriptor.size() - 2);
  // Up to the third '/', or the last one when there are fewer: the class's
  // own name never holds one.
  size_t cut = std::string_view::npos;
  for (size_t from = 0, seg = 0; seg < 3; ++seg) {
    const size_t slash = body.find('/', from);
    if (slash == std::string_view::npos) break;
    cut = slash;
    from = slash + 1;
  }
  if (cut == std::string_view::npos) return "(default package)";
  return body.substr(0, cut);
}

PackageKind ClassifyArchive(const zip::Archive& a, std::string_view path) {
  bool manifest = a.Find(kManifestEntry), class_files = false, root_apks = false;
  for (const auto& e : a.entries()) {
    if (EndsWith(e.name, ".class")) class_files = true;
    if (EndsWith(e.name, ".apk") && e.name.find('/') == std::string_view::npos) root_apks = true;
  }
  if (manifest && a.Find("classes.jar")) return PackageKind::kAar;
  if (a.Find("BundleConfig.pb") || a.Find(kBundleManifestEntry)) return PackageKind::kAab;
  if (!manifest && a.Find("toc.pb")) return PackageKind::kApks;
  if (!manifest && root_apks && a.Find("manifest.json")) return PackageKind::kXapk;
  if (manifest) return PackageKind::kApk;
  if (class_files || EndsWith(path, ".jar")) return PackageKind::kJar;
  if (EndsWith(path, ".apk")) return PackageKind::kApk;
  return PackageKind::kZip;
}

// On the scan's helper, as it starts: maps `compressed`, the deflated bytes
// of the package's largest code DEX (LargestOneGoDex), which the main
// thread would otherwise fault in 64 KiB at a time as it inflates them.
void PrefaultCode(const MappedFile& file, ByteView compressed) {
  file.Prefault(file.OffsetOf(compressed), compressed.size());
}

// The top-level manifest being read by the scan's helper
// (PackageScanner::ReadTopManifestAside).
struct TopManifest {
  ManifestPart part;
  // What the part adds to the SDK findings, worked out by the helper once it
  // has read the part (SdkDetector::PrepareManifest).
  std::optional<SdkDetector::PreparedManifest> prepared;
  std::exception_ptr error;
  std::atomic<bool> done{false};  // Set by the helper.
  bool merged = false;             // Set by the scan's thread.
};

// The entries before the package's largest code DEX, read by the scan's
// helper while the scan's thread inflates that DEX
// (PackageScanner::ReadPrefixAside).
struct PrefixAside {
  PrefixAside(const zip::Archive* a, size_t i) : archive(a), largest(i) {}
  const zip::Archive* archive;
  size_t largest;  // The largest code DEX's index in archive->entries().
  std::exception_ptr error;
  std::atomic<bool> done{false};  // Set by the helper.
};

class PackageScanner {
 public:
  PackageScanner(ScanResult& out, const ScanOptions& options, const MappedFile* backing, TaskPool& pool)
      : out_(out),
        options_(options),
        pool_(pool),
        extractor_(backing, &budget_),
        aside_extractor_(backing, &budget_),
        backing_(backing) {}

  // The package being scanned (the deep reading goes back to it).
  void SetTopArchive(const zip::Archive& a) { top_archive_ = &a; }

  void ScanArchive(const zip::Archive& archive, const std::string& prefix, int depth) {
    const std::vector<zip::Entry>& entries = archive.entries();
    size_t next = 0;
    if (prefix_aside_ && prefix_aside_->archive == &archive) next = ScanLargestDexAfterPrefix(archive);
    for (; next < entries.size(); ++next) ScanEntry(extractor_, archive, entries[next], prefix, depth);
  }

  // Has the scan's helper read the entries of the package `archive` that
  // come before its largest code DEX (ReadPrefix), while this thread
  // inflates that DEX first, when those entries are code DEX files and
  // entries only listed (native libraries, text assets). In a multidex app
  // whose largest DEX comes last, this thread would otherwise inflate the
  // others one by one on its way there: 1.0 ms of lionu_demo.apk's scan.
  // The entries are still taken in order: the largest DEX is analysed once
  // the helper is done with those before it. `largest` is
  // LargestOneGoDex(archive). Returns whether this thread inflates `largest`
  // first: with the helper reading the entries before it, or when none of
  // them is read with an extractor. Call before the helper starts.
  bool ReadPrefixAside(const zip::Archive& archive, const zip::Entry& largest) {
    const size_t index = static_cast<size_t>(&largest - archive.entries().data());
    uint64_t dex_bytes = 0;
    bool any_dex = false;
    for (size_t i = 0; i < index; ++i) {
      const zip::Entry& e = archive.entries()[i];
      if (e.is_directory()) continue;
      if (IsCodeDex(e.name)) {
        // The helper's DEX buffers live beside this thread's: bounded as the
        // DEX files kept while the signatures load are (AnalyseCode).
        if (e.uncompressed_size > limits::kMaxDeferredDexBytes - dex_bytes) return false;
        dex_bytes += e.uncompressed_size;
        any_dex = true;
      } else if (ReadWithExtractor(e.name)) {
        return false;  // Read with this thread's extractor (ScanClassFile, ScanNested): not on the helper.
      }
    }
    if (any_dex) prefix_aside_.emplace(&archive, index);
    return true;
  }

  // Allocates the buffer of `largest`, the DEX this thread inflates first
  // (when ReadPrefixAside() says so), before the helper starts.
  // Allocating it changes the address space (mmap, the trims that align it,
  // MADV_HUGEPAGE), which takes the process's mmap lock for writing, while
  // the helper's first step holds it for reading as long as it maps that
  // DEX's deflated bytes (PrefaultCode): made after the helper had started,
  // the allocation waited for it, up to 3 ms when those pages had dropped
  // out of the page cache.
  void ReserveFirstDexBuffer(const zip::Entry& largest) {
    reserved_entry_ = &largest;
    reserved_.resize(static_cast<size_t>(*extractor_.OneGoSize(largest)));
  }

  // On the scan's helper, after ReadPrefixAside(): the entries before the
  // largest code DEX, in order. The DEX files among them are analysed here,
  // or kept for when the signatures have loaded (AnalyseCode).
  void ReadPrefix() {
    if (!prefix_aside_) return;
    PrefixAside& p = *prefix_aside_;
    try {
      const std::vector<zip::Entry>& entries = p.archive->entries();
      for (size_t i = 0; i < p.largest; ++i) ScanEntry(aside_extractor_, *p.archive, entries[i], "", 0);
    } catch (...) {
      p.error = std::current_exception();
    }
    p.done.store(true, std::memory_order_release);
    p.done.notify_all();
  }

  // On the helper, when it fails before it gets to ReadPrefix(): unblocks
  // the scan's thread, which then throws.
  void GiveUpPrefix() {
    if (!prefix_aside_ || prefix_aside_->done.load(std::memory_order_acquire)) return;
    prefix_aside_->error = std::make_exception_ptr(std::runtime_error("the scan's helper stopped early"));
    prefix_aside_->done.store(true, std::memory_order_release);
    prefix_aside_->done.notify_all();
  }

  // The manifest of `archive`: binary XML (APK, with resources.arsc for the
  // label) or, in an App Bundle, aapt2's protobuf XML. Returns false when
  // the archive has neither.
  bool ReadManifestFrom(const zip::Archive& archive, const std::string& prefix) {
    ManifestPart part = ReadManifestPart(archive, prefix, extractor_, out_.file.kind, WantsSdks());
    const bool found = part.found;
    other_manifest_read_ = true;
    MergeManifest(std::move(part), /*first=*/false);
    return found;
  }

  // Has the scan's helper read the top-level manifest (ReadTopManifest)
  // while this thread goes on to the code: reading it is ~1 ms of
  // instapaper.apk's critical path otherwise, and nothing in the code
  // depends on it. Call before the helper starts.
  void ReadTopManifestAside() { top_manifest_.emplace(); }

  // The top-level manifest of `archive`, in line, or on the helper after
  // ReadTopManifestAside(). Also says when a package must have one. On the
  // helper, `prepare_with` (from AnalyseDeferredAside) also works out what
  // the manifest adds to the SDK findings.
  void ReadTopManifest(const zip::Archive& archive, const SdkDetector* prepare_with = nullptr) {
    auto read = [&] {
      ManifestPart part = ReadManifestPart(archive, "", aside_extractor_, out_.file.kind, WantsSdks());
      const PackageKind kind = out_.file.kind;
      if (!part.found && (kind == PackageKind::kApk || kind == PackageKind::kAab)) {
        part.diagnostics.Add(Severity::kError, ErrorCode::kManifestMissing,
                             std::string(kind == PackageKind::kAab ? kBundleManifestEntry : kManifestEntry),
                             "the package has no manifest");
      }
      return part;
    };
    if (!top_manifest_) {
      MergeManifest(read(), /*first=*/false);
      return;
    }
    TopManifest& t = *top_manifest_;
    try {
      t.part = read();
    } catch (...) {
      t.error = std::current_exception();
    }
    // Preparing reads only the signatures, so it runs without sdk_mu_, while
    // the scan's thread may be analysing code with the same detector. A
    // failure only leaves the work to Finish().
    if (!t.error && prepare_with) {
      try {
        t.prepared = prepare_with->PrepareManifest(t.part.manifest, t.part.resource_strings);
      } catch (...) {
        t.prepared.reset();
      }
    }
    t.done.store(true, std::memory_order_release);
    t.done.notify_all();
  }

  // Waits for the helper's top-level manifest, if any, and merges it. Its
  // diagnostics go first, as if it had been read before the code.
  // (The helper may still be inside notify_all() when this wakes up, so
  // top_manifest_ stays until the scanner goes, after the helper.)
  void AwaitTopManifest() {
    if (!top_manifest_ || top_manifest_->merged) return;
    TopManifest& t = *top_manifest_;
    t.done.wait(false, std::memory_order_acquire);
    t.merged = true;
    if (t.error) std::rethrow_exception(t.error);
    MergeManifest(std::move(t.part), /*first=*/true);
  }

  // On the helper, when it fails before it gets to ReadTopManifest():
  // unblocks AwaitTopManifest(), which then throws.
  void GiveUpTopManifest() {
    if (!top_manifest_) return;
    top_manifest_->error = std::make_exception_ptr(std::runtime_error("the scan's helper stopped early"));
    top_manifest_->done.store(true, std::memory_order_release);
    top_manifest_->done.notify_all();
  }

  // On the scan's helper, once the signatures have loaded: the DEX files
  // kept meanwhile are analysed while this thread inflates the next one.
  // Otherwise the SDK detector is made here all the same (its matching
  // scratch space for each thread), off the main thread's path to its
  // first DEX. Returns the detector (null without signatures).
  const SdkDetector* AnalyseDeferredAside() {
    std::lock_guard lock(sdk_mu_);
    SdkDetector* sdks = WantsSdks() ? Sdks() : nullptr;
    AnalyseDeferredSdks();
    return sdks;
  }

  // The largest code DEX of `archive` that is inflated in one go (one
  // streamed is left alone: its pages are dropped as the inflate goes, to
  // bound memory); null when there is none.
  const zip::Entry* LargestOneGoDex(const zip::Archive& archive) const {
    const zip::Entry* largest = nullptr;
    uint64_t size = 0;
    for (const zip::Entry& e : archive.entries()) {
      if (e.is_directory() || !IsCodeDex(e.name)) continue;
      if (auto n = extractor_.OneGoSize(e); n && *n > size) {
        largest = &e;
        size = *n;
      }
    }
    return largest;
  }

  // Unmapping a DEX buffer of megabytes takes ~0.05 ms: the last one is
  // kept instead of freed, and parked once the scan is done (see Scan).
  ByteBuffer TakeKeptCode() { return std::exchange(kept_code_, ByteBuffer()); }

  void Finish() {
    AwaitTopManifest();
    if (!deep_entries_.empty()) {
      if (options_.deep) {
        ByteBuffer().swap(kept_code_);  // Not beside the text assets: peak memory stays one buffer.
        ReadDeepEntries();
      } else if (WantsSdks()) {
        ReportDeepNotRead();
      }
    }
    if (bad_class_files_ > 0) {
      out_.diagnostics.Add(Severity::kWarning, ErrorCode::kClassFileMalformed, first_bad_class_,
                           std::to_string(bad_class_files_) +
                               " .class file(s) could not be read; only their entry names were used");
    }
    std::lock_guard lock(sdk_mu_);
    AnalyseDeferredSdks();
    if (SdkDetector* sdks = Sdks()) {
      out_.signature_sources = sdks->matcher().db().sources;
      // The helper's preparation holds for the manifest and resource strings
      // of the package itself, unless a nested APK's were read since.
      if (top_manifest_ && top_manifest_->prepared && !other_manifest_read_)
        sdks->OnPreparedManifest(*top_manifest_->prepared);
      else
        sdks->OnPreparedManifest(sdks->PrepareManifest(out_.manifest, resource_strings_));
      out_.sdks = sdks->Finish();
      out_.recipients = BuildRecipients(out_.sdks);
      out_.endpoints = sdks->TakeEndpoints();
      if (options_.entities)
        for (Endpoint& e : out_.endpoints)
          if (const sig::Entity* o = options_.entities->Owner(e.host)) {
            e.owner = o->name;
            e.owner_parent = o->root_parent.empty() ? o->parent : o->root_parent;
            e.owner_country = o->country;
            e.owner_source = o->source;
          }
      out_.secrets = sdks->TakeSecrets();
    }
    out_.code.top_packages = TopPackages();
    out_.findings = EvaluateRules(out_, RuleOptions{options_.policy_countries});
  }

  std::vector<PackageCount> TopPackages() const {
    std::vector<PackageCount> counts;
    counts.reserve(package_counts_.size());
    for (auto& [name, n] : package_counts_) {
      std::string dotted = name;
      std::replace(dotted.begin(), dotted.end(), '/', '.');
      counts.push_back({std::move(dotted), n});
    }
    std::sort(counts.begin(), counts.end(), [](const PackageCount& a, const PackageCount& b) {
      return a.class_count != b.class_count ? a.class_count > b.class_count : a.name < b.name;
    });
    if (counts.size() > kTopPackages) counts.resize(kTopPackages);
    return counts;
  }

  // `owned`, when given, holds `bytes`; the scan may keep it (see
  // AnalyseCode). `side`, when given, is more work on `bytes` (the entry's
  // CRC check), run beside the SDK analysis when there is one.
  void ScanDexBytes(ByteView bytes, const std::string& where, DexOrigin origin, std::string_view entry_name,
                    ByteBuffer* owned = nullptr, const std::function<void()>& side = {}) {
    if (out_.code.dex.size() >= limits::kMaxDexFiles) {
      if (!dex_cap_reported_) {
        out_.diagnostics.Add(Severity::kError, ErrorCode::kDexTooMany, where,
                             "more than " + std::to_string(limits::kMaxDexFiles) + " DEX files; the rest are skipped");
        dex_cap_reported_ = true;
      }
      return;
    }
    // The Adler-32 checksums are computed beside the analysis, with the
    // side work (the entry's CRC): on the main thread, between inflating and
    // analysing, they took ~0.04 ms per megabyte. Their warnings come after
    // the DEX's own diagnostics.
    struct ChecksumCheck {
      ByteView bytes;
      uint32_t expected;
      std::string where;
      size_t summary;  // Index in out_.code.dex.
      bool matches = true;
    };
    std::vector<ChecksumCheck> checks;
    std::vector<dex::DexFile> code;
    for (dex::DexFile& d :
         dex::DexFile::OpenAll(bytes, where, out_.diagnostics, dex::DexFile::Checksum::kByCaller)) {
      checks.push_back({d.bytes(), d.header().checksum, d.where(), out_.code.dex.size()});
      DexSummary s;
      s.path = where;
      s.version = d.header().version;
      s.size = d.bytes().size();
      s.class_count = d.class_count();
      s.method_count = d.method_count();
      s.field_count = d.field_count();
      s.string_count = d.string_count();
      s.type_count = d.type_count();
      s.checksum_valid = d.checksum_valid();
      s.origin = origin;
      // A Janus prefix is what old Android would run, not what the package
      // declares: listed, but kept out of the package's totals.
      if (origin != DexOrigin::kJanusPrefix) {
        out_.code.class_count += s.class_count;
        code.push_back(std::move(d));
      }
      out_.code.dex.push_back(std::move(s));
    }
    const std::function<void()> checks_and_side = [&] {
      for (ChecksumCheck& c : checks) c.matches = dex::DexFile::ChecksumMatches(c.bytes, c.expected);
      if (side) side();
    };
    AnalyseCode(std::move(code), entry_name, owned, checks_and_side);
    for (const ChecksumCheck& c : checks) {
      if (c.matches) continue;
      out_.code.dex[c.summary].checksum_valid = false;
      dex::DexFile::ReportBadChecksum(c.where, out_.diagnostics);
    }
  }

 private:
  bool WantsSdks() const { return options_.matcher || options_.matcher_source; }

  // `first`: the part belongs before everything recorded so far.
  void MergeManifest(ManifestPart part, bool first) {
    if (first) {
      out_.diagnostics.Prepend(std::move(part.diagnostics));
      resource_strings_.insert(resource_strings_.begin(), std::make_move_iterator(part.resource_strings.begin()),
                               std::make_move_iterator(part.resource_strings.end()));
    } else {
      out_.diagnostics.Append(std::move(part.diagnostics));
      std::move(part.resource_strings.begin(), part.resource_strings.end(), std::back_inserter(resource_strings_));
    }
    if (part.found) out_.manifest = std::move(part.manifest);
  }

  // The package counts and the SDK analysis of the DEX files of one entry,
  // with `side`. The counts and `side` run as one task of the first DEX's
  // SDK analysis when there is one, else here.
  //
  // While the signatures are still loading (on the scan's helper), a DEX
  // whose buffer the scan owns is kept, up to limits::kMaxDeferredDexBytes,
  // and the scan goes on to inflate the next one instead of waiting. Kept
  // DEX files are analysed in their order, before anything else reaches the
  // detector, so the result is the same as without deferral.
  void AnalyseCode(std::vector<dex::DexFile> dexes, std::string_view entry_name, ByteBuffer* owned,
                   const std::function<void()>& side) {
    const std::function<void()> count_and_side = [&] {
      for (const auto& d : dexes) CountPackages(d);
      if (side) side();
    };
    if (dexes.empty() || !WantsSdks()) return count_and_side();
    std::lock_guard lock(sdk_mu_);
    const bool loading = !options_.matcher && options_.matcher_source && !options_.matcher_source->loaded();
    if (loading && owned && !owned->empty() && deferred_bytes_ + owned->size() <= limits::kMaxDeferredDexBytes) {
      count_and_side();
      deferred_bytes_ += owned->size();
      // Moving the buffer keeps its heap block, so the DexFile views stay valid.
      deferred_.push_back({std::move(*owned), std::move(dexes), std::string(entry_name)});
      return;
    }
    AnalyseDeferredSdks();
    SdkDetector* sdks = Sdks();
    if (!sdks) return count_and_side();
    for (size_t i = 0; i < dexes.size(); ++i) sdks->OnDex(dexes[i], entry_name, i == 0 ? count_and_side : nullptr);
  }

  // sdk_mu_ held.
  void AnalyseDeferredSdks() {
    if (deferred_.empty()) return;
    if (SdkDetector* sdks = Sdks())
      for (const auto& p : deferred_)
        for (const auto& d : p.dexes) sdks->OnDex(d, p.entry_name);
    deferred_.clear();
    deferred_bytes_ = 0;
  }

  // The SDK detector, created on first use: with a MatcherSource, this is
  // where the scan waits for the signatures, as late as possible. Null
  // without signatures, or when they failed to load. sdk_mu_ held.
  SdkDetector* Sdks() {
    if (sdks_ || sdks_unavailable_) return sdks_.get();
    auto matcher = options_.matcher ? options_.matcher
                   : options_.matcher_source ? options_.matcher_source->Get()
                                             : nullptr;
    if (!matcher) {
      sdks_unavailable_ = true;
      return nullptr;
    }
    sdks_ = std::make_unique<SdkDetector>(matcher, &pool_);
    return sdks_.get();
  }

  // Without --deep, says what it would have read: endpoints and secrets in
  // web content or native code are not in the report, and the user should
  // know there is something to look at.
  void ReportDeepNotRead() {
    size_t assets = 0, libs = 0;
    uint64_t bytes = 0;
    for (const zip::Entry* e : deep_entries_) {
      ++(EndsWith(e->name, ".so") ? libs : assets);
      bytes += e->uncompressed_size;
    }
    out_.diagnostics.Add(Severity::kInfo, ErrorCode::kDeepNotRead, "package",
                         std::to_string(assets) + " text asset(s) and " + std::to_string(libs) +
                             " native librar" + (libs == 1 ? "y" : "ies") + " (" + std::to_string(bytes) +
                             " bytes inflated) were not searched for endpoints and secrets; --deep reads them");
  }

  // --deep: the text assets and native libraries gathered by ScanArchive
  // (ChooseDeepEntries), read for URLs and secrets. Entries are extracted
  // and searched on the scan's threads, then added in entry order.
  void ReadDeepEntries() {
    const zip::Archive* archive = top_archive_;
    if (!archive) return;
    const std::vector<const zip::Entry*> chosen = ChooseDeepEntries(deep_entries_, out_.diagnostics);
    struct Read {
      SdkDetector::BlobFinds finds;
      Diagnostics diagnostics;
    };
    std::vector<Read> reads(chosen.size());
    RunTasks(&pool_, chosen.size(), [&](size_t task, unsigned) {
      zip::Extractor extractor(backing_, &budget_);
      ByteBuffer storage;
      Read& r = reads[task];
      auto bytes = vigie::ExtractOrReport(extractor, *archive, *chosen[task], storage, std::string(chosen[task]->name),
                                   Severity::kWarning, r.diagnostics);
      if (bytes) r.finds = SdkDetector::FindInBlob(bytes->AsString());
    });
    std::lock_guard lock(sdk_mu_);
    SdkDetector* sdks = Sdks();
    for (size_t i = 0; i < chosen.size(); ++i) {
      out_.diagnostics.Append(std::move(reads[i].diagnostics));
      if (sdks) sdks->OnBlobFinds(reads[i].finds, std::string(chosen[i]->name));
    }
  }

  std::optional<ByteView> ExtractOrReport(const zip::Archive& archive, const zip::Entry& e, ByteBuffer& storage,
                                          const std::string& where, Severity severity) {
    return vigie::ExtractOrReport(extractor_, archive, e, storage, where, severity, out_.diagnostics);
  }

  void CountPackages(const dex::DexFile& d) {
    // Views into this DEX are only valid while it is mapped; aggregate per
    // file with views, then copy the few distinct prefixes out.
    std::unordered_map<std::string_view, uint32_t> local;
    for (uint32_t i = 0; i < d.class_count(); ++i) {
      std::string_view prefix = PackagePrefix(d.TypeDescriptor(d.class_def(i).class_idx));
      if (!prefix.empty()) ++local[prefix];
    }
    for (auto& [k, n] : local) package_counts_[std::string(k)] += n;
  }

  // A JVM class of a JAR/AAR: its name and string constants go to SDK
  // detection. Malformed ones are counted and reported once.
  void ScanClassFile(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix) {
    std::string_view entry_name = e.name.substr(0, e.name.size() - 6);
    ByteBuffer storage;
    Diagnostics ignored;  // Per-class ZIP oddities would flood the report.
    auto bytes = extractor_.Extract(archive, e, storage, ignored);
    std::optional<classfile::ClassFile> parsed;
    if (bytes) {
      auto c = classfile::ClassFile::Parse(*bytes);
      if (c) parsed = std::move(*c);
    }
    if (!parsed && bad_class_files_++ == 0) first_bad_class_ = JoinPath(prefix, e.name);
    std::lock_guard lock(sdk_mu_);
    AnalyseDeferredSdks();
    if (SdkDetector* sdks = Sdks()) sdks->OnClassFile(entry_name, parsed ? &*parsed : nullptr);
  }

  // Entries other than code DEX files that ScanEntry reads with this
  // thread's extractor.
  static bool ReadWithExtractor(std::string_view name) {
    return EndsWith(name, ".class") || EndsWith(name, ".apk") || EndsWith(name, ".jar");
  }

  // The buffer ReserveFirstDexBuffer() made for `e`, if any: the extractor
  // fills it in place (Extractor::OneGoSize). Only ever matches on the
  // scan's thread: the reserved entry is never one the helper reads.
  ByteBuffer TakeReservedBuffer(const zip::Entry& e) {
    return &e == reserved_entry_ ? std::exchange(reserved_, ByteBuffer()) : ByteBuffer();
  }

  // One entry of `archive`, read with `extractor` (the scan's thread's,
  // or the helper's in ReadPrefix).
  void ScanEntry(zip::Extractor& extractor, const zip::Archive& archive, const zip::Entry& e,
                 const std::string& prefix, int depth) {
    if (e.is_directory()) return;
    std::string_view name = e.name;
    if (IsCodeDex(name)) {
      ScanDexEntry(extractor, archive, e, prefix);
    } else if (EndsWith(name, ".class")) {
      ++out_.code.jvm_class_count;
      if (WantsSdks()) ScanClassFile(archive, e, prefix);
    } else if (EndsWith(name, ".apk") || EndsWith(name, ".jar")) {
      ScanNested(archive, e, prefix, depth);
    } else if (name.substr(0, 4) == "lib/" && EndsWith(name, ".so") && depth == 0) {
      out_.code.native_libs.emplace_back(name);
      deep_entries_.push_back(&e);
    } else if (depth == 0 && IsTextAsset(name)) {
      deep_entries_.push_back(&e);
    }
  }

  // After ReadPrefixAside(): inflates the largest code DEX, waits for the
  // helper to be done with the entries before it, then analyses it. Returns
  // the index of the entry after it.
  size_t ScanLargestDexAfterPrefix(const zip::Archive& archive) {
    PrefixAside& p = *prefix_aside_;
    const zip::Entry& e = archive.entries()[p.largest];
    ByteBuffer storage = TakeReservedBuffer(e);
    Diagnostics diagnostics;  // Reported after the helper's, in entry order.
    auto bytes = InflateDex(extractor_, archive, e, "", storage, diagnostics);
    p.done.wait(false, std::memory_order_acquire);
    if (p.error) std::rethrow_exception(p.error);
    out_.diagnostics.Append(std::move(diagnostics));
    ByteBuffer().swap(kept_code_);  // The helper's last, if it kept one.
    if (bytes) AnalyseDexEntry(archive, e, "", *bytes, storage);
    return p.largest + 1;
  }

  void ScanDexEntry(zip::Extractor& extractor, const zip::Archive& archive, const zip::Entry& e,
                    const std::string& prefix) {
    ByteBuffer().swap(kept_code_);  // Freed before the next is inflated: one DEX buffer at a time.
    ByteBuffer storage = TakeReservedBuffer(e);
    auto bytes = InflateDex(extractor, archive, e, prefix, storage, out_.diagnostics);
    if (bytes) AnalyseDexEntry(archive, e, prefix, *bytes, storage);
  }

  static std::optional<ByteView> InflateDex(zip::Extractor& extractor, const zip::Archive& archive,
                                            const zip::Entry& e, const std::string& prefix, ByteBuffer& storage,
                                            Diagnostics& diagnostics) {
    return vigie::ExtractOrReport(extractor, archive, e, storage, JoinPath(prefix, e.name), Severity::kError,
                                  diagnostics, zip::Extractor::Crc::kLeaveToCaller);
  }

  // `bytes` (held by `storage` when inflated) are the code DEX entry `e`.
  void AnalyseDexEntry(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix, ByteView bytes,
                       ByteBuffer& storage) {
    // The CRC is checked beside the analysis of the code; its warning comes
    // after the DEX's own diagnostics.
    std::optional<bool> crc_ok;
    ScanDexBytes(bytes, JoinPath(prefix, e.name), prefix.empty() ? DexOrigin::kPackage : DexOrigin::kNested, e.name,
                 &storage, [&] { crc_ok = zip::Extractor::CrcMatches(e, bytes); });
    if (!crc_ok) crc_ok = zip::Extractor::CrcMatches(e, bytes);  // The DEX was not read (limits::kMaxDexFiles).
    if (!*crc_ok) zip::Extractor::ReportCrcMismatch(archive, e, out_.diagnostics);
    if (storage.size() >= kLargeAllocation) kept_code_.swap(storage);
  }

  void ScanNested(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix, int depth) {
    const std::string where = JoinPath(prefix, e.name);
    if (depth + 1 >= limits::kMaxArchiveDepth) {
      out_.diagnostics.Add(Severity::kWarning, ErrorCode::kNestingTooDeep, where, "nested archive not opened");
      return;
    }
    if (e.uncompressed_size > limits::kMaxNestedArchiveSize) {
      out_.diagnostics.Add(Severity::kError, ErrorCode::kZipBomb, where,
                           "nested archive larger than limits::kMaxNestedArchiveSize");
      return;
    }
    ByteBuffer storage;
    auto bytes = ExtractOrReport(archive, e, storage, where, Severity::kError);
    if (!bytes) return;
    auto nested = zip::Archive::Open(*bytes, where, out_.diagnostics);
    if (!nested) {
      out_.diagnostics.AddError(Severity::kWarning, nested.error(), where);
      return;
    }
    out_.code.nested_archives.push_back(where);
    const std::string inner_prefix = where + "!";
    // A split bundle (XAPK, APKS) has no manifest of its own: the app is
    // described by its base APK, the nested APK whose manifest names no
    // split. A split's manifest is kept only until the base turns up.
    if (EndsWith(e.name, ".apk")) AwaitTopManifest();
    if (EndsWith(e.name, ".apk") && (!out_.manifest.present || out_.manifest.identity.split)) {
      Manifest kept = std::move(out_.manifest);
      out_.manifest = {};
      if (!ReadManifestFrom(*nested, inner_prefix) || (out_.manifest.identity.split && kept.present))
        out_.manifest = std::move(kept);
    }
    ScanArchive(*nested, inner_prefix, depth + 1);
  }

  ScanResult& out_;
  const ScanOptions& options_;
  TaskPool& pool_;
  zip::InflateBudget budget_;
  zip::Extractor extractor_;
  zip::Extractor aside_extractor_;  // The top-level manifest's, on either thread.
  std::optional<TopManifest> top_manifest_;  // Being read by the helper.
  std::optional<PrefixAside> prefix_aside_;  // Being read by the helper.
  // See ReserveFirstDexBuffer(); set before the helper starts, then only read.
  const zip::Entry* reserved_entry_ = nullptr;
  ByteBuffer reserved_;
  // Guards the SDK detector and the kept DEX files: the scan's helper
  // analyses those (AnalyseDeferredAside) while this thread reads on.
  std::mutex sdk_mu_;
  std::unique_ptr<SdkDetector> sdks_;  // See Sdks().
  bool sdks_unavailable_ = false;
  struct DeferredDex {
    ByteBuffer storage;
    std::vector<dex::DexFile> dexes;
    std::string entry_name;
  };
  std::vector<DeferredDex> deferred_;  // See AnalyseCode().
  uint64_t deferred_bytes_ = 0;
  // The last DEX buffer read, kept until the scan is done (TakeKeptCode).
  ByteBuffer kept_code_;
  std::vector<std::string> resource_strings_;  // With a '.', for SDK hosts.
  bool other_manifest_read_ = false;           // ReadManifestFrom() was called.
  std::vector<const zip::Entry*> deep_entries_;  // --deep: see ReadDeepEntries().
  const zip::Archive* top_archive_ = nullptr;
  const MappedFile* backing_;
  uint64_t bad_class_files_ = 0;
  std::string first_bad_class_;
  std::unordered_map<std::string, uint32_t> package_counts_;
  bool dex_cap_reported_ = false;
};

void SetStatus(ScanResult& r) {
  if (r.status == ScanStatus::kFailed) return;
  r.status = r.diagnostics.HasErrors() ? ScanStatus::kPartial : ScanStatus::kOk;
}

// What the scan's helper thread does beside the scan (see ScanFile), besides
// reading the top-level manifest.
struct HelperWork {
  sig::MatcherSource* load = nullptr;  // Signatures to load, if still unloaded.
  MappedFile* hash = nullptr;          // The scanned file, to hash into `digest`, then unmap at the end.
  std::string* digest = nullptr;
  bool any() const { return load || hash; }
};

ScanResult Scan(ByteView bytes, const std::string& display_path, const ScanOptions& options,
                const MappedFile* backing, const HelperWork& work) {
  FreeParkedBuffer();  // The last scan's on this thread: one DEX buffer at a time.
  ScanResult r;
  r.file.path = display_path;
  r.file.size = bytes.size();
  TaskPool pool(options.threads);
  PackageScanner scanner(r, options, backing, pool);
  std::optional<Result<zip::Archive>> archive;
  if (zip::LooksLikeZip(bytes)) {
    archive.emplace(zip::Archive::Open(bytes, "zip", r.diagnostics));
    if (*archive) r.file.kind = ClassifyArchive(**archive, display_path);
  }
  const zip::Archive* package = archive && *archive ? &**archive : nullptr;
  if (package && work.any()) scanner.ReadTopManifestAside();
  ByteView code_to_prefault;
  if (package && work.any() && backing && backing->MapsFromStart(package->bytes())) {
    if (const zip::Entry* largest = scanner.LargestOneGoDex(*package)) {
      Diagnostics ignored;  // The entry's problems are reported when it is scanned.
      if (auto compressed = package->RawData(*largest, ignored)) code_to_prefault = *compressed;
      if (scanner.ReadPrefixAside(*package, *largest)) scanner.ReserveFirstDexBuffer(*largest);
    }
  }
  // Declared after the scanner and the pool, so joined before they go,
  // even when scanning throws (bad_alloc); the pool is stopped first, since
  // the helper ends up serving it.
  std::exception_ptr helper_error;
  std::atomic<bool> helper_done{false};  // Its last step: see below.
  std::jthread helper;
  struct StopFirst {
    TaskPool& pool;
    ~StopFirst() { pool.Stop(); }
  } stop_pool_first{pool};
  if (work.any()) {
    const unsigned slot = pool.Adopt();
    helper = StartHelper([&, slot] {
      bool manifest_read = !package;
      try {
        if (!code_to_prefault.empty()) PrefaultCode(*backing, code_to_prefault);
        scanner.ReadPrefix();  // Catches its own errors.
        // The signatures first: the scan needs them at its first DEX, and
        // the manifest only at the end.
        if (work.load) work.load->Get();
        PreloadTables();
        const SdkDetector* sdks = scanner.AnalyseDeferredAside();
        if (package) scanner.ReadTopManifest(*package, sdks);  // Catches its own errors.
        manifest_read = true;
        if (work.hash) *work.digest = Sha256File(*work.hash);
      } catch (...) {
        helper_error = std::current_exception();  // Rethrown once joined.
        scanner.GiveUpPrefix();
        if (!manifest_read) scanner.GiveUpTopManifest();
      }
      // Then it helps with the code, until the scan ends.
      if (slot) pool.Serve(slot);
      // The file it hashed is the helper's from here, and is unmapped after
      // its last step, while the scan's thread writes the report: unmapping
      // took ~0.15 ms at the end of a 2 MB app's scan. The helper takes the
      // file itself, as it may still be hashing it when a scan ends early.
      MappedFile input = slot && work.hash ? std::move(*work.hash) : MappedFile();
      helper_done.store(true, std::memory_order_release);
    });
  }
  if (archive) {
    if (!package) {
      r.diagnostics.AddError(Severity::kError, archive->error(), "zip");
      r.status = ScanStatus::kFailed;
    } else {
      if (!work.any()) scanner.ReadTopManifest(*package);
      scanner.SetTopArchive(*package);
      scanner.ScanArchive(*package, "", 0);
      if (r.diagnostics.Has(ErrorCode::kZipJanus))
        scanner.ScanDexBytes(bytes.Sub(0, package->prefix_size()).value_or(ByteView{}), "(prefix before the ZIP)",
                             DexOrigin::kJanusPrefix, "");
    }
  } else if (dex::LooksLikeDex(bytes)) {
    r.file.kind = PackageKind::kDex;
    scanner.ScanDexBytes(bytes, "dex", DexOrigin::kPackage, "");
  } else {
    r.diagnostics.Add(Severity::kError, ErrorCode::kUnknownFormat, "input",
                      bytes.empty() ? "the file is empty" : "neither a ZIP archive nor a DEX file");
    r.status = ScanStatus::kFailed;
  }
  if (r.status != ScanStatus::kFailed) scanner.Finish();
  // Nothing reads the code or the input from here. The helper, which serves
  // the pool until it stops, unmaps the input; the last DEX buffer is
  // parked on this thread, to be freed after the report (ParkBuffer).
  ParkBuffer(scanner.TakeKeptCode());
  pool.Stop();
  // Once the helper says it is done, all that is left of it is unmapping
  // the input and the thread's own exit (~50 µs in the kernel), which
  // need not hold up the report: it is left to end on its own. It touches
  // nothing of the scan's after that last step. A helper still busy
  // (hashing a large file) is joined.
  if (helper.joinable()) {
    if (SpinUntil([&] { return helper_done.load(std::memory_order_acquire); }, std::chrono::microseconds(200)))
      helper.detach();
    else
      helper.join();
  }
  if (helper_error) std::rethrow_exception(helper_error);
  SetStatus(r);
  return r;
}

}  // namespace

ScanResult ScanBytes(ByteView bytes, const std::string& display_path, const ScanOptions& options,
                     const MappedFile* backing) {
  return Scan(bytes, display_path, options, backing, HelperWork{});
}

ScanResult ScanFile(const std::string& path, const ScanOptions& options) {
  auto file = MappedFile::Open(path);
  if (!file) {
    ScanResult r;
    r.file.path = path;
    r.diagnostics.AddError(Severity::kError, file.error(), "file");
    r.status = ScanStatus::kFailed;
    return r;
  }
  // One helper overlaps the scan's first milliseconds, which are spent
  // opening the package and inflating its code. It loads the signatures if
  // nobody has yet (the scan needs them only at its first DEX), parses the
  // embedded tables the analyses use (PreloadTables), reads the manifest
  // and resources, then hashes the file: hashing reads every byte while
  // parsing reads only what it needs, so on a second core the hash costs no
  // wall time. Small files are not worth a thread for the hash alone.
  std::string digest;
  HelperWork work;
  sig::MatcherSource* signatures = options.matcher_source.get();
  if (signatures && !signatures->loaded()) work.load = signatures;
  if (file->view().size() >= kParallelHashMinSize) {
    work.hash = &*file;
    work.digest = &digest;
  } else {
    digest = Sha256File(*file);
  }
  ScanResult r = Scan(file->view(), path, options, &*file, work);
  r.file.sha256 = std::move(digest);
  return r;
}

}  // namespace vigie
