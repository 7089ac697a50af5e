#include "json_file.h"

#include "vigie/base/limits.h"

namespace vigie::check {

std::optional<nlohmann::json> ParseJson(ModuleContext& ctx, std::string_view text, const std::string& where) {
  if (text.size() > limits::kMaxAcquisitionJsonBytes) {
    ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionTooLarge, where,
                          std::to_string(text.size()) + " bytes of JSON: over limits::kMaxAcquisitionJsonBytes, not read");
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ctx.diagnostics().Add(Level::kError, ErrorCode::kAcquisitionMalformed, where, "not valid JSON");
    return std::nullopt;
  }
  return j;
}

std::string Text(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number()) return it->dump();
  return {};
}

bool Flag(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return false;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

void AddFields(Record& record, const nlohmann::json& object) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.items()) {
    if (value.is_string()) record.Set(key, value.get<std::string>());
    else if (value.is_boolean()) record.SetBool(key, value.get<bool>());
    else if (value.is_number_integer()) record.SetNumber(key, value.get<int64_t>());
    else if (value.is_null()) record.SetNull(key);
    else record.Set(key, value.dump());
  }
}

}  // namespace vigie::check
