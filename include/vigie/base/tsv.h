// Tab-separated tables, as Vigie's embedded knowledge (data/*.tsv) is kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigie {

/// The rows of `text`, each split at tabs. Empty lines and lines starting
/// with '#' (comments) are skipped.
inline std::vector<std::vector<std::string>> ParseTsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string_view::npos; start = tab + 1)
      cols.emplace_back(line.substr(start, tab - start));
    cols.emplace_back(line.substr(start));
    rows.push_back(std::move(cols));
  }
  return rows;
}

}  // namespace vigie
