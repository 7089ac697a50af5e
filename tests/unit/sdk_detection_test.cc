// SDK detection with the built-in knowledge base on smali-built fixtures
// (tests/fixtures/sdkapp): code, network strings and manifest evidence, and
// what survives when the code is renamed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <map>
#include <set>
#include <random>
#include <memory>

#include "test_support.h"
#include "vigie/detect/endpoints.h"
#include "vigie/features/app_features.h"
#include "vigie/base/mapped_file.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/format/classfile/class_file.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/report/report.h"
#include "vigie/exodus/class_set.h"
#include "vigie/exodus/importer.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie {
namespace {

using vigie::testing::Fixture;

// Scans as the CLI does by default: with the built-in knowledge.
ScanOptions WithKb() {
  static const Knowledge knowledge = *LoadKnowledge({});
  ScanOptions o;
  o.knowledge = knowledge;
  return o;
}

const SdkFinding* Find(const ScanResult& r, const std::string& id) {
  for (const auto& s : r.sdks)
    if (s.id == id) return &s;
  return nullptr;
}

// An Exodus database of the trackers the fixtures name. "AdView.Listener"
// would only match across a '$', which ends an Exodus class name.
std::shared_ptr<const sig::SdkMatcher> ExodusTestMatcher() {
  auto db = exodus::ParseExodus(R"({"trackers":{
      "1":{"id":1,"name":"Facebook Ads","code_signature":"com.facebook.ads"},
      "2":{"id":2,"name":"MoPub","code_signature":"com.mopub.mobileads."},
      "3":{"id":3,"name":"Flurry","code_signature":"com.flurry."},
      "4":{"id":4,"name":"Vigie","code_signature":"org.vigie"},
      "5":{"id":5,"name":"InMobi","code_signature":"com.inmobi."},
      "6":{"id":6,"name":"Listener","code_signature":"AdView.Listener"}}})", "exodus:test");
  EXPECT_TRUE(db.ok());
  return *sig::SdkMatcher::Compile(std::move(*db));
}

// Exodus' class set holds what dexdump prints of methods' code items: catch
// types, and local variables' types and generic signatures. Vigie reads the
// code items only when a name they could add matches a signature
// (exodus::CodeCandidates); these must still be found, and a tracker name that
// only a string constant holds must not.
TEST(SdkDetection, ExodusSeesTrackersNamedOnlyByCodeItems) {
  REQUIRE_FIXTURE(Fixture("locals.dex"));
  ScanOptions o;
  o.knowledge.signatures = ExodusTestMatcher();
  ScanResult r = ScanFile(Fixture("locals.dex"), o);
  std::map<std::string, std::vector<std::string>> found;
  for (const auto& s : r.sdks) found[s.name] = s.classes.examples;
  EXPECT_EQ(found["Facebook Ads"], std::vector<std::string>{"com/facebook/ads/AdView"}) << "a local's type";
  EXPECT_EQ(found["MoPub"], std::vector<std::string>{"com/mopub/mobileads/MoPubView"}) << "a local's signature";
  EXPECT_EQ(found["InMobi"], std::vector<std::string>{"com/inmobi/ads/InMobiException"}) << "a catch type";
  EXPECT_EQ(found["Vigie"], std::vector<std::string>{"org/vigie/locals/Main"}) << "a defined class";
  EXPECT_EQ(found.count("Flurry"), 0u) << "a string constant is not in Exodus' class set";
  EXPECT_EQ(found.size(), 4u);
}

// What an Exodus database finds in a DEX must be exactly what the names of
// everything dexdump prints match (exodus::MarkPrintedItems, code items and
// all), whether the scan settles it from the defined classes' names
// (exodus_names.dex, whose other names all repeat a defined class's) or
// falls back on marking what dexdump prints (locals.dex, whose trackers are
// named only by code items, and a string constant that is not printed).
TEST(SdkDetection, ExodusMatchesAreThoseOfWhatDexdumpPrints) {
  const auto matcher = ExodusTestMatcher();
  for (const char* name : {"exodus_names.dex", "locals.dex", "classes.dex", "classes2.dex"}) {
    SCOPED_TRACE(name);
    REQUIRE_FIXTURE(Fixture(name));
    const auto bytes = testing::ReadBytes(Fixture(name));
    Diagnostics diags;
    auto dex = dex::DexFile::Open(ByteView(bytes.data(), bytes.size()), name, diags);
    ASSERT_TRUE(dex.ok());
    const exodus::PrintedItems printed = exodus::MarkPrintedItems(*dex);
    sig::NameList names;
    exodus::AddPrintedTypes(names, *dex, printed.types);
    exodus::AddPrintedStrings(names, *dex, printed.strings);
    std::set<std::pair<std::string, std::string>> expected, found;
    sig::MatchSession session(*matcher);
    session.MatchExodusNames(names, [&](uint32_t sdk, size_t i) {
      expected.emplace(matcher->db().sdks[sdk].name, std::string(names.name(i)));
    });
    ScanOptions o;
    o.knowledge.signatures = matcher;
    const ScanResult r = ScanFile(Fixture(name), o);
    size_t counted = 0;
    for (const auto& s : r.sdks) {
      counted += s.classes.count;
      for (const auto& c : s.classes.examples) found.emplace(s.name, c);
    }
    EXPECT_EQ(found, expected);
    EXPECT_EQ(counted, expected.size());
  }
}

