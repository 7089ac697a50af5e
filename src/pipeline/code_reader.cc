#include "code_reader.h"

#include <algorithm>

#include "vigie/format/dex/dex_file.h"

namespace vigie::pipeline {
namespace {

constexpr size_t kTopPackages = 15;

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

void CountPackages(const dex::DexFile& d, PackageClasses& out) {
  // Views into the DEX live only as long as its buffer: counted per file
  // with views, then the few distinct prefixes copied out.
  std::unordered_map<std::string_view, uint32_t> local;
  for (uint32_t i = 0; i < d.class_count(); ++i) {
    std::string_view prefix = PackagePrefix(d.TypeDescriptor(d.class_def(i).class_idx));
    if (!prefix.empty()) ++local[prefix];
  }
  for (auto& [k, n] : local) out[std::string(k)] += n;
}

}  // namespace

void ReadDexBytes(ByteView bytes, const std::string& where, DexOrigin origin, std::string_view entry_name,
                  sig::MatchSession* session, bool keep_features, DexPart& part) {
  for (const dex::DexFile& d : dex::DexFile::OpenAll(bytes, where, part.diagnostics)) {
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
    part.dex.push_back(std::move(s));
    if (origin == DexOrigin::kJanusPrefix) continue;
    CountPackages(d, part.package_classes);
    if (!session) continue;
    if (!keep_features) {
      part.evidence.push_back(detect::AnalyseDex(d, entry_name, *session));
      continue;
    }
    features::DexFeatures f = detect::ExtractDexFeatures(d, entry_name, *session);
    detect::DexEvidence evidence = detect::AnalyseDexFeatures(f, *session);
    evidence.features = std::move(f);
    part.evidence.push_back(std::move(evidence));
  }
}

std::vector<PackageCount> TopPackages(const PackageClasses& classes) {
  std::vector<PackageCount> counts;
  counts.reserve(classes.size());
  for (auto& [name, n] : classes) {
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

}  // namespace vigie::pipeline
