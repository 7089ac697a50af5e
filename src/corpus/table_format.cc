// A question's answer as people and programs read it.
#include <algorithm>
#include <cstdio>

#include "vigie/corpus/corpus.h"

namespace vigie::corpus {
namespace {

// Longest cell shown in the aligned table; CSV and JSON lines keep all.
constexpr size_t kMaxTableCell = 60;

void CsvCell(std::string& out, const std::optional<std::string>& cell) {
  if (!cell) return;
  if (cell->find_first_of(",\"\r\n") == std::string::npos) {
    out += *cell;
    return;
  }
  out += '"';
  for (char c : *cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void JsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Characters on screen, counting a UTF-8 sequence as one.
size_t Width(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// `s` cut to `width` characters on screen, on a character boundary, with
// control characters shown as '?': a stored name cannot move the cursor.
std::string Shown(std::string_view s, size_t width) {
  const size_t keep = Width(s) <= width ? s.size() : width - 1;  // Characters kept, then "…".
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && chars++ == keep) {
      out += "…";
      break;
    }
    out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::string FormatTable(const store::Table& table, TableFormat format) {
  std::string out;
  const size_t n = table.columns.size();
  switch (format) {
    case TableFormat::kCsv:
      for (size_t c = 0; c < n; ++c) {
        if (c) out += ',';
        CsvCell(out, table.columns[c]);
      }
      out += "\r\n";
      for (const auto& row : table.rows) {
        for (size_t c = 0; c < n; ++c) {
          if (c) out += ',';
          CsvCell(out, row[c]);
        }
        out += "\r\n";
      }
      return out;
    case TableFormat::kJsonl:
      for (const auto& row : table.rows) {
        out += '{';
        for (size_t c = 0; c < n; ++c) {
          if (c) out += ',';
          JsonString(out, table.columns[c]);
          out += ':';
          if (row[c]) JsonString(out, *row[c]);
          else out += "null";
        }
        out += "}\n";
      }
      return out;
    case TableFormat::kTable:
      break;
  }
  std::vector<std::vector<std::string>> cells;
  cells.push_back(table.columns);
  for (const auto& row : table.rows) {
    auto& shown = cells.emplace_back();
    for (const auto& cell : row) shown.push_back(Shown(cell ? *cell : "", kMaxTableCell));
  }
  std::vector<size_t> widths(n, 0);
  for (const auto& row : cells)
    for (size_t c = 0; c < n; ++c) widths[c] = std::max(widths[c], Width(row[c]));
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < n; ++c) {
      line += cells[r][c];
      if (c + 1 < n) line.append(widths[c] - Width(cells[r][c]) + 2, ' ');
    }
    out += line + "\n";
    if (r == 0) {
      for (size_t c = 0; c < n; ++c) out.append(widths[c], '-').append(c + 1 < n ? "  " : "");
      out += "\n";
    }
  }
  out += "(" + std::to_string(table.rows.size()) + (table.rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

}  // namespace vigie::corpus