// A scan's DEX files (and --deep assets) are read on as many threads as it
// is given and merged in entry order: the report is the one of a scan on
// one thread, on multidex apps (multidex_last.apk puts the SDK code in its
// largest DEX, between a smaller one, a text asset, a native library and
// another DEX), on apps whose manifests carry SDK components, meta-data
// with URLs and secrets, and in an XAPK.
TEST(SdkDetection, ThreadsGiveTheSameReport) {
  for (const char* name : {"multidex_last.apk", "basic.apk", "sdkapp.apk", "secretsapp.apk", "deepapp.apk",
                           "app.xapk"}) {
    SCOPED_TRACE(name);
    const std::string path = Fixture(name);
    REQUIRE_FIXTURE(path);
    for (bool deep : {false, true}) {
      ScanOptions one = WithKb(), three = WithKb();
      one.deep = three.deep = deep;
      three.threads = 3;
      const ScanResult a = ScanFile(path, one), b = ScanFile(path, three);
      EXPECT_EQ(report::ToJson(a, report::JsonStyle::kPretty), report::ToJson(b, report::JsonStyle::kPretty))
          << (deep ? "--deep" : "default");
    }
  }
  const ScanResult multidex = ScanFile(Fixture("multidex_last.apk"), WithKb());
  ASSERT_EQ(multidex.code.dex.size(), 3u);
  EXPECT_EQ(multidex.code.dex[0].path, "classes2.dex");
  EXPECT_EQ(multidex.code.dex[1].path, "classes.dex");
  EXPECT_EQ(multidex.code.dex[2].path, "classes3.dex");
  EXPECT_EQ(multidex.code.native_libs, std::vector<std::string>{"lib/arm64-v8a/libvigie_native.so"});
  EXPECT_NE(Find(multidex, "vigie:appsflyer"), nullptr) << "from the largest DEX";
}

TEST(SdkDetection, CodeStringsAndManifestEvidence) {
  REQUIRE_FIXTURE(Fixture("sdkapp.apk"));
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), WithKb());
  const SdkFinding* af = Find(r, "vigie:appsflyer");
  ASSERT_NE(af, nullptr);
  EXPECT_EQ(af->confidence, Confidence::kHigh);
  EXPECT_EQ(af->classes.examples, std::vector<std::string>{"com.appsflyer.AppsFlyerLib"});
  EXPECT_EQ(af->strings.count, 2u) << "conversions. and launches.appsflyer.com";
  EXPECT_EQ(af->exodus_ids, std::vector<int>{12});
  EXPECT_EQ(af->vendor, "appsflyer");

  const SdkFinding* xmode = Find(r, "vigie:xmode");
  ASSERT_NE(xmode, nullptr);
  EXPECT_EQ(xmode->confidence, Confidence::kMedium);
  EXPECT_EQ(xmode->basis, "code");
  EXPECT_NE(std::find(xmode->categories.begin(), xmode->categories.end(), "data_broker"), xmode->categories.end());

  const SdkFinding* pw = Find(r, "vigie:pushwoosh");
  ASSERT_NE(pw, nullptr);
  EXPECT_EQ(pw->manifest.examples, std::vector<std::string>{"meta-data com.pushwoosh.appid"});
  EXPECT_EQ(pw->strings.examples, std::vector<std::string>{"cp.pushwoosh.com"}) << "from a string resource";
  EXPECT_EQ(pw->basis, "manifest + network strings") << "permissions are not counted as evidence kinds";
  EXPECT_EQ(pw->confidence, Confidence::kMedium);
  // Requested permissions that each SDK's manifest declares, as supporting
  // evidence on the findings made by other evidence...
  EXPECT_EQ(pw->permissions.examples, std::vector<std::string>{"com.google.android.c2dm.permission.RECEIVE"});
  EXPECT_EQ(af->permissions.examples, std::vector<std::string>{"com.google.android.gms.permission.AD_ID"});
  // ...and never a finding of their own: AdMob, Firebase and OneSignal also
  // declare these permissions, and none of them is in the app.
  EXPECT_EQ(r.sdks.size(), 3u) << "nothing else: the app's own code is not an SDK, permissions alone are no SDK";
}

const DataAccess* Access(const SdkFinding& f, const std::string& kind) {
  for (const auto& d : f.data_access)
    if (d.kind == kind) return &d;
  return nullptr;
}

