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

// Names the knowledge by what it is made of, in the order it is loaded:
// the built-in data/ (vigie_kbc's digest of it), which parts of it, and
// the SHA-256 of each file imported.
class VersionName {
 public:
  void Add(std::string_view what, std::string_view digest) {
    text_.append(what).append("=").append(digest).append("\n");
  }
  // A file given on the command line; one that cannot be read fails its
  // import right after, with a better message.
  void AddFile(std::string_view what, const std::string& path) {
    if (auto file = MappedFile::Open(path)) Add(what, Sha256File(*file));
  }
  std::string Name() const {
    return "kb-" + Sha256Hex(ByteView(reinterpret_cast<const uint8_t*>(text_.data()), text_.size())).substr(0, 16);
  }

 private:
  std::string text_;
};

}  // namespace

Result<Knowledge> LoadKnowledge(const KnowledgeSpec& spec) {
  Knowledge k;
  // Both built-in tables were compiled from data/ by vigie_kbc at build time.
  auto vendors = intel::VendorDb::Open(ByteView(embedded::kVendorsBin.data(), embedded::kVendorsBin.size()));
  if (!vendors) return MakeError(vendors.error().code, 0, "built-in vendor KB: " + vendors.error().message);
  k.vendors = std::move(*vendors);
  VersionName version;
  version.Add("data", embedded::kDataDigest);

  sig::SignatureDb db;
  if (spec.builtin_kb) {
    auto kb = sig::DecodeDb(ByteView(embedded::kSdkKbBin.data(), embedded::kSdkKbBin.size()));
    if (!kb) return MakeError(kb.error().code, 0, "built-in knowledge base: " + kb.error().message);
    db = std::move(*kb);
    version.Add("kb", "builtin");
  }
  for (const auto& [format, path] : spec.signatures) {
    const sig::DbParser parse = Importer(format);
    if (!parse)
      return MakeError(ErrorCode::kSignatureDb, 0, "unknown signature format '" + format + "' (known: exodus, vigie)");
    version.AddFile(format, path);
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
      version.Add("profiles", "builtin");
    }
    auto matcher = sig::SdkMatcher::Compile(std::move(db), std::move(profiles));
    if (!matcher) return matcher.error();
    k.signatures = std::move(*matcher);
  }

  if (!spec.entities.empty()) {
    auto entities = std::make_shared<intel::EntityDb>();
    for (const auto& [format, path] : spec.entities) {
      version.AddFile("entities:" + format, path);
      if (auto err = entities->ImportFile(format, path)) return *err;
    }
    k.entities = std::move(entities);
  }
  k.version = version.Name();
  return k;
}

}  // namespace vigie
