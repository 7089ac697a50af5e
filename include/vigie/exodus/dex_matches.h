// Exodus' verdicts on one DEX, worked out without dexdump: the (signature,
// class name) pairs Exodus' method finds in what dexdump prints of it
// (class_set.h says how that text is reproduced).
#pragma once

#include <cstdint>
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

}  // namespace vigie::exodus
