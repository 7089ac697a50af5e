// Fuzzes the JVM class-file reader.
#include <cstddef>
#include <cstdint>

#include "vigie/format/classfile/class_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = vigie::classfile::ClassFile::Parse(vigie::ByteView(data, size));
  if (c) {
    size_t sink = c->this_class().size();
    c->ForEachStringConstant([&](std::string_view s) { sink += s.size(); });
    (void)sink;
  }
  return 0;
}
