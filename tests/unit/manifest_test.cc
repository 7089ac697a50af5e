// Manifest extraction on an aapt-compiled APK (tests/fixtures/basic): every
// value asserted here is written in tests/fixtures/basic/AndroidManifest.xml.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"
#include "vigie/android/manifest_reader.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/format/axml/proto_xml.h"
#include "vigie/format/axml/text_xml.h"

namespace vigie {
namespace {

using vigie::testing::Fixture;

const Component* FindComponent(const Manifest& m, const std::string& name) {
  for (const auto& c : m.components)
    if (c.name == name) return &c;
  return nullptr;
}

class BasicApk : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { result_ = new ScanResult(ScanFile(Fixture("basic.apk"))); }
  static void TearDownTestSuite() { delete result_; }
  static ScanResult* result_;
  const Manifest& m() const { return result_->manifest; }
};
ScanResult* BasicApk::result_ = nullptr;

TEST_F(BasicApk, Identity) {
  REQUIRE_FIXTURE(Fixture("basic.apk"));
  EXPECT_EQ(result_->status, ScanStatus::kOk);
  const AppIdentity& id = m().identity;
  EXPECT_EQ(id.package, "org.vigie.fixture");
  EXPECT_EQ(id.version_code, 42);
  EXPECT_EQ(id.version_name, "4.2-fixture");
  ASSERT_TRUE(id.min_sdk && id.target_sdk);
  EXPECT_EQ(id.min_sdk->text, "21");
  EXPECT_EQ(id.min_sdk->number, 21);
  EXPECT_EQ(id.target_sdk->text, "29");
  EXPECT_EQ(id.target_sdk->number, 29);
  EXPECT_EQ(id.label, "Vigie Fixture") << "resolved through resources.arsc";
  EXPECT_TRUE(id.label_reference.has_value());
}

TEST_F(BasicApk, PermissionsAreDeduplicatedWithTheirQualifiers) {
  std::vector<std::string> names;
  for (const auto& p : m().permissions) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "android.permission.INTERNET", "android.permission.ACCESS_FINE_LOCATION",
                       "android.permission.ACCESS_BACKGROUND_LOCATION", "android.permission.READ_CONTACTS",
                       "android.permission.WRITE_EXTERNAL_STORAGE", "android.permission.CAMERA",
                       "org.vigie.fixture.permission.CUSTOM"}));
  EXPECT_EQ(m().permissions[4].max_sdk, 28);
  // What each exposes, from data/permissions.tsv; a name the table lacks is
  // in group "other".
  EXPECT_EQ(m().permissions[1].what.group, "location");
  EXPECT_EQ(m().permissions[1].what.protection, "dangerous");
  EXPECT_EQ(m().permissions[0].what.protection, "normal");
  EXPECT_EQ(m().permissions[6].what.group, "other");
  EXPECT_EQ(m().permissions[6].what.protection, "unknown");
  EXPECT_LT(m().permissions[1].what.group_rank, m().permissions[6].what.group_rank);
  EXPECT_TRUE(m().permissions[5].sdk23_only);
  EXPECT_FALSE(m().permissions[0].sdk23_only);
  ASSERT_EQ(m().declared_permissions.size(), 1u);
  EXPECT_EQ(m().declared_permissions[0].protection_level, "signature");
}

TEST_F(BasicApk, ApplicationFlags) {
  const ApplicationInfo& a = m().application;
  EXPECT_EQ(a.debuggable, true);
  EXPECT_EQ(a.allow_backup, true);
  EXPECT_EQ(a.uses_cleartext_traffic, true);
  EXPECT_EQ(a.name, "org.vigie.fixture.FixtureApp");
  ASSERT_TRUE(a.network_security_config.has_value());
  EXPECT_EQ(*a.network_security_config, "res/xml/network_security_config.xml");
}

