// The scan of one input, as a walk: the container is opened and its
// manifest read, then its entries are taken in order. A run of DEX entries
// is read on the scan's threads and merged in entry order, so the report is
// the one a single thread would write. At the end the evidence becomes SDK
// findings, and those become recipients and findings.
#include "vigie/pipeline/scanner.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "code_reader.h"
#include "package_entries.h"
#include "vigie/android/package_layout.h"
#include "vigie/assess/recipients.h"
#include "vigie/assess/rules.h"
#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/base/task_pool.h"
#include "vigie/detect/sdk_detector.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie {
namespace {

using pipeline::DexPart;
using pipeline::JoinPath;

// What the evidence adds up to, once all of it is in `sdks`: SDK findings
// with their vendors, recipients, endpoints with their owners, secrets.
void Conclude(detect::SdkDetector& sdks, const ScanOptions& options, ScanResult& out) {
  out.signature_sources = sdks.matcher().db().sources;
  out.sdks = sdks.Finish();
  if (const auto& vendors = options.knowledge.vendors)
    for (SdkFinding& f : out.sdks)
      if (const Vendor* v = vendors->Find(f.vendor)) f.vendor_info = *v;
  out.recipients = assess::BuildRecipients(out.sdks);
  out.endpoints = sdks.TakeEndpoints();
  if (const auto& entities = options.knowledge.entities)
    for (Endpoint& e : out.endpoints)
      if (const intel::Entity* o = entities->Owner(e.host)) {
        e.owner = o->name;
        e.owner_parent = o->root_parent.empty() ? o->parent : o->root_parent;
        e.owner_country = o->country;
        e.owner_source = o->source;
      }
  out.secrets = sdks.TakeSecrets();
}

// Why stored features may not give what a rescan under `matcher` would,
// or empty.
std::string WhyStale(const features::AppFeatures& f, const features::Staleness& now, const sig::SdkMatcher& matcher) {
  if (f.knowledge.rules != now.rules) return "the data-access or secret rules differ from the scan's";
  if (now.profiles) {
    if (f.knowledge.profiles != now.profiles) return "the SDK profiles differ from the scan's";
    if (f.knowledge.tied != now.tied)
      return "other renamed-looking classes are tied to SDKs by name, so structure matches may differ";
  }
  const auto& known = matcher.SdkStringTexts();
  const bool same = std::equal(f.sdk_strings.begin(), f.sdk_strings.end(), known.begin(), known.end());
  if (!same && !std::includes(f.sdk_strings.begin(), f.sdk_strings.end(), known.begin(), known.end()))
    return "the knowledge has SDK strings the scan's did not, which the features did not keep";
  return {};
}

class PackageScanner {
 public:
  PackageScanner(ScanResult& out, const ScanOptions& options, const MappedFile* backing,
                 features::AppFeatures* features)
      : out_(out), options_(options), pool_(options.threads), features_(features) {
    for (unsigned t = 0; t < pool_.threads(); ++t) extractors_.emplace_back(backing, &budget_);
    if (const auto& signatures = options.knowledge.signatures) {
      for (unsigned t = 0; t < pool_.threads(); ++t) sessions_.emplace_back(*signatures);
      sdks_.emplace(sessions_[0]);  // The scan's own thread is worker 0.
      if (features_) sdks_->KeepFeatures(features_);
    }
    if (!sdks_) features_ = nullptr;
  }

  // A ZIP-based package: its manifest first, then every entry in order, then
  // the DEX file a Janus prefix hides before the ZIP.
  void ScanPackage(const zip::Archive& package, ByteView bytes) {
    top_archive_ = &package;
    const PackageKind kind = out_.file.kind;
    if (!ReadManifest(package, "") && (kind == PackageKind::kApk || kind == PackageKind::kAab)) {
      out_.diagnostics.Add(
          Level::kError, ErrorCode::kManifestMissing,
          std::string(kind == PackageKind::kAab ? android::kBundleManifestEntry : android::kManifestEntry),
          "the package has no manifest");
    }
    ScanArchive(package, "", 0);
    if (out_.diagnostics.Has(ErrorCode::kZipJanus))
      ScanDex(bytes.Sub(0, package.prefix_size()).value_or(ByteView{}), "(prefix before the ZIP)",
              DexOrigin::kJanusPrefix);
  }

