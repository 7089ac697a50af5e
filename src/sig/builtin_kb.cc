// The built-in knowledge base: the SDKs, compiled from data/sdk_kb.json at
// build time by tools/kbc into the binary form of db_codec.h, with their
// vendors (data/vendors.json).
#include "embedded_data.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/signature_db.h"

namespace vigie::sig {

Result<SignatureDb> LoadBuiltinKb() {
  // The vendors travel in the same blob: parsing data/vendors.json at run
  // time took a millisecond of every scan.
  return DecodeDb(ByteView(embedded::kSdkKbBin.data(), embedded::kSdkKbBin.size()));
}

}  // namespace vigie::sig
