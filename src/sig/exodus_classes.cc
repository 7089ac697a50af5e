#include "vigie/sig/exodus_classes.h"

namespace vigie::sig {
namespace {

class Collector {
 public:
  Collector(const dex::DexFile& dex, std::unordered_set<std::string>& out) : dex_(dex), out_(out) {}

  void Text(std::string_view s) {
    ForEachExodusClassMatch(s, [this](std::string_view m) { out_.emplace(m); });
  }
  void Type(uint32_t idx) {
    if (idx != dex::kNoIndex) Text(dex_.TypeDescriptor(idx));
  }
  void String(uint32_t idx) {
    if (idx == dex::kNoIndex) return;
    if (auto s = dex_.String(idx)) Text(*s);
  }

  // What dexdump prints for one method: its signature, its catch types and
  // its local variables' types and generic signatures.
  void Method(const dex::EncodedMethod& m) {
    dex::MethodId id = dex_.method_id(m.method_idx);
    dex::ProtoId proto = dex_.proto_id(id.proto_idx);
    dex_.ForEachParameter(id.proto_idx, [this](uint32_t t) { Type(t); });
    Type(proto.return_type_idx);
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
};

}  // namespace

void CollectExodusClasses(const dex::DexFile& dex, std::unordered_set<std::string>& out) {
  Collector c(dex, out);
  for (uint32_t i = 0; i < dex.class_count(); ++i) c.Class(i);
}

}  // namespace vigie::sig