TEST_F(BasicApk, ComponentsFollowAndroidsExportRules) {
  ASSERT_EQ(m().components.size(), 6u);
  const Component* main = FindComponent(m(), "org.vigie.fixture.MainActivity");
  ASSERT_NE(main, nullptr);
  EXPECT_TRUE(main->exported) << "an intent filter exports by default";
  EXPECT_FALSE(main->exported_explicit);
  ASSERT_EQ(main->intent_filters.size(), 2u);
  EXPECT_EQ(main->intent_filters[0].actions, std::vector<std::string>{"android.intent.action.MAIN"});
  EXPECT_EQ(main->intent_filters[1].data, std::vector<std::string>{"https://fixture.vigie.org/open*"});

  const Component* settings = FindComponent(m(), "org.vigie.fixture.SettingsActivity");
  ASSERT_NE(settings, nullptr);
  EXPECT_FALSE(settings->exported);
  EXPECT_TRUE(settings->exported_explicit);

  const Component* alias = FindComponent(m(), "org.vigie.fixture.Alias");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->kind, ComponentKind::kActivityAlias);
  EXPECT_EQ(alias->target_activity, "org.vigie.fixture.MainActivity");

  const Component* receiver = FindComponent(m(), "com.example.sdk.BootReceiver");
  ASSERT_NE(receiver, nullptr);
  EXPECT_TRUE(receiver->exported);
  EXPECT_FALSE(receiver->permission.has_value());

  const Component* provider = FindComponent(m(), "org.vigie.fixture.Data");
  ASSERT_NE(provider, nullptr) << "a bare class name is qualified with the package";
  EXPECT_EQ(provider->authorities, "org.vigie.fixture.data");
  EXPECT_EQ(provider->read_permission, "org.vigie.fixture.permission.CUSTOM");
  EXPECT_TRUE(provider->exported);
}

TEST_F(BasicApk, MetaData) {
  ASSERT_EQ(m().meta_data.size(), 2u);
  EXPECT_EQ(m().meta_data[0].name, "com.example.sdk.API_KEY");
  EXPECT_EQ(m().meta_data[0].value, "fixture-key-123");
}

TEST_F(BasicApk, CodeInventory) {
  const CodeInventory& c = result_->code;
  ASSERT_EQ(c.dex.size(), 2u);
  EXPECT_EQ(c.dex[0].path, "classes.dex");
  EXPECT_EQ(c.dex[1].path, "classes2.dex");
  EXPECT_EQ(c.class_count, 7u);
  ASSERT_FALSE(c.top_packages.empty());
  EXPECT_EQ(c.top_packages[0].name, "org.vigie.fixture");
  EXPECT_EQ(c.top_packages[0].class_count, 4u);
}

TEST(Manifest, QualifyClassName) {
  EXPECT_EQ(android::QualifyClassName("a.b", ".C"), "a.b.C");
  EXPECT_EQ(android::QualifyClassName("a.b", "C"), "a.b.C");
  EXPECT_EQ(android::QualifyClassName("a.b", "x.y.C"), "x.y.C");
}

TEST(Scan, NestedApkCodeIsCounted) {
  ScanResult r = ScanFile(Fixture("nested.apk"));
  EXPECT_EQ(r.status, ScanStatus::kOk);
  EXPECT_EQ(r.code.class_count, 14u);
  ASSERT_EQ(r.code.nested_archives.size(), 1u);
  EXPECT_EQ(r.code.nested_archives[0], "assets/embedded.apk");
  EXPECT_EQ(r.code.dex.back().path, "assets/embedded.apk!classes2.dex");
  EXPECT_EQ(r.code.dex.back().origin, DexOrigin::kNested);
}

TEST(Scan, XapkIsDescribedByItsBaseApkNotItsSplits) {
  ScanResult r = ScanFile(Fixture("app.xapk"));
  EXPECT_EQ(r.status, ScanStatus::kOk);
  EXPECT_EQ(r.file.kind, PackageKind::kXapk);
  EXPECT_EQ(r.manifest.identity.package, "org.vigie.fixture");
  EXPECT_FALSE(r.manifest.identity.split.has_value()) << "the split is listed first but is not the base";
  EXPECT_EQ(r.manifest.permissions.size(), 7u);
  EXPECT_EQ(r.code.class_count, 7u);
  EXPECT_EQ(r.code.nested_archives.size(), 2u);
}

