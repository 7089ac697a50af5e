#include "vigie/profile/class_shape.h"

#include <algorithm>
#include <array>

#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#include <xxhash.h>

namespace vigie::profile {
namespace {

// Feature kinds, as the first byte hashed: the same text means different
// things as a string constant and as a method's type.
enum Kind : char {
  kSuper = 'S',
  kInterface = 'I',
  kField = 'f',
  kMethod = 'm',
  kPlatformCall = 'c',
  kPlatformField = 'g',
  kAppCall = 'x',
  kString = 's',
};

// 0 and 1 are DexShaper's "not hashed yet" and "not a feature".
uint64_t Hash(Kind kind, std::string_view text) {
  const uint64_t h = XXH3_64bits_withSeed(text.data(), text.size(), static_cast<uint64_t>(kind));
  return h < 2 ? h + 2 : h;
}

// Collects features; repeated field and method types are kept apart.
class Builder {
 public:
  void Add(uint64_t h) { set_.push_back(h); }
  void AddRepeatable(uint64_t h) { repeated_.push_back(h); }
  void Add(Kind kind, std::string_view text) { Add(Hash(kind, text)); }

  Shape Finish() {
    std::sort(repeated_.begin(), repeated_.end());
    for (size_t i = 0; i < repeated_.size();) {
      size_t j = i;
      for (; j < repeated_.size() && repeated_[j] == repeated_[i]; ++j)
        set_.push_back(j == i ? repeated_[i] : XXH3_64bits_withSeed(&repeated_[i], sizeof(uint64_t), j - i));
      i = j;
    }
    std::sort(set_.begin(), set_.end());
    set_.erase(std::unique(set_.begin(), set_.end()), set_.end());
    return std::move(set_);
  }

 private:
  Shape set_;
  std::vector<uint64_t> repeated_;
};

constexpr std::array<std::string_view, 9> kPlatformPrefixes = {
    "java/", "javax/", "android/", "dalvik/", "org/json/", "org/xml/", "org/w3c/", "org/apache/http/", "junit/"};

// The feature of a method or field reference: its full name when the
// owner is a platform type, else only its abstracted type (the name is
// the obfuscator's). Arrays' methods (clone) count as platform ones.
uint64_t RefFeature(std::string_view owner, std::string_view name, std::string_view type, bool method) {
  const bool platform = IsPlatformType(owner) || (!owner.empty() && owner[0] == '[');
  if (platform) {
    std::string text;
    text.reserve(owner.size() + name.size() + type.size() + 2);
    text.append(owner).append(".").append(name).append(":").append(AbstractDescriptor(type));
    return Hash(method ? kPlatformCall : kPlatformField, text);
  }
  // An app field's type says little and its owner is renamed: not a feature.
  if (!method) return 1;
  // Constructors and static initialisers keep their names.
  std::string text = name == "<init>" ? "<init>" : "";
  text += AbstractDescriptor(type);
  return Hash(kAppCall, text);
}

std::string MemberText(std::string_view name, std::string_view descriptor) {
  std::string text = name == "<init>" || name == "<clinit>" ? std::string(name) : "";
  return text += AbstractDescriptor(descriptor);
}

std::string SuperText(std::string_view name) { return IsPlatformType(name) ? std::string(name) : "X"; }

}  // namespace

bool IsPlatformType(std::string_view name) {
  if (name.starts_with("android/support/")) return false;
  for (std::string_view p : kPlatformPrefixes)
    if (name.starts_with(p)) return true;
  return false;
}

bool LooksRenamed(std::string_view name) {
  const size_t dot = name.rfind('.');
  std::string_view simple = dot == std::string_view::npos ? name : name.substr(dot + 1);
  simple = simple.substr(0, simple.find('$'));
  if (simple.empty() || simple.size() > 3) return false;
  return std::all_of(simple.begin(), simple.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string AbstractDescriptor(std::string_view d) {
  std::string out;
  out.reserve(d.size());
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] != 'L') {
      out.push_back(d[i]);
      continue;
    }
    const size_t end = d.find(';', i);
    if (end == std::string_view::npos) {
      out.append(d.substr(i));
      break;
    }
    const std::string_view name = d.substr(i + 1, end - i - 1);
    if (IsPlatformType(name)) out.append(d.substr(i, end - i + 1));
    else out.push_back('X');
    i = end;
  }
  return out;
}

