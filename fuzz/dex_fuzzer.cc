// Fuzzes the DEX reader and every accessor a later analysis uses: strings,
// types, class data, code items, the instruction walk and the API index.
#include <cstddef>
#include <cstdint>

#include <optional>
#include <vector>

#include "vigie/detect/data_access.h"
#include "vigie/format/dex/dex_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigie::Diagnostics diags;
  for (const auto& dex : vigie::dex::DexFile::OpenAll(vigie::ByteView(data, size), "classes.dex", diags)) {
    size_t sink = 0;
    std::optional<vigie::detect::DexApiIndex> index;
    for (uint32_t i = 0; i < dex.string_count() && i < 4096; ++i)
      if (auto s = dex.String(i)) sink += vigie::dex::MutfToUtf8(*s).size();
    for (uint32_t i = 0; i < dex.class_count() && i < 4096; ++i) {
      auto def = dex.class_def(i);
      sink += dex.TypeDescriptor(def.class_idx).size();
      dex.ForEachMethod(def, [&](const vigie::dex::EncodedMethod& m) {
        auto id = dex.method_id(m.method_idx);
        sink += dex.String(id.name_idx).value_or("").size();
        if (auto code = dex.Code(m.code_off)) {
          sink += code->insns.size();
          vigie::dex::ForEachInstruction(code->insns, [&](const vigie::dex::Instruction& in) {
            sink += in.opcode + in.Index16() + in.Unit(in.size);
          });
        }
      });
      // What SDK analysis runs on a class: the API index and its code walk.
      if (i == 0) index.emplace(dex);
      std::vector<vigie::detect::ApiUse> uses;
      index->CollectUses(i, uses);
      sink += uses.size();
    }
    (void)sink;
  }
  return 0;
}
