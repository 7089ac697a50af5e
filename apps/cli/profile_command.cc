// `vigie profile`: builds the structural profile of one SDK binary, for
// data/profiles/ (docs/renamed-code.md).
#include <cstdio>

#include "commands.h"
#include "flags.h"
#include "vigie/pipeline/profile_builder.h"

namespace vigie::cli {

const char* const kProfileSummary = "Build an SDK's structural profile from its binary (JAR, AAR, DEX, APK)";

int RunProfileCommand(const std::vector<std::string_view>& args) {
  ProfileRequest request;
  std::string output;
  std::vector<std::string> inputs;
  FlagSet flags("vigie profile [OPTIONS] SDK.jar|.aar|.dex|.apk", kProfileSummary);
  flags.Option({"--sdk"}, "ID",
               "The KB id of the SDK to profile (default: the SDK whose packages hold most of the binary's classes)",
               [&](std::string_view v) { request.sdk = v; });
  flags.Option({"--source"}, "URL", "Where the binary can be found; repeatable, at least one for data/profiles/",
               [&](std::string_view v) { request.sources.emplace_back(v); });
  flags.Option({"-o", "--output"}, "FILE", "Write the profile there instead of stdout",
               [&](std::string_view v) { output = v; });
  flags.Positionals("BINARY", "The SDK binary", &inputs, /*required=*/true);
  if (!flags.ParseOrPrintHelp(args)) return kExitOk;
  if (inputs.size() != 1) throw UsageError("vigie profile takes one binary");
  request.path = inputs[0];
  KnowledgeSpec spec;
  spec.profiles = false;  // A profile is built from names, not from other profiles.
  auto knowledge = LoadKnowledge(spec);
  if (!knowledge) {
    std::fprintf(stderr, "vigie: %s\n", knowledge.error().message.c_str());
    return kExitUsage;
  }
  auto profile = BuildProfile(request, *knowledge);
  if (!profile) {
    std::fprintf(stderr, "vigie: %s [%s]\n", profile.error().message.c_str(),
                 std::string(ErrorCodeName(profile.error().code)).c_str());
    return kExitInputFailed;
  }
  const std::string text = "# Built by `vigie profile` from " + profile->binary + ": " +
                           std::to_string(profile->classes.size()) + " classes of " + profile->sdk + ".\n" +
                           profile::WriteProfile(*profile);
  std::FILE* out = output.empty() ? stdout : std::fopen(output.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "vigie: cannot write %s\n", output.c_str());
    return kExitUsage;
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if (out != stdout && std::fclose(out) != 0) return kExitUsage;
  return written ? kExitOk : kExitUsage;
}

}  // namespace vigie::cli
