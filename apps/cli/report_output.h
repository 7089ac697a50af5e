// Where a command's report goes, and whether it is coloured: shared by the
// commands that write reports.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "flags.h"

namespace vigie::cli {

/// The report's destination: the file -o names, or standard output.
class ReportOutput {
 public:
  /// Opens `path` for writing (empty: standard output); prints why it
  /// cannot and returns false (exit 2).
  bool Open(const std::string& path);
  std::FILE* get() const { return file_ ? file_.get() : stdout; }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, std::fclose};
};

/// Declares -o/--output FILE and --color WHEN, filling `output` and `color`.
void AddReportOutputFlags(FlagSet& flags, std::string& output, std::string& color);

/// --color WHEN (auto, always, never) for a report written to `path`
/// (empty: standard output): auto colours a terminal unless NO_COLOR is set.
bool WantsColor(std::string_view when, const std::string& path);

}  // namespace vigie::cli
