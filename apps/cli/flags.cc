#include "flags.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace vigie::cli {
namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// `text` wrapped to lines of at most `width` characters, each indented by
// `indent` spaces but the first.
std::string Wrap(std::string_view text, size_t indent, size_t width) {
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t space = text.find(' ', i);
    const std::string_view word = text.substr(i, space == std::string_view::npos ? std::string_view::npos : space - i);
    if (line > 0 && line + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    if (space == std::string_view::npos) break;
    i = space + 1;
  }
  return out;
}

}  // namespace

void FlagSet::Flag(std::vector<std::string> names, std::string help, bool* target) {
  Entry e;
  e.names = std::move(names);
  e.help = std::move(help);
  e.flag = target;
  entries_.push_back(std::move(e));
}

void FlagSet::Option(std::vector<std::string> names, std::string value_name, std::string help,
                     std::function<void(std::string_view)> set, std::vector<std::string> allowed) {
  Entry e;
  e.names = std::move(names);
  e.value_name = std::move(value_name);
  e.help = std::move(help);
  e.set = std::move(set);
  e.allowed = std::move(allowed);
  entries_.push_back(std::move(e));
}

void FlagSet::Positionals(std::string name, std::string help, std::vector<std::string>* target, bool required) {
  positional_name_ = std::move(name);
  positional_help_ = std::move(help);
  positionals_ = target;
  positionals_required_ = required;
}

const FlagSet::Entry* FlagSet::Find(std::string_view name) const {
  for (const Entry& e : entries_)
    if (std::find(e.names.begin(), e.names.end(), name) != e.names.end()) return &e;
  return nullptr;
}

void FlagSet::Apply(const Entry& e, std::string_view name, std::string_view value) const {
  if (!e.allowed.empty() && std::find(e.allowed.begin(), e.allowed.end(), value) == e.allowed.end())
    throw UsageError(std::string(name) + ": " + Quoted(value) + " is not one of " + Join(e.allowed, ", "));
  e.set(value);
}

bool FlagSet::ParseOrPrintHelp(const std::vector<std::string_view>& args) const {
  if (Parse(args)) return true;
  const std::string help = Help();
  std::fwrite(help.data(), 1, help.size(), stdout);
  return false;
}

bool FlagSet::Parse(const std::vector<std::string_view>& args) const {
  bool options_done = false;  // After "--", everything is a positional.
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      if (!positionals_) throw UsageError("unexpected argument " + Quoted(arg));
      positionals_->emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") return false;
    // "--name=value", "--name value", "-n value" or "-nvalue".
    std::string_view name = arg, value;
    bool inline_value = false;
    if (arg.substr(0, 2) == "--") {
      if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        inline_value = true;
      }
    } else if (arg.size() > 2) {
      name = arg.substr(0, 2);
      value = arg.substr(2);
      inline_value = true;
    }
    const Entry* e = Find(name);
    if (!e) throw UsageError("unknown option " + Quoted(name));
    if (e->flag) {
      if (inline_value) throw UsageError(std::string(name) + " takes no value");
      *e->flag = true;
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) throw UsageError(std::string(name) + " needs a value: " + e->value_name);
      value = args[++i];
    }
    Apply(*e, name, value);
  }
  if (positionals_required_ && positionals_ && positionals_->empty())
    throw UsageError("missing " + positional_name_ + ": " + positional_help_);
  return true;
}

std::string FlagSet::Help() const {
  constexpr size_t kColumn = 30, kWidth = 100;
  std::string out = summary_ + "\nUsage: " + usage_ + "\n";
  if (positionals_) {
    out += "\nPositionals:\n";
    std::string left = "  " + positional_name_ + (positionals_required_ ? " (required)" : "");
    out += left + std::string(left.size() < kColumn ? kColumn - left.size() : 1, ' ') +
           Wrap(positional_help_, kColumn, kWidth - kColumn) + "\n";
  }
  out += "\nOptions:\n";
  auto row = [&](std::string left, const std::string& help) {
    left = "  " + left;
    if (left.size() + 1 > kColumn) {
      out += left + "\n" + std::string(kColumn, ' ');
    } else {
      out += left + std::string(kColumn - left.size(), ' ');
    }
    out += Wrap(help, kColumn, kWidth - kColumn) + "\n";
  };
  row("-h, --help", "Print this help and exit");
  for (const Entry& e : entries_) {
    std::string left = Join(e.names, ", ");
    if (!e.value_name.empty()) left += " " + (e.allowed.empty() ? e.value_name : Join(e.allowed, "|"));
    row(std::move(left), e.help);
  }
  return out;
}

unsigned ParseUnsigned(std::string_view flag, std::string_view value, unsigned lo, unsigned hi) {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < lo || n > hi)
    throw UsageError(std::string(flag) + ": " + Quoted(value) + " is not a number from " + std::to_string(lo) +
                     " to " + std::to_string(hi));
  return n;
}

}  // namespace vigie::cli
