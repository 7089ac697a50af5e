#include "vigie/base/error.h"

#include <array>

#include "vigie/base/diagnostics.h"
#include "vigie/base/limits.h"

namespace vigie {
namespace {

struct CodeInfo {
  std::string_view name;
  std::string_view doc;
};

constexpr std::array kCodeInfo = {
#define VIGIE_INFO_ENTRY(e, name, doc) CodeInfo{name, doc},
    VIGIE_ERROR_CODES(VIGIE_INFO_ENTRY)
#undef VIGIE_INFO_ENTRY
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kCodeInfo.size() ? kCodeInfo[i].name : "unknown";
}

std::string_view ErrorCodeDoc(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kCodeInfo.size() ? kCodeInfo[i].doc : "unknown";
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "unknown";
}

void Diagnostics::Add(Severity severity, ErrorCode code, std::string where, std::string message) {
  if (severity == Severity::kError) ++errors_;
  if (items_.size() >= limits::kMaxDiagnostics) {
    if (dropped_++ == 0) MarkTruncated();
    return;
  }
  items_.push_back({severity, code, std::move(where), std::move(message)});
}

void Diagnostics::MarkTruncated() {
  // One marker entry says the list is incomplete; it does not count
  // against the cap so the reader always sees it.
  items_.push_back({Severity::kWarning, ErrorCode::kDiagnosticsTruncated, "report",
                    "further diagnostics were dropped"});
}

void Diagnostics::Append(Diagnostics later) {
  const uint64_t errors = errors_ + later.errors_;
  for (Diagnostic& d : later.items_)
    if (d.code != ErrorCode::kDiagnosticsTruncated) Add(d.severity, d.code, std::move(d.where), std::move(d.message));
  if (later.dropped_ > 0 && dropped_ == 0) MarkTruncated();
  dropped_ += later.dropped_;
  errors_ = errors;  // Add counted `later`'s kept errors again.
}

void Diagnostics::Prepend(Diagnostics earlier) {
  earlier.Append(std::move(*this));
  *this = std::move(earlier);
}

void Diagnostics::AddError(Severity severity, const Error& error, std::string where) {
  std::string msg = error.message;
  if (error.offset != 0) msg += " (at offset " + std::to_string(error.offset) + ")";
  Add(severity, error.code, std::move(where), std::move(msg));
}

bool Diagnostics::Has(ErrorCode code) const {
  for (const auto& d : items_)
    if (d.code == code) return true;
  return false;
}

}  // namespace vigie