TEST(Scan, JanusPrefixIsReadAsCodeButKeptOutOfThePackage) {
  ScanResult r = ScanFile(Fixture("janus.apk"));
  ASSERT_EQ(r.code.dex.size(), 3u);
  const DexSummary& prefix = r.code.dex.back();
  EXPECT_EQ(prefix.origin, DexOrigin::kJanusPrefix);
  EXPECT_EQ(prefix.class_count, 3u) << "the prepended DEX is classes2.dex";
  EXPECT_EQ(r.code.class_count, 7u) << "the package's own classes only";
  EXPECT_EQ(r.code.dex[0].origin, DexOrigin::kPackage);
}

TEST(Scan, BadInputsGetAStatusAndADiagnosticNamingThePart) {
  struct Case {
    const char* file;
    ScanStatus status;
    ErrorCode code;
  } cases[] = {
      {"notzip.apk", ScanStatus::kFailed, ErrorCode::kUnknownFormat},
      {"truncated.apk", ScanStatus::kPartial, ErrorCode::kZipRecovered},
      {"encrypted.apk", ScanStatus::kPartial, ErrorCode::kZipEncrypted},
      {"bomb.apk", ScanStatus::kPartial, ErrorCode::kZipBomb},
      {"corrupt_classes.dex", ScanStatus::kPartial, ErrorCode::kDexBadSection},
  };
  for (const auto& c : cases) {
    ScanResult r = ScanFile(Fixture(c.file));
    EXPECT_EQ(r.status, c.status) << c.file;
    EXPECT_TRUE(r.diagnostics.Has(c.code)) << c.file;
  }
  ScanResult missing = ScanFile(Fixture("does-not-exist.apk"));
  EXPECT_EQ(missing.status, ScanStatus::kFailed);
  EXPECT_TRUE(missing.diagnostics.Has(ErrorCode::kIoError));
}

// A DEX checksum that does not match reaches the DEX's summary and the
// diagnostics, with signatures or without, on one thread or two.
TEST(Scan, DexChecksumsAreChecked) {
  ScanOptions with_kb;
  with_kb.knowledge = *LoadKnowledge({});
  with_kb.threads = 2;
  for (const ScanOptions& o : {ScanOptions{}, with_kb}) {
    ScanResult bad = ScanFile(Fixture("corrupt_classes.dex"), o);
    ASSERT_EQ(bad.code.dex.size(), 1u);
    EXPECT_FALSE(bad.code.dex[0].checksum_valid);
    EXPECT_TRUE(bad.diagnostics.Has(ErrorCode::kDexChecksum));
    ScanResult good = ScanFile(Fixture("basic.apk"), o);
    ASSERT_EQ(good.code.dex.size(), 2u);
    EXPECT_TRUE(good.code.dex[0].checksum_valid && good.code.dex[1].checksum_valid);
    EXPECT_FALSE(good.diagnostics.Has(ErrorCode::kDexChecksum));
  }
}

