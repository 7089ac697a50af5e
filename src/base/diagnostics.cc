#include "vigie/base/diagnostics.h"

#include "vigie/base/limits.h"

namespace vigie {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "unknown";
}

void Diagnostics::Add(Level level, ErrorCode code, std::string where, std::string message) {
  if (level == Level::kError) ++errors_;
  if (items_.size() >= limits::kMaxDiagnostics) {
    if (dropped_++ == 0) MarkTruncated();
    return;
  }
  items_.push_back({level, code, std::move(where), std::move(message)});
}

void Diagnostics::MarkTruncated() {
  // One marker entry says the list is incomplete; it does not count
  // against the cap so the reader always sees it.
  items_.push_back({Level::kWarning, ErrorCode::kDiagnosticsTruncated, "report",
                    "further diagnostics were dropped"});
}

void Diagnostics::Append(Diagnostics later) {
  const uint64_t errors = errors_ + later.errors_;
  for (Diagnostic& d : later.items_)
    if (d.code != ErrorCode::kDiagnosticsTruncated) Add(d.level, d.code, std::move(d.where), std::move(d.message));
  if (later.dropped_ > 0 && dropped_ == 0) MarkTruncated();
  dropped_ += later.dropped_;
  errors_ = errors;  // Add counted `later`'s kept errors again.
}

void Diagnostics::AddError(Level level, const Error& error, std::string where) {
  std::string msg = error.message;
  if (error.offset != 0) msg += " (at offset " + std::to_string(error.offset) + ")";
  Add(level, error.code, std::move(where), std::move(msg));
}

bool Diagnostics::Has(ErrorCode code) const {
  for (const auto& d : items_)
    if (d.code == code) return true;
  return false;
}

}  // namespace vigie
