// Fuzzes the whole pipeline on one in-memory input, reports included: the
// scan `vigie scan --deep` runs, with the built-in knowledge.
#include <cstddef>
#include <cstdint>

#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const vigie::ScanOptions options = [] {
    vigie::ScanOptions o;
    o.knowledge = *vigie::LoadKnowledge({});
    o.deep = true;
    return o;
  }();
  vigie::ScanResult r = vigie::ScanBytes(vigie::ByteView(data, size), "fuzz.apk", options);
  (void)vigie::report::ToJson(r, vigie::report::JsonStyle::kSingleLine);
  (void)vigie::report::ToText(r, {});
  return 0;
}
