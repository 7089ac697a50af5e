// The app model: everything a scan learned about one input, independent of
// how it is reported. Parsers fill it; report sinks read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigie/base/diagnostics.h"
#include "vigie/sig/signature_db.h"

namespace vigie {

/// Container kind, from the archive's layout (not its file name alone).
enum class PackageKind : uint8_t { kUnknown, kApk, kAab, kXapk, kApks, kJar, kAar, kDex, kZip };
std::string_view PackageKindName(PackageKind k);

struct FileInfo {
  std::string path;
  std::string sha256;
  uint64_t size = 0;
  PackageKind kind = PackageKind::kUnknown;
};

struct AppIdentity {
  std::optional<std::string> package;
  std::optional<int64_t> version_code;
  std::optional<std::string> version_name;
  std::optional<std::string> min_sdk;  ///< Kept as text: may be a codename ("Tiramisu").
  std::optional<std::string> target_sdk;
  std::optional<std::string> max_sdk;
  std::optional<std::string> compile_sdk;
  std::optional<std::string> label;
  std::optional<std::string> label_reference;  ///< "@0x7f..." when the label was resolved.
  std::optional<std::string> split;  ///< Set on split APKs (e.g. "config.arm64_v8a").
};

/// A uses-permission / uses-permission-sdk-23 entry (de-duplicated by name).
struct UsesPermission {
  std::string name;
  std::optional<int32_t> max_sdk;
  bool sdk23_only = false;  ///< Declared only through uses-permission-sdk-23.
};

struct DeclaredPermission {
  std::string name;
  std::optional<std::string> protection_level;
};

struct MetaData {
  std::string name;
  std::string value;
  bool is_resource = false;  ///< From android:resource rather than android:value.
};

struct IntentFilter {
  std::vector<std::string> actions;
  std::vector<std::string> categories;
  std::vector<std::string> data;  ///< "scheme://host:port/path" or "mime:type".
};

enum class ComponentKind : uint8_t { kActivity, kActivityAlias, kService, kReceiver, kProvider };
std::string_view ComponentKindName(ComponentKind k);

struct Component {
  ComponentKind kind = ComponentKind::kActivity;
  std::string name;  ///< Fully qualified class name.
  bool exported = false;
  bool exported_explicit = false;  ///< android:exported was written, not inferred.
  bool enabled = true;
  std::optional<std::string> permission;
  std::optional<std::string> read_permission;   ///< Providers.
  std::optional<std::string> write_permission;  ///< Providers.
  std::optional<std::string> authorities;       ///< Providers.
  std::optional<std::string> target_activity;   ///< Activity aliases.
  std::optional<std::string> process;
  std::vector<IntentFilter> intent_filters;
  std::vector<MetaData> meta_data;
};

struct ApplicationInfo {
  std::optional<bool> debuggable;
  std::optional<bool> allow_backup;
  std::optional<bool> uses_cleartext_traffic;
  std::optional<std::string> network_security_config;
  std::optional<std::string> name;  ///< android:name (custom Application class).
};

struct Manifest {
  bool present = false;
  AppIdentity identity;
  std::vector<UsesPermission> permissions;
  std::vector<DeclaredPermission> declared_permissions;
  ApplicationInfo application;
  std::vector<Component> components;
  std::vector<MetaData> meta_data;  ///< Application-level meta-data.
};

/// Where a DEX was found.
enum class DexOrigin : uint8_t {
  kPackage,      ///< A classesN.dex of the package itself (or the input is a DEX).
  kNested,       ///< Inside an APK or JAR nested in the package.
  kJanusPrefix,  ///< Prepended to the ZIP (CVE-2017-13156): not part of the package.
};
std::string_view DexOriginName(DexOrigin o);

/// One DEX file read from the package.
struct DexSummary {
  std::string path;  ///< Entry path, nested archives joined with '!'.
  DexOrigin origin = DexOrigin::kPackage;
  uint32_t version = 0;
  uint64_t size = 0;
  uint32_t class_count = 0;
  uint32_t method_count = 0;
  uint32_t field_count = 0;
  uint32_t string_count = 0;
  uint32_t type_count = 0;
  bool checksum_valid = true;
};

struct PackageCount {
  std::string name;  ///< Java package prefix, e.g. "com.google.android".
  uint32_t class_count = 0;
};

struct CodeInventory {
  std::vector<DexSummary> dex;
  uint64_t class_count = 0;                ///< Class definitions over every DEX but a Janus prefix.
  std::vector<PackageCount> top_packages;  ///< Largest package prefixes.
  std::vector<std::string> native_libs;    ///< lib/<abi>/*.so entries.
  std::vector<std::string> nested_archives;
  uint64_t jvm_class_count = 0;  ///< .class entries (JAR and AAR libraries).
};

/// Whether the input was read whole, in part, or not at all.
enum class ScanStatus : uint8_t { kOk, kPartial, kFailed };
std::string_view ScanStatusName(ScanStatus s);

/// A bounded list of evidence: how many items matched, and the first few.
struct EvidenceList {
  static constexpr size_t kMaxExamples = 5;  // Enough to judge; the count says the rest.
  uint64_t count = 0;
  std::vector<std::string> examples;
  void Add(std::string_view item);
  /// Counts an item whose text make() gives, called only when the item is
  /// kept as an example: most are only counted.
  template <typename Make>
  void AddLazily(Make&& make) {
    ++count;
    if (examples.size() < kMaxExamples) examples.emplace_back(make());
  }
};

/// A kind of personal data an SDK's own code reaches (docs/data-access.md).
struct DataAccess {
  std::string kind;               ///< "location", "advertising_id", ...
  std::vector<std::string> apis;  ///< "LocationManager.requestLocationUpdates", sorted.
  /// "io.mysdk.Loc.start() -> LocationManager.requestLocationUpdates".
  EvidenceList call_sites;
  /// Any one of these lets the calls return data; empty when none is needed.
  std::vector<std::string> permissions;
  std::vector<std::string> held;  ///< Those of `permissions` the app requests.
  bool usable = false;            ///< The app's permissions let the code run.
  /// Location only: "precise" or "coarse", and whether in the background.
  std::string precision;
  bool background = false;
};

/// One third-party SDK found in the input, with the evidence for it.
struct SdkFinding {
  std::string id;  ///< Signature id: "vigie:appsflyer", "exodus:12".
  std::string name;
  std::string vendor;  ///< Vendor id, "" when the database names none.
  /// What the vendor KB says of the vendor; empty when it does not know it.
  std::optional<sig::Vendor> vendor_info;
  std::vector<std::string> categories;
  std::optional<int> exodus_id;
  std::string source;      ///< The database that recognised it.
  EvidenceList classes;    ///< Class names (defined classes, or Exodus' class set).
  EvidenceList strings;    ///< Hosts in DEX strings, class constants, meta-data and string resources.
  EvidenceList manifest;   ///< Components and meta-data keys.
  /// Permissions the app requests that the SDK's own manifest declares.
  /// Supporting evidence only: many SDKs ask for the same permissions, so
  /// these never make a finding, nor raise its confidence.
  EvidenceList permissions;
  std::vector<DataAccess> data_access;  ///< By kind, in data/data_access.tsv order.
  std::string confidence;  ///< "high", "medium" or "low" (docs/sdk-kb.md).
  std::string basis;       ///< Which evidence kinds fired, in words.
};

/// A third party that receives data through the app: one vendor, with what
/// its SDKs can take and where the vendor is (analysis/recipients.h).
struct Recipient {
  std::string vendor_id;
  std::string name;                    ///< The vendor's name, or its id when the KB lacks it.
  std::string hq_country;              ///< Empty when unknown.
  std::vector<std::string> countries;  ///< HQ first, then every other jurisdiction with ties.
  std::vector<std::string> flags;      ///< The vendor's flags (data_broker, ...).
  /// Kinds of data the vendor's SDKs reach and can run with here (usable
  /// data_access), in the table's order.
  std::vector<std::string> data_kinds;
  std::vector<std::string> via;  ///< Names of the SDKs, in report order.
  std::string confidence;        ///< The highest confidence among them.
};

/// A plain-language finding produced by a rule of data/rules.json
/// (docs/findings.md), with the chain of evidence behind it.
struct Finding {
  std::string id;        ///< The rule's id, e.g. "location-to-data-broker".
  std::string severity;  ///< critical, high, medium, low, info
  std::string title;
  std::string explanation;
  std::string subject;  ///< What it is about: an SDK id, a vendor id, or "app".
  std::vector<std::string> evidence;
};

/// A URL found in the app's strings (docs/endpoints.md).
struct Endpoint {
  std::string url;
  std::string host;
  std::vector<std::string> where;  ///< "classes.dex", "resources.arsc", "AndroidManifest.xml"...
  /// The SDK whose code holds it (its domain is the SDK's, or a class of the
  /// SDK loads the string); empty: the app, or code Vigie does not know.
  std::string sdk;
  /// Who owns the host, per the entity lists given with --entities; empty
  /// `owner` when none is given or none knows the host.
  std::string owner, owner_parent, owner_country, owner_source;
};

/// A hard-coded secret, or the address of a backend to check.
struct Secret {
  std::string kind;       ///< data/secrets.tsv kind, e.g. "google_api_key".
  std::string value;      ///< Redacted (backend URLs in full unless they carry credentials).
  std::string where;
  std::string severity;
  bool backend = false;   ///< A backend whose access rules should be checked.
  std::string role;       ///< "secret", "backend" or "config" (data/secrets.tsv).
  std::string description;
  std::string source;
};

struct ScanResult {
  FileInfo file;
  ScanStatus status = ScanStatus::kOk;
  Manifest manifest;
  CodeInventory code;
  std::vector<SdkFinding> sdks;
  std::vector<Recipient> recipients;  ///< Built from `sdks`.
  std::vector<Finding> findings;      ///< Most severe first.
  std::vector<Endpoint> endpoints;    ///< By URL.
  std::vector<Secret> secrets;        ///< In the order found.
  std::vector<std::string> signature_sources;  ///< Databases the SDK findings come from.
  Diagnostics diagnostics;
};

}  // namespace vigie
