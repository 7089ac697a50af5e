// Fuzzes the SDK profile reader (data/profiles, `vigie profile` output),
// the index built on what it read, its compiled form, and matching.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigie/profile/profile_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The same bytes as a compiled index: a blob never seen at build time.
  (void)vigie::profile::ProfileIndex::Decode(vigie::ByteView(text), "fuzz");
  auto profiles = vigie::profile::ParseProfiles(text, "fuzz");
  if (!profiles) return 0;
  const std::vector<vigie::profile::Profile> copy = *profiles;
  const auto built = vigie::profile::ProfileIndex::Build(std::move(*profiles));
  auto decoded = vigie::profile::ProfileIndex::Decode(vigie::ByteView(built.Encode()), "fuzz");
  if (!decoded) __builtin_trap();  // Whatever Build made, Decode reads.
  vigie::profile::ProfileIndex::Background background(*decoded);
  std::vector<vigie::profile::AppClass> classes;
  for (const auto& p : copy)
    for (const auto& c : p.classes) classes.push_back(background.Add(c.shape));
  for (const auto& c : classes) (void)decoded->Match(c, background);
  return 0;
}
