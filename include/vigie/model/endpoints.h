// The addresses an app talks to, and the secrets written into it
// (docs/endpoints.md).
#pragma once

#include <string>
#include <vector>

#include "vigie/model/ratings.h"

namespace vigie {

/// A URL found in the app's strings.
struct Endpoint {
  std::string url;
  std::string host;
  std::vector<std::string> where;  ///< "classes.dex", "resources.arsc", "AndroidManifest.xml"...
  /// The SDK whose code holds it (its domain is the SDK's, or a class of the
  /// SDK loads the string); empty: the app, or code Vigie does not know.
  std::string sdk;
  /// Who owns the host, per the entity lists given with --entities; empty
  /// `owner` when none is given or none knows the host.
  std::string owner, owner_parent, owner_country, owner_source;
};

/// A hard-coded secret, or the address of a backend to check.
struct Secret {
  std::string kind;   ///< data/secrets.tsv kind, e.g. "google_api_key".
  std::string value;  ///< Redacted (backend URLs in full unless they carry credentials).
  std::string where;
  Severity severity = Severity::kMedium;
  bool backend = false;  ///< A backend whose access rules should be checked.
  std::string role;      ///< "secret", "backend" or "config" (data/secrets.tsv).
  std::string description;
  std::string source;
};

}  // namespace vigie
