// `vigie profile`: the profile of one SDK binary (JAR, AAR, DEX, or an APK
// that embeds the SDK), from the classes the KB's packages give that SDK
// (docs/renamed-code.md).
#pragma once

#include <string>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/pipeline/knowledge.h"
#include "vigie/profile/profile.h"

namespace vigie {

struct ProfileRequest {
  std::string path;
  /// KB id of the SDK; empty: the SDK whose packages hold most classes.
  std::string sdk;
  std::vector<std::string> sources;  ///< Where the binary can be found.
};

/// Reads every class of the binary (nested archives included, as a scan
/// does) and keeps the SDK's. Fails when the file cannot be read or holds
/// no class of the SDK. `knowledge` must hold signatures.
Result<profile::Profile> BuildProfile(const ProfileRequest& request, const Knowledge& knowledge);

}  // namespace vigie
