// Reading the optional fields of the JSON knowledge files Vigie imports
// (its KB, Exodus' export, vendors, entity lists): a field that is missing
// or of another type reads as empty, and each importer decides what an
// empty field means. Include only from the .cc files that parse JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vigie::json {

using Json = nlohmann::json;

/// j[key] when it is a string, else "".
inline std::string String(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The strings of the array j[key]; other items, or another type, are left out.
inline std::vector<std::string> Strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

/// j[key] when it is an object, else an empty object.
inline const Json& Object(const Json& j, const char* key) {
  static const Json kEmpty = Json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace vigie::json