TEST(Scan, BombKeepsThePartsThatAreReadable) {
  ScanResult r = ScanFile(Fixture("bomb.apk"));
  EXPECT_EQ(r.manifest.identity.package, "org.vigie.fixture");
  EXPECT_EQ(r.code.class_count, 3u) << "classes2.dex is still read";
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// fuzz/corpus/axml/bundle_manifest.pb is a hand-encoded aapt2 XmlNode (see
// docs/testing.md); protoc --decode_raw shows the same structure.
TEST(ProtoManifest, TypedValuesAndChildrenAreRead) {
  auto bytes = vigie::testing::ReadBytes("fuzz/corpus/axml/bundle_manifest.pb");
  ASSERT_FALSE(bytes.empty());
  Diagnostics diags;
  auto doc = axml::ParseProtoXml(ByteView(bytes.data(), bytes.size()), "m", diags);
  ASSERT_TRUE(doc.ok());
  Manifest m = android::ReadManifest(*doc, nullptr, "m", diags);
  EXPECT_EQ(m.identity.package, "org.vigie.seed");
  EXPECT_EQ(m.identity.version_code, 5);
  ASSERT_EQ(m.permissions.size(), 1u);
  EXPECT_EQ(m.permissions[0].name, "android.permission.CAMERA");
  EXPECT_EQ(m.application.debuggable, true);
  EXPECT_TRUE(diags.items().empty());
}

TEST(ProtoManifest, TruncatedInputIsAnErrorOrAWarningNeverACrash) {
  auto bytes = vigie::testing::ReadBytes("fuzz/corpus/axml/bundle_manifest.pb");
  for (size_t n = 0; n < bytes.size(); ++n) {
    Diagnostics diags;
    auto doc = axml::ParseProtoXml(ByteView(bytes.data(), n), "m", diags);
    if (doc.ok()) {
      EXPECT_TRUE(diags.Has(ErrorCode::kAxmlMalformed)) << n;
    }
  }
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

// The fixture's source manifest, read as text XML, must give the same model
// as the aapt-compiled binary manifest of basic.apk: two parsers, one answer.
TEST(TextManifest, AgreesWithTheCompiledManifest) {
  auto text = vigie::testing::ReadBytes("tests/fixtures/basic/AndroidManifest.xml");
  ASSERT_FALSE(text.empty());
  Diagnostics diags;
  auto doc = axml::ParseTextXml(ByteView(text.data(), text.size()), "m", diags);
  ASSERT_TRUE(doc.ok());
  Manifest t = android::ReadManifest(*doc, nullptr, "m", diags);
  Manifest b = ScanFile(Fixture("basic.apk")).manifest;
  EXPECT_EQ(t.identity.package, b.identity.package);
  EXPECT_EQ(t.identity.version_code, b.identity.version_code);
  EXPECT_EQ(t.identity.version_name, b.identity.version_name);
  EXPECT_EQ(t.identity.min_sdk, b.identity.min_sdk);
  EXPECT_EQ(t.identity.target_sdk, b.identity.target_sdk);
  EXPECT_EQ(t.identity.label_reference, "@string/app_name");
  ASSERT_EQ(t.permissions.size(), b.permissions.size());
  for (size_t i = 0; i < t.permissions.size(); ++i) {
    EXPECT_EQ(t.permissions[i].name, b.permissions[i].name);
    EXPECT_EQ(t.permissions[i].max_sdk, b.permissions[i].max_sdk);
    EXPECT_EQ(t.permissions[i].sdk23_only, b.permissions[i].sdk23_only);
  }
  ASSERT_EQ(t.components.size(), b.components.size());
  for (size_t i = 0; i < t.components.size(); ++i) {
    EXPECT_EQ(t.components[i].name, b.components[i].name);
    EXPECT_EQ(t.components[i].kind, b.components[i].kind);
    EXPECT_EQ(t.components[i].exported, b.components[i].exported) << t.components[i].name;
    EXPECT_EQ(t.components[i].intent_filters.size(), b.components[i].intent_filters.size());
  }
  EXPECT_EQ(t.application.debuggable, b.application.debuggable);
  EXPECT_EQ(t.application.allow_backup, b.application.allow_backup);
  ASSERT_EQ(t.meta_data.size(), b.meta_data.size());
  EXPECT_EQ(t.meta_data[0].value, b.meta_data[0].value);
}

TEST(TextManifest, EntitiesAreNeverExpanded) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\"><!ENTITY a \"aaaaaaaaaa\">]>\n"
      "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"p&amp;&#x41;&x;&a;\">"
      "<uses-permission android:name=\"android.permission.CAMERA\"/></manifest>";
  Diagnostics diags;
  auto doc = axml::ParseTextXml(ByteView(xml), "m", diags);
  ASSERT_TRUE(doc.ok());
  Manifest m = android::ReadManifest(*doc, nullptr, "m", diags);
  EXPECT_EQ(m.identity.package, "p&A&x;&a;");
  ASSERT_EQ(m.permissions.size(), 1u);
}

TEST(TextManifest, BrokenDocumentsKeepWhatWasRead) {
  const std::string xml = "<manifest package=\"p\"><application><activity android:name=";
  Diagnostics diags;
  auto doc = axml::ParseTextXml(ByteView(xml), "m", diags);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->elements.size(), 2u);
  EXPECT_TRUE(diags.Has(ErrorCode::kAxmlMalformed));
}

}  // namespace
}  // namespace vigie