  // A DEX file read whole: the input itself, or a Janus prefix.
  void ScanDex(ByteView bytes, const std::string& where = "dex", DexOrigin origin = DexOrigin::kPackage) {
    DexPart part;
    pipeline::ReadDexBytes(bytes, where, origin, "", Session(0), features_ != nullptr, part);
    MergeDex(std::move(part), where);
  }

  // What the evidence adds up to: SDK findings, endpoints, secrets, then who
  // receives data and the findings.
  void Finish() {
    if (!deep_entries_.empty()) {
      if (options_.deep) ReadDeepEntries();
      else if (sdks_) ReportDeepNotRead();
    }
    if (bad_class_files_ > 0) {
      out_.diagnostics.Add(Level::kWarning, ErrorCode::kClassFileMalformed, first_bad_class_,
                           std::to_string(bad_class_files_) +
                               " .class file(s) could not be read; only their entry names were used");
    }
    if (sdks_) {
      sdks_->AddManifest(out_.manifest, resource_strings_);
      Conclude(*sdks_, options_, out_);
      if (features_) {
        features_->knowledge = sdks_->Knowledge();
        features_->kind = out_.file.kind;
        for (const std::string& s : sdks_->matcher().SdkStringTexts())
          features_->sdk_strings.push_back(features_->text.Add(s));
      }
    }
    out_.code.top_packages = pipeline::TopPackages(package_classes_);
    std::sort(out_.code.libraries.begin(), out_.code.libraries.end(), [](const Library& a, const Library& b) {
      return std::tie(a.group, a.artifact) < std::tie(b.group, b.artifact);
    });
    out_.findings = assess::EvaluateRules(out_, assess::RuleOptions{options_.policy_countries});
  }

 private:
  sig::MatchSession* Session(unsigned worker) { return sessions_.empty() ? nullptr : &sessions_[worker]; }

  // The manifest of `archive`, its resource strings kept for SDK hosts.
  // Returns whether the archive has one.
  bool ReadManifest(const zip::Archive& archive, const std::string& prefix) {
    pipeline::ManifestPart part = pipeline::ReadManifestPart(archive, prefix, extractors_[0], out_.file.kind,
                                                             sdks_.has_value(), out_.diagnostics);
    std::move(part.resource_strings.begin(), part.resource_strings.end(), std::back_inserter(resource_strings_));
    if (part.found) out_.manifest = std::move(part.manifest);
    return part.found;
  }

  void ScanArchive(const zip::Archive& archive, const std::string& prefix, int depth) {
    const std::vector<zip::Entry>& entries = archive.entries();
    auto is_dex = [&](size_t i) { return !entries[i].is_directory() && android::IsCodeDex(entries[i].name); };
    for (size_t i = 0; i < entries.size();) {
      if (!is_dex(i)) {
        ScanEntry(archive, entries[i++], prefix, depth);
        continue;
      }
      size_t end = i;
      while (end < entries.size() && is_dex(end)) ++end;
      ScanDexRun(archive, i, end, prefix);
      i = end;
    }
  }

  // Any entry but a code DEX.
  void ScanEntry(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix, int depth) {
    if (e.is_directory()) return;
    if (android::IsLibraryRecord(e.name)) {
      ReadLibraryRecord(archive, e, prefix);
    } else if (android::IsClassFile(e.name)) {
      ++out_.code.jvm_class_count;
      if (sdks_) ScanClassFile(archive, e, prefix);
    } else if (android::IsNestedArchive(e.name)) {
      ScanNested(archive, e, prefix, depth);
    } else if (depth == 0 && android::IsNativeLibrary(e.name)) {
      out_.code.native_libs.emplace_back(e.name);
      deep_entries_.push_back(&e);
    } else if (depth == 0 && android::IsTextAsset(e.name)) {
      deep_entries_.push_back(&e);
    }
  }

