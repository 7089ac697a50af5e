// Who is behind each SDK: the vendor knowledge base (data/vendors.json,
// docs/vendors.md), compiled at build time (tools/kbc) into a compact
// binary form that the scan loads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigie/base/bytes.h"
#include "vigie/base/error.h"
#include "vigie/model/vendor.h"

namespace vigie::intel {

/// Parses a vendor knowledge base (data/vendors.json's format). Every vendor
/// must have an id and cite a source.
Result<std::vector<Vendor>> ParseVendors(std::string_view json, const std::string& source);

/// Serialises vendors (format "VVDB": an index of ids sorted, then one
/// record per vendor), and reads them all back; a truncated or foreign blob
/// is an Error, never a partial list.
std::string EncodeVendors(const std::vector<Vendor>& vendors);
Result<std::vector<Vendor>> DecodeVendors(ByteView bytes);

/// The vendors, looked up by id. Thread-safe.
class VendorDb {
 public:
  VendorDb() = default;
  explicit VendorDb(std::vector<Vendor> vendors) : vendors_(std::move(vendors)) {}
  /// Over a compiled blob, which must outlive the database (the built-in
  /// one is part of the binary). Only the index is read here; a vendor's
  /// record is decoded the first time it is found, so a scan touches the
  /// records of the vendors it reports, not the hundreds it does not.
  static Result<std::shared_ptr<const VendorDb>> Open(ByteView blob);

  /// The vendor with id `id`, or null (also when its record is damaged).
  const Vendor* Find(std::string_view id) const;
  size_t size() const { return vendors_.empty() ? index_.size() : vendors_.size(); }

 private:
  friend Result<std::vector<Vendor>> DecodeVendors(ByteView bytes);
  std::vector<Vendor> vendors_;  // When built from a list.
  ByteView records_;
  std::vector<std::pair<std::string_view, uint32_t>> index_;  // (id, record offset), by id
  mutable std::mutex mu_;
  mutable std::map<std::string_view, std::unique_ptr<const Vendor>> decoded_;
};

}  // namespace vigie::intel
