// Fuzzes the policy gate's readers (`--policy`, `--suppressions`): the first
// byte picks which, and what parses is evaluated against a small app with
// one SDK whose vendor has ties, flags and data access.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigie/assess/policy.h"

namespace {

vigie::ScanResult App() {
  vigie::ScanResult r;
  r.manifest.identity.package = "org.example";
  vigie::SdkFinding sdk;
  sdk.id = "vigie:x";
  sdk.name = "X";
  sdk.vendor = "x";
  sdk.confidence = vigie::Confidence::kHigh;
  sdk.categories = {"location"};
  vigie::Vendor v;
  v.id = "x";
  v.name = "X Inc.";
  v.jurisdictions = {{"RU", {"headquarters"}}, {"US", {"registration"}}};
  v.flags = {"data_broker"};
  sdk.vendor_info = v;
  vigie::DataAccess a;
  a.kind = "location";
  a.apis = {"LocationManager.getLastKnownLocation"};
  a.usable = true;
  sdk.data_access.push_back(a);
  r.sdks.push_back(sdk);
  r.findings.push_back({"location-to-data-broker", vigie::Severity::kHigh, "t", "e", "vigie:x", {"sdk: X"}});
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const vigie::ScanResult app = App();
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    if (auto s = vigie::assess::ParseSuppressions(text)) {
      vigie::assess::Policy deny_all;
      deny_all.vendors = {"x"};
      deny_all.findings_at = vigie::Severity::kInfo;
      vigie::assess::EvaluatePolicy(app, deny_all, *s, "2026-12-06");
    }
    return 0;
  }
  if (auto p = vigie::assess::ParsePolicy(text)) vigie::assess::EvaluatePolicy(app, *p, {}, "2026-12-06");
  return 0;
}
