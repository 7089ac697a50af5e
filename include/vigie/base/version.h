#pragma once

namespace vigie {
/// Vigie's release version (semantic versioning).
inline constexpr char kVersion[] = "0.1.0";
}  // namespace vigie