// The X-Mode-like SDK of the fixture (smali/LocationSdk.smali) reads the
// location, the Android ID and the contacts; the app holds fine and
// background location, not READ_CONTACTS.
TEST(SdkDetection, WhatAnSdksCodeReachesAndWhetherItCanRun) {
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), WithKb());
  const SdkFinding* xmode = Find(r, "vigie:xmode");
  ASSERT_NE(xmode, nullptr);
  ASSERT_EQ(xmode->data_access.size(), 3u);

  const DataAccess* loc = Access(*xmode, "location");
  ASSERT_NE(loc, nullptr);
  EXPECT_EQ(loc->apis, (std::vector<std::string>{"LocationManager.getLastKnownLocation",
                                                 "LocationManager.requestLocationUpdates"}));
  EXPECT_EQ(loc->call_sites.count, 2u);
  EXPECT_EQ(loc->call_sites.examples[1],
            "io.mysdk.locs.LocationSdk.start() -> LocationManager.requestLocationUpdates");
  EXPECT_TRUE(loc->usable);
  EXPECT_EQ(loc->held, std::vector<std::string>{"android.permission.ACCESS_FINE_LOCATION"});
  EXPECT_EQ(loc->precision, "precise");
  EXPECT_TRUE(loc->background) << "ACCESS_BACKGROUND_LOCATION is held";

  const DataAccess* id = Access(*xmode, "device_id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->call_sites.examples,
            std::vector<std::string>{"io.mysdk.locs.LocationSdk.deviceId() -> Settings.Secure.getString(\"android_id\")"})
      << "otherSetting() reads another setting through the same call, and is not the Android ID";
  EXPECT_TRUE(id->usable);

  const DataAccess* contacts = Access(*xmode, "contacts");
  ASSERT_NE(contacts, nullptr);
  EXPECT_EQ(contacts->apis, std::vector<std::string>{"ContactsContract.Contacts.CONTENT_URI"});
  EXPECT_FALSE(contacts->usable) << "READ_CONTACTS is not requested";
  EXPECT_TRUE(contacts->held.empty());

  // Who is behind it, from the vendor KB.
  ASSERT_TRUE(xmode->vendor_info.has_value());
  EXPECT_EQ(xmode->vendor_info->hq_country, "US");
  EXPECT_EQ(xmode->vendor_info->flags, std::vector<std::string>{"data_broker"});
  EXPECT_FALSE(xmode->vendor_info->incidents.empty());

  // AppsFlyer's fixture code calls none of the listed APIs.
  EXPECT_TRUE(Find(r, "vigie:appsflyer")->data_access.empty());
}

// Who gets data: one recipient per vendor, flagged vendors first, with the
// kinds of data their code can take here (usable accesses only).
TEST(SdkDetection, RecipientsSummariseVendorsCountriesAndData) {
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), WithKb());
  ASSERT_EQ(r.recipients.size(), 3u);
  const Recipient& first = r.recipients[0];
  EXPECT_EQ(first.vendor_id, "xmode") << "the data broker heads the list";
  EXPECT_EQ(first.flags, std::vector<std::string>{"data_broker"});
  EXPECT_EQ(first.data_kinds, (std::vector<std::string>{"location", "device_id"}))
      << "contacts are reached by the code but not usable: READ_CONTACTS is not held";
  EXPECT_EQ(first.via, std::vector<std::string>{"X-Mode / Outlogic location SDK"});
  const Recipient* pushwoosh = nullptr;
  for (const auto& rec : r.recipients)
    if (rec.vendor_id == "pushwoosh") pushwoosh = &rec;
  ASSERT_NE(pushwoosh, nullptr);
  EXPECT_EQ(pushwoosh->countries, (std::vector<std::string>{"RU", "US"})) << "headquarters first";
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

const Finding* FindingOf(const ScanResult& r, const std::string& id) {
  for (const auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

// The X-Mode story, told by the rules: an SDK whose code reads the location,
// a vendor that sells data, background location held: critical, with every
// step's evidence.
TEST(Findings, LocationToADataBrokerIsCriticalWithBackgroundLocation) {
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), WithKb());
  ASSERT_FALSE(r.findings.empty());
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.id, "location-to-data-broker") << "the most severe finding comes first";
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.subject, "vigie:xmode");
  EXPECT_NE(f.title.find("data broker"), std::string::npos);
  EXPECT_TRUE(AnyContains(f.evidence, "sdk: X-Mode / Outlogic location SDK"));
  EXPECT_TRUE(AnyContains(f.evidence, "io.mysdk.locs.LocationSdk.start() -> LocationManager.getLastKnownLocation"));
  EXPECT_TRUE(AnyContains(f.evidence, "ftc.gov")) << "the vendor's flag cites its source";
  EXPECT_TRUE(AnyContains(f.evidence, "ACCESS_BACKGROUND_LOCATION"));
  EXPECT_EQ(FindingOf(r, "third-party-reads-messages-or-contacts"), nullptr)
      << "the contacts code cannot run without READ_CONTACTS";
  EXPECT_EQ(FindingOf(r, "vendor-in-jurisdiction-of-concern"), nullptr) << "no policy list given";
  const Finding* backup = FindingOf(r, "backup-allowed");
  ASSERT_NE(backup, nullptr);
  EXPECT_EQ(backup->severity, Severity::kLow);
}

// The Pushwoosh story, told without any policy list: a vendor registered in
// the US while it is run from Russia, with Reuters' reporting as the record.
TEST(Findings, AVendorDevelopedOutsideItsHeadquarters) {
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), WithKb());
  const Finding* pushwoosh = nullptr;
  for (const auto& f : r.findings)
    if (f.id == "vendor-developed-elsewhere" && f.subject == "pushwoosh") pushwoosh = &f;
  ASSERT_NE(pushwoosh, nullptr);
  EXPECT_NE(pushwoosh->title.find("presents itself as based in US, but is run or develops its SDK in RU"),
            std::string::npos)
      << pushwoosh->title;
  EXPECT_TRUE(AnyContains(pushwoosh->evidence, "record: 2022-11-14"));
}

// The Pushwoosh story: with Russia on the user's policy list, the vendor's
// Russian headquarters and development are a finding, with Reuters' report
// as the record.
TEST(Findings, VendorTiesToAPolicyCountry) {
  ScanOptions o = WithKb();
  o.policy_countries = {"RU"};
  ScanResult r = ScanFile(Fixture("sdkapp.apk"), o);
  const Finding* f = FindingOf(r, "vendor-in-jurisdiction-of-concern");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->subject, "pushwoosh");
  EXPECT_EQ(f->severity, Severity::kMedium) << "its code here reaches none of the sensitive kinds";
  EXPECT_TRUE(AnyContains(f->evidence, "ties to RU (headquarters, development, staff"));
  EXPECT_TRUE(AnyContains(f->evidence, "Reuters found"));
}

