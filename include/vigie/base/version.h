#pragma once

namespace vigie {
/// Vigie's release version (semantic versioning).
inline constexpr char kVersion[] = "0.1.0";
/// The commit this build came from ("20688c4", "20688c4-dirty"), or ""
/// when it was built outside a git checkout.
extern const char kBuildId[];
}  // namespace vigie
