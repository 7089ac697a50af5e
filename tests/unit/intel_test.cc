// Who is behind SDKs and domains: the vendor KB and imported entity lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "test_support.h"
#include "vigie/intel/entities.h"
#include "vigie/intel/vendors.h"
#include "vigie/pipeline/knowledge.h"

namespace vigie::intel {
namespace {

TEST(VendorKb, DescribesEveryVendorOfTheSdkKbWithSources) {
  auto knowledge = LoadKnowledge({});
  ASSERT_TRUE(knowledge.ok()) << knowledge.error().message;
  const VendorDb& vendors = *knowledge->vendors;
  ASSERT_GT(vendors.size(), 0u);
  for (const auto& s : knowledge->signatures->db().sdks) {
    const Vendor* v = vendors.Find(s.vendor);
    ASSERT_NE(v, nullptr) << s.id << " names vendor " << s.vendor;
    EXPECT_FALSE(v->sources.empty()) << v->id;
    if (!v->hq_country.empty()) {
      EXPECT_EQ(v->hq_country.size(), 2u) << v->id << ": ISO 3166-1 alpha-2";
    }
    // An incident's date is ISO 8601 to the precision the record gives
    // (2022-11-14, 2016-03 or 2019), and it cites a web page.
    static const std::regex kDate(R"(\d{4}(-\d{2}(-\d{2})?)?)");
    for (const auto& i : v->incidents) {
      EXPECT_TRUE(std::regex_match(i.date, kDate)) << v->id << ": '" << i.date << "'";
      EXPECT_TRUE(i.source.rfind("https://", 0) == 0 || i.source.rfind("http://", 0) == 0) << v->id;
    }
  }
  const Vendor* pushwoosh = vendors.Find("pushwoosh");
  ASSERT_NE(pushwoosh, nullptr);
  bool russia = false;
  for (const auto& t : pushwoosh->jurisdictions) russia |= t.country == "RU";
  EXPECT_TRUE(russia) << "developed in Russia, per Reuters";
  EXPECT_FALSE(ParseVendors(R"({"schema_version":1,"vendors":[{"id":"x","name":"X"}]})", "t").ok())
      << "an entry without a source is refused";
  EXPECT_FALSE(ParseVendors(R"({"schema_version":1,"vendors":[{"name":"no id"}]})", "t").ok());
}

// The built-in vendor KB is the compiled form of data/vendors.json, with the
// same content; its codec refuses damaged blobs.
TEST(VendorKb, IsTheCompiledFormOfTheDataFileAndRejectsDamage) {
  auto text = vigie::testing::ReadBytes("data/vendors.json");
  auto parsed = ParseVendors(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), "vendors.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::string blob = EncodeVendors(*parsed);
  auto back = DecodeVendors(ByteView(blob));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeVendors(*back), blob);
  const VendorDb db(std::move(*back));
  const Vendor* xmode = db.Find("xmode");
  ASSERT_NE(xmode, nullptr);
  EXPECT_EQ(xmode->hq_country, "US");
  EXPECT_FALSE(xmode->incidents.empty());
  EXPECT_FALSE(xmode->sources.empty());
  EXPECT_EQ(db.Find("no-such-vendor"), nullptr);
  for (size_t n : {size_t{0}, size_t{3}, size_t{8}, blob.size() / 2, blob.size() - 1})
    EXPECT_FALSE(DecodeVendors(ByteView(std::string_view(blob).substr(0, n))).ok()) << n;
  std::string lying = blob;
  lying[8] = '\xff';  // The vendor count now claims billions of vendors.
  lying[9] = '\xff';
  lying[10] = '\xff';
  EXPECT_FALSE(DecodeVendors(ByteView(lying)).ok());

  // Opened lazily, as a scan opens the built-in one: the same vendors, found
  // through the index; a record cut short is not found, and its neighbours
  // still are.
  auto lazy = VendorDb::Open(ByteView(blob));
  ASSERT_TRUE(lazy.ok());
  EXPECT_EQ((*lazy)->size(), parsed->size());
  for (const Vendor& v : *parsed) {
    const Vendor* found = (*lazy)->Find(v.id);
    ASSERT_NE(found, nullptr) << v.id;
    EXPECT_EQ(EncodeVendors({*found}), EncodeVendors({v})) << v.id;
    EXPECT_EQ((*lazy)->Find(v.id), found) << "decoded once";
  }
  EXPECT_EQ((*lazy)->Find("no-such-vendor"), nullptr);
  std::string cut = blob.substr(0, blob.size() - 3);  // The last record (by id) loses its tail.
  auto damaged = VendorDb::Open(ByteView(cut));
  ASSERT_TRUE(damaged.ok()) << "the index is whole";
  const std::string& last = std::max_element(parsed->begin(), parsed->end(), [](const Vendor& a, const Vendor& b) {
                              return a.id < b.id;
                            })->id;
  EXPECT_EQ((*damaged)->Find(last), nullptr);
  EXPECT_NE((*damaged)->Find("xmode"), nullptr);
}

TEST(Entities, ImportersForXRayAndDisconnectGiveDomainOwners) {
  EntityDb db;
  EXPECT_FALSE(db.Import("xray", R"([
      {"country": "us", "doms": ["tynt.com"], "owner_name": "tynt", "root_parent": "33Across", "parent": "33Across"},
      {"country": "ru", "doms": ["example-tracker.ru"], "owner_name": "Example RU", "root_parent": null, "parent": null},
      {"doms": ["nameless.com"]}])", "xray:t").has_value());
  EXPECT_FALSE(db.Import("disconnect", R"({"entities": {
      "Tynt Elsewhere": {"properties": ["tynt.com"], "resources": ["cdn.tynt.net"]}}})", "disconnect:t").has_value());
  const Entity* e = db.Owner("api.TYNT.com");
  ASSERT_NE(e, nullptr) << "a subdomain belongs to the domain's owner, whatever its case";
  EXPECT_EQ(e->name, "tynt") << "an earlier import is not overridden";
  EXPECT_EQ(e->root_parent, "33Across");
  EXPECT_EQ(e->country, "US");
  ASSERT_NE(db.Owner("x.cdn.tynt.net"), nullptr);
  EXPECT_EQ(db.Owner("x.cdn.tynt.net")->source, "disconnect:t");
  EXPECT_EQ(db.Owner("notynt.com"), nullptr);
  EXPECT_EQ(db.Owner("nameless.com"), nullptr) << "an entry without an owner is skipped";
  EXPECT_TRUE(db.Import("xray", "{}", "x").has_value()) << "X-Ray data is an array";
  EXPECT_TRUE(db.Import("disconnect", "[]", "x").has_value());
  EXPECT_TRUE(db.Import("whois", "[]", "x").has_value()) << "unknown format";
}

}  // namespace
}  // namespace vigie::intel