// secretsapp: a Firebase database URL, a Google API key and an
// Elasticsearch and a Kibana URL in the app's code, an AWS key and the
// Firebase configuration (app ID, storage bucket) in string resources, a
// MongoDB URI with a password in manifest meta-data, and an endpoint loaded
// by a Firebase Analytics class.
TEST(EndpointsAndSecrets, FoundRedactedAttributedAndReported) {
  REQUIRE_FIXTURE(Fixture("secretsapp.apk"));
  ScanResult r = ScanFile(Fixture("secretsapp.apk"), WithKb());
  std::map<std::string, const Secret*> secrets;
  for (const auto& s : r.secrets) {
    EXPECT_EQ(secrets.count(s.kind), 0u) << s.kind << " found twice: " << s.value;
    secrets[s.kind] = &s;
  }
  ASSERT_EQ(secrets.size(), 8u);
  ASSERT_TRUE(secrets.count("firebase_app_id"));
  EXPECT_EQ(secrets["firebase_app_id"]->value, "1:123456789012:android:") << "configuration is shown whole";
  EXPECT_EQ(secrets["firebase_app_id"]->role, "config");
  ASSERT_TRUE(secrets.count("firebase_storage_bucket"));
  EXPECT_EQ(secrets["firebase_storage_bucket"]->value, "vigie-fixture.appspot.com")
      << "found by its suffix; the decoys are not buckets";
  EXPECT_EQ(secrets["firebase_storage_bucket"]->role, "backend");
  ASSERT_TRUE(secrets.count("elasticsearch_http"));
  EXPECT_EQ(secrets["elasticsearch_http"]->value, "http://search.vigie-fixture.example:9200")
      << "port 92001 is not Elasticsearch's";
  EXPECT_EQ(secrets["elasticsearch_http"]->severity, Severity::kHigh) << "plain HTTP";
  ASSERT_TRUE(secrets.count("kibana_https"));
  EXPECT_EQ(secrets["kibana_https"]->value, "https://kibana.vigie-fixture.example:5601");
  const Finding* config = FindingOf(r, "service-config");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->severity, Severity::kInfo);
  EXPECT_TRUE(AnyContains(config->evidence, "1:123456789012:android:"));
  EXPECT_EQ(secrets["google_api_key"]->value, "AIzaSyVi…, 39 characters") << "redacted";
  EXPECT_EQ(secrets["google_api_key"]->where, "classes.dex");
  EXPECT_EQ(secrets["aws_access_key"]->where, "resources.arsc");
  EXPECT_EQ(secrets["aws_access_key"]->severity, Severity::kCritical);
  EXPECT_EQ(secrets["firebase_database"]->value, "https://vigie-fixture-default-rtdb.firebaseio.com")
      << "a backend's address is shown whole";
  EXPECT_TRUE(secrets["firebase_database"]->backend);
  EXPECT_EQ(secrets["mongodb_uri"]->value, "mongodb://reader:…@db.example.org:27017/app") << "its password is not";

  std::map<std::string, const Endpoint*> endpoints;
  for (const auto& e : r.endpoints) endpoints[e.url] = &e;
  ASSERT_TRUE(endpoints.count("https://collector.vigie-fixture.example/upload"));
  EXPECT_EQ(endpoints["https://collector.vigie-fixture.example/upload"]->sdk, "vigie:firebase_analytics")
      << "loaded by a class of the SDK";
  ASSERT_TRUE(endpoints.count("https://vigie-fixture-default-rtdb.firebaseio.com"));
  EXPECT_EQ(endpoints["https://vigie-fixture-default-rtdb.firebaseio.com"]->sdk, "") << "the app's own";

  std::vector<std::string> backends;
  for (const auto& f : r.findings)
    if (f.id == "open-backend-hint") backends.insert(backends.end(), f.evidence.begin(), f.evidence.end());
  EXPECT_TRUE(AnyContains(backends, "mongodb://reader:…@db.example.org"));
  EXPECT_TRUE(AnyContains(backends, "vigie-fixture.appspot.com"));
  EXPECT_TRUE(AnyContains(backends, "search.vigie-fixture.example:9200"));
  for (const auto& f : r.findings)
    if (f.id == "hardcoded-secret") {
      EXPECT_FALSE(AnyContains(f.evidence, "1:123456789012")) << "not a secret";
    }
  const Finding* key = FindingOf(r, "hardcoded-secret");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->severity, Severity::kCritical) << "the AWS key, the most severe, comes first";
  EXPECT_EQ(FindingOf(r, "backup-allowed"), nullptr) << "allowBackup=false";
}

