// Loading the signature databases off the critical path.
//
// Loading and compiling the databases takes a millisecond or two, as long
// as reading a small app. A MatcherSource lets the scan's helper thread
// (scanner.cc) load them while the scan opens the package, reads its
// manifest and inflates its code; the scan asks for the matcher only when
// it first needs it. Whoever asks first does the loading (std::call_once),
// so a helper that starts late never makes the scan wait longer than
// loading it itself would.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vigie/base/error.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::sig {

/// Which databases to load.
struct SignatureSpec {
  bool builtin_kb = true;  ///< Vigie's knowledge base (data/sdk_kb.json).
  /// Imports, in order: (format, path), e.g. ("exodus", "trackers.json").
  std::vector<std::pair<std::string, std::string>> imports;

  bool empty() const { return !builtin_kb && imports.empty(); }
};

/// Loads and compiles `spec`. Fails with the first database that cannot be
/// read or compiled, naming it.
Result<std::shared_ptr<const SdkMatcher>> LoadMatcher(const SignatureSpec& spec);

/// A matcher loaded once, on first request, by whichever thread asks first.
class MatcherSource {
 public:
  explicit MatcherSource(SignatureSpec spec) : spec_(std::move(spec)) {}

  /// The matcher, loading it if nobody has yet; null when loading failed
  /// (error() says why). Thread-safe.
  std::shared_ptr<const SdkMatcher> Get();
  /// Why Get() returned null. Call after Get().
  const Error& error() const { return error_; }
  /// Whether loading has finished (never blocks).
  bool loaded() const { return loaded_.load(std::memory_order_acquire); }
  /// Whether loading has finished and failed (never blocks).
  bool failed() const { return failed_.load(std::memory_order_acquire); }

 private:
  SignatureSpec spec_;
  std::once_flag once_;
  std::shared_ptr<const SdkMatcher> matcher_;
  Error error_;
  std::atomic<bool> loaded_{false}, failed_{false};
};

}  // namespace vigie::sig
