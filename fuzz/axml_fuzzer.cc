// Fuzzes binary XML parsing and manifest extraction, and the resource table
// reader, the App Bundle protobuf XML reader and the text XML reader on the
// same bytes.
#include <cstddef>
#include <cstdint>

#include "vigie/android/manifest_reader.h"
#include "vigie/format/arsc/resource_table.h"
#include "vigie/format/axml/axml.h"
#include "vigie/format/axml/proto_xml.h"
#include "vigie/format/axml/text_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigie::Diagnostics diags;
  vigie::ByteView bytes(data, size);
  auto table = vigie::arsc::ResourceTable::Parse(bytes, "resources.arsc", diags);
  if (table) {
    for (uint32_t id : {0x7f010000u, 0x7f020000u, 0x7f030000u, 0x7f040001u}) (void)table->Resolve(id);
  }
  auto doc = vigie::axml::Parse(bytes, "AndroidManifest.xml", diags);
  if (doc) (void)vigie::android::ReadManifest(*doc, table ? &*table : nullptr, "AndroidManifest.xml", diags);
  auto proto = vigie::axml::ParseProtoXml(bytes, "base/manifest/AndroidManifest.xml", diags);
  if (proto) (void)vigie::android::ReadManifest(*proto, nullptr, "base/manifest/AndroidManifest.xml", diags);
  auto text = vigie::axml::ParseTextXml(bytes, "AndroidManifest.xml", diags);
  if (text) (void)vigie::android::ReadManifest(*text, nullptr, "AndroidManifest.xml", diags);
  return 0;
}
