// The signature database: which SDKs exist and how to recognise them.
//
// Entries come from Vigie's own knowledge base (data/sdk_kb.json, compiled
// into the binary) and from importers for third-party databases given at run
// time (`--signatures exodus:FILE`). Nothing third-party is stored here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigie/base/bytes.h"
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
  std::optional<int> exodus_id;
  std::string source;  ///< Which database: "vigie-kb" or "exodus:FILE".
  CodeSemantics semantics = CodeSemantics::kDefinedClasses;

  std::vector<std::string> code_packages;  ///< Java package prefixes, dotted.
  std::vector<std::string> code_regexes;   ///< Regexes over slash-separated class names.
  std::vector<std::string> domains;        ///< Hosts; subdomains match too.
  std::vector<std::string> manifest_components;  ///< Component class names or package prefixes.
  std::vector<std::string> manifest_meta_data;   ///< meta-data keys.
  std::vector<std::string> manifest_permissions; ///< Permissions the SDK declares or requests.
};

/// A country an SDK vendor has ties with, and which ties.
struct VendorTie {
  std::string country;              ///< ISO 3166-1 alpha-2, e.g. "RU".
  std::vector<std::string> ties;    ///< headquarters, registration, development, staff, ownership, data_storage
};

struct VendorIncident {
  std::string date;     ///< YYYY-MM-DD
  std::string summary;  ///< Vigie's own words.
  std::string source;
};

/// Who is behind an SDK (data/vendors.json, docs/vendors.md). Unknown
/// facts are empty, never guessed.
struct Vendor {
  std::string id;  ///< The `vendor` of SDK entries.
  std::string name;
  std::string parent, ultimate_parent;  ///< Empty: none, or not public.
  std::string hq_country;               ///< ISO code; empty when unknown.
  std::vector<VendorTie> jurisdictions;
  std::vector<std::string> flags;  ///< data_broker, state_ties, sanctions
  std::vector<VendorIncident> incidents;
  std::vector<std::string> sources;
};

struct SignatureDb {
  std::vector<SdkSignature> sdks;
  std::vector<std::string> sources;  ///< Databases loaded, in order.
  std::vector<Vendor> vendors;       ///< By id; the built-in vendor KB.

  void Append(SignatureDb other);
  const Vendor* FindVendor(std::string_view id) const;
};

/// Parses a vendor knowledge base (data/vendors.json's format).
Result<std::vector<Vendor>> ParseVendors(std::string_view json, const std::string& source);

/// Vigie's built-in knowledge base (data/sdk_kb.json).
Result<SignatureDb> LoadBuiltinKb();

/// Parses a knowledge base in Vigie's format (docs/sdk-kb.md).
Result<SignatureDb> ParseKb(std::string_view json, const std::string& source);

/// Imports Exodus Privacy's tracker export
/// ({"trackers": {"<id>": {id, name, code_signature, network_signature, ...}}}).
/// Code signatures keep Exodus' semantics; signatures of 3 characters or
/// fewer are ignored, as Exodus ignores them.
Result<SignatureDb> ParseExodus(std::string_view json, const std::string& source);

/// Reads FILE and imports it with the named importer ("exodus").
Result<SignatureDb> ImportFile(const std::string& format, const std::string& path);

}  // namespace vigie::sig
