// Who is behind each SDK: the vendor knowledge base (data/vendors.json,
// docs/vendors.md), compiled at build time (tools/kbc) into a compact
// binary form that the scan loads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"
#include "vigie/model/vendor.h"

namespace vigie::intel {

/// Parses a vendor knowledge base (data/vendors.json's format). Every vendor
/// must have an id and cite a source.
Result<std::vector<Vendor>> ParseVendors(std::string_view json, const std::string& source);

/// Serialises vendors (format "VVDB"), and reads them back; a truncated or
/// foreign blob is an Error, never a partial list.
std::string EncodeVendors(const std::vector<Vendor>& vendors);
Result<std::vector<Vendor>> DecodeVendors(ByteView bytes);

/// The vendors, looked up by id.
class VendorDb {
 public:
  VendorDb() = default;
  explicit VendorDb(std::vector<Vendor> vendors) : vendors_(std::move(vendors)) {}
  /// The vendor with id `id`, or null.
  const Vendor* Find(std::string_view id) const;
  size_t size() const { return vendors_.size(); }

 private:
  std::vector<Vendor> vendors_;
};

}  // namespace vigie::intel
