// DEX reader tests on smali-assembled files, with Debian's dexdump as oracle.
#include "vigie/format/dex/dex_file.h"

#include <gtest/gtest.h>

#include <cstring>
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

// ReadMarkedString against the plain reading: up to the first NUL, then a
// search for each character. Every length up to 48 (three 16-byte steps and
// the byte-by-byte tail), the NUL anywhere or nowhere, and a '.' or '/' just
// before it, just after it (not part of the string) or in a later step.
TEST(Dex, MarkedStringAgreesWithThePlainReading) {
  int checked = 0;
  for (size_t size = 0; size <= 48; ++size)
    for (size_t nul = 0; nul <= size; ++nul)  // nul == size: no NUL.
      for (int mark = 0; mark < 6; ++mark) {
        std::vector<uint8_t> bytes(size, 'a');
        if (nul < size) bytes[nul] = 0;
        const char c = mark % 2 ? '/' : '.';
        const size_t at = mark < 2 ? nul - 1 : mark < 4 ? nul + 1 : nul + 17;
        if (at < size && at != nul) bytes[at] = static_cast<uint8_t>(c);
        const ByteView view(bytes.data(), bytes.size());
        const auto got = ReadMarkedString(view);
        const void* end = size ? std::memchr(bytes.data(), 0, size) : nullptr;
        ASSERT_EQ(got.has_value(), end != nullptr) << size << " " << nul;
        if (!got) continue;
        const std::string_view plain(reinterpret_cast<const char*>(bytes.data()), nul);
        EXPECT_EQ(got->text, plain);
        EXPECT_EQ(got->text.data(), plain.data());
        EXPECT_EQ(got->dot, plain.find('.') != std::string_view::npos) << size << " " << nul << " " << mark;
        EXPECT_EQ(got->slash, plain.find('/') != std::string_view::npos) << size << " " << nul << " " << mark;
        ++checked;
      }
  EXPECT_GT(checked, 5000);
}

TEST(Dex, MarkedStringsAreTheStrings) {
  for (const char* name : {"classes.dex", "classes2.dex"}) {
    const std::string path = Fixture(name);
    REQUIRE_FIXTURE(path);
    auto bytes = vigie::testing::ReadBytes(path);
    Diagnostics diags;
    auto dex = DexFile::Open(ByteView(bytes.data(), bytes.size()), name, diags);
    ASSERT_TRUE(dex.ok());
    size_t dotted = 0, slashed = 0;
    for (uint32_t i = 0; i <= dex->string_count(); ++i) {  // One past the end: nullopt from both.
      const auto plain = dex->String(i);
      const auto marked = dex->MarkedStringAt(i);
      ASSERT_EQ(plain.has_value(), marked.has_value());
      if (!plain) continue;
      EXPECT_EQ(marked->text, *plain);
      EXPECT_EQ(marked->dot, plain->find('.') != std::string_view::npos) << *plain;
      EXPECT_EQ(marked->slash, plain->find('/') != std::string_view::npos) << *plain;
      dotted += marked->dot;
      slashed += marked->slash;
    }
    EXPECT_GT(dotted, 0u);
    EXPECT_GT(slashed, 0u);
  }
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