Shape ShapeOfClassFile(const classfile::ClassFile& c) {
  Builder b;
  if (!c.super_class().empty()) b.Add(kSuper, SuperText(c.super_class()));
  for (std::string_view i : c.interfaces()) b.Add(kInterface, SuperText(i));
  for (const auto& f : c.fields()) b.AddRepeatable(Hash(kField, AbstractDescriptor(f.descriptor)));
  for (const auto& m : c.methods()) b.AddRepeatable(Hash(kMethod, MemberText(m.name, m.descriptor)));
  for (const auto& r : c.member_refs())
    if (uint64_t h = RefFeature(r.owner, r.name, r.descriptor, r.method); h > 1) b.Add(h);
  c.ForEachStringConstant([&](std::string_view s) { b.Add(kString, s); });
  return b.Finish();
}

DexShaper::DexShaper(const dex::DexFile& dex)
    : dex_(dex), method_refs_(dex.method_count(), 0), field_refs_(dex.field_count(), 0) {}

std::string_view DexShaper::InternalName(uint32_t type_idx) const {
  const std::string_view d = dex_.TypeDescriptor(type_idx);
  return d.size() >= 2 && d.front() == 'L' ? d.substr(1, d.size() - 2) : d;
}

std::string DexShaper::Proto(uint32_t proto_idx) const {
  std::string d = "(";
  dex_.ForEachParameter(proto_idx, [&](uint32_t type_idx) { d.append(dex_.TypeDescriptor(type_idx)); });
  d.push_back(')');
  d.append(dex_.TypeDescriptor(dex_.proto_id(proto_idx).return_type_idx));
  return d;
}

// The feature of reference `idx`, made once per DEX: 0 in `cache` is "not
// made yet", and an index past it is a malformed reference (no feature).
template <typename Make>
uint64_t Cached(std::vector<uint64_t>& cache, uint32_t idx, Make&& make) {
  if (idx >= cache.size()) return 1;
  if (cache[idx] == 0) cache[idx] = make();
  return cache[idx];
}

uint64_t DexShaper::MethodRef(uint32_t idx) {
  return Cached(method_refs_, idx, [&] {
    const dex::MethodId id = dex_.method_id(idx);
    return RefFeature(InternalName(id.class_idx), dex_.String(id.name_idx).value_or(""), Proto(id.proto_idx), true);
  });
}

uint64_t DexShaper::FieldRef(uint32_t idx) {
  return Cached(field_refs_, idx, [&] {
    const dex::FieldId id = dex_.field_id(idx);
    return RefFeature(InternalName(id.class_idx), dex_.String(id.name_idx).value_or(""),
                      dex_.TypeDescriptor(id.type_idx), false);
  });
}

Shape DexShaper::Of(uint32_t class_def) {
  Builder b;
  const dex::ClassDef def = dex_.class_def(class_def);
  if (def.superclass_idx != dex::kNoIndex) b.Add(kSuper, SuperText(InternalName(def.superclass_idx)));
  dex_.ForEachInterface(def, [&](uint32_t type_idx) { b.Add(kInterface, SuperText(InternalName(type_idx))); });
  dex_.ForEachField(def, [&](const dex::EncodedField& f) {
    b.AddRepeatable(Hash(kField, AbstractDescriptor(dex_.TypeDescriptor(dex_.field_id(f.field_idx).type_idx))));
  });
  std::vector<uint64_t> refs;  // A class file's pool names each reference once.
  dex_.ForEachMethod(def, [&](const dex::EncodedMethod& m) {
    const dex::MethodId id = dex_.method_id(m.method_idx);
    b.AddRepeatable(Hash(kMethod, MemberText(dex_.String(id.name_idx).value_or(""), Proto(id.proto_idx))));
    if (!m.code_off) return;
    const auto code = dex_.Code(m.code_off);
    if (!code) return;
    dex::ForEachInstruction(code->insns, [&](const dex::Instruction& in) {
      const dex::OpcodeInfo& op = dex::Opcode(in.opcode);
      if (dex::HasFlag(in.opcode, dex::kInvoke)) refs.push_back(MethodRef(in.Index16()));
      else if (op.index == dex::IndexKind::kField) refs.push_back(FieldRef(in.Index16()));
      else if (dex::HasFlag(in.opcode, dex::kConstString)) {
        const uint32_t idx = op.format == dex::Format::k21c ? in.Index16() : (in.Unit(1) | (uint32_t{in.Unit(2)} << 16));
        if (auto s = dex_.String(idx); s && !s->empty()) refs.push_back(Hash(kString, *s));
      }
    });
  });
  dex_.ForEachStaticValue(def, [&](uint8_t type, uint32_t idx) {
    if (type != 0x17) return;  // VALUE_STRING
    if (auto s = dex_.String(idx); s && !s->empty()) refs.push_back(Hash(kString, *s));
  });
  for (uint64_t h : refs)
    if (h > 1) b.Add(h);
  return b.Finish();
}

}  // namespace vigie::profile
