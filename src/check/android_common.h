// What MVT's Android modules share: the list of root packages, system
// properties and their checks. Private to the check library.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "module.h"

namespace vigie::check {

/// One of MVT's 25 packages of rooting tools (mvt/android/utils.py).
bool IsRootPackage(std::string_view package);

using Properties = std::vector<std::pair<std::string, std::string>>;
/// getprop's "[name]: [value]" lines, anywhere in a line; as MVT, a
/// property with an empty value is left out.
Properties ReadProperties(std::string_view text);
/// One record per property, the security patch's age (medium past 186
/// days) and each name against property indicators.
void CheckProperties(ModuleContext& ctx, const Properties& props);

}  // namespace vigie::check
