// The command line's flags: each declared once with its help text, parsed,
// and described in --help. A command's FlagSet fills its raw arguments,
// which the command then validates into its configuration.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::cli {

/// A bad command line: the message names the flag or value at fault.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The options and positional arguments of one command.
class FlagSet {
 public:
  /// `usage`: the synopsis line under "Usage:", e.g. "vigie scan [OPTIONS] FILE...".
  FlagSet(std::string usage, std::string summary) : usage_(std::move(usage)), summary_(std::move(summary)) {}

  /// A boolean flag, e.g. {"--deep"}.
  void Flag(std::vector<std::string> names, std::string help, bool* target);
  /// An option taking one value, e.g. {"-f", "--format"}. `set` sees each
  /// occurrence's value and throws UsageError to reject it. `allowed`, when
  /// not empty, is the list of accepted values (checked before `set`).
  void Option(std::vector<std::string> names, std::string value_name, std::string help,
              std::function<void(std::string_view)> set, std::vector<std::string> allowed = {});
  /// Where the positional arguments go; `name` is shown in the help.
  void Positionals(std::string name, std::string help, std::vector<std::string>* target, bool required);

  /// Parses args (without the program and command names). Throws
  /// UsageError. Returns false when -h/--help was given: the caller prints
  /// Help() and stops.
  bool Parse(const std::vector<std::string_view>& args) const;
  /// Parse(), printing Help() on standard output when -h/--help was given
  /// (then false: the command stops, successfully).
  bool ParseOrPrintHelp(const std::vector<std::string_view>& args) const;
  std::string Help() const;

 private:
  struct Entry {
    std::vector<std::string> names;
    std::string value_name;  // Empty: a boolean flag.
    std::string help;
    bool* flag = nullptr;
    std::function<void(std::string_view)> set;
    std::vector<std::string> allowed;
  };
  const Entry* Find(std::string_view name) const;
  void Apply(const Entry& e, std::string_view name, std::string_view value) const;

  std::string usage_, summary_;
  std::vector<Entry> entries_;
  std::string positional_name_, positional_help_;
  std::vector<std::string>* positionals_ = nullptr;
  bool positionals_required_ = false;
};

/// Parses an unsigned decimal in [lo, hi]; UsageError naming `flag` otherwise.
unsigned ParseUnsigned(std::string_view flag, std::string_view value, unsigned lo, unsigned hi);

}  // namespace vigie::cli
