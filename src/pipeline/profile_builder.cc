#include "vigie/pipeline/profile_builder.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "vigie/android/package_layout.h"
#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

namespace vigie {
namespace {

// The classes of a binary, shaped, each with the SDK its name belongs to.
class ClassCollector {
 public:
  explicit ClassCollector(const sig::SdkMatcher& matcher) : session_(matcher) {}

  void Read(ByteView bytes, int depth) {
    if (dex::LooksLikeDex(bytes)) return ReadDex(bytes);
    if (classfile::LooksLikeClassFile(bytes)) return ReadClassFile(bytes);
    if (depth >= limits::kMaxArchiveDepth) return;
    auto archive = zip::Archive::Open(bytes, "binary", diags_);
    if (!archive) return;
    zip::Extractor extractor;
    for (const zip::Entry& e : archive->entries()) {
      if (e.is_directory()) continue;
      const bool code = e.name.ends_with(".dex") || android::IsClassFile(e.name) || android::IsNestedArchive(e.name);
      if (!code || e.uncompressed_size > limits::kMaxNestedArchiveSize) continue;
      ByteBuffer storage;
      if (auto entry = extractor.Extract(*archive, e, storage, diags_)) Read(*entry, depth + 1);
    }
  }

  // (sdk, class) -> shape, in name order.
  std::map<std::pair<uint32_t, std::string>, profile::Shape> classes;

 private:
  uint32_t Owner(std::string_view descriptor) {
    uint32_t owner = UINT32_MAX;
    session_.MatchDefinedClass(descriptor, [&](uint32_t sdk) {
      if (owner == UINT32_MAX) owner = sdk;
    });
    return owner;
  }

  void ReadDex(ByteView bytes) {
    for (const dex::DexFile& d : dex::DexFile::OpenAll(bytes, "dex", diags_)) {
      profile::DexShaper shaper(d);
      for (uint32_t i = 0; i < d.class_count(); ++i) {
        const std::string_view desc = d.TypeDescriptor(d.class_def(i).class_idx);
        if (const uint32_t sdk = Owner(desc); sdk != UINT32_MAX)
          classes.emplace(std::make_pair(sdk, dex::DescriptorToJavaName(desc)), shaper.Of(i));
      }
    }
  }

  void ReadClassFile(ByteView bytes) {
    auto c = classfile::ClassFile::Parse(bytes);
    if (!c) return;
    const std::string desc = "L" + std::string(c->this_class()) + ";";
    if (const uint32_t sdk = Owner(desc); sdk != UINT32_MAX)
      classes.emplace(std::make_pair(sdk, dex::DescriptorToJavaName(desc)), profile::ShapeOfClassFile(*c));
  }

  sig::MatchSession session_;
  Diagnostics diags_;
};

}  // namespace

Result<profile::Profile> BuildProfile(const ProfileRequest& request, const Knowledge& knowledge) {
  if (!knowledge.signatures) return MakeError(ErrorCode::kProfileMalformed, 0, "no signatures to tell the SDK's classes");
  const sig::SdkMatcher& matcher = *knowledge.signatures;
  auto file = MappedFile::Open(request.path);
  if (!file) return MakeError(file.error().code, 0, request.path + ": " + file.error().message);
  ClassCollector collector(matcher);
  collector.Read(file->view(), 0);

  std::map<uint32_t, size_t> per_sdk;
  for (const auto& [key, shape] : collector.classes) ++per_sdk[key.first];
  uint32_t sdk = UINT32_MAX;
  if (!request.sdk.empty()) {
    for (uint32_t i = 0; i < matcher.db().sdks.size(); ++i)
      if (matcher.db().sdks[i].id == "vigie:" + request.sdk) sdk = i;
    if (sdk == UINT32_MAX)
      return MakeError(ErrorCode::kProfileMalformed, 0, "the KB has no SDK '" + request.sdk + "'");
  } else if (!per_sdk.empty()) {
    sdk = std::max_element(per_sdk.begin(), per_sdk.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  }
  if (sdk == UINT32_MAX || !per_sdk.count(sdk))
    return MakeError(ErrorCode::kProfileMalformed, 0,
                     request.path + ": no class of " + (request.sdk.empty() ? "any KB SDK" : request.sdk));
  profile::Profile p;
  p.sdk = matcher.db().sdks[sdk].id.substr(6);  // "vigie:" prefix
  p.binary = std::filesystem::path(request.path).filename().string();
  p.sha256 = Sha256File(*file);
  p.sources = request.sources;
  for (auto& [key, shape] : collector.classes)
    if (key.first == sdk && !shape.empty()) p.classes.push_back({key.second, std::move(shape)});
  return p;
}

}  // namespace vigie
