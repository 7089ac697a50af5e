// Plain-text XML, as found in AAR libraries (their AndroidManifest.xml is not
// compiled), parsed into the same element tree as binary XML.
//
// Deliberately small: elements, attributes, namespaces, comments, CDATA,
// processing instructions and the predefined and numeric character
// references. DOCTYPE declarations are skipped and entities are never
// expanded, so entity tricks (XXE, billion laughs) have nothing to work on.
#pragma once

#include <string>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/format/axml/axml.h"

namespace vigie::axml {

/// Parses a text XML document. Attributes carry their namespace URI and name
/// but no resource ID; Element::Find matches android attributes by name then.
/// A document that breaks part-way yields the elements before the break and
/// a diagnostic.
Result<Document> ParseTextXml(ByteView bytes, const std::string& where, Diagnostics& diags);

}  // namespace vigie::axml
