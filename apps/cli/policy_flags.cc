#include "policy_flags.h"

#include <cstdio>

#include "vigie/base/mapped_file.h"
#include "vigie/store/store.h"

namespace vigie::cli {
namespace {

// The whole text of `path`, or nullopt (with why on stderr).
std::optional<std::string> ReadText(const std::string& path, const char* flag) {
  auto file = MappedFile::Open(path);
  if (!file) {
    std::fprintf(stderr, "vigie: %s %s: %s\n", flag, path.c_str(), file.error().message.c_str());
    return std::nullopt;
  }
  return std::string(file->view().AsString());
}

}  // namespace

void PolicyArgs::AddTo(FlagSet& f) {
  f.Option({"--policy"}, "FILE",
           "Check each app against a JSON policy of denied vendors, countries, flags, SDK categories, data kinds "
           "and finding severities; a violation exits with 5 (docs/policy.md)",
           [this](std::string_view v) { policy = v; });
  f.Option({"--suppressions"}, "FILE",
           "Waive policy violations for named apps, each with a reason and an expiry date (docs/policy.md)",
           [this](std::string_view v) { suppressions = v; });
}

void PolicyGate::Apply(ScanResult& r) const {
  if (!policy) return;
  r.policy = assess::EvaluatePolicy(r, *policy, suppressions, today);
  for (const std::string& e : r.policy.expired)
    std::fprintf(stderr, "vigie: %s: suppression %s\n", r.file.path.c_str(), e.c_str());
}

std::optional<PolicyGate> LoadPolicyOrReport(const PolicyArgs& args) {
  PolicyGate gate;
  gate.today = store::UtcTimestamp().substr(0, 10);  // Expiry dates are UTC days.
  if (args.policy.empty()) {
    if (args.suppressions.empty()) return gate;
    std::fprintf(stderr, "vigie: --suppressions needs --policy\n");
    return std::nullopt;
  }
  const auto text = ReadText(args.policy, "--policy");
  if (!text) return std::nullopt;
  auto policy = assess::ParsePolicy(*text);
  if (!policy) {
    std::fprintf(stderr, "vigie: --policy %s: %s\n", args.policy.c_str(), policy.error().message.c_str());
    return std::nullopt;
  }
  gate.policy = std::move(*policy);
  if (args.suppressions.empty()) return gate;
  const auto list = ReadText(args.suppressions, "--suppressions");
  if (!list) return std::nullopt;
  auto suppressions = assess::ParseSuppressions(*list);
  if (!suppressions) {
    std::fprintf(stderr, "vigie: --suppressions %s: %s\n", args.suppressions.c_str(),
                 suppressions.error().message.c_str());
    return std::nullopt;
  }
  gate.suppressions = std::move(*suppressions);
  return gate;
}

}  // namespace vigie::cli