  // A library's Maven coordinates, kept once per group and artifact (the
  // first record wins). Anything larger than a record, or not one, is let be.
  void ReadLibraryRecord(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix) {
    if (e.uncompressed_size > limits::kMaxLibraryRecordBytes || out_.code.libraries.size() >= limits::kMaxLibraries)
      return;
    ByteBuffer storage;
    const std::string where = JoinPath(prefix, e.name);
    const auto bytes =
        pipeline::ExtractOrReport(extractors_[0], archive, e, storage, where, Level::kWarning, out_.diagnostics);
    if (!bytes) return;
    auto record = android::ReadLibraryRecord(e.name, bytes->AsString());
    if (!record || !libraries_seen_.emplace(record->group + ":" + record->artifact).second) return;
    out_.code.libraries.push_back({std::move(record->group), std::move(record->artifact), std::move(record->version),
                                   where});
  }

  // The DEX entries [first, end) of `archive`, read on the scan's threads,
  // at most as many at a time as limits::kMaxDexFiles still allows.
  void ScanDexRun(const zip::Archive& archive, size_t first, size_t end, const std::string& prefix) {
    const std::vector<zip::Entry>& entries = archive.entries();
    while (first < end) {
      const uint64_t left = limits::kMaxDexFiles - std::min<uint64_t>(limits::kMaxDexFiles, out_.code.dex.size());
      if (left == 0) return MergeDex({}, JoinPath(prefix, entries[first].name));  // Reports the cap.
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, end - first));
      ReadInOrder(
          pool_, n,
          [&](size_t i, unsigned worker) {
            const zip::Entry& e = entries[first + i];
            DexPart part;
            ByteBuffer storage;
            const std::string where = JoinPath(prefix, e.name);
            if (auto bytes = pipeline::ExtractOrReport(extractors_[worker], archive, e, storage, where, Level::kError,
                                                       part.diagnostics))
              pipeline::ReadDexBytes(*bytes, where,
                                     prefix.empty() ? DexOrigin::kPackage : DexOrigin::kNested, e.name,
                                     Session(worker), features_ != nullptr, part);
            return std::make_pair(std::move(part), where);
          },
          [&](std::pair<DexPart, std::string> read) { MergeDex(std::move(read.first), read.second); });
      first += n;
    }
  }

  void MergeDex(DexPart part, const std::string& where) {
    if (out_.code.dex.size() >= limits::kMaxDexFiles) {
      if (!dex_cap_reported_)
        out_.diagnostics.Add(Level::kError, ErrorCode::kDexTooMany, where,
                             "more than " + std::to_string(limits::kMaxDexFiles) + " DEX files; the rest are skipped");
      dex_cap_reported_ = true;
      return;
    }
    out_.diagnostics.Append(std::move(part.diagnostics));
    for (DexSummary& s : part.dex) {
      if (s.origin != DexOrigin::kJanusPrefix) out_.code.class_count += s.class_count;
      out_.code.dex.push_back(std::move(s));
    }
    for (const auto& [name, n] : part.package_classes) package_classes_[name] += n;
    for (auto& evidence : part.evidence) sdks_->AddDex(std::move(evidence));
  }

  // A JVM class of a JAR/AAR: its name and string constants go to SDK
  // detection. Malformed ones are counted and reported once.
  void ScanClassFile(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix) {
    ByteBuffer storage;
    Diagnostics ignored;  // Per-class ZIP oddities would flood the report.
    auto bytes = extractors_[0].Extract(archive, e, storage, ignored);
    std::optional<classfile::ClassFile> parsed;
    if (bytes)
      if (auto c = classfile::ClassFile::Parse(*bytes)) parsed = std::move(*c);
    if (!parsed && bad_class_files_++ == 0) first_bad_class_ = JoinPath(prefix, e.name);
    sdks_->AddClassFile(e.name.substr(0, e.name.size() - 6), parsed ? &*parsed : nullptr);
  }

  void ScanNested(const zip::Archive& archive, const zip::Entry& e, const std::string& prefix, int depth) {
    const std::string where = JoinPath(prefix, e.name);
    if (depth + 1 >= limits::kMaxArchiveDepth) {
      out_.diagnostics.Add(Level::kWarning, ErrorCode::kNestingTooDeep, where, "nested archive not opened");
      return;
    }
    if (e.uncompressed_size > limits::kMaxNestedArchiveSize) {
      out_.diagnostics.Add(Level::kError, ErrorCode::kZipBomb, where,
                           "nested archive larger than limits::kMaxNestedArchiveSize");
      return;
    }
    ByteBuffer storage;
    auto bytes = pipeline::ExtractOrReport(extractors_[0], archive, e, storage, where, Level::kError,
                                           out_.diagnostics);
    if (!bytes) return;
    auto nested = zip::Archive::Open(*bytes, where, out_.diagnostics);
    if (!nested) {
      out_.diagnostics.AddError(Level::kWarning, nested.error(), where);
      return;
    }
    out_.code.nested_archives.push_back(where);
    const std::string inner_prefix = where + "!";
    // A split bundle (XAPK, APKS) has no manifest of its own: the app is
    // described by its base APK, the nested APK whose manifest names no
    // split. A split's manifest is kept only until the base turns up.
    if (e.name.ends_with(".apk") && (!out_.manifest.present || out_.manifest.identity.split)) {
      Manifest kept = std::move(out_.manifest);
      out_.manifest = {};
      if (!ReadManifest(*nested, inner_prefix) || (out_.manifest.identity.split && kept.present))
        out_.manifest = std::move(kept);
    }
    ScanArchive(*nested, inner_prefix, depth + 1);
  }

  // --deep: the text assets and native libraries the walk listed, read on
  // the scan's threads for URLs and secrets and added in entry order.
  void ReadDeepEntries() {
    const std::vector<const zip::Entry*> chosen = pipeline::ChooseDeepEntries(deep_entries_, out_.diagnostics);
    struct Read {
      detect::BlobFinds finds;
      Diagnostics diagnostics;
    };
    ReadInOrder(
        pool_, chosen.size(),
        [&](size_t i, unsigned worker) {
          Read r;
          ByteBuffer storage;
          if (auto bytes = pipeline::ExtractOrReport(extractors_[worker], *top_archive_, *chosen[i], storage,
                                                     std::string(chosen[i]->name), Level::kWarning, r.diagnostics))
            r.finds = detect::FindInBlob(bytes->AsString());
          return std::make_pair(std::move(r), std::string(chosen[i]->name));
        },
        [&](std::pair<Read, std::string> read) {
          out_.diagnostics.Append(std::move(read.first.diagnostics));
          if (sdks_) sdks_->AddBlob(read.first.finds, read.second);
        });
  }

  // Without --deep, says what it would have read: endpoints and secrets in
  // web content or native code are not in the report, and the user should
  // know there is something to look at.
  void ReportDeepNotRead() {
    size_t assets = 0, libs = 0;
    uint64_t bytes = 0;
    for (const zip::Entry* e : deep_entries_) {
      ++(e->name.ends_with(".so") ? libs : assets);
      bytes += e->uncompressed_size;
    }
    out_.diagnostics.Add(Level::kInfo, ErrorCode::kDeepNotRead, "package",
                         std::to_string(assets) + " text asset(s) and " + std::to_string(libs) + " native librar" +
                             (libs == 1 ? "y" : "ies") + " (" + std::to_string(bytes) +
                             " bytes inflated) were not searched for endpoints and secrets; --deep reads them");
  }

  ScanResult& out_;
  const ScanOptions& options_;
  TaskPool pool_;
  zip::InflateBudget budget_;  // Shared by the extractors: one input, one budget.
  std::deque<zip::Extractor> extractors_;   // One per thread of the pool.
  std::vector<sig::MatchSession> sessions_;  // One per thread of the pool, with signatures.
  features::AppFeatures* features_;          // Kept, with signatures, in a corpus scan.
  std::optional<detect::SdkDetector> sdks_;  // With signatures.
  std::vector<std::string> resource_strings_;  // Of the manifests read, for SDK hosts.
  pipeline::PackageClasses package_classes_;
  std::vector<const zip::Entry*> deep_entries_;  // Text assets and native libraries, for --deep.
  std::set<std::string> libraries_seen_;         // "group:artifact" of out_.code.libraries.
  const zip::Archive* top_archive_ = nullptr;
  uint64_t bad_class_files_ = 0;
  std::string first_bad_class_;
  bool dex_cap_reported_ = false;
};

