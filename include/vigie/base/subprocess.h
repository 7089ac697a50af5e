// Running another program with some bytes on its standard input and taking
// what it writes on its standard output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigie {

/// What RunProgram gives back.
struct ProgramRun {
  bool ok = false;      ///< The program ran and exited with status 0.
  std::string output;   ///< Its standard output, up to the cap.
  std::string failure;  ///< Why not ok: the program could not start, its exit status, or too much output.
};

/// Runs `path` (no arguments) with `input` on its standard input and its
/// standard output taken, at most `max_output` bytes of it, and waits for it
/// to end. Its standard error is this process's. Input and output flow at
/// once, so the program may write while it reads.
ProgramRun RunProgram(const std::string& path, std::string_view input, uint64_t max_output);

}  // namespace vigie
