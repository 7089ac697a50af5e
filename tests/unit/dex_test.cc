// DEX reader tests on smali-assembled files, with Debian's dexdump as oracle.
#include "vigie/format/dex/dex_file.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <set>

#include "test_support.h"

namespace vigie::dex {
namespace {

using vigie::testing::Fixture;

struct DexdumpFacts {
  std::map<std::string, uint64_t> header;
  std::vector<std::string> classes;
  std::multiset<std::string> methods;  // "Lcls;.name"
};

DexdumpFacts RunDexdump(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("dexdump -f '" + path + "' 2>/dev/null").c_str(), "r"), pclose);
  DexdumpFacts f;
  std::regex header(R"(^(\w+_size)\s*: (\d+))"), cls(R"(Class descriptor\s*: '([^']+)')"),
      in_cls(R"(: \(in (L[^;]+;)\))"), name(R"(^\s+name\s*: '([^']+)')");
  std::string current_in;
  bool in_methods = false;
  char line[8192];
  while (p && fgets(line, sizeof line, p.get())) {
    std::string s(line);
    std::smatch m;
    if (std::regex_search(s, m, header)) f.header[m[1]] = std::stoull(m[2]);
    else if (std::regex_search(s, m, cls)) f.classes.push_back(m[1]);
    if (s.find("Direct methods") != std::string::npos || s.find("Virtual methods") != std::string::npos) in_methods = true;
    if (s.find("fields") != std::string::npos) in_methods = false;
    if (std::regex_search(s, m, in_cls)) current_in = m[1];
    else if (in_methods && std::regex_search(s, m, name)) f.methods.insert(current_in + "." + std::string(m[1]));
  }
  return f;
}

class DexFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(DexFixture, TablesClassesAndMethodsMatchDexdump) {
  const std::string path = Fixture(GetParam());
  REQUIRE_FIXTURE(path);
  auto bytes = vigie::testing::ReadBytes(path);
  Diagnostics diags;
  auto dex = DexFile::Open(ByteView(bytes.data(), bytes.size()), GetParam(), diags);
  ASSERT_TRUE(dex.ok()) << dex.error().message;
  EXPECT_TRUE(diags.items().empty()) << diags.items()[0].message;
  DexdumpFacts oracle = RunDexdump(path);
  ASSERT_FALSE(oracle.classes.empty()) << "dexdump produced nothing";
  EXPECT_EQ(dex->string_count(), oracle.header["string_ids_size"]);
  EXPECT_EQ(dex->type_count(), oracle.header["type_ids_size"]);
  EXPECT_EQ(dex->proto_count(), oracle.header["proto_ids_size"]);
  EXPECT_EQ(dex->field_count(), oracle.header["field_ids_size"]);
  EXPECT_EQ(dex->method_count(), oracle.header["method_ids_size"]);
  EXPECT_EQ(dex->class_count(), oracle.header["class_defs_size"]);

  std::vector<std::string> classes;
  std::multiset<std::string> methods;
  for (uint32_t i = 0; i < dex->class_count(); ++i) {
    ClassDef def = dex->class_def(i);
    std::string descriptor(dex->TypeDescriptor(def.class_idx));
    classes.push_back(descriptor);
    EXPECT_TRUE(dex->ForEachMethod(def, [&](const EncodedMethod& m) {
      MethodId id = dex->method_id(m.method_idx);
      methods.insert(descriptor + "." + std::string(dex->String(id.name_idx).value_or("?")));
      if (m.code_off) {
        EXPECT_TRUE(dex->Code(m.code_off).has_value());
      }
    }));
  }
  EXPECT_EQ(classes, oracle.classes);
  EXPECT_EQ(methods, oracle.methods);
}

INSTANTIATE_TEST_SUITE_P(Smali, DexFixture, ::testing::Values("classes.dex", "classes2.dex"));

TEST(Dex, StringsAndCodeAreReachable) {
  auto bytes = vigie::testing::ReadBytes(Fixture("classes.dex"));
  Diagnostics diags;
  auto dex = DexFile::Open(ByteView(bytes.data(), bytes.size()), "classes.dex", diags);
  ASSERT_TRUE(dex.ok());
  std::set<std::string> strings;
  for (uint32_t i = 0; i < dex->string_count(); ++i) strings.insert(std::string(dex->String(i).value_or("")));
  EXPECT_TRUE(strings.count("https://collect.example-sdk.com/v1/events"));
  EXPECT_TRUE(strings.count("getLastKnownLocation"));
  EXPECT_FALSE(dex->String(dex->string_count()).has_value());
  EXPECT_TRUE(dex->TypeDescriptor(0xFFFF).empty());
}

TEST(Dex, OutOfBoundsTableIsDroppedWithADiagnostic) {
  auto bytes = vigie::testing::ReadBytes(Fixture("corrupt_classes.dex"));
  Diagnostics diags;
  auto dex = DexFile::Open(ByteView(bytes.data(), bytes.size()), "classes.dex", diags);
  ASSERT_TRUE(dex.ok());
  EXPECT_EQ(dex->class_count(), 0u);
  EXPECT_GT(dex->string_count(), 0u) << "the other tables stay usable";
  EXPECT_TRUE(diags.Has(ErrorCode::kDexBadSection));
  EXPECT_TRUE(diags.Has(ErrorCode::kDexChecksum));
}

TEST(Dex, TruncatedFileIsPartialNotFatal) {
  auto bytes = vigie::testing::ReadBytes(Fixture("truncated_classes.dex"));
  Diagnostics diags;
  auto dex = DexFile::Open(ByteView(bytes.data(), bytes.size()), "classes.dex", diags);
  ASSERT_TRUE(dex.ok());
  EXPECT_TRUE(diags.HasErrors());
  // Whatever survived is readable without going past the buffer (ASan checks).
  for (uint32_t i = 0; i < dex->string_count(); ++i) (void)dex->String(i);
}

TEST(Dex, RejectsBadMagicAndVersions) {
  Diagnostics diags;
  std::string not_dex(0x70, 'x');
  EXPECT_EQ(DexFile::Open(ByteView(not_dex), "x", diags).error().code, ErrorCode::kDexBadMagic);
  std::string v034 = std::string("dex\n034\0", 8) + std::string(0x68, '\0');
  EXPECT_EQ(DexFile::Open(ByteView(v034), "x", diags).error().code, ErrorCode::kDexBadVersion);
  std::string tiny = std::string("dex\n039\0", 8);
  EXPECT_EQ(DexFile::Open(ByteView(tiny), "x", diags).error().code, ErrorCode::kDexBadHeader);
}

TEST(Mutf8, DecodesNulAndSurrogatePairs) {
  // "a" NUL(C0 80) U+00E9(C3 A9) U+1F600 as a surrogate pair in MUTF-8.
  std::string in = "a\xC0\x80\xC3\xA9\xED\xA0\xBD\xED\xB8\x80";
  EXPECT_EQ(MutfToUtf8(in), std::string("a\0\xC3\xA9\xF0\x9F\x98\x80", 8));
  EXPECT_EQ(MutfToUtf8("\xED\xA0\xBD"), "\xEF\xBF\xBD");  // Lone high surrogate.
}

TEST(Descriptor, ToJavaName) {
  EXPECT_EQ(DescriptorToJavaName("Lcom/example/Foo$Bar;"), "com.example.Foo$Bar");
  EXPECT_EQ(DescriptorToJavaName("[I"), "[I");
}

}  // namespace
}  // namespace vigie::dex
