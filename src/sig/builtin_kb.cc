// The built-in knowledge base, compiled from data/sdk_kb.json at build time
// by tools/kbc into the binary form of db_codec.h.
#include "embedded_data.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/signature_db.h"

namespace vigie::sig {

Result<SignatureDb> LoadBuiltinKb() {
  return DecodeDb(ByteView(embedded::kSdkKbBin.data(), embedded::kSdkKbBin.size()));
}

}  // namespace vigie::sig
