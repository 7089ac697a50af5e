#include "package_entries.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "vigie/android/manifest_reader.h"
#include "vigie/android/package_layout.h"
#include "vigie/detect/endpoints.h"
#include "vigie/base/limits.h"
#include "vigie/format/arsc/resource_table.h"
#include "vigie/format/axml/axml.h"
#include "vigie/format/axml/proto_xml.h"
#include "vigie/format/axml/text_xml.h"

namespace vigie::pipeline {
namespace {

std::string_view Basename(std::string_view name) {
  auto slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// Text XML starts with '<' (after an optional byte-order mark and blanks);
// binary XML starts with a chunk header, whose first byte is never '<'.
bool LooksLikeTextXml(ByteView bytes) {
  std::string_view s = bytes.AsString().substr(0, 64);
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  size_t i = s.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && s[i] == '<';
}

}  // namespace

// Appending (rather than operator+ on a temporary) also keeps GCC 12 from a
// false -Wrestrict (GCC bug 105329).
std::string JoinPath(const std::string& prefix, std::string_view name) {
  std::string out = prefix;
  out.append(name);
  return out;
}

std::vector<const zip::Entry*> ChooseDeepEntries(const std::vector<const zip::Entry*>& candidates,
                                                 Diagnostics& diags) {
  auto abi_of = [](std::string_view n) { return n.substr(4, n.find('/', 4) - 4); };
  auto is_lib = [](std::string_view n) { return n.substr(0, 4) == "lib/"; };
  std::string_view abi;
  for (const zip::Entry* e : candidates)
    if (is_lib(e->name) && (abi.empty() || abi_of(e->name) == "arm64-v8a")) abi = abi_of(e->name);
  std::set<std::string_view> libs;
  for (const zip::Entry* e : candidates)
    if (is_lib(e->name) && abi_of(e->name) == abi) libs.insert(Basename(e->name));
  std::vector<const zip::Entry*> out;
  uint64_t total = 0;
  for (const zip::Entry* e : candidates) {
    std::string_view n = e->name;
    if (is_lib(n) && abi_of(n) != abi && !libs.insert(Basename(n)).second) continue;
    if (e->uncompressed_size > limits::kMaxDeepEntryBytes) {
      diags.Add(Level::kInfo, ErrorCode::kDeepSkipped, std::string(n),
                "larger than limits::kMaxDeepEntryBytes; not read for endpoints and secrets");
      continue;
    }
    if (e->uncompressed_size > limits::kMaxDeepTotalBytes - total) {
      diags.Add(Level::kInfo, ErrorCode::kDeepSkipped, std::string(n),
                "over limits::kMaxDeepTotalBytes read for this input; not read for endpoints and secrets");
      continue;
    }
    total += e->uncompressed_size;
    out.push_back(e);
  }
  return out;
}

std::optional<ByteView> ExtractOrReport(zip::Extractor& extractor, const zip::Archive& archive, const zip::Entry& e,
                                        ByteBuffer& storage, const std::string& where, Level level,
                                        Diagnostics& diags) {
  auto bytes = extractor.Extract(archive, e, storage, diags);
  if (!bytes) {
    diags.AddError(level, bytes.error(), where);
    return std::nullopt;
  }
  return *bytes;
}

ManifestPart ReadManifestPart(const zip::Archive& archive, const std::string& prefix, zip::Extractor& extractor,
                              PackageKind kind, bool resource_strings, Diagnostics& diags) {
  using android::kBundleManifestEntry, android::kManifestEntry, android::kResourcesEntry;
  ManifestPart part;
  const zip::Entry* binary = archive.Find(kManifestEntry);
  const zip::Entry* bundle = binary ? nullptr : archive.Find(kBundleManifestEntry);
  if (!binary && !bundle) return part;
  part.found = true;
  const std::string where = JoinPath(prefix, binary ? kManifestEntry : kBundleManifestEntry);
  ByteBuffer storage;
  auto bytes = ExtractOrReport(extractor, archive, binary ? *binary : *bundle, storage, where, Level::kError, diags);
  if (!bytes) return part;
  Result<axml::Document> doc = MakeError(ErrorCode::kAxmlMalformed, 0, "unread");
  if (bundle) {
    doc = axml::ParseProtoXml(*bytes, where, diags);
  } else if (LooksLikeTextXml(*bytes)) {
    // AAR libraries ship their manifest uncompiled; an APK never should.
    if (kind != PackageKind::kAar)
      diags.Add(Level::kWarning, ErrorCode::kAxmlOdd, where,
                "manifest is plain-text XML; Android only installs compiled manifests");
    doc = axml::ParseTextXml(*bytes, where, diags);
  } else {
    doc = axml::Parse(*bytes, where, diags);
  }
  if (!doc) {
    diags.AddError(Level::kError, doc.error(), where);
    return part;
  }
  std::optional<arsc::ResourceTable> table;
  ByteBuffer arsc_storage;
  const zip::Entry* re = binary ? archive.Find(kResourcesEntry) : nullptr;
  const std::string rwhere = JoinPath(prefix, kResourcesEntry);
  if (auto rb = re ? ExtractOrReport(extractor, archive, *re, arsc_storage, rwhere, Level::kWarning, diags)
                   : std::nullopt) {
    auto t = arsc::ResourceTable::Parse(*rb, rwhere, diags);
    if (t && resource_strings) {
      // String resources can hold an SDK's endpoints (a host in
      // res/values/strings.xml), which have dots, and secrets, which start
      // with a known prefix. Kept as text: the table's bytes go when this
      // function returns. The pool also holds the paths of file resources
      // ("res/drawable/a.png").
      static const std::vector<std::string> prefixes = [] {
        std::vector<std::string> v;
        for (const auto& rule : detect::SecretRules())
          // (Rules without a prefix end with a dotted suffix.)
          if (!rule.prefix.empty() && rule.prefix.find('.') == std::string::npos) v.push_back(rule.prefix);
        return v;
      }();
      t->ForEachStringWith('.', prefixes, "res/", [&](std::string& s) { part.resource_strings.push_back(std::move(s)); });
    }
    if (t) table = std::move(*t);
    else diags.AddError(Level::kWarning, t.error(), rwhere);
  }
  part.manifest = android::ReadManifest(*doc, table ? &*table : nullptr, where, diags);
  return part;
}

}  // namespace vigie::pipeline
