#include "vigie/sig/exodus_classes.h"

#include <algorithm>
#include <vector>

namespace vigie::sig {
namespace {

// The same type, string or prototype is printed by dexdump again and again
// (every method taking a String prints "Ljava/lang/String;"); each adds the
// same matches, so each index is processed once per DEX.
class Collector {
 public:
  Collector(const dex::DexFile& dex, std::unordered_set<std::string>& out)
      : dex_(dex),
        out_(out),
        seen_types_(dex.type_count()),
        seen_strings_(dex.string_count()),
        seen_protos_(dex.proto_count()) {}

  void Text(std::string_view s) {
    ForEachExodusClassMatch(s, [this](std::string_view m) { out_.emplace(m); });
  }
  void Type(uint32_t idx) {
    if (idx >= seen_types_.size() || seen_types_[idx]) return;
    seen_types_[idx] = true;
    Text(dex_.TypeDescriptor(idx));
  }
  void String(uint32_t idx) {
    if (idx >= seen_strings_.size() || seen_strings_[idx]) return;
    seen_strings_[idx] = true;
    if (auto s = dex_.String(idx)) Text(*s);
  }
  void Proto(uint32_t idx) {
    if (idx >= seen_protos_.size() || seen_protos_[idx]) return;
    seen_protos_[idx] = true;
    dex_.ForEachParameter(idx, [this](uint32_t t) { Type(t); });
    Type(dex_.proto_id(idx).return_type_idx);
  }

  // What dexdump prints for one method: its signature, its catch types and
  // its local variables' types and generic signatures.
  void Method(const dex::EncodedMethod& m) {
    dex::MethodId id = dex_.method_id(m.method_idx);
    Proto(id.proto_idx);
    if (!m.code_off) return;
    auto code = dex_.Code(m.code_off);
    if (!code) return;
    dex_.ForEachCatchType(*code, m.code_off, [this](uint32_t t) { Type(t); });
    dex_.ForEachLocal(code->debug_info_off, [this](uint32_t type, uint32_t sig) {
      Type(type);
      String(sig);
    });
  }

  void Class(uint32_t i) {
    dex::ClassDef def = dex_.class_def(i);
    Type(def.class_idx);
    Type(def.superclass_idx);
    dex_.ForEachInterface(def, [this](uint32_t t) { Type(t); });
    dex_.ForEachField(def, [this](const dex::EncodedField& f) { Type(dex_.field_id(f.field_idx).type_idx); });
    dex_.ForEachStaticValue(def, [this](uint8_t kind, uint32_t idx) {
      if (kind == 0x17) String(idx);  // VALUE_STRING
      else Type(idx);                 // VALUE_TYPE
    });
    dex_.ForEachMethod(def, [this](const dex::EncodedMethod& m) { Method(m); });
    String(def.source_file_idx);
  }

 private:
  const dex::DexFile& dex_;
  std::unordered_set<std::string>& out_;
  std::vector<bool> seen_types_, seen_strings_, seen_protos_;
};

}  // namespace

void CollectExodusClasses(const dex::DexFile& dex, std::unordered_set<std::string>& out, uint32_t first,
                          uint32_t last) {
  Collector c(dex, out);
  for (uint32_t i = first; i < std::min(last, dex.class_count()); ++i) c.Class(i);
}

}  // namespace vigie::sig
