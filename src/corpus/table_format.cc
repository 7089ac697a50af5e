// A question's answer as people and programs read it.
#include <algorithm>

#include "vigie/corpus/corpus.h"
#include "vigie/report/csv.h"
#include "vigie/report/json_writer.h"

namespace vigie::corpus {
namespace {

// Longest cell shown in the aligned table; CSV and JSON lines keep all.
constexpr size_t kMaxTableCell = 60;

void CsvCell(std::string& out, const std::optional<std::string>& cell) {
  if (cell) report::AppendCsvCell(out, *cell);
}

void JsonString(std::string& out, std::string_view s) {
  out += '"';
  report::AppendJsonEscaped(out, s);
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

// One CSV record of `cells` (strings, or optional ones: NULL is empty).
template <typename Cells>
std::string CsvLine(const Cells& cells) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c) line += ',';
    CsvCell(line, cells[c]);
  }
  return line + "\r\n";
}

}  // namespace

void TableWriter::Columns(const std::vector<std::string>& names) {
  columns_ = names;
  switch (format_) {
    case TableFormat::kCsv:
      out_(CsvLine(names));
      break;
    case TableFormat::kJsonl:
      break;
    case TableFormat::kTable:
      held_.push_back(names);
      break;
  }
}

void TableWriter::Add(store::Row row) {
  ++rows_;
  std::string line;
  switch (format_) {
    case TableFormat::kCsv:
      out_(CsvLine(row));
      return;
    case TableFormat::kJsonl:
      line += '{';
      for (size_t c = 0; c < row.size() && c < columns_.size(); ++c) {
        if (c) line += ',';
        JsonString(line, columns_[c]);
        line += ':';
        if (row[c]) JsonString(line, *row[c]);
        else line += "null";
      }
      out_(line + "}\n");
      return;
    case TableFormat::kTable:
      break;
  }
  std::vector<std::string> cells;
  for (const auto& cell : row) cells.push_back(Shown(cell ? *cell : "", kMaxTableCell));
  if (!widths_.empty()) return WriteAligned(cells);
  held_.push_back(std::move(cells));
  if (held_.size() > kAlignedRows) Flush();
}

void TableWriter::WriteAligned(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    line += cells[c];
    if (c + 1 < cells.size()) line.append(std::max(widths_[c], Width(cells[c])) - Width(cells[c]) + 2, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();  // An empty last cell.
  out_(line + "\n");
}

void TableWriter::Flush() {
  if (held_.empty()) return;
  widths_.assign(held_[0].size(), 0);
  for (const auto& row : held_)
    for (size_t c = 0; c < row.size() && c < widths_.size(); ++c) widths_[c] = std::max(widths_[c], Width(row[c]));
  for (size_t r = 0; r < held_.size(); ++r) {
    WriteAligned(held_[r]);
    if (r == 0) {
      std::string rule;
      for (size_t c = 0; c < widths_.size(); ++c)
        rule.append(widths_[c], '-').append(c + 1 < widths_.size() ? "  " : "");
      out_(rule + "\n");
    }
  }
  held_.clear();
}

void TableWriter::Finish() {
  if (format_ != TableFormat::kTable) return;
  Flush();
  out_("(" + std::to_string(rows_) + (rows_ == 1 ? " row)\n" : " rows)\n"));
}

std::string FormatTable(const store::Table& table, TableFormat format) {
  std::string out;
  TableWriter w(format, [&](std::string_view s) { out.append(s); });
  w.Columns(table.columns);
  for (const auto& row : table.rows) w.Add(row);
  w.Finish();
  return out;
}

}  // namespace vigie::corpus
