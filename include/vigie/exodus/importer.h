// Importing Exodus Privacy's tracker database (`--signatures exodus:FILE`).
// Nothing of it is stored in the repository.
#pragma once

#include <string>
#include <string_view>

#include "vigie/base/error.h"
#include "vigie/sig/signature_db.h"

namespace vigie::exodus {

/// Imports Exodus' tracker export
/// ({"trackers": {"<id>": {id, name, code_signature, network_signature, ...}}},
/// or the bare map, or a list of one-entry maps, as mirrors publish it).
/// Code signatures keep Exodus' semantics; signatures of 3 characters or
/// fewer are ignored, as Exodus ignores them. Network signatures are not
/// imported: Exodus does not use them for its verdicts.
Result<sig::SignatureDb> ParseExodus(std::string_view json, const std::string& source);

}  // namespace vigie::exodus
