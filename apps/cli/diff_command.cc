// `vigie diff OLD NEW`: two versions of an app, scanned with the same
// knowledge, and what the new one adds or drops. With --policy its exit code
// is the gate's on what the new version adds alone.
#include <cstdio>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "knowledge_flags.h"
#include "policy_flags.h"
#include "report_output.h"
#include "vigie/assess/app_diff.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/report/report.h"

namespace vigie::cli {

const char* const kDiffSummary = "Compare two versions of an app: SDKs, data access, recipients, permissions, "
                                 "endpoints and findings added or dropped";

namespace {

struct RawArgs {
  std::vector<std::string> inputs;
  KnowledgeArgs knowledge;
  PolicyArgs policy;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
};

FlagSet DiffFlags(RawArgs& raw) {
  FlagSet f("vigie diff [OPTIONS] OLD NEW", kDiffSummary);
  f.Positionals("OLD NEW", "The two versions, older first", &raw.inputs, /*required=*/true);
  f.Option({"-f", "--format"}, "FORMAT", "Output format: text (default), json, or html (a self-contained page)",
           [&](std::string_view v) { raw.format = v; }, {"text", "json", "html"});
  AddReportOutputFlags(f, raw.output, raw.color);
  raw.policy.AddTo(f);
  raw.knowledge.AddTo(f);
  return f;
}

}  // namespace

int RunDiffCommand(const std::vector<std::string_view>& args) {
  RawArgs raw;
  const FlagSet flags = DiffFlags(raw);
  if (!flags.ParseOrPrintHelp(args)) return kExitOk;
  if (raw.inputs.size() != 2) throw UsageError("vigie diff takes two files, the old version and the new one");
  KnowledgeSpec spec;
  ScanOptions scan;
  raw.knowledge.Apply(spec, scan);
  const Knowledge* knowledge = LoadKnowledgeOrReport(spec);
  if (!knowledge) return kExitUsage;
  scan.knowledge = *knowledge;
  const std::optional<PolicyGate> gate = LoadPolicyOrReport(raw.policy);
  if (!gate) return kExitUsage;

  // The two scans run side by side; each reads its DEX files on its own.
  ScanResult old_scan, new_scan;
  {
    std::jthread other([&] { old_scan = ScanFile(raw.inputs[0], scan); });
    new_scan = ScanFile(raw.inputs[1], scan);
  }
  gate->Apply(old_scan);
  gate->Apply(new_scan);
  const AppDiff diff = assess::Compare(old_scan, new_scan);

  ReportOutput output;
  if (!output.Open(raw.output)) return kExitUsage;
  const std::string out = raw.format == "json"   ? report::ToDiffJson(diff)
                          : raw.format == "html" ? report::ToDiffHtml(diff)
                                                 : report::ToDiffText(diff, {WantsColor(raw.color, raw.output)});
  std::fwrite(out.data(), 1, out.size(), output.get());

  int code = kExitOk;
  for (const ScanResult* r : {&old_scan, &new_scan}) {
    if (r->status == ScanStatus::kFailed) std::fprintf(stderr, "vigie: %s: could not be read\n", r->file.path.c_str());
    code = WithInputStatus(code, r->status);
  }
  // A gate fails only on what the new version adds.
  if (diff.violated()) code = kExitPolicy;
  return code;
}

}  // namespace vigie::cli
