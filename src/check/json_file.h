// JSON files of an acquisition (packages.json, SMS backups), parsed into a
// tree under a size cap; a damaged one is a diagnostic naming it. Private
// to the check library.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "module.h"

namespace vigie::check {

/// The parsed text, or nullopt with a diagnostic naming `where`.
std::optional<nlohmann::json> ParseJson(ModuleContext& ctx, std::string_view text, const std::string& where);

/// A member as text: strings as they are, numbers and booleans written out,
/// anything else empty.
std::string Text(const nlohmann::json& object, std::string_view key);

/// Whether a member is the boolean true (false when absent or of another type).
bool Flag(const nlohmann::json& object, std::string_view key);

/// Adds a JSON object's members to a record, typed.
void AddFields(Record& record, const nlohmann::json& object);

}  // namespace vigie::check
