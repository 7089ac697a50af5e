#include "report_output.h"

#include <unistd.h>

#include <cstdlib>

namespace vigie::cli {

bool ReportOutput::Open(const std::string& path) {
  if (path.empty()) return true;
  file_.reset(std::fopen(path.c_str(), "wb"));
  if (!file_) std::fprintf(stderr, "vigie: cannot write %s\n", path.c_str());
  return file_ != nullptr;
}

void AddReportOutputFlags(FlagSet& f, std::string& output, std::string& color) {
  f.Option({"-o", "--output"}, "FILE", "Write the report to FILE instead of standard output",
           [&output](std::string_view v) { output = v; });
  f.Option({"--color"}, "WHEN", "Colour text output: auto, always, never", [&color](std::string_view v) { color = v; },
           {"auto", "always", "never"});
}

bool WantsColor(std::string_view when, const std::string& path) {
  const bool tty = path.empty() && ::isatty(STDOUT_FILENO);
  return when == "always" || (when == "auto" && tty && !std::getenv("NO_COLOR"));
}

}  // namespace vigie::cli
