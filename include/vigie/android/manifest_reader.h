// Turns a parsed AndroidManifest.xml (binary, protobuf or text XML) into the
// app model, applying the same defaults and name rules as Android's package
// parser.
#pragma once

#include <string>

#include "vigie/base/diagnostics.h"
#include "vigie/model/manifest.h"
#include "vigie/format/arsc/resource_table.h"
#include "vigie/format/axml/axml.h"

namespace vigie::android {

/// Reads identity, permissions, application flags, components and meta-data
/// from `doc`. `resources` (may be null) resolves references such as the
/// label. Each value is parsed here, once. Oddities are recorded under
/// `where`.
Manifest ReadManifest(const axml::Document& doc, const arsc::ResourceTable* resources,
                      const std::string& where, Diagnostics& diags);

/// Android's class-name rule: ".Foo" and "Foo" both mean "<package>.Foo".
std::string QualifyClassName(const std::string& package, const std::string& name);

}  // namespace vigie::android
