#include "vigie/android/manifest_reader.h"

#include <charconv>
#include <unordered_map>

#include "vigie/android/permissions.h"
#include "vigie/format/axml/res_chunk.h"

namespace vigie::android {
namespace {

using axml::Attribute;
using axml::Element;
namespace attr = axml::attr;

struct Context {
  const axml::Document& doc;
  const arsc::ResourceTable* resources;
  const std::string& where;
  Diagnostics& diags;
};

// Text of an attribute, following a resource reference when possible.
std::optional<std::string> Text(const Context& cx, const Attribute* a) {
  if (!a) return std::nullopt;
  if ((a->type == res::kTypeReference || a->type == res::kTypeDynamicReference) && cx.resources) {
    if (auto v = cx.resources->Resolve(a->data)) {
      if (v->string) return v->string;
      Attribute tmp;
      tmp.type = v->type;
      tmp.data = v->data;
      return axml::ValueToString(tmp);
    }
  }
  return axml::ValueToString(*a);
}

std::optional<bool> Bool(const Attribute* a) {
  if (!a) return std::nullopt;
  if (a->type == res::kTypeIntBoolean || a->type == res::kTypeIntDec || a->type == res::kTypeIntHex)
    return a->data != 0;
  if (a->type == res::kTypeString && a->string) return *a->string == "true";
  return std::nullopt;  // A reference to a resource bool: value unknown here.
}

// `s` as a decimal integer, all of it; nullopt for anything else ("28x",
// "Tiramisu", a number out of range).
template <typename T>
std::optional<T> ParseInteger(std::string_view s) {
  T v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<int64_t> Integer(const Attribute* a) {
  if (!a) return std::nullopt;
  if (a->type == res::kTypeIntDec || a->type == res::kTypeIntHex) return static_cast<int64_t>(a->data);
  if (a->string) return ParseInteger<int64_t>(*a->string);
  return std::nullopt;
}

// An API level attribute: its text, and its number when it is one.
std::optional<SdkLevel> ApiLevel(const Context& cx, const Attribute* a) {
  auto text = Text(cx, a);
  if (!text) return std::nullopt;
  SdkLevel level{*text, ParseInteger<int>(*text)};
  return level;
}

// protectionLevel flags (android.R.attr.protectionLevel): base in the low
// nibble, flags above.
std::string ProtectionLevelName(const Attribute* a) {
  if (!a) return "normal";
  if (a->type == res::kTypeString && a->string) return *a->string;
  static constexpr const char* kBase[] = {"normal", "dangerous", "signature", "signatureOrSystem"};
  uint32_t base = a->data & 0xF;
  std::string s = base < 4 ? kBase[base] : "base" + std::to_string(base);
  static constexpr std::pair<uint32_t, const char*> kFlags[] = {
      {0x10, "privileged"}, {0x20, "development"}, {0x40, "appop"}, {0x80, "pre23"},
      {0x100, "installer"}, {0x200, "verifier"}, {0x400, "preinstalled"}, {0x800, "setup"}};
  for (auto [bit, name] : kFlags)
    if (a->data & bit) s += std::string("|") + name;
  return s;
}

MetaData ReadMetaData(const Context& cx, const Element& e) {
  MetaData m;
  m.name = Text(cx, e.Find(attr::kName, "name")).value_or("");
  if (const Attribute* v = e.Find(attr::kValue, "value")) {
    m.value = Text(cx, v).value_or("");
  } else if (const Attribute* r = e.Find(attr::kResource, "resource")) {
    m.value = axml::ValueToString(*r);
    m.is_resource = true;
  }
  return m;
}

IntentFilter ReadIntentFilter(const Context& cx, int32_t index) {
  IntentFilter f;
  for (int32_t c : cx.doc.ChildrenOf(index)) {
    const Element& e = cx.doc.elements[c];
    if (e.name == "action") {
      if (auto n = Text(cx, e.Find(attr::kName, "name"))) f.actions.push_back(*n);
    } else if (e.name == "category") {
      if (auto n = Text(cx, e.Find(attr::kName, "name"))) f.categories.push_back(*n);
    } else if (e.name == "data") {
      auto scheme = Text(cx, e.Find(attr::kScheme, "scheme"));
      auto host = Text(cx, e.Find(attr::kHost, "host"));
      auto port = Text(cx, e.Find(attr::kPort, "port"));
      auto path = Text(cx, e.Find(attr::kPath, "path"));
      auto prefix = Text(cx, e.Find(attr::kPathPrefix, "pathPrefix"));
      auto pattern = Text(cx, e.Find(attr::kPathPattern, "pathPattern"));
      auto mime = Text(cx, e.Find(attr::kMimeType, "mimeType"));
      if (scheme || host) {
        std::string d = scheme.value_or("*") + "://" + host.value_or("*");
        if (port) d += ":" + *port;
        if (path) d += *path;
        else if (prefix) d += *prefix + "*";
        else if (pattern) d += *pattern;
        f.data.push_back(d);
      }
      if (mime) f.data.push_back("mime:" + *mime);
    }
  }
  return f;
}

std::optional<ComponentKind> KindOf(const std::string& tag) {
  static const std::unordered_map<std::string, ComponentKind> kTags = {
      {"activity", ComponentKind::kActivity}, {"activity-alias", ComponentKind::kActivityAlias},
      {"service", ComponentKind::kService},   {"receiver", ComponentKind::kReceiver},
      {"provider", ComponentKind::kProvider}};
  auto it = kTags.find(tag);
  if (it == kTags.end()) return std::nullopt;
  return it->second;
}

Component ReadComponent(const Context& cx, int32_t index, ComponentKind kind, const std::string& package,
                        const std::optional<SdkLevel>& target_sdk) {
  const Element& e = cx.doc.elements[index];
  Component c;
  c.kind = kind;
  c.name = QualifyClassName(package, Text(cx, e.Find(attr::kName, "name")).value_or(""));
  c.permission = Text(cx, e.Find(attr::kPermission, "permission"));
  c.process = Text(cx, e.Find(attr::kProcess, "process"));
  c.enabled = Bool(e.Find(attr::kEnabled, "enabled")).value_or(true);
  if (kind == ComponentKind::kProvider) {
    c.authorities = Text(cx, e.Find(attr::kAuthorities, "authorities"));
    c.read_permission = Text(cx, e.Find(attr::kReadPermission, "readPermission"));
    c.write_permission = Text(cx, e.Find(attr::kWritePermission, "writePermission"));
  }
  if (kind == ComponentKind::kActivityAlias)
    if (auto t = Text(cx, e.Find(attr::kTargetActivity, "targetActivity")))
      c.target_activity = QualifyClassName(package, *t);
  for (int32_t child : cx.doc.ChildrenOf(index)) {
    const Element& ce = cx.doc.elements[child];
    if (ce.name == "intent-filter") c.intent_filters.push_back(ReadIntentFilter(cx, child));
    else if (ce.name == "meta-data") c.meta_data.push_back(ReadMetaData(cx, ce));
  }
  // Android's defaults: a component with an intent filter is exported unless
  // it says otherwise; providers were exported by default before API 17.
  if (auto ex = Bool(e.Find(attr::kExported, "exported"))) {
    c.exported = *ex;
    c.exported_explicit = true;
  } else if (kind == ComponentKind::kProvider) {
    c.exported = target_sdk && target_sdk->number && *target_sdk->number < 17;
  } else {
    c.exported = !c.intent_filters.empty();
  }
  return c;
}

}  // namespace

std::string QualifyClassName(const std::string& package, const std::string& name) {
  if (name.empty()) return name;
  if (name[0] == '.') return package + name;
  if (name.find('.') == std::string::npos) return package + "." + name;
  return name;
}

Manifest ReadManifest(const axml::Document& doc, const arsc::ResourceTable* resources,
                      const std::string& where, Diagnostics& diags) {
  Context cx{doc, resources, where, diags};
  Manifest m;
  int32_t root = -1;
  for (size_t i = 0; i < doc.elements.size(); ++i) {
    if (doc.elements[i].name == "manifest") {
      root = static_cast<int32_t>(i);
      break;
    }
  }
  if (root < 0) {
    diags.Add(Level::kError, ErrorCode::kAxmlMalformed, where, "no <manifest> element");
    return m;
  }
  if (root != 0 || doc.elements[root].depth != 1)
    diags.Add(Level::kWarning, ErrorCode::kAxmlOdd, where, "<manifest> is not the root element");
  m.present = true;
  const Element& me = doc.elements[root];
  AppIdentity& id = m.identity;
  if (const Attribute* p = me.FindPlain("package")) id.package = Text(cx, p);
  if (const Attribute* s = me.FindPlain("split")) id.split = Text(cx, s);
  id.version_code = Integer(me.Find(attr::kVersionCode, "versionCode"));
  id.version_name = Text(cx, me.Find(attr::kVersionName, "versionName"));
  id.compile_sdk = ApiLevel(cx, me.Find(attr::kCompileSdkVersion, "compileSdkVersion"));
  if (!id.compile_sdk) id.compile_sdk = ApiLevel(cx, me.FindPlain("platformBuildVersionCode"));
  const std::string package = id.package.value_or("");

  std::unordered_map<std::string, size_t> seen_permissions;
  int32_t application = -1;
  for (int32_t child : doc.ChildrenOf(root)) {
    const Element& e = doc.elements[child];
    if (e.name == "uses-sdk") {
      if (!id.min_sdk) id.min_sdk = ApiLevel(cx, e.Find(attr::kMinSdkVersion, "minSdkVersion"));
      if (!id.target_sdk) id.target_sdk = ApiLevel(cx, e.Find(attr::kTargetSdkVersion, "targetSdkVersion"));
      if (!id.max_sdk) id.max_sdk = ApiLevel(cx, e.Find(attr::kMaxSdkVersion, "maxSdkVersion"));
    } else if (e.name == "uses-permission" || e.name == "uses-permission-sdk-23" ||
               e.name == "uses-permission-sdk-m") {
      auto name = Text(cx, e.Find(attr::kName, "name"));
      if (!name || name->empty()) continue;
      bool sdk23 = e.name != "uses-permission";
      auto max_sdk = Integer(e.Find(attr::kMaxSdkVersion, "maxSdkVersion"));
      auto [it, fresh] = seen_permissions.try_emplace(*name, m.permissions.size());
      if (fresh) {
        UsesPermission up;
        up.name = *name;
        up.sdk23_only = sdk23;
        if (max_sdk) up.max_sdk = static_cast<int32_t>(*max_sdk);
        up.what = ClassifyPermission(up.name);
        m.permissions.push_back(std::move(up));
      } else {
        UsesPermission& up = m.permissions[it->second];
        if (!sdk23) up.sdk23_only = false;
        // A declaration without maxSdkVersion grants on every release.
        if (!max_sdk) up.max_sdk.reset();
        else if (up.max_sdk) up.max_sdk = std::max(*up.max_sdk, static_cast<int32_t>(*max_sdk));
      }
    } else if (e.name == "permission") {
      DeclaredPermission dp;
      dp.name = Text(cx, e.Find(attr::kName, "name")).value_or("");
      dp.protection_level = ProtectionLevelName(e.Find(attr::kProtectionLevel, "protectionLevel"));
      if (!dp.name.empty()) m.declared_permissions.push_back(std::move(dp));
    } else if (e.name == "application") {
      if (application < 0) application = child;
      else diags.Add(Level::kWarning, ErrorCode::kAxmlOdd, where, "more than one <application>; the first is used");
    }
  }

  if (application >= 0) {
    const Element& ae = doc.elements[application];
    ApplicationInfo& app = m.application;
    app.debuggable = Bool(ae.Find(attr::kDebuggable, "debuggable"));
    app.allow_backup = Bool(ae.Find(attr::kAllowBackup, "allowBackup"));
    app.uses_cleartext_traffic = Bool(ae.Find(attr::kUsesCleartextTraffic, "usesCleartextTraffic"));
    if (const Attribute* nsc = ae.Find(attr::kNetworkSecurityConfig, "networkSecurityConfig"))
      app.network_security_config = Text(cx, nsc);
    if (auto n = Text(cx, ae.Find(attr::kName, "name"))) app.name = QualifyClassName(package, *n);
    if (const Attribute* label = ae.Find(attr::kLabel, "label")) {
      if (label->type == res::kTypeReference) {
        id.label_reference = axml::ValueToString(*label);
        auto v = resources ? resources->Resolve(label->data) : std::nullopt;
        if (v && v->string) {
          id.label = v->string;
        } else {
          diags.Add(Level::kInfo, ErrorCode::kArscUnresolved, where,
                    "application label " + *id.label_reference + " could not be resolved");
        }
      } else if (label->string && !label->string->empty() && (*label->string)[0] == '@') {
        // Text XML (an AAR's manifest) names its resources: "@string/app_name".
        id.label_reference = *label->string;
      } else {
        id.label = Text(cx, label);
      }
    }
    for (int32_t child : doc.ChildrenOf(application)) {
      const Element& e = doc.elements[child];
      if (auto kind = KindOf(e.name)) {
        m.components.push_back(ReadComponent(cx, child, *kind, package, id.target_sdk));
      } else if (e.name == "meta-data") {
        m.meta_data.push_back(ReadMetaData(cx, e));
      }
    }
  }
  return m;
}

}  // namespace vigie::android
