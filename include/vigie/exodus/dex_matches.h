// Exodus' verdicts on one DEX, worked out without dexdump: the (signature,
// class name) pairs Exodus' method finds in what dexdump prints of it
// (class_set.h says how that text is reproduced).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigie/format/dex/dex_file.h"
#include "vigie/sig/sdk_matcher.h"

namespace vigie::exodus {

/// (sdk index, class name) pairs.
using Hits = std::vector<std::pair<uint32_t, std::string>>;

/// The Exodus-semantics signatures of `session`'s matcher that match a name
/// of Exodus' class set of `dex`, read from archive entry `entry_name`
/// (dexdump prints the file's name too). Sorted, without repeats.
Hits MatchDex(const dex::DexFile& dex, std::string_view entry_name, sig::MatchSession& session);

/// What the strings of a DEX bound its class set to. Every name of the set
/// holds a '/' and comes from a string of the DEX (a printed type's
/// descriptor, or a printed string) or from the file's name. dexdump
/// prints every defined class, so the names of their descriptors and of
/// the file's name are surely in the set (`sure`); the rest of the set is
/// among the names of the other strings holding a '/' (`unsure`).
struct NameBounds {
  sig::NameList sure, unsure;
  std::vector<uint32_t> with_slash;  ///< Indices of the strings holding a '/'.
};
NameBounds BoundNames(const dex::DexFile& dex, std::string_view entry_name);

/// Every match of a name of `names`. Sorted, without repeats.
Hits MatchNames(sig::MatchSession& session, const sig::NameList& names);

/// When each match of an `unsure` name is also a match of a `sure` one, the
/// sure matches are exactly the class set's matches, whatever the set holds
/// of the unsure names: the usual case, and nothing more need be read.
/// nullopt when an unsure name matches something more.
std::optional<Hits> SettledMatches(sig::MatchSession& session, const sig::NameList& sure,
                                   const sig::NameList& unsure);

}  // namespace vigie::exodus
