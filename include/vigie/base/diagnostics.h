// Diagnostics: the record of everything odd or unreadable in one input.
// A scan never stops at the first problem; it records it here, keeps what it
// could read, and moves on. The list is capped (limits::kMaxDiagnostics).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/error.h"

namespace vigie {

/// How much of a part a diagnostic cost the report.
enum class Level : uint8_t {
  kInfo,     ///< Worth knowing; nothing was lost.
  kWarning,  ///< Unusual or hostile, but the part was read.
  kError,    ///< A part could not be read; results are partial.
};

/// "info", "warning" or "error", as reports print it.
std::string_view LevelName(Level level);

struct Diagnostic {
  Level level;
  ErrorCode code;
  std::string where;    ///< The part: "zip", "classes2.dex", "AndroidManifest.xml"...
  std::string message;  ///< One line, specific to this occurrence.
};

class Diagnostics {
 public:
  void Add(Level level, ErrorCode code, std::string where, std::string message);
  /// Records a parser Error with its offset folded into the message.
  void AddError(Level level, const Error& error, std::string where);

  const std::vector<Diagnostic>& items() const { return items_; }
  /// Diagnostics dropped after the cap was reached.
  uint64_t dropped() const { return dropped_; }
  bool HasErrors() const { return errors_ > 0; }
  bool Has(ErrorCode code) const;
  /// Adds what was recorded apart (a part read on another thread), after
  /// this list, as if it had been recorded then; the cap applies to the
  /// whole.
  void Append(Diagnostics later);

 private:
  void MarkTruncated();
  std::vector<Diagnostic> items_;
  uint64_t dropped_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace vigie
