#include "vigie/exodus/dex_matches.h"

#include <algorithm>

#include "vigie/exodus/class_set.h"

namespace vigie::exodus {
namespace {

void Match(sig::MatchSession& session, const sig::NameList& names, Hits& out) {
  session.MatchExodusNames(names, [&](uint32_t sdk, size_t i) { out.emplace_back(sdk, std::string(names.name(i))); });
}

void SortUnique(Hits& hits) {
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
}

// The matches of the names of everything dexdump prints, marked item by
// item. What methods' code items print (catch types, local variables) is
// costly to read and almost never adds a name, so it is read only when a
// name that only a code item could print matches something new
// (CodeCandidates).
Hits MatchPrintedItems(const dex::DexFile& dex, std::string_view entry_name, sig::MatchSession& session,
                       const std::vector<uint32_t>& with_slash) {
  const PrintedItems printed = MarkPrintedItems(dex, 0, UINT32_MAX, PrintedPart::kAllButCode);
  sig::NameList names;
  AddPrintedTypes(names, dex, printed.types);
  AddPrintedStrings(names, dex, printed.strings);
  AddClassNames(names, entry_name);
  Hits hits;
  Match(session, names, hits);
  SortUnique(hits);

  const CodeCandidates candidates(dex, printed, with_slash);
  std::vector<std::pair<uint32_t, size_t>> pending;  // (sdk, candidate name) not matched yet
  session.MatchExodusNames(candidates.names(), [&](uint32_t sdk, size_t i) {
    const std::pair<uint32_t, std::string> hit(sdk, std::string(candidates.names().name(i)));
    if (!std::binary_search(hits.begin(), hits.end(), hit)) pending.emplace_back(sdk, i);
  });
  if (pending.empty()) return hits;
  const PrintedItems code = MarkPrintedItems(dex, 0, UINT32_MAX, PrintedPart::kCodeOnly);
  for (auto [sdk, i] : pending)
    if (candidates.PrintedWith(i, code)) hits.emplace_back(sdk, std::string(candidates.names().name(i)));
  SortUnique(hits);
  return hits;
}

}  // namespace

NameBounds BoundNames(const dex::DexFile& dex, std::string_view entry_name) {
  IndexSet defined(dex.string_count());
  for (uint32_t i = 0; i < dex.class_count(); ++i)
    if (const uint32_t t = dex.class_def(i).class_idx; t < dex.type_count()) defined.Insert(dex.TypeDescriptorIndex(t));
  NameBounds b;
  AddClassNames(b.sure, entry_name);
  for (uint32_t i = 0; i < dex.string_count(); ++i) {
    const auto s = dex.MarkedStringAt(i);
    if (!s || !s->slash) continue;
    b.with_slash.push_back(i);
    AddClassNames(defined.Contains(i) ? b.sure : b.unsure, s->text);
  }
  return b;
}

Hits MatchNames(sig::MatchSession& session, const sig::NameList& names) {
  Hits hits;
  Match(session, names, hits);
  SortUnique(hits);
  return hits;
}

std::optional<Hits> SettledMatches(sig::MatchSession& session, const sig::NameList& sure,
                                   const sig::NameList& unsure) {
  Hits found = MatchNames(session, sure);
  bool settled = true;
  session.MatchExodusNames(unsure, [&](uint32_t sdk, size_t i) {
    if (settled && !std::binary_search(found.begin(), found.end(), std::pair(sdk, std::string(unsure.name(i)))))
      settled = false;
  });
  if (!settled) return std::nullopt;
  return found;
}

Hits MatchDex(const dex::DexFile& dex, std::string_view entry_name, sig::MatchSession& session) {
  NameBounds bounds = BoundNames(dex, entry_name);
  if (auto settled = SettledMatches(session, bounds.sure, bounds.unsure)) return *settled;
  return MatchPrintedItems(dex, entry_name, session, bounds.with_slash);
}

}  // namespace vigie::exodus
