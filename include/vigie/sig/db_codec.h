// A compact binary form of a SignatureDb, so that no JSON is parsed on the
// hot path: the built-in KB is compiled to it at build time (tools/kbc), and
// imported third-party databases are cached in it, keyed by their content.
#pragma once

#include <optional>
#include <string>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"
#include "vigie/sig/signature_db.h"

namespace vigie::sig {

/// Serialises `db` (format "VSDB"; little-endian, length-prefixed).
std::string EncodeDb(const SignatureDb& db);

/// Reads a serialised database; every length is bounds-checked, and a
/// truncated or foreign blob is an Error, never a partial database.
Result<SignatureDb> DecodeDb(ByteView bytes);

/// The same, appended to `db`, whose entries are then decoded in place;
/// on an error `db` is left as it was.
std::optional<Error> DecodeDbInto(ByteView bytes, SignatureDb& db);

}  // namespace vigie::sig
