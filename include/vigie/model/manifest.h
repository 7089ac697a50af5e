// What an app's manifest says: identity, permissions, components, flags.
// Filled by android/ with Android's own rules and defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie {

/// An API level as the manifest writes it.
struct SdkLevel {
  std::string text;           ///< As written: "29", or a codename ("Tiramisu").
  std::optional<int> number;  ///< `text` as a decimal integer, when it is one.
  bool operator==(const SdkLevel&) const = default;
};

struct AppIdentity {
  std::optional<std::string> package;
  std::optional<int64_t> version_code;
  std::optional<std::string> version_name;
  std::optional<SdkLevel> min_sdk, target_sdk, max_sdk, compile_sdk;
  std::optional<std::string> label;
  std::optional<std::string> label_reference;  ///< "@0x7f..." when the label was resolved.
  std::optional<std::string> split;  ///< Set on split APKs (e.g. "config.arm64_v8a").
};

/// What a permission exposes (data/permissions.tsv): its group and the
/// platform's protection level.
struct PermissionClass {
  std::string group = "other";          ///< Group id, e.g. "location".
  std::string group_title = "Other";    ///< As reports title the group.
  uint32_t group_rank = 0;              ///< The group's place in display order.
  std::string protection = "unknown";   ///< "dangerous", "normal", "signature", "appop" or "unknown".
};

/// A uses-permission / uses-permission-sdk-23 entry (de-duplicated by name).
struct UsesPermission {
  std::string name;
  std::optional<int32_t> max_sdk;
  bool sdk23_only = false;  ///< Declared only through uses-permission-sdk-23.
  PermissionClass what;
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

  /// Whether the app requests permission `name`.
  bool Requests(std::string_view name) const;
};

}  // namespace vigie