ScanResult Scan(ByteView bytes, const std::string& display_path, const ScanOptions& options,
                const MappedFile* backing, features::AppFeatures* features = nullptr) {
  ScanResult r;
  r.file.path = display_path;
  r.file.size = bytes.size();
  PackageScanner scanner(r, options, backing, features);
  std::optional<zip::Archive> package;  // Until Finish(), which reads --deep entries.
  if (zip::LooksLikeZip(bytes)) {
    auto archive = zip::Archive::Open(bytes, "zip", r.diagnostics);
    if (!archive) {
      r.diagnostics.AddError(Level::kError, archive.error(), "zip");
      r.status = ScanStatus::kFailed;
      return r;
    }
    package.emplace(std::move(*archive));
    r.file.kind = android::ClassifyPackage(*package, display_path);
    scanner.ScanPackage(*package, bytes);
  } else if (dex::LooksLikeDex(bytes)) {
    r.file.kind = PackageKind::kDex;
    scanner.ScanDex(bytes);
  } else {
    r.diagnostics.Add(Level::kError, ErrorCode::kUnknownFormat, "input",
                      bytes.empty() ? "the file is empty" : "neither a ZIP archive nor a DEX file");
    r.status = ScanStatus::kFailed;
    return r;
  }
  scanner.Finish();
  r.status = r.diagnostics.HasErrors() ? ScanStatus::kPartial : ScanStatus::kOk;
  return r;
}

}  // namespace

