// Who owns a domain: third-party entity lists that users bring (`--entities
// FORMAT:FILE`), applied to the endpoints an app carries. Nothing of them is
// stored in the repository.
//   xray:FILE        the X-Ray company data, as TrackerControl ships it
//                    ([{owner_name, parent, root_parent, country, doms[]}])
//   disconnect:FILE  Disconnect's entities.json
//                    ({entities: {NAME: {properties[], resources[]}}})
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigie/base/error.h"

namespace vigie::intel {

/// The owner of a domain, as an imported list says.
struct Entity {
  std::string name;
  std::string parent, root_parent;  ///< Empty when the list gives none.
  std::string country;              ///< ISO code, upper case; empty when unknown.
  std::string source;               ///< "xray:FILE", "disconnect:FILE".
};

class EntityDb {
 public:
  /// Adds the entities of `json` in `format` ("xray", "disconnect"). Later
  /// imports do not override a domain an earlier one gave. Returns the
  /// error, if any.
  std::optional<Error> Import(const std::string& format, std::string_view json, const std::string& source);
  /// Reads FILE, then Import().
  std::optional<Error> ImportFile(const std::string& format, const std::string& path);

  /// The owner of `host` or of its closest parent domain; null when unknown.
  const Entity* Owner(std::string_view host) const;
  size_t size() const { return entities_.size(); }

 private:
  void Add(std::string domain, size_t entity);
  std::vector<Entity> entities_;
  std::unordered_map<std::string, size_t> by_domain_;
};

}  // namespace vigie::intel
