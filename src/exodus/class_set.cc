#include "vigie/exodus/class_set.h"

#include <algorithm>
#include <array>

namespace vigie::exodus {
namespace {

// dexdump prints the same type, string or prototype again and again (every
// method taking a String prints "Ljava/lang/String;"); marking indices
// records each once, and a prototype's types are marked once per range.
class Marker {
 public:
  Marker(const dex::DexFile& dex, PrintedPart part)
      : dex_(dex), part_(part), seen_protos_(part == PrintedPart::kCodeOnly ? 0 : dex.proto_count()) {
    out_.types = IndexSet(dex.type_count());
    out_.strings = IndexSet(dex.string_count());
  }

  void Class(uint32_t i) {
    dex::ClassDef def = dex_.class_def(i);
    if (part_ == PrintedPart::kCodeOnly) {
      dex_.ForEachMethod(def, [this](const dex::EncodedMethod& m) { Code(m); });
      return;
    }
    Type(def.class_idx);
    Type(def.superclass_idx);
    dex_.ForEachInterface(def, [this](uint32_t t) { Type(t); });
    dex_.ForEachField(def, [this](const dex::EncodedField& f) { Type(dex_.field_id(f.field_idx).type_idx); });
    dex_.ForEachStaticValue(def, [this](uint8_t kind, uint32_t idx) {
      if (kind == 0x17) String(idx);  // VALUE_STRING
      else Type(idx);                 // VALUE_TYPE
    });
    // The methods' code items are scattered over megabytes: their loads
    // are started together, then the methods read.
    methods_.clear();
    dex_.ForEachMethod(def, [this](const dex::EncodedMethod& m) {
      methods_.push_back(m);
      if (part_ == PrintedPart::kAll) dex_.PrefetchCode(m.code_off);
    });
    for (const dex::EncodedMethod& m : methods_) Method(m);
    String(def.source_file_idx);
  }

  PrintedItems Take() { return std::move(out_); }

 private:
  void Type(uint32_t idx) { out_.types.Insert(idx); }
  void String(uint32_t idx) { out_.strings.Insert(idx); }
  void Proto(uint32_t idx) {
    if (!seen_protos_.Insert(idx)) return;
    dex_.ForEachParameter(idx, [this](uint32_t t) { Type(t); });
    Type(dex_.proto_id(idx).return_type_idx);
  }

  // What dexdump prints for one method: its signature, then what its code
  // item holds (Code).
  void Method(const dex::EncodedMethod& m) {
    Proto(dex_.method_id(m.method_idx).proto_idx);
    if (part_ == PrintedPart::kAll) Code(m);
  }

  // What dexdump prints of a method's code item: its catch types, and its
  // local variables' types and generic signatures.
  void Code(const dex::EncodedMethod& m) {
    if (!m.code_off) return;
    auto code = dex_.Code(m.code_off);
    if (!code) return;
    dex_.ForEachCatchType(*code, m.code_off, [this](uint32_t t) { Type(t); });
    Locals(code->debug_info_off);
  }

  // The types and generic signatures of the local variables that
  // debug_info_item `off` declares.
  void Locals(uint32_t off) {
    // D8 shares one debug_info_item between methods whose line tables are
    // alike, and its locals need reading only once. A small direct-mapped
    // table of recent offsets catches most repeats (a third of the decodes
    // on real apps) in fixed memory; a miss only means decoding again.
    if (off == 0) return;
    uint32_t& slot = recent_debug_info_[(off * 2654435761u) >> (32 - kRecentBits)];
    if (slot == off) return;
    slot = off;
    dex_.ForEachLocal(off, [this](uint32_t type, uint32_t sig) {
      Type(type);
      String(sig);
    });
  }

  const dex::DexFile& dex_;
  const PrintedPart part_;
  std::vector<dex::EncodedMethod> methods_;  // Of the class being marked.
  PrintedItems out_;
  IndexSet seen_protos_;
  static constexpr unsigned kRecentBits = 12;
  std::array<uint32_t, size_t{1} << kRecentBits> recent_debug_info_{};  // 0: empty.
};

}  // namespace

void IndexSet::Merge(const IndexSet& other) {
  if (other.words_.size() > words_.size()) words_.resize(other.words_.size());
  for (size_t w = 0; w < other.words_.size(); ++w) words_[w] |= other.words_[w];
}

PrintedItems MarkPrintedItems(const dex::DexFile& dex, uint32_t first, uint32_t last, PrintedPart part) {
  Marker m(dex, part);
  for (uint32_t i = first; i < std::min(last, dex.class_count()); ++i) m.Class(i);
  return m.Take();
}

void AddClassNames(sig::NameList& names, std::string_view text) {
  ForEachExodusClassMatch(text, [&](std::string_view m) {
    if (names.size() == 0 || names.name(names.size() - 1) != m) names.Add(m);
  });
}

void AddPrintedTypes(sig::NameList& names, const dex::DexFile& dex, const IndexSet& types, uint32_t first,
                     uint32_t last) {
  types.ForEach([&](uint32_t t) { AddClassNames(names, dex.TypeDescriptor(t)); }, first, last);
}

void AddPrintedStrings(sig::NameList& names, const dex::DexFile& dex, const IndexSet& strings) {
  strings.ForEach([&](uint32_t s) {
    if (auto text = dex.String(s)) AddClassNames(names, *text);
  });
}

CodeCandidates::CodeCandidates(const dex::DexFile& dex, const PrintedItems& printed,
                                   const std::vector<uint32_t>& with_slash) {
  // Names are listed with their owners, so repeats are kept: two types
  // may give one name, and only one of them may be printed by a code item.
  auto add = [this](std::string_view text, Owner owner) {
    ForEachExodusClassMatch(text, [&](std::string_view m) {
      names_.Add(m);
      owners_.push_back(owner);
    });
  };
  IndexSet descriptors(dex.string_count());
  for (uint32_t t = 0; t < dex.type_count(); ++t) {
    const uint32_t descriptor = dex.TypeDescriptorIndex(t);
    descriptors.Insert(descriptor);
    if (!printed.types.Contains(t)) add(dex.TypeDescriptor(t), {t, descriptor});
  }
  for (uint32_t i : with_slash) {
    if (printed.strings.Contains(i) || descriptors.Contains(i)) continue;
    if (auto text = dex.String(i)) add(*text, {dex::kNoIndex, i});
  }
}

bool CodeCandidates::PrintedWith(size_t i, const PrintedItems& code) const {
  const Owner& o = owners_[i];
  return (o.type != dex::kNoIndex && code.types.Contains(o.type)) || code.strings.Contains(o.string);
}

}  // namespace vigie::exodus