// deepapp with --deep: text assets (JSON, a React Native bundle) and one
// native library are read for endpoints and secrets; a binary asset is not,
// and the library's copy for a second ABI is not read again. Without
// --deep, none of them is.
TEST(EndpointsAndSecrets, DeepReadsTextAssetsAndNativeLibraries) {
  REQUIRE_FIXTURE(Fixture("deepapp.apk"));
  ScanOptions options = WithKb();
  options.threads = 2;
  ScanResult plain = ScanFile(Fixture("deepapp.apk"), options);
  for (const auto& e : plain.endpoints) EXPECT_EQ(e.url.find("deep-fixture"), std::string::npos) << e.url;
  EXPECT_TRUE(plain.secrets.empty());
  // What was left unread is said, so the user knows to look.
  auto not_read = [](const ScanResult& s) {
    for (const auto& d : s.diagnostics.items())
      if (d.code == ErrorCode::kDeepNotRead) return d.message;
    return std::string();
  };
  EXPECT_NE(not_read(plain).find("2 text asset(s) and 2 native libraries"), std::string::npos) << not_read(plain);

  options.deep = true;
  ScanResult r = ScanFile(Fixture("deepapp.apk"), options);
  EXPECT_EQ(not_read(r), "");
  std::map<std::string, const Endpoint*> endpoints;
  for (const auto& e : r.endpoints) endpoints[e.url] = &e;
  ASSERT_TRUE(endpoints.count("https://api.deep-fixture.example/v1"));
  EXPECT_EQ(endpoints["https://api.deep-fixture.example/v1"]->where, std::vector<std::string>{"assets/config.json"});
  ASSERT_TRUE(endpoints.count("https://rn.deep-fixture.example/graphql"));
  ASSERT_TRUE(endpoints.count("https://native.deep-fixture.example/collect"));
  EXPECT_EQ(endpoints["https://native.deep-fixture.example/collect"]->where,
            std::vector<std::string>{"lib/arm64-v8a/libvigie_native.so"})
      << "one ABI's copy is read";
  EXPECT_EQ(endpoints.count("https://png.deep-fixture.example/"), 0u) << "binary assets are not read";
  ASSERT_TRUE(endpoints.count("https://app-measurement.com/a"));
  EXPECT_EQ(endpoints["https://app-measurement.com/a"]->sdk, "vigie:firebase_analytics");
  const SdkFinding* fa = Find(r, "vigie:firebase_analytics");
  ASSERT_NE(fa, nullptr) << "a URL's host in an asset is network evidence";
  EXPECT_EQ(fa->strings.examples, std::vector<std::string>{"app-measurement.com"});

  std::map<std::string, const Secret*> secrets;
  for (const auto& s : r.secrets) secrets[s.kind] = &s;
  ASSERT_TRUE(secrets.count("stripe_secret_key"));
  EXPECT_EQ(secrets["stripe_secret_key"]->where, "assets/index.android.bundle");
  ASSERT_TRUE(secrets.count("firebase_database"));
  EXPECT_EQ(secrets["firebase_database"]->where, "lib/arm64-v8a/libvigie_native.so");
  ASSERT_TRUE(secrets.count("elasticsearch_http"));
  EXPECT_EQ(secrets["elasticsearch_http"]->value, "http://logs.deep-fixture.example:9200");
}

// Reading a large text once with one database of the rules' literals finds
// exactly what the string-by-string search finds.
TEST(EndpointsAndSecrets, BlobSearchEqualsRuleByRuleSearch) {
  const std::string pieces[] = {"https://a.example/x", "AIzaSyBlobBlobBlobBlobBlobBlobBlob0000", "\0\xff",
                                "mongodb://u:p@h:1/d", "x.appspot.com", ".appspot.com.x", "http://h:9200",
                                "ws://", "AKIAABCDEFGHIJKLMNOP", "1:12345678:android:ab", " ", "\n", "zz",
                                "-----BEGIN RSA PRIVATE KEY-----", "xoxb-0123456789-abcdefghij"};
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int k = rng() % 12; k > 0; --k) text += pieces[rng() % std::size(pieces)];
    std::vector<std::string> a, b;
    detect::ForEachUrl(text, [&](std::string_view u) { a.push_back("url " + std::string(u)); });
    detect::ForEachSecret(text, [&](const detect::SecretMatch& m) { a.push_back(m.rule->kind + " " + std::string(m.token)); });
    detect::ForEachFindInBlob(
        text, [&](std::string_view u) { b.push_back("url " + std::string(u)); },
        [&](const detect::SecretMatch& m) { b.push_back(m.rule->kind + " " + std::string(m.token)); });
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    ASSERT_EQ(a, b) << text;
  }
}

// prayerapp: the X-Mode story end to end. A prayer-times app holds fine and
// background location; its io.mysdk SDK reads the location, Wi-Fi scans and
// the advertising ID, and holds its collector's URL.
TEST(Stories, PrayerAppLocationGoesToADataBroker) {
  REQUIRE_FIXTURE(Fixture("prayerapp.apk"));
  ScanResult r = ScanFile(Fixture("prayerapp.apk"), WithKb());
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].vendor_id, "xmode");
  EXPECT_EQ(r.recipients[0].data_kinds, (std::vector<std::string>{"location", "wifi", "advertising_id"}));
  EXPECT_EQ(r.recipients[0].countries, std::vector<std::string>{"US"});
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].id, "location-to-data-broker");
  EXPECT_EQ(r.findings[0].severity, Severity::kCritical);
  EXPECT_TRUE(AnyContains(r.findings[0].evidence, "FusedLocationProviderClient.requestLocationUpdates"));
  EXPECT_TRUE(AnyContains(r.findings[0].evidence, "Muslim Pro"));
  bool endpoint = false;
  for (const auto& e : r.endpoints)
    endpoint |= e.url == "https://collector.mysdk.example/v2/locations" && e.sdk == "vigie:xmode";
  EXPECT_TRUE(endpoint) << "the collector URL is the SDK's: its class loads it";
}