ScanResult ScanBytes(ByteView bytes, const std::string& display_path, const ScanOptions& options) {
  return Scan(bytes, display_path, options, nullptr);
}

ScanResult ScanMapped(const MappedFile& file, const std::string& display_path, const ScanOptions& options,
                      features::AppFeatures* features) {
  return Scan(file.view(), display_path, options, &file, features);
}

Rematched Rematch(const features::AppFeatures& features, const ScanOptions& options) {
  Rematched out;
  ScanResult& r = out.result;
  r.file.kind = features.kind;
  r.manifest = features.manifest;
  if (const auto& signatures = options.knowledge.signatures) {
    sig::MatchSession session(*signatures);
    detect::SdkDetector sdks(session);
    sdks.Replay(features);
    Conclude(sdks, options, r);
    out.stale = WhyStale(features, sdks.Knowledge(), *signatures);
    if (out.stale.empty() && sdks.exodus_unsettled())
      out.stale = "Exodus' signatures match names of a DEX that only its code items could place in Exodus' class set";
  }
  r.findings = assess::EvaluateRules(r, assess::RuleOptions{options.policy_countries});
  return out;
}

ScanResult ScanFile(const std::string& path, const ScanOptions& options) {
  auto file = MappedFile::Open(path);
  if (!file) {
    ScanResult r;
    r.file.path = path;
    r.diagnostics.AddError(Level::kError, file.error(), "file");
    r.status = ScanStatus::kFailed;
    return r;
  }
  ScanResult r = ScanMapped(*file, path, options);
  r.file.sha256 = Sha256File(*file);
  return r;
}

}  // namespace vigie
