// The built-in knowledge base: the SDKs, compiled from data/sdk_kb.json at
// build time by tools/kbc into the binary form of db_codec.h, and their
// vendors (data/vendors.json).
#include "embedded_data.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/signature_db.h"

namespace vigie::sig {

Result<SignatureDb> LoadBuiltinKb() {
  auto db = DecodeDb(ByteView(embedded::kSdkKbBin.data(), embedded::kSdkKbBin.size()));
  if (!db) return db;
  // data/vendors.json, checked against the SDK KB by vigie_kbc at build time.
  auto vendors = ParseVendors(embedded::kVendorsJson, "vigie-vendors");
  if (!vendors) return vendors.error();
  db->vendors = std::move(*vendors);
  return db;
}

}  // namespace vigie::sig