// pushapp: the Pushwoosh story. By default, a vendor registered in the US and
// run from Russia; with Russia on the policy list, a high finding, since its
// geozones code reads the location here.
TEST(Stories, PushwooshSaysUsButIsBuiltInRussia) {
  REQUIRE_FIXTURE(Fixture("pushapp.apk"));
  ScanResult r = ScanFile(Fixture("pushapp.apk"), WithKb());
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].countries, (std::vector<std::string>{"RU", "US"}));
  EXPECT_EQ(r.recipients[0].data_kinds, std::vector<std::string>{"location"});
  const Finding* elsewhere = FindingOf(r, "vendor-developed-elsewhere");
  ASSERT_NE(elsewhere, nullptr);
  EXPECT_TRUE(AnyContains(elsewhere->evidence, "Reuters found"));
  EXPECT_EQ(FindingOf(r, "vendor-in-jurisdiction-of-concern"), nullptr);

  ScanOptions o = WithKb();
  o.policy_countries = {"RU", "CN"};
  ScanResult p = ScanFile(Fixture("pushapp.apk"), o);
  const Finding* policy = FindingOf(p, "vendor-in-jurisdiction-of-concern");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->severity, Severity::kHigh) << "its code reaches the location";
  EXPECT_TRUE(AnyContains(policy->evidence, "com.pushwoosh.location.GeoZones.locate() -> LocationManager.getLastKnownLocation"));
}

// Renamed code is found through the hosts it holds: the class that loads
// AppsFlyer's hosts is taken as AppsFlyer's, at medium confidence, and the
// report says it is renamed code.
TEST(SdkDetection, RenamedCodeIsStillFoundByItsEndpoints) {
  ScanResult r = ScanFile(Fixture("sdkapp_renamed.apk"), WithKb());
  const SdkFinding* af = Find(r, "vigie:appsflyer");
  ASSERT_NE(af, nullptr);
  EXPECT_EQ(af->classes.count, 0u);
  EXPECT_EQ(af->strings.count, 2u);
  EXPECT_EQ(af->renamed_classes.examples,
            std::vector<std::string>{"a.a.a (loads launches.appsflyer.com)"});
  EXPECT_EQ(af->confidence, Confidence::kMedium) << "renamed code loading its own hosts, never high";
  EXPECT_EQ(af->permissions.count, 1u);
  EXPECT_EQ(af->basis, "network strings + renamed code: endpoint match (classes no package names load strings only this SDK holds)");
  EXPECT_EQ(Find(r, "vigie:xmode"), nullptr) << "no endpoint string: renamed X-Mode code is not claimed";
  bool appsflyer = false;
  for (const auto& rec : r.recipients) appsflyer |= rec.vendor_id == "appsflyer" && rec.confidence == Confidence::kMedium;
  EXPECT_TRUE(appsflyer);
  for (const auto& e : r.endpoints)
    if (e.host == "conversions.appsflyer.com") EXPECT_EQ(e.sdk, "vigie:appsflyer");
}

// The X-Mode story after R8 (renamedapp): no package names the SDK, but the
// renamed class holds its collector host and reads the location. Its data
// access counts as X-Mode's, so the data broker gets the location, and the
// finding says so.
TEST(SdkDetection, RenamedCodeCarriesItsDataAccess) {
  REQUIRE_FIXTURE(Fixture("renamedapp.apk"));
  ScanResult r = ScanFile(Fixture("renamedapp.apk"), WithKb());
  const SdkFinding* x = Find(r, "vigie:xmode");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->renamed_classes.examples, std::vector<std::string>{"o.a.b (loads api.myendpoint.io)"});
  EXPECT_EQ(x->confidence, Confidence::kMedium);
  ASSERT_NE(x->UsableAccess("location"), nullptr);
  EXPECT_TRUE(AnyContains(x->UsableAccess("location")->call_sites.examples, "o.a.b.a() -> LocationManager.getLastKnownLocation"));
  const Finding* f = FindingOf(r, "location-to-data-broker");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->subject, "vigie:xmode");
  // The app's own class, which loads no SDK host, stays the app's.
  EXPECT_EQ(x->renamed_classes.count, 1u);
  // A renamed push SDK, known by the manifest key its code reads: the app
  // declares Pushwoosh's meta-data key and a renamed class loads it.
  const SdkFinding* push = Find(r, "vigie:pushwoosh");
  ASSERT_NE(push, nullptr);
  EXPECT_EQ(push->renamed_classes.examples, std::vector<std::string>{"o.c.d (loads key com.pushwoosh.appid)"});
  EXPECT_EQ(push->confidence, Confidence::kMedium) << "renamed code and its manifest entry";
  EXPECT_EQ(push->basis, "manifest + renamed code: endpoint match (classes no package names load strings only this SDK holds)");
  // A renamed location broker, known by the SharedPreferences file its code
  // opens: nothing else shows it, so low confidence, with its Wi-Fi scans.
  const SdkFinding* huq = Find(r, "vigie:huq");
  ASSERT_NE(huq, nullptr);
  EXPECT_EQ(huq->renamed_classes.examples, std::vector<std::string>{"o.e.f (loads preferences huqLocationStore)"});
  EXPECT_EQ(huq->confidence, Confidence::kLow);
  ASSERT_NE(huq->UsableAccess("wifi"), nullptr);
  EXPECT_TRUE(AnyContains(huq->UsableAccess("wifi")->call_sites.examples, "o.e.f.a() -> WifiManager.getScanResults"));
}

