#include "vigie/pipeline/knowledge.h"

#include "embedded_pipeline.h"
#include "vigie/base/mapped_file.h"
#include "vigie/exodus/importer.h"
#include "vigie/profile/profile_index.h"
#include "vigie/sig/db_codec.h"

namespace vigie {
namespace {

// The importers of --signatures, by format.
sig::DbParser Importer(const std::string& format) {
  if (format == "exodus") return exodus::ParseExodus;
  if (format == "vigie") return sig::ParseKb;
  return nullptr;
}

}  // namespace

Result<Knowledge> LoadKnowledge(const KnowledgeSpec& spec) {
  Knowledge k;
  // Both built-in tables were compiled from data/ by vigie_kbc at build time.
  auto vendors = intel::VendorDb::Open(ByteView(embedded::kVendorsBin.data(), embedded::kVendorsBin.size()));
  if (!vendors) return MakeError(vendors.error().code, 0, "built-in vendor KB: " + vendors.error().message);
  k.vendors = std::move(*vendors);

  sig::SignatureDb db;
  if (spec.builtin_kb) {
    auto kb = sig::DecodeDb(ByteView(embedded::kSdkKbBin.data(), embedded::kSdkKbBin.size()));
    if (!kb) return MakeError(kb.error().code, 0, "built-in knowledge base: " + kb.error().message);
    db = std::move(*kb);
  }
  for (const auto& [format, path] : spec.signatures) {
    const sig::DbParser parse = Importer(format);
    if (!parse)
      return MakeError(ErrorCode::kSignatureDb, 0, "unknown signature format '" + format + "' (known: exodus, vigie)");
    if (auto error = sig::ImportFile(path, format + ":" + path, parse, db)) return *error;
  }
  if (!db.sdks.empty() || !db.sources.empty()) {
    // The profiles name KB SDKs: without the built-in KB they find nothing.
    std::shared_ptr<const profile::ProfileIndex> profiles;
    if (spec.builtin_kb && spec.profiles) {
      auto index = profile::ProfileIndex::Decode(ByteView(embedded::kProfilesBin.data(), embedded::kProfilesBin.size()),
                                                 "built-in profiles");
      if (!index) return index.error();
      profiles = std::make_shared<const profile::ProfileIndex>(std::move(*index));
    }
    auto matcher = sig::SdkMatcher::Compile(std::move(db), std::move(profiles));
    if (!matcher) return matcher.error();
    k.signatures = std::move(*matcher);
  }

  if (!spec.entities.empty()) {
    auto entities = std::make_shared<intel::EntityDb>();
    for (const auto& [format, path] : spec.entities)
      if (auto err = entities->ImportFile(format, path)) return *err;
    k.entities = std::move(entities);
  }
  return k;
}

std::string KnowledgeVersion(const KnowledgeSpec& spec) {
  std::string text = std::string("data=") + std::string(embedded::kDataDigest) + "\n";
  if (spec.builtin_kb) text += spec.profiles ? "kb=builtin\nprofiles=builtin\n" : "kb=builtin\n";
  // A file that cannot be read fails its import, with a better message.
  auto add_file = [&](const std::string& what, const std::string& path) {
    if (auto file = MappedFile::Open(path)) text += what + "=" + Sha256File(*file) + "\n";
  };
  for (const auto& [format, path] : spec.signatures) add_file(format, path);
  for (const auto& [format, path] : spec.entities) add_file("entities:" + format, path);
  return "kb-" + Sha256Hex(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size())).substr(0, 16);
}

}  // namespace vigie
