// Fuzzes the Android backup reader of `vigie check` (acquisition/): the
// .ab header, AES-256 key unwrapping, zlib and tar, and the members read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigie/acquisition/android_backup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  vigie::Diagnostics diags;
  // The password makes the AES path reachable; its PBKDF2 rounds are capped
  // (limits::kMaxBackupKdfRounds).
  auto tree = vigie::acquisition::ReadAndroidBackup(bytes, "fuzz.ab", "123456", diags);
  if (tree)
    for (const auto& f : tree->files()) (void)tree->Read(f, diags);
  std::vector<std::pair<vigie::acquisition::FileEntry, std::string>> members;
  (void)vigie::acquisition::ReadTar(bytes, members);
  return 0;
}