// The traps of issue 16, each built by smali and aapt: no SDK may come of
// them. The advertising-ID client is not AdMob, although AdMob's namespace
// holds it and its ping goes to googlesyndication.com; hosts many SDKs or a
// platform share support a finding, never make one; a tuner app in com.tune
// and a heap library in io.heap are not TUNE and Heap.
TEST(Lookalikes, GiveNoSdk) {
  for (const char* name : {"lookalike_adid.apk", "lookalike_shared.apk", "lookalike_generic.apk"}) {
    SCOPED_TRACE(name);
    REQUIRE_FIXTURE(Fixture(name));
    ScanResult r = ScanFile(Fixture(name), WithKb());
    for (const auto& s : r.sdks) ADD_FAILURE() << s.name << ": " << s.basis;
    EXPECT_TRUE(r.recipients.empty());
    for (const auto& e : r.endpoints) EXPECT_EQ(e.sdk, "") << e.url << ": a shared host names no SDK";
  }
  // The premise of lookalike_shared: the KB lists each of its hosts, as
  // shared only.
  const sig::SdkMatcher& kb = *WithKb().knowledge.signatures;
  for (const char* host : {"graph.facebook.com", "ad.doubleclick.net", "api.mob.com", "pagead2.googlesyndication.com"}) {
    int shared = 0, owned = 0;
    kb.MatchHost(host, [&](uint32_t, bool is_shared) { ++(is_shared ? shared : owned); });
    EXPECT_GT(shared, 0) << host;
    EXPECT_EQ(owned, 0) << host;
  }
  ScanResult adid = ScanFile(Fixture("lookalike_adid.apk"), WithKb());
  EXPECT_EQ(adid.endpoints.size(), 1u) << "the ping is still reported, as the app's own";
}

// Through a whole scan, an excluded sub-package stays nobody's even under a
// signature as broad as AdMob's old one, and a shared host alone makes
// nothing.
TEST(Lookalikes, AnExcludedNamespaceAndASharedHostMakeNothing) {
  auto db = sig::ParseKb(R"({"schema_version":2,"sdks":[
      {"id":"ads","name":"Ads","code":{"packages":["com.google.android.gms.ads"],
       "exclude":["com.google.android.gms.ads.identifier"]},"network":{"shared_domains":["googlesyndication.com"]}}]})",
                         "test");
  ASSERT_TRUE(db.ok());
  ScanOptions o;
  o.knowledge.signatures = *sig::SdkMatcher::Compile(std::move(*db));
  ScanResult r = ScanFile(Fixture("lookalike_adid.apk"), o);
  EXPECT_TRUE(r.sdks.empty()) << "excluded classes and a shared host alone make nothing";
  auto broad = sig::ParseKb(R"({"schema_version":2,"sdks":[
      {"id":"ads","name":"Ads","code":{"packages":["com.google.android.gms.ads"]}}]})", "test");
  o.knowledge.signatures = *sig::SdkMatcher::Compile(std::move(*broad));
  EXPECT_EQ(ScanFile(Fixture("lookalike_adid.apk"), o).sdks.size(), 1u) << "without the exclusion, the trap springs";
}

TEST(SdkDetection, NoSignaturesNoFindings) {
  ScanResult r = ScanFile(Fixture("sdkapp.apk"));
  EXPECT_TRUE(r.sdks.empty());
  EXPECT_TRUE(r.signature_sources.empty());
}

}  // namespace
}  // namespace vigie

namespace vigie {
namespace {

TEST(ClassFile, NameAndStringConstantsOfAJavacClass) {
  // library.jar is javac's output; read Beacon.class out of it.
  auto jar = ScanFile(Fixture("library.jar"));
  EXPECT_EQ(jar.file.kind, PackageKind::kJar);
  EXPECT_EQ(jar.code.jvm_class_count, 1u);
  std::unique_ptr<FILE, int (*)(FILE*)> p(
      popen(("unzip -p '" + Fixture("library.jar") + "' com/mixpanel/android/mpmetrics/Beacon.class").c_str(), "r"),
      pclose);
  std::string bytes;
  char buf[4096];
  for (size_t n; p && (n = fread(buf, 1, sizeof buf, p.get())) > 0;) bytes.append(buf, n);
  auto c = classfile::ClassFile::Parse(ByteView(bytes));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->this_class(), "com/mixpanel/android/mpmetrics/Beacon");
  std::vector<std::string> strings;
  c->ForEachStringConstant([&](std::string_view s) { strings.emplace_back(s); });
  std::sort(strings.begin(), strings.end());
  EXPECT_EQ(strings, (std::vector<std::string>{"https://api-eu.mixpanel.com/track", "https://api.mixpanel.com/track/?ip=1"}));
  // A truncated class is an error, or (cut after this_class, the last field
  // read) the same answer; never a read past the end (ASan checks).
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto t = classfile::ClassFile::Parse(ByteView(std::string_view(bytes).substr(0, n)));
    if (t.ok()) {
      EXPECT_EQ(t->this_class(), c->this_class()) << n;
    }
  }
}

