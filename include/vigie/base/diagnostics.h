// Diagnostics: the record of everything odd or unreadable in one input.
// A scan never stops at the first problem; it records it here, keeps what it
// could read, and moves on. The list is capped (limits::kMaxDiagnostics).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigie/base/error.h"

namespace vigie {

enum class Severity : uint8_t {
  kInfo,     ///< Worth knowing; nothing was lost.
  kWarning,  ///< Unusual or hostile, but the part was read.
  kError,    ///< A part could not be read; results are partial.
};

std::string_view SeverityName(Severity s);

struct Diagnostic {
  Severity severity;
  ErrorCode code;
  std::string where;    ///< The part: "zip", "classes2.dex", "AndroidManifest.xml"...
  std::string message;  ///< One line, specific to this occurrence.
};

class Diagnostics {
 public:
  void Add(Severity severity, ErrorCode code, std::string where, std::string message);
  /// Records a parser Error with its offset folded into the message.
  void AddError(Severity severity, const Error& error, std::string where);

  const std::vector<Diagnostic>& items() const { return items_; }
  /// Diagnostics dropped after the cap was reached.
  uint64_t dropped() const { return dropped_; }
  bool HasErrors() const { return errors_ > 0; }
  bool Has(ErrorCode code) const;
  /// Adds what was recorded apart (e.g. on another thread), after this
  /// list or before it, as if it had been recorded then; the cap applies to
  /// the whole.
  void Append(Diagnostics later);
  void Prepend(Diagnostics earlier);

 private:
  void MarkTruncated();
  std::vector<Diagnostic> items_;
  uint64_t dropped_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace vigie
