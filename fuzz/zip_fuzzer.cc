// Fuzzes the ZIP reader: open, then extract every entry under the caps.
#include <cstddef>
#include <cstdint>

#include "vigie/zip/extractor.h"
#include "vigie/zip/zip_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigie::Diagnostics diags;
  auto archive = vigie::zip::Archive::Open(vigie::ByteView(data, size), "zip", diags);
  if (!archive) return 0;
  vigie::zip::Extractor extractor;
  vigie::ByteBuffer storage;
  for (const auto& e : archive->entries()) {
    auto content = extractor.Extract(*archive, e, storage, diags);
    (void)content;
  }
  return 0;
}
