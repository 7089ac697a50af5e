// The signature database: which SDKs exist and how to recognise them.
//
// Entries come from Vigie's own knowledge base (data/sdk_kb.json, compiled
// into the binary) and from importers of third-party databases given at run
// time (`--signatures exodus:FILE`, exodus/importer.h). Nothing third-party
// is stored in the repository.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"

namespace vigie::sig {

/// How an entry's code regexes are applied.
enum class CodeSemantics : uint8_t {
  kDefinedClasses,  ///< Vigie: prefixes/regexes over defined class names.
  kExodus,          ///< Exodus: Python re.search over Exodus' class set.
};

struct SdkSignature {
  std::string id;    ///< Unique within the database: "vigie:appsflyer", "exodus:12".
  std::string name;  ///< Display name, e.g. "AppsFlyer".
  std::string vendor;
  std::vector<std::string> categories;
  std::string website;
  std::vector<int> exodus_ids;  ///< The Exodus trackers this entry covers, ascending.
  std::string source;  ///< Which database: "vigie-kb" or "exodus:FILE".
  CodeSemantics semantics = CodeSemantics::kDefinedClasses;

  std::vector<std::string> code_packages;  ///< Java package prefixes, dotted.
  /// Sub-packages (or classes) of code_packages that belong to no SDK, such
  /// as a platform client that ships inside an SDK's namespace.
  std::vector<std::string> code_excludes;
  std::vector<std::string> code_regexes;   ///< Regexes over slash-separated class names.
  std::vector<std::string> domains;        ///< Hosts the SDK owns; subdomains match too.
  /// Hosts the SDK contacts that other SDKs or a platform also use: they
  /// support a finding made by other evidence, and never make one.
  std::vector<std::string> shared_domains;
  std::vector<std::string> manifest_components;  ///< Component class names or package prefixes.
  std::vector<std::string> manifest_meta_data;   ///< meta-data keys.
  std::vector<std::string> manifest_permissions; ///< Permissions the SDK declares or requests.
  /// String constants only this SDK's code holds, which renaming keeps:
  /// SharedPreferences file names, content-provider authorities (the part
  /// after "${applicationId}."), and tokens naming the SDK in its user
  /// agent or version field.
  std::vector<std::string> string_preferences, string_authorities, string_versions;
};

struct SignatureDb {
  std::vector<SdkSignature> sdks;
  std::vector<std::string> sources;  ///< Databases loaded, in order.

  void Append(SignatureDb other);
};

/// Parses a knowledge base in Vigie's format (docs/sdk-kb.md).
Result<SignatureDb> ParseKb(std::string_view json, const std::string& source);

/// What makes evidence ambiguous within one database: a package, an owned
/// domain, a manifest component, a meta-data key or an SDK string listed by
/// two entries.
/// Each class, host or key must have one owner (docs/sdk-kb.md,
/// "Ownership"); a domain several SDKs use is listed as shared by each.
/// One message per clash, naming both entries.
std::vector<std::string> OwnershipClashes(const SignatureDb& db);

/// A parser of one database format: its text, and the name reports give it.
using DbParser = Result<SignatureDb> (*)(std::string_view text, const std::string& source);

/// Reads the database at `path` with `parse`, as `source` ("exodus:FILE"),
/// and appends it to `db`; on an error `db` is left as it was. The parsed
/// database is cached in compiled form (db_codec.h), keyed by the file's
/// content and `source`, so an edited file is never served stale.
std::optional<Error> ImportFile(const std::string& path, const std::string& source, DbParser parse,
                                SignatureDb& db);

}  // namespace vigie::sig
