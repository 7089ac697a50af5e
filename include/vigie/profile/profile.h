// SDK profiles: the class shapes of one SDK binary (a JAR, AAR or DEX),
// with where the binary came from (docs/renamed-code.md). `vigie profile`
// writes them; data/profiles/ ships them as text:
//
//   # comment
//   vigie-profile 1
//   sdk pushwoosh
//   binary pushwoosh_v6.7.58.aar
//   sha256 3ecbee...
//   source https://github.com/...        (zero or more)
//   class com.pushwoosh.Pushwoosh <features>
//
// where <features> is the class's shape, each hash as 11 base64url digits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/profile/class_shape.h"

namespace vigie::profile {

struct ProfileClass {
  std::string name;  ///< Its name in the SDK binary, dotted.
  Shape shape;
};

struct Profile {
  std::string sdk;     ///< KB id of the SDK.
  std::string binary;  ///< File name of the binary it was built from.
  std::string sha256;  ///< Of that binary.
  std::vector<std::string> sources;  ///< Where the binary can be found.
  std::vector<ProfileClass> classes;
};

/// Parses one profile; `where` names it in errors.
Result<Profile> ParseProfile(std::string_view text, std::string_view where);
/// Parses profiles written one after another (each from its
/// "vigie-profile" line), as vigie_kbc bundles data/profiles/.
Result<std::vector<Profile>> ParseProfiles(std::string_view text, std::string_view where);
/// Writes `p` in the format ParseProfile reads.
std::string WriteProfile(const Profile& p);

}  // namespace vigie::profile
