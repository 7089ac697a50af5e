// Fuzzes the SDK profile reader (data/profiles, `vigie profile` output) and
// the index and matching built on what it read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigie/profile/profile_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto profiles = vigie::profile::ParseProfiles(text, "fuzz");
  if (!profiles) return 0;
  const auto index = vigie::profile::ProfileIndex::Build(std::move(*profiles));
  vigie::profile::ProfileIndex::Background background;
  for (const auto& p : index.profiles())
    for (const auto& c : p.classes) background.Add(c.shape);
  for (const auto& p : index.profiles())
    for (const auto& c : p.classes) (void)index.Match(c.shape, background);
  return 0;
}
