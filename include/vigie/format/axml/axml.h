// Binary XML (AXML), the compiled form of AndroidManifest.xml and res/*.xml.
//
// Parsed into a small element tree. Android identifies framework attributes
// by resource ID (from the XML resource map), not by their name strings, so
// each attribute carries its ID and lookups go by ID: obfuscators that garble
// attribute name strings do not fool Vigie any more than they fool Android.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/base/error.h"

namespace vigie::axml {

/// Framework attribute resource IDs used by the manifest reader
/// (android.R.attr, as printed by `aapt dump xmltree`).
namespace attr {
inline constexpr uint32_t kLabel = 0x01010001;
inline constexpr uint32_t kName = 0x01010003;
inline constexpr uint32_t kPermission = 0x01010006;
inline constexpr uint32_t kReadPermission = 0x01010007;
inline constexpr uint32_t kWritePermission = 0x01010008;
inline constexpr uint32_t kProtectionLevel = 0x01010009;
inline constexpr uint32_t kEnabled = 0x0101000e;
inline constexpr uint32_t kDebuggable = 0x0101000f;
inline constexpr uint32_t kExported = 0x01010010;
inline constexpr uint32_t kProcess = 0x01010011;
inline constexpr uint32_t kAuthorities = 0x01010018;
inline constexpr uint32_t kGrantUriPermissions = 0x0101001b;
inline constexpr uint32_t kValue = 0x01010024;
inline constexpr uint32_t kResource = 0x01010025;
inline constexpr uint32_t kMimeType = 0x01010026;
inline constexpr uint32_t kScheme = 0x01010027;
inline constexpr uint32_t kHost = 0x01010028;
inline constexpr uint32_t kPort = 0x01010029;
inline constexpr uint32_t kPath = 0x0101002a;
inline constexpr uint32_t kPathPrefix = 0x0101002b;
inline constexpr uint32_t kPathPattern = 0x0101002c;
inline constexpr uint32_t kTargetActivity = 0x01010202;
inline constexpr uint32_t kMinSdkVersion = 0x0101020c;
inline constexpr uint32_t kVersionCode = 0x0101021b;
inline constexpr uint32_t kVersionName = 0x0101021c;
inline constexpr uint32_t kTargetSdkVersion = 0x01010270;
inline constexpr uint32_t kMaxSdkVersion = 0x01010271;
inline constexpr uint32_t kAllowBackup = 0x01010280;
inline constexpr uint32_t kUsesCleartextTraffic = 0x010104ec;
inline constexpr uint32_t kNetworkSecurityConfig = 0x01010527;
inline constexpr uint32_t kCompileSdkVersion = 0x01010572;
}  // namespace attr

inline constexpr char kAndroidNamespace[] = "http://schemas.android.com/apk/res/android";

/// One attribute with its typed value (Res_value) and, for strings, the text.
struct Attribute {
  std::string ns;            ///< Namespace URI, empty for none.
  std::string name;          ///< Name string (may be garbled by obfuscators).
  uint32_t resource_id = 0;  ///< From the resource map; 0 when absent.
  uint8_t type = 0;          ///< res::ValueType.
  uint32_t data = 0;
  std::optional<std::string> string;  ///< Text for string values (or raw value).
};

struct Element {
  std::string name;
  std::string ns;
  int32_t parent = -1;  ///< Index into Document::elements, -1 for the root.
  uint32_t depth = 0;   ///< 1 for the root element.
  uint32_t line = 0;
  std::vector<Attribute> attributes;

  /// First attribute with this framework resource ID, falling back to an
  /// android-namespace attribute of this name when the document carries no
  /// resource map.
  const Attribute* Find(uint32_t resource_id, std::string_view fallback_name) const;
  /// First attribute with this name and no namespace (e.g. "package").
  const Attribute* FindPlain(std::string_view name) const;
};

/// Elements in document order.
struct Document {
  std::vector<Element> elements;
  std::vector<int32_t> ChildrenOf(int32_t index) const;
};

/// Parses a binary XML document. Structural problems that still leave a
/// usable prefix become diagnostics and the elements read so far are
/// returned; only input with no readable XML chunk at all is an Error.
Result<Document> Parse(ByteView bytes, const std::string& where, Diagnostics& diags);

/// Typed value rendered as text the way `aapt dump` shows it ("true", "21",
/// "@0x7f030000", the string itself...).
std::string ValueToString(const Attribute& a);

}  // namespace vigie::axml
