// `--format csv`: one row per app and SDK, for spreadsheets and scripts
// reading scans of many inputs.
#include <algorithm>

#include "vigie/report/csv.h"
#include "vigie/report/report.h"

namespace vigie::report {
namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ';';
    out += s;
  }
  return out;
}

void Line(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    AppendCsvCell(out, cells[i]);
  }
  out += "\r\n";
}

}  // namespace

void AppendCsvCell(std::string& out, std::string_view cell) {
  const bool formula = !cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos;
  const bool quoted = formula || cell.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quoted) out += '"';
  if (formula) out += '\'';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quoted) out += '"';
}

std::string CsvHeader() {
  std::string out;
  Line(out, {"path", "sha256", "status", "package", "version_name", "version_code", "sdk_id", "sdk_name",
             "confidence", "categories", "vendor_id", "vendor_name", "vendor_country", "vendor_countries",
             "vendor_flags", "data_kinds", "findings"});
  return out;
}

std::string ToCsvRows(const ScanResult& r) {
  const AppIdentity& id = r.manifest.identity;
  const std::vector<std::string> app = {
      r.file.path, r.file.sha256, std::string(ScanStatusName(r.status)), id.package.value_or(""),
      id.version_name.value_or(""), id.version_code ? std::to_string(*id.version_code) : ""};
  std::string out;
  if (r.sdks.empty()) {
    std::vector<std::string> cells = app;
    cells.resize(17);
    Line(out, cells);
    return out;
  }
  for (const SdkFinding& sdk : r.sdks) {
    const Recipient* recipient = RecipientOf(r, sdk);
    std::vector<std::string> findings;
    for (const Finding& f : r.findings)
      if (f.subject == sdk.id || (!sdk.vendor.empty() && f.subject == sdk.vendor)) findings.push_back(f.id);
    std::vector<std::string> cells = app;
    cells.insert(cells.end(),
                 {sdk.id, sdk.name, std::string(ConfidenceName(sdk.confidence)), Joined(sdk.categories), sdk.vendor,
                  sdk.vendor_info ? sdk.vendor_info->name : "", sdk.vendor_info ? sdk.vendor_info->hq_country : "",
                  recipient ? Joined(recipient->countries) : "", sdk.vendor_info ? Joined(sdk.vendor_info->flags) : "",
                  Joined(sdk.UsableKinds()), Joined(findings)});
    Line(out, cells);
  }
  return out;
}

}  // namespace vigie::report
