// Fuzzes the property list reader (format/plist/): binary and XML plists,
// and the NSKeyedArchiver root that Manifest.db's file records use.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigie/format/plist/plist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto value = vigie::plist::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (value) {
    (void)vigie::plist::KeyedRoot(*value);
    (void)value->truthy();
    for (const auto& [key, v] : value->dict) (void)v.Text();
  }
  return 0;
}
