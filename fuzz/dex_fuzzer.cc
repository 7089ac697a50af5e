// Fuzzes the DEX reader and every accessor a later analysis uses: strings,
// types, class data and code items.
#include <cstddef>
#include <cstdint>

#include "vigie/format/dex/dex_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigie::Diagnostics diags;
  for (const auto& dex : vigie::dex::DexFile::OpenAll(vigie::ByteView(data, size), "classes.dex", diags)) {
    size_t sink = 0;
    for (uint32_t i = 0; i < dex.string_count() && i < 4096; ++i)
      if (auto s = dex.String(i)) sink += vigie::dex::MutfToUtf8(*s).size();
    for (uint32_t i = 0; i < dex.class_count() && i < 4096; ++i) {
      auto def = dex.class_def(i);
      sink += dex.TypeDescriptor(def.class_idx).size();
      dex.ForEachMethod(def, [&](const vigie::dex::EncodedMethod& m) {
        auto id = dex.method_id(m.method_idx);
        sink += dex.String(id.name_idx).value_or("").size();
        if (auto code = dex.Code(m.code_off)) sink += code->insns.size();
      });
    }
    (void)sink;
  }
  return 0;
}
