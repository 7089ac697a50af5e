// CSV as RFC 4180 writes it, for `vigie scan --format csv` and `vigie corpus
// query -f csv`.
#pragma once

#include <string>
#include <string_view>

namespace vigie::report {

/// Appends `cell` to `out` as one CSV field: quoted when it holds a comma,
/// a quote or a line break (quotes doubled). A cell a spreadsheet would run
/// as a formula (starting with =, +, -, @, a tab or a carriage return: an
/// app's label is the app author's text) gets a leading apostrophe, as
/// OWASP advises against CSV injection.
void AppendCsvCell(std::string& out, std::string_view cell);

}  // namespace vigie::report
