// Fuzzes the readers of compiled knowledge: the signature database (VSDB,
// also read back from the user's cache directory) and the vendor database
// (VVDB, whose records are decoded one by one as they are found). The first
// byte picks the reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vigie/intel/vendors.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/sdk_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const vigie::ByteView bytes(data + 1, size - 1);
  if (data[0] & 1) {
    auto vendors = vigie::intel::VendorDb::Open(bytes);
    if (vendors) {
      // Every id of a whole decode, and some that are not there.
      if (auto all = vigie::intel::DecodeVendors(bytes))
        for (const auto& v : *all) (*vendors)->Find(v.id);
      (*vendors)->Find("xmode");
      (*vendors)->Find("");
    }
    return 0;
  }
  auto db = vigie::sig::DecodeDb(bytes);
  if (db && db->sdks.size() < 4096) {
    // What a decoded database is for: a matcher, walked once. Regexes are
    // vectorscan's to parse, and compiling them would write to the cache.
    for (auto& s : db->sdks) s.code_regexes.clear();
    if (auto matcher = vigie::sig::SdkMatcher::Compile(std::move(*db))) {
      vigie::sig::MatchSession session(**matcher);
      session.MatchDefinedClass("Lcom/appsflyer/AppsFlyerLib;", [](uint32_t) {});
      (*matcher)->MatchHost("t.appsflyer.com", [](uint32_t, bool) {});
    }
  }
  return 0;
}
