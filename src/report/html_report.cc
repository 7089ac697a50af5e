// `--format html`: one self-contained page a journalist or a regulator can
// open and share. No script, no external font, style or image: the page
// works offline and with JavaScript off, and every string from the app is
// escaped. It opens with the verdict, then draws where the data goes (an SVG
// Vigie lays out itself), then the evidence.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "vigie/base/version.h"
#include "vigie/report/report.h"

namespace vigie::report {
namespace {

// Text for HTML content and quoted attribute values alike.
std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' ? '?' : c;
    }
  }
  return out;
}

// At most `n` bytes of `s`, cut on a UTF-8 boundary, with "…" when cut.
std::string Cut(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "…";
}

std::string Joined(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

constexpr char kStyle[] = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px;border-bottom:1px solid #d5d9e0}
.meta{color:#5b6472;font-size:13px;word-break:break-all}
.app{background:#fff;border:1px solid #d5d9e0;border-radius:8px;padding:20px;margin:0 0 28px}
.verdict{font-size:17px}.sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;
padding:1px 6px;margin-right:8px;font-size:12px;font-weight:600;color:#fff;text-transform:uppercase}
.critical{background:#8b0000}.high{background:#c62828}.medium{background:#e08a00}.low{background:#5b7ba8}
.info{background:#7a8290}.flag{background:#c62828;color:#fff;border-radius:3px;padding:0 5px;font-size:12px}
.violated{color:#b71c1c;font-weight:600}.passed{color:#2e7d32;font-weight:600}
details{margin:6px 0;padding:6px 10px;background:#fafbfc;border:1px solid #e3e6eb;border-radius:6px}
summary{cursor:pointer}ul.ev{margin:6px 0 0 8px;font-size:13px;color:#3b4452;word-break:break-word}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e3e6eb;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#eef0f3}svg text{font:12px system-ui,sans-serif}
)";

// The data-flow picture: app -> SDKs -> vendors -> countries, an edge per
// relation, each labelled with the data kinds that flow along it (what the
// SDK's code can read; what the vendor's SDKs can take); vendors flagged
// (data broker, state ties, sanctions) and highlighted countries are drawn
// red.
std::string FlowSvg(const ScanResult& r, const HtmlOptions& options) {
  std::vector<const SdkFinding*> sdks;
  for (const SdkFinding& s : r.sdks) sdks.push_back(&s);
  std::vector<const Recipient*> vendors;
  for (const Recipient& p : r.recipients) vendors.push_back(&p);
  std::vector<std::string> countries;
  for (const Recipient* p : vendors)
    for (const std::string& c : p->countries)
      if (std::find(countries.begin(), countries.end(), c) == countries.end()) countries.push_back(c);
  const std::set<std::string> hot(options.highlight_countries.begin(), options.highlight_countries.end());

  constexpr int kRow = 54, kTop = 40, kNodeH = 34;
  // Columns wide apart enough for an edge's label between them.
  constexpr int kX[] = {10, 300, 640, 980}, kW[] = {150, 200, 200, 100};
  const size_t rows = std::max({size_t{1}, sdks.size(), vendors.size(), countries.size()});
  const int height = kTop + static_cast<int>(rows) * kRow + 10;
  auto y_of = [&](size_t i, size_t n) {
    return kTop + static_cast<int>(i) * kRow + (static_cast<int>(rows) - static_cast<int>(n)) * kRow / 2;
  };
  std::string nodes, edges;
  auto node = [&](int col, int y, std::string_view label, std::string_view sub, bool red) {
    nodes += fmt::format(
        R"(<g class="node"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}"/>)"
        R"(<text x="{}" y="{}" fill="{}">{}</text>)",
        kX[col], y, kW[col], kNodeH, red ? "#fde7e7" : "#eef3fb", red ? "#c62828" : "#7f9cc9", kX[col] + 8, y + 15,
        red ? "#8b0000" : "#1d2430", Esc(Cut(label, 30)));
    if (!sub.empty())
      nodes += fmt::format(R"(<text x="{}" y="{}" fill="#5b6472" font-size="11">{}</text>)", kX[col] + 8, y + 28,
                           Esc(Cut(sub, 32)));
    nodes += "</g>";
  };
  auto edge = [&](int from_col, int y1, int to_col, int y2, std::string_view label, bool red) {
    const int x1 = kX[from_col] + kW[from_col], x2 = kX[to_col], a = y1 + kNodeH / 2, b = y2 + kNodeH / 2;
    const int mid = (x1 + x2) / 2;
    edges += fmt::format(R"(<path d="M{} {} C{} {},{} {},{} {}" fill="none" stroke="{}" stroke-width="{}"/>)", x1, a,
                         mid, a, mid, b, x2, b, red ? "#c62828" : "#8a9bb5", red ? 2.5 : 1.5);
    if (!label.empty())
      edges += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" fill="{}" font-size="11" stroke="#fff" )"
                           R"(stroke-width="3" paint-order="stroke">{}</text>)",
                           mid, (a + b) / 2 - 4, red ? "#8b0000" : "#3b4452", Esc(Cut(label, 24)));
  };

  const int app_y = y_of(0, 1);
  node(0, app_y, AppName(r), r.manifest.identity.version_name.value_or(""), false);
  for (size_t i = 0; i < sdks.size(); ++i) {
    const SdkFinding& s = *sdks[i];
    const std::vector<std::string> kinds = s.UsableKinds();
    const int y = y_of(i, sdks.size());
    const bool flagged = s.vendor_info && !s.vendor_info->flags.empty();
    edge(0, app_y, 1, y, Joined(kinds), flagged && !kinds.empty());
    node(1, y, s.name, std::string(ConfidenceName(s.confidence)) + " confidence", false);
    for (size_t v = 0; v < vendors.size(); ++v)
      if (!s.vendor.empty() && vendors[v]->vendor_id == s.vendor)
        edge(1, y, 2, y_of(v, vendors.size()), Joined(kinds), flagged && !kinds.empty());
  }
  for (size_t v = 0; v < vendors.size(); ++v) {
    const Recipient& p = *vendors[v];
    const int y = y_of(v, vendors.size());
    node(2, y, p.name, Joined(p.flags), !p.flags.empty());
    for (size_t c = 0; c < countries.size(); ++c)
      if (std::find(p.countries.begin(), p.countries.end(), countries[c]) != p.countries.end())
        edge(2, y, 3, y_of(c, countries.size()), Joined(p.data_kinds), hot.count(countries[c]) > 0);
  }
  for (size_t c = 0; c < countries.size(); ++c)
    node(3, y_of(c, countries.size()), countries[c], hot.count(countries[c]) ? "of concern" : "",
         hot.count(countries[c]) > 0);

  std::string svg = fmt::format(
      R"(<svg class="flow" role="img" aria-label="Where the data goes" viewBox="0 0 1090 {}" width="100%">)", height);
  for (const auto& [col, title] : {std::pair{0, "App"}, {1, "SDKs (data their code can read)"}, {2, "Vendors"},
                                   {3, "Countries"}})
    svg += fmt::format(R"(<text x="{}" y="20" font-weight="600" fill="#3b4452">{}</text>)", kX[col], title);
  return svg + edges + nodes + "</svg>";
}

void Evidence(std::string& h, const std::vector<std::string>& evidence) {
  h += "<ul class=\"ev\">";
  for (const std::string& e : evidence) h += "<li>" + Esc(e) + "</li>";
  h += "</ul>";
}

void App(std::string& h, const ScanResult& r, const HtmlOptions& options) {
  const AppIdentity& id = r.manifest.identity;
  h += "<section class=\"app\">";
  h += fmt::format("<h1>{}</h1>", Esc(id.label ? *id.label + " (" + AppName(r) + ")" : AppName(r)));
  h += fmt::format("<p class=\"meta\">{} · version {} · {} · {} bytes · sha256 {} · read {}</p>", Esc(r.file.path),
                   Esc(id.version_name.value_or("?")), PackageKindName(r.file.kind), r.file.size,
                   Esc(r.file.sha256.empty() ? "-" : r.file.sha256), ScanStatusName(r.status));

  // The verdict: who gets data, and the findings by severity.
  h += "<h2 id=\"verdict\">Who gets data</h2><div class=\"verdict\">";
  if (r.recipients.empty()) h += "<p>No third party receives data through the SDKs Vigie recognised.</p>";
  h += "<ul>";
  for (const Recipient& p : r.recipients) {
    h += "<li><b>" + Esc(p.name) + "</b> (" + Esc(Joined(p.countries)) + ")";
    for (const std::string& f : p.flags) h += " <span class=\"flag\">" + Esc(f) + "</span>";
    h += p.data_kinds.empty() ? " — no data access found" : " — can take: " + Esc(Joined(p.data_kinds));
    h += " · via " + Esc(Joined(p.via)) + "</li>";
  }
  h += "</ul>";
  std::map<Severity, int> by_severity;
  for (const Finding& f : r.findings) ++by_severity[f.severity];
  h += "<p>Findings: ";
  if (r.findings.empty()) h += "none";
  for (const auto& [sev, n] : by_severity)
    h += fmt::format("<span class=\"sev {0}\">{1} {0}</span>", SeverityName(sev), n);
  h += "</p>";
  if (r.policy.applied)
    h += r.policy.violated() ? "<p class=\"violated\">Policy: violated</p>" : "<p class=\"passed\">Policy: passed</p>";
  h += "</div>";

  h += "<h2 id=\"flow\">Where the data goes</h2>" + FlowSvg(r, options);

  h += "<h2 id=\"findings\">Findings</h2>";
  if (r.findings.empty()) h += "<p>None.</p>";
  for (const Finding& f : r.findings) {
    h += fmt::format("<details class=\"finding\"><summary><span class=\"sev {0}\">{0}</span>{1}</summary><p>{2}</p>",
                     SeverityName(f.severity), Esc(f.title), Esc(f.explanation));
    Evidence(h, f.evidence);
    h += "</details>";
  }
  if (r.policy.applied) {
    h += "<h2 id=\"policy\">Policy</h2>";
    if (r.policy.violations.empty()) h += "<p>No violation.</p>";
    for (const PolicyViolation& v : r.policy.violations) {
      h += fmt::format("<details class=\"violation\"><summary><b>{}</b> {}{}</summary>", Esc(v.rule), Esc(v.message),
                       v.suppressed_by.empty() ? "" : " — suppressed: " + Esc(v.suppressed_by));
      Evidence(h, v.evidence);
      h += "</details>";
    }
    for (const std::string& e : r.policy.expired) h += "<p>Expired suppression: " + Esc(e) + "</p>";
  }

  h += "<h2 id=\"sdks\">SDKs</h2><table><tr><th>SDK</th><th>Vendor</th><th>Confidence</th><th>Categories</th>"
       "<th>Data its code can read</th><th>Evidence</th></tr>";
  for (const SdkFinding& s : r.sdks) {
    h += fmt::format("<tr><td>{}<br><span class=\"meta\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td>{} ({} class(es))<details><summary>classes</summary>",
                     Esc(s.name), Esc(s.id), Esc(s.vendor_info ? s.vendor_info->name : s.vendor),
                     ConfidenceName(s.confidence), Esc(Joined(s.categories)), Esc(Joined(s.UsableKinds())),
                     Esc(s.basis), s.classes.count);
    Evidence(h, s.classes.examples);
    h += "</details></td></tr>";
  }
  h += "</table>";

  h += "<h2 id=\"permissions\">Permissions</h2><table><tr><th>Permission</th><th>Group</th><th>Protection</th></tr>";
  for (const UsesPermission& p : r.manifest.permissions)
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", Esc(p.name), Esc(p.what.group_title),
                     Esc(p.what.protection));
  h += "</table><h2 id=\"components\">Components</h2><table><tr><th>Component</th><th>Kind</th><th>Exported</th></tr>";
  for (const Component& c : r.manifest.components)
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", Esc(c.name), ComponentKindName(c.kind),
                     c.exported ? "yes" : "no");
  h += "</table><h2 id=\"diagnostics\">Diagnostics</h2><table><tr><th>Level</th><th>Code</th><th>Where</th>"
       "<th>Message</th></tr>";
  for (const Diagnostic& d : r.diagnostics.items())
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", LevelName(d.level),
                     ErrorCodeName(d.code), Esc(d.where), Esc(d.message));
  h += "</table></section>";
}

std::string PageHead(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<meta http-equiv=\"Content-Security-Policy\" "
         "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<title>" + Esc(title) + "</title><style>" + kStyle + "</style></head><body><main>";
}

std::string PageFoot() {
  return fmt::format("<p class=\"meta\">Vigie {}{}{}. Offline report: it loads nothing.</p></main></body></html>\n",
                     kVersion, kBuildId[0] ? "+" : "", kBuildId);
}

// A list section of the diff: nothing when `items` is empty.
template <typename T, typename Fn>
void DiffList(std::string& h, std::string_view id, std::string_view title, const std::vector<T>& items, Fn&& item) {
  if (items.empty()) return;
  h += fmt::format("<h2 id=\"{}\">{} ({})</h2><ul>", id, title, items.size());
  for (const T& x : items) h += "<li>" + item(x) + "</li>";
  h += "</ul>";
}

}  // namespace

std::string ToDiffHtml(const AppDiff& d) {
  auto version = [](const AppIdentity& id) { return Esc(id.version_name.value_or("?")); };
  std::string h = PageHead("Vigie diff: " + d.new_app.package.value_or(d.new_file.path));
  h += "<section class=\"app\">";
  h += fmt::format("<h1>{}: {} → {}</h1>", Esc(d.new_app.package.value_or(d.new_file.path)), version(d.old_app),
                   version(d.new_app));
  h += fmt::format("<p class=\"meta\">old {} · sha256 {}<br>new {} · sha256 {}</p>", Esc(d.old_file.path),
                   Esc(d.old_file.sha256), Esc(d.new_file.path), Esc(d.new_file.sha256));
  if (!d.same_package) h += "<p class=\"violated\">These are not the same app.</p>";
  if (d.policy_applied)
    h += d.violated() ? "<p class=\"violated\">Policy: violated by what this version adds</p>"
                      : "<p class=\"passed\">Policy: this version adds no standing violation</p>";
  auto sdk = [](const SdkChange& s) {
    return "<b>" + Esc(s.name) + "</b> — " + Esc(s.vendor) + " (" + std::string(ConfidenceName(s.confidence)) +
           " confidence, " + Esc(s.basis) + (s.classes.empty() ? "" : "; e.g. " + Esc(s.classes[0])) + ")";
  };
  DiffList(h, "sdks-added", "SDKs added", d.sdks_added, sdk);
  DiffList(h, "sdks-removed", "SDKs removed", d.sdks_removed, sdk);
  DiffList(h, "data-gained", "Data access gained", d.data_gained, [](const DataGain& g) {
    return "<b>" + Esc(g.kind) + "</b> by " + Esc(g.sdk_name) + ": " + Esc(Joined(g.apis)) +
           (g.call_site.empty() ? "" : "<br><span class=\"meta\">e.g. " + Esc(g.call_site) + "</span>") +
           (g.held.empty() ? "" : "<br><span class=\"meta\">the app requests " + Esc(Joined(g.held)) + "</span>");
  });
  DiffList(h, "recipients-added", "New recipients", d.recipients_added, [](const Recipient& r) {
    std::string flags;
    for (const std::string& f : r.flags) flags += " <span class=\"flag\">" + Esc(f) + "</span>";
    return "<b>" + Esc(r.name) + "</b> (" + Esc(Joined(r.countries)) + ")" + flags +
           (r.data_kinds.empty() ? "" : " — can take: " + Esc(Joined(r.data_kinds)));
  });
  DiffList(h, "countries-added", "New countries", d.countries_added, [](const std::string& c) { return Esc(c); });
  DiffList(h, "permissions-added", "Permissions added", d.permissions_added,
           [](const std::string& p) { return Esc(p); });
  DiffList(h, "permissions-removed", "Permissions removed", d.permissions_removed,
           [](const std::string& p) { return Esc(p); });
  DiffList(h, "endpoints-added", "New endpoints", d.endpoints_added, [](const Endpoint& e) {
    return Esc(e.url) + (e.sdk.empty() ? "" : " (" + Esc(e.sdk) + ")");
  });
  if (!d.findings_added.empty()) {
    h += fmt::format("<h2 id=\"findings-added\">New findings ({})</h2>", d.findings_added.size());
    for (const Finding& f : d.findings_added) {
      h += fmt::format("<details class=\"finding\"><summary><span class=\"sev {0}\">{0}</span>{1}</summary>"
                       "<p>{2}</p>",
                       SeverityName(f.severity), Esc(f.title), Esc(f.explanation));
      Evidence(h, f.evidence);
      h += "</details>";
    }
  }
  if (d.policy_applied && !d.violations_added.empty()) {
    h += "<h2 id=\"policy\">Policy violations added</h2>";
    for (const PolicyViolation& v : d.violations_added) {
      h += fmt::format("<details class=\"violation\"><summary><b>{}</b> {}{}</summary>", Esc(v.rule),
                       Esc(v.message), v.suppressed_by.empty() ? "" : " — suppressed: " + Esc(v.suppressed_by));
      Evidence(h, v.evidence);
      h += "</details>";
    }
  }
  return h + "</section>" + PageFoot();
}

std::string ToHtml(const std::vector<ScanResult>& results, const HtmlOptions& options) {
  std::string h = PageHead("Vigie report" + (results.size() == 1 ? ": " + AppName(results[0]) : std::string()));
  for (const ScanResult& r : results) App(h, r, options);
  return h + PageFoot();
}

}  // namespace vigie::report
