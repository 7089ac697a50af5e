// The commands of the `vigie` program, one file each, and what they share.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "vigie/model/scan_result.h"

namespace vigie::cli {

/// Process exit codes (documented in docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,           ///< Every input was read whole.
  kExitPartial = 1,      ///< Some part of an input could not be read; results are partial.
  kExitUsage = 2,        ///< Bad command line, or knowledge that cannot be loaded.
  kExitInputFailed = 3,  ///< At least one input could not be read at all.
  kExitInternal = 4,     ///< A bug in Vigie.
  kExitPolicy = 5,       ///< --policy: an app (vigie diff: what the new version adds) breaks the policy.
  kExitCompromised = 6,  ///< vigie check: an alert at level high or critical.
  kExitStore = 7,        ///< vigie corpus: the database could not be opened, written or queried.
};

/// `code` with one more input of `status` counted in: an input not read at
/// all outweighs one read in part.
inline int WithInputStatus(int code, ScanStatus status) {
  if (status == ScanStatus::kFailed) return std::max<int>(code, kExitInputFailed);
  if (status == ScanStatus::kPartial && code == kExitOk) return kExitPartial;
  return code;
}

/// `vigie scan`: its arguments after the command name. Throws UsageError.
int RunScanCommand(const std::vector<std::string_view>& args);

/// `vigie diff`: compares two versions of an app.
int RunDiffCommand(const std::vector<std::string_view>& args);

/// `vigie profile`: builds an SDK binary's structural profile.
int RunProfileCommand(const std::vector<std::string_view>& args);

/// `vigie check`: checks a phone's backup or dump for spyware.
int RunCheckCommand(const std::vector<std::string_view>& args);

/// `vigie corpus`: scans folders of apps into a database and queries it.
int RunCorpusCommand(const std::vector<std::string_view>& args);

/// The one-line summaries of the commands, for the main help.
extern const char* const kScanSummary;
extern const char* const kDiffSummary;
extern const char* const kProfileSummary;
extern const char* const kCheckSummary;
extern const char* const kCorpusSummary;

}  // namespace vigie::cli
