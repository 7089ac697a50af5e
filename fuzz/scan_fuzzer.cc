// Fuzzes the whole pipeline on one in-memory input, reports included.
#include <cstddef>
#include <cstdint>

#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"
#include "vigie/sig/sdk_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // With the built-in KB, so SDK detection (class names, strings, hosts,
  // class files) is fuzzed too, and with --deep (assets, native libraries).
  static const vigie::ScanOptions options = [] {
    vigie::ScanOptions o;
    o.matcher = *vigie::sig::SdkMatcher::Compile(*vigie::sig::LoadBuiltinKb());
    o.deep = true;
    return o;
  }();
  vigie::ScanResult r = vigie::ScanBytes(vigie::ByteView(data, size), "fuzz.apk", options);
  (void)vigie::report::ToJson(r, vigie::report::JsonStyle::kSingleLine);
  (void)vigie::report::ToText(r, {});
  return 0;
}
