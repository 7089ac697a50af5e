// Fuzzes the whole pipeline on one in-memory input, reports included.
#include <cstddef>
#include <cstdint>

#include "vigie/analysis/scanner.h"
#include "vigie/report/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigie::ScanResult r = vigie::ScanBytes(vigie::ByteView(data, size), "fuzz.apk");
  (void)vigie::report::ToJson(r, vigie::report::JsonStyle::kSingleLine);
  (void)vigie::report::ToText(r, {});
  return 0;
}
