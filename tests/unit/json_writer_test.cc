#include "vigie/report/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace vigie::report {
namespace {

// nlohmann's dump(), with the settings the JSON report was first written
// with, is the oracle for layout and for escaping.
std::string Oracle(const nlohmann::ordered_json& j, bool pretty) {
  return j.dump(pretty ? 2 : -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string Written(std::string_view s) {
  JsonWriter w(false);
  w.String(s);
  return w.Take();
}

TEST(JsonWriter, EscapesLikeNlohmann) {
  const std::string cases[] = {
      "plain",          "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 end", 9),
      "\x01\x1f\x7f",   "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
      "\xFF",           "\x80",  "\xC0\xAF",     "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80",
      "\xE2\x82",       "\xE2\x82" "A", "\xE2\n",  "\xF0\x9F\x98", "\xC3",         "a\xC3\xC3\xA9",
  };
  for (const std::string& s : cases) EXPECT_EQ(Written(s), Oracle(s, false)) << s;
}

// Random bytes, weighted towards UTF-8 lead and continuation bytes, so that
// every kind of broken sequence turns up.
TEST(JsonWriter, RandomBytesEscapeLikeNlohmann) {
  std::mt19937 rng(20261123);
  const unsigned char pool[] = {'a', '"', '\\', '\n', 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(pool[rng() % sizeof pool]);
    ASSERT_EQ(Written(s), Oracle(s, false)) << ::testing::PrintToString(s);
  }
}

TEST(JsonWriter, LayoutMatchesNlohmannPrettyAndCompact) {
  nlohmann::ordered_json j;
  j["a"] = 1;
  j["neg"] = -7;
  j["big"] = uint64_t{18446744073709551615u};
  j["t"] = true;
  j["n"] = nullptr;
  j["empty_obj"] = nlohmann::ordered_json::object();
  j["empty_arr"] = nlohmann::ordered_json::array();
  j["list"] = {"x", "y"};
  j["nested"] = {{"k", nlohmann::ordered_json::array({nlohmann::ordered_json::object(), 2})}};
  for (bool pretty : {true, false}) {
    JsonWriter w(pretty);
    w.BeginObject().Field("a", 1).Field("neg", -7).Field("big", uint64_t{18446744073709551615u});
    w.Field("t", true).Field("n", nullptr);
    w.Key("empty_obj").BeginObject().EndObject();
    w.Key("empty_arr").BeginArray().EndArray();
    w.Field("list", std::vector<std::string>{"x", "y"});
    w.Key("nested").BeginObject().Key("k").BeginArray().BeginObject().EndObject().Number(2).EndArray().EndObject();
    w.EndObject();
    EXPECT_EQ(w.Take(), Oracle(j, pretty));
  }
}

TEST(JsonWriter, OptionalAndEmptyStringsBecomeNull) {
  JsonWriter w(false);
  w.BeginObject().Field("o", std::optional<int>{}).Field("s", std::optional<std::string>{"v"});
  w.StringOrNull("e", "").StringOrNull("f", "x").EndObject();
  EXPECT_EQ(w.Take(), R"({"o":null,"s":"v","e":null,"f":"x"})");
}

}  // namespace
}  // namespace vigie::report
