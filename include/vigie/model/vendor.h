// Who is behind an SDK: the facts of data/vendors.json (docs/vendors.md), as
// reports show them. Unknown facts are empty, never guessed.
#pragma once

#include <string>
#include <vector>

namespace vigie {

/// A country an SDK vendor has ties with, and which ties.
struct VendorTie {
  std::string country;            ///< ISO 3166-1 alpha-2, e.g. "RU".
  std::vector<std::string> ties;  ///< headquarters, registration, development, staff, ownership, data_storage
};

struct VendorIncident {
  std::string date;     ///< YYYY-MM-DD
  std::string summary;  ///< Vigie's own words.
  std::string source;
};

struct Vendor {
  std::string id;  ///< The `vendor` of SDK entries.
  std::string name;
  std::string parent, ultimate_parent;  ///< Empty: none, or not public.
  std::string hq_country;               ///< ISO code; empty when unknown.
  std::vector<VendorTie> jurisdictions;
  std::vector<std::string> flags;  ///< data_broker, state_ties, sanctions
  std::vector<VendorIncident> incidents;
  std::vector<std::string> sources;
};

}  // namespace vigie
