// The protocol-buffer XML of Android App Bundles (aapt2's XmlNode message,
// frameworks/base/tools/aapt2/Resources.proto), converted into the same
// element tree as binary XML so that one manifest reader serves both.
#pragma once

#include <string>

#include "vigie/base/bytes.h"
#include "vigie/base/diagnostics.h"
#include "vigie/format/axml/axml.h"

namespace vigie::axml {

/// Parses an XmlNode message (e.g. base/manifest/AndroidManifest.xml of an
/// .aab). Compiled attribute values become typed values (integers, booleans,
/// references); the rest keep their text.
Result<Document> ParseProtoXml(ByteView bytes, const std::string& where, Diagnostics& diags);

}  // namespace vigie::axml
