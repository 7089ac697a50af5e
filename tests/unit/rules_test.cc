// The rules and knowledge tables are parsed strictly: what vigie_kbc refuses
// at build time.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "test_support.h"
#include "vigie/android/permissions.h"
#include "vigie/assess/rules.h"
#include "vigie/detect/data_access.h"
#include "vigie/detect/endpoints.h"

namespace vigie::assess {
namespace {

// One rule of the given scope, conditions and title, in a rules file.
std::string RulesWith(const std::string& scope, const std::string& when, const std::string& title = "T",
                      const std::string& extra = "") {
  return R"({"schema_version":1,"rules":[{"id":"r","scope":")" + scope + R"(","when":)" + when +
         R"(,"severity":"high","summary":"S","title":")" + title + R"(","explanation":"E")" + extra + "}]}";
}

// The error a rules file gets, or "" when it parses.
std::string Error(const std::string& json) {
  const std::set<std::string> kinds = {"location", "contacts", "sms"};
  auto r = ParseRules(json, &kinds);
  return r ? "" : r.error().message;
}

TEST(Rules, BuiltinRulesParseStrictlyAgainstTheDataKinds) {
  auto text = vigie::testing::ReadBytes("data/rules.json");
  std::set<std::string> kinds;
  for (const auto& r : detect::ApiRules()) kinds.insert(r.kind);
  auto rules = ParseRules(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), &kinds);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->rules.size(), BuiltinRules().rules.size());
  EXPECT_GE(rules->rules.size(), 10u);
}

TEST(Rules, AWellFormedRuleParses) {
  EXPECT_EQ(Error(RulesWith("sdk", R"([{"vendor_flag":"data_broker"},{"reaches":"location"}])",
                            "{sdk} sends {reached} to {vendor}")),
            "");
  EXPECT_EQ(Error(RulesWith("secret", R"([{"backend":false}])", "{secret_value}", R"(,"severity_from":"secret")")),
            "");
}

TEST(Rules, WhatCannotHoldAsWrittenIsRefused) {
  EXPECT_NE(Error("{not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(Error(RulesWith("sdk", R"([{"reaches_evrything":"location"}])")).find("unknown condition 'reaches_evrything'"),
            std::string::npos);
  EXPECT_NE(Error(RulesWith("sdk", R"([{"reaches":42}])")).find("takes a data kind"), std::string::npos);
  EXPECT_NE(Error(RulesWith("app", R"([{"debuggable":"yes"}])")).find("takes true"), std::string::npos);
  EXPECT_NE(Error(RulesWith("secret", R"([{"backend":"true"}])")).find("takes true or false"), std::string::npos);
  EXPECT_NE(Error(RulesWith("sdk", R"([{"reaches":"microwave"}])")).find("unknown data kind 'microwave'"),
            std::string::npos);
  EXPECT_NE(Error(RulesWith("sdk", R"([{"vendor_flag":"evil"}])")).find("unknown value 'evil'"), std::string::npos);
  EXPECT_NE(Error(RulesWith("app", R"([{"vendor_flag":"data_broker"}])")).find("cannot hold in this scope"),
            std::string::npos);
  EXPECT_NE(Error(RulesWith("galaxy", R"([{"debuggable":true}])")).find("unknown scope"), std::string::npos);
  EXPECT_NE(Error(RulesWith("app", R"([{"debuggable":true}])", "{sdk} is debuggable")).find("{sdk} is never filled"),
            std::string::npos);
  EXPECT_NE(Error(RulesWith("app", R"([])")).find("lists no condition"), std::string::npos);
  EXPECT_NE(Error(RulesWith("app", R"([{"debuggable":true}])", "T", R"(,"severty":"low")")).find("unknown key"),
            std::string::npos);
  EXPECT_NE(Error(RulesWith("app", R"([{"debuggable":true}])", "T", R"(,"severity_from":"secret")"))
                .find("severity_from"),
            std::string::npos);
  EXPECT_NE(Error(R"({"schema_version":1,"rules":[{"id":"r","scope":"app","when":[{"debuggable":true}],)"
                  R"("severity":"dire","summary":"S","title":"T","explanation":"E"}]})")
                .find("unknown severity 'dire'"),
            std::string::npos);
  // The error names the rule.
  EXPECT_EQ(Error(RulesWith("sdk", R"([{"reaches":42}])")).rfind("rule 'r': ", 0), 0u);
}

TEST(KnowledgeTables, AreParsedStrictly) {
  EXPECT_TRUE(detect::ParseApiRules("Landroid/a/B;->c\tlocation\t-\t-\thttps://x\n").ok());
  EXPECT_FALSE(detect::ParseApiRules("Landroid/a/B;->c\tlocation\t-\t-\n").ok()) << "a column short";
  EXPECT_FALSE(detect::ParseApiRules("android.a.B.c\tlocation\t-\t-\thttps://x\n").ok()) << "not a member";
  const std::string secret = "k\tAIza\tA-Za-z0-9\t35\t35\t-\thigh\tsecret\td\ts\n";
  EXPECT_TRUE(detect::ParseSecretRules(secret).ok());
  std::string bad = secret;
  bad.replace(bad.find("high"), 4, "dire");
  EXPECT_FALSE(detect::ParseSecretRules(bad).ok()) << "unknown severity";
  bad = secret;
  bad.replace(bad.find("35\t35"), 5, "35\t3x");
  EXPECT_FALSE(detect::ParseSecretRules(bad).ok()) << "a length that is not a number";
  bad = secret;
  bad.replace(bad.find("secret\t"), 6, "maybe");
  EXPECT_FALSE(detect::ParseSecretRules(bad).ok()) << "unknown role";
  const std::string groups = "location\tLocation\nother\tOther\n";
  EXPECT_TRUE(android::ParsePermissionTables("a.B\tlocation\tdangerous\ts\n", groups).ok());
  EXPECT_FALSE(android::ParsePermissionTables("a.B\tplace\tdangerous\ts\n", groups).ok()) << "unknown group";
  EXPECT_FALSE(android::ParsePermissionTables("a.B\tlocation\tscary\ts\n", groups).ok()) << "unknown protection";
  EXPECT_FALSE(android::ParsePermissionTables("a.B\tlocation\tdangerous\ts\n", "location\tLocation\n").ok())
      << "no group for unknown permissions";
}

}  // namespace
}  // namespace vigie::assess
