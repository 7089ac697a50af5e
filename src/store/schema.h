// The corpus schema and its migrations (schema.cc, docs/corpus.md).
#pragma once

#include "connection.h"

namespace vigie::store {

/// Brings the database behind `c` to CurrentSchemaVersion(), one migration
/// per transaction-held step, one migrating process at a time. Returns the
/// version reached; fails with store.schema on a database a newer Vigie
/// wrote.
Result<int> Migrate(Connection& c);

}  // namespace vigie::store