TEST(SdkDetection, AnSdkBinaryIsRecognisedFromItsClassesAndConstants) {
  for (const char* name : {"library.jar", "library.aar"}) {
    ScanResult r = ScanFile(Fixture(name), WithKb());
    SCOPED_TRACE(name);
    const SdkFinding* mp = Find(r, "vigie:mixpanel");
    ASSERT_NE(mp, nullptr);
    EXPECT_EQ(mp->confidence, Confidence::kHigh);
    EXPECT_EQ(mp->classes.examples, std::vector<std::string>{"com.mixpanel.android.mpmetrics.Beacon"});
    EXPECT_EQ(mp->strings.count, 2u);
    EXPECT_EQ(r.status, ScanStatus::kOk);
  }
  ScanResult aar = ScanFile(Fixture("library.aar"), WithKb());
  EXPECT_EQ(aar.file.kind, PackageKind::kAar);
  EXPECT_EQ(aar.manifest.identity.package, "com.mixpanel.android") << "the AAR's text manifest is read";
}

// A corpus scan reads the evidence through the features it keeps, and a
// rematch replays them: on every fixture (renamed code, JVM classes,
// hostile packages, --deep), both give what a plain scan gives.
TEST(SdkDetection, FeaturesAndTheirRematchGiveTheScansVerdicts) {
  REQUIRE_FIXTURE(Fixture("renamedapp.apk"));
  const auto verdicts = testing::VerdictsJson;
  size_t inputs = 0, renamed = 0;
  for (const auto& e : std::filesystem::directory_iterator(testing::FixtureDir())) {
    if (!e.is_regular_file()) continue;
    const std::string path = e.path().string();
    SCOPED_TRACE(path);
    for (bool deep : {false, true}) {
      ScanOptions options = WithKb();
      options.deep = deep;
      auto file = MappedFile::Open(path);
      ASSERT_TRUE(file);
      features::AppFeatures kept;
      const ScanResult scanned = ScanMapped(*file, path, options);
      const ScanResult through_features = ScanMapped(*file, path, options, &kept);
      EXPECT_EQ(verdicts(through_features), verdicts(scanned));
      if (scanned.status == ScanStatus::kFailed) continue;  // Nothing read, no features: never rematched.
      const std::string encoded = features::Encode(kept);
      auto decoded = features::Decode(ByteView(std::string_view(encoded)));
      ASSERT_TRUE(decoded) << decoded.error().message;
      const Rematched again = Rematch(*decoded, options);
      EXPECT_EQ(again.stale, "");
      EXPECT_EQ(verdicts(again.result), verdicts(scanned));
      for (const SdkFinding& f : scanned.sdks) renamed += f.renamed_classes.count > 0;
    }
    ++inputs;
  }
  EXPECT_GE(inputs, 30u);
  EXPECT_GE(renamed, 4u) << "renamed code is among what is compared";
}

// Features keep Exodus' class set as its bounds: the defined classes'
// names, and the names of the DEX's other strings holding a '/'. Bounds
// settle exodus_names.dex (its other names repeat a defined class's), but
// not locals.dex, whose trackers only code items name: a scan with the
// Exodus signatures then places the set's names in the features, and a
// rematch that meets unsettled bounds says the app is stale and keeps the
// sure matches only.
TEST(SdkDetection, FeaturesKeepExodusClassSetsBoundedOrPlaced) {
  const auto verdicts = testing::VerdictsJson;
  ScanOptions exodus;
  exodus.knowledge.signatures = ExodusTestMatcher();
  auto scan_keeping = [](const std::string& path, const ScanOptions& o, features::AppFeatures& kept) {
    auto file = MappedFile::Open(path);
    EXPECT_TRUE(file);
    const ScanResult r = ScanMapped(*file, path, o, &kept);
    auto decoded = features::Decode(ByteView(std::string_view(features::Encode(kept))));
    EXPECT_TRUE(decoded);
    kept = std::move(*decoded);
    return r;
  };
  auto placed = [](const features::AppFeatures& f) {
    return f.records.size() == 1 && std::get<features::DexFeatures>(f.records[0]).exodus_placed;
  };
  for (const char* name : {"exodus_names.dex", "locals.dex"}) {
    SCOPED_TRACE(name);
    REQUIRE_FIXTURE(Fixture(name));
    features::AppFeatures with_exodus, with_kb;
    const ScanResult scanned = scan_keeping(Fixture(name), exodus, with_exodus);
    EXPECT_EQ(verdicts(scanned), verdicts(ScanFile(Fixture(name), exodus)));
    EXPECT_EQ(placed(with_exodus), std::string(name) == "locals.dex");
    const Rematched same = Rematch(with_exodus, exodus);
    EXPECT_EQ(same.stale, "");
    EXPECT_EQ(verdicts(same.result), verdicts(scanned));

    scan_keeping(Fixture(name), WithKb(), with_kb);
    EXPECT_FALSE(placed(with_kb));
    const Rematched later = Rematch(with_kb, exodus);
    if (std::string(name) == "exodus_names.dex") {
      EXPECT_EQ(later.stale, "");
      EXPECT_EQ(verdicts(later.result), verdicts(scanned));
      continue;
    }
    EXPECT_NE(later.stale.find("Exodus"), std::string::npos) << later.stale;
    std::set<std::string> sdks;
    for (const SdkFinding& f : later.result.sdks) sdks.insert(f.name);
    EXPECT_EQ(sdks, std::set<std::string>{"Vigie"}) << "only the defined class is sure";
  }
}

}  // namespace
}  // namespace vigie
