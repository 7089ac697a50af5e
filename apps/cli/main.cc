// vigie: the command-line front end. main() picks the command; each command
// lives in a file of its own and parses its flags in two stages (flags.h).
#include <cstdio>
#include <stdexcept>
#include <string>

#include "commands.h"
#include "flags.h"
#include "vigie/base/version.h"

namespace {

using namespace vigie::cli;

std::string MainHelp() {
  return std::string("Vigie: offline privacy auditor for mobile apps\n"
                     "Usage: vigie scan [OPTIONS] FILE...\n"
                     "       vigie diff [OPTIONS] OLD NEW\n"
                     "       vigie profile [OPTIONS] SDK.jar|.aar|.dex|.apk\n"
                     "       vigie check [OPTIONS] INPUT\n"
                     "       vigie corpus scan|query|slurm [OPTIONS] ...\n"
                     "       vigie --version\n"
                     "       vigie --help\n"
                     "\n"
                     "Commands:\n"
                     "  scan                        ") +
         kScanSummary + "\n  diff                        " + kDiffSummary + "\n  profile                     " +
         kProfileSummary +
         "\n  check                       " + kCheckSummary + "\n  corpus                      " + kCorpusSummary +
         "\n\nRun 'vigie COMMAND --help' (e.g. 'vigie scan --help', 'vigie corpus scan --help') for their options.\n";
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "vigie: %s\nRun 'vigie --help' or 'vigie scan --help' for more information.\n", message.c_str());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("a command is required");
  if (args[0] == "--version") {
    if (vigie::kBuildId[0]) std::printf("vigie %s (%s)\n", vigie::kVersion, vigie::kBuildId);
    else std::printf("vigie %s\n", vigie::kVersion);
    return kExitOk;
  }
  if (args[0] == "-h" || args[0] == "--help") {
    const std::string help = MainHelp();
    std::fwrite(help.data(), 1, help.size(), stdout);
    return kExitOk;
  }
  try {
    if (args[0] == "scan") return RunScanCommand({args.begin() + 1, args.end()});
    if (args[0] == "diff") return RunDiffCommand({args.begin() + 1, args.end()});
    if (args[0] == "profile") return RunProfileCommand({args.begin() + 1, args.end()});
    if (args[0] == "check") return RunCheckCommand({args.begin() + 1, args.end()});
    if (args[0] == "corpus") return RunCorpusCommand({args.begin() + 1, args.end()});
    return Usage("unknown command '" + std::string(args[0]) + "'");
  } catch (const UsageError& e) {
    return Usage(e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
