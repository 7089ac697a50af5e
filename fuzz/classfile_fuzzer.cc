// Fuzzes the JVM class-file reader, and the class shape (renamed code)
// built from what it read.
#include <cstddef>
#include <cstdint>

#include "vigie/format/classfile/class_file.h"
#include "vigie/profile/class_shape.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = vigie::classfile::ClassFile::Parse(vigie::ByteView(data, size));
  if (c) {
    size_t sink = c->this_class().size() + c->super_class().size() + c->interfaces().size();
    c->ForEachStringConstant([&](std::string_view s) { sink += s.size(); });
    for (const auto& m : c->methods()) sink += m.descriptor.size();
    for (const auto& r : c->member_refs()) sink += r.owner.size();
    sink += vigie::profile::ShapeOfClassFile(*c).size();
    (void)sink;
  }
  return 0;
}
