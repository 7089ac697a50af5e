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

// Collects features; repeated field and method types are kept apart. Its
// vectors are the caller's, so that shaping many classes reuses them.
class Builder {
 public:
  Builder(std::vector<uint64_t>& set, std::vector<uint64_t>& repeated) : set_(set), repeated_(repeated) {
    set_.clear();
    repeated_.clear();
  }
  void Add(uint64_t h) {
    if (h > 1) set_.push_back(h);  // 0 and 1 are no feature (DexShaper).
  }
  void AddRepeatable(uint64_t h) {
    if (h > 1) repeated_.push_back(h);  // 0 and 1 are no feature (DexShaper).
  }
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
    return Shape(set_.begin(), std::unique(set_.begin(), set_.end()));
  }

 private:
  std::vector<uint64_t>& set_;
  std::vector<uint64_t>& repeated_;
};

constexpr std::array<std::string_view, 9> kPlatformPrefixes = {
    "java/", "javax/", "android/", "dalvik/", "org/json/", "org/xml/", "org/w3c/", "org/apache/http/", "junit/"};

// The feature of a method or field reference of abstracted type
// `abstract_type` is its full name when the owner is a platform type, else
// only its type (the name is the obfuscator's); an app field's type says
// little, so it is no feature. Arrays' methods (clone) count as platform
// ones. `text` is scratch space, kept by the caller so that no reference
// allocates.
bool IsPlatformOwner(std::string_view owner) { return IsPlatformType(owner) || (!owner.empty() && owner[0] == '['); }

uint64_t PlatformRefFeature(std::string_view owner, std::string_view name, std::string_view abstract_type, bool method,
                            std::string& text) {
  text.assign(owner).append(".").append(name).append(":").append(abstract_type);
  return Hash(method ? kPlatformCall : kPlatformField, text);
}

// Constructors keep their names.
uint64_t AppCallFeature(bool constructor, std::string_view abstract_type, std::string& text) {
  if (!constructor) return Hash(kAppCall, abstract_type);
  text.assign("<init>").append(abstract_type);
  return Hash(kAppCall, text);
}

uint64_t RefFeature(std::string_view owner, std::string_view name, std::string_view abstract_type, bool method,
                    std::string& text) {
  if (IsPlatformOwner(owner)) return PlatformRefFeature(owner, name, abstract_type, method, text);
  return method ? AppCallFeature(name == "<init>", abstract_type, text) : 1;
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
  if (name.size() >= 2 && name.front() == 'L' && name.back() == ';') name = name.substr(1, name.size() - 2);
  name = name.substr(0, name.find('$'));  // The outer class.
  auto renamed = [](std::string_view part) {
    return !part.empty() && part.size() <= 3 && std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
  };
  // Every package segment too: a class renamed inside a package its
  // developers named (android.support.v4.a.c, com.bumptech.glide.b.c) is
  // that library's, which an SDK may have copied into its own namespace.
  for (size_t start = 0;;) {
    const size_t end = name.find_first_of("./", start);
    if (!renamed(name.substr(start, end == std::string_view::npos ? end : end - start))) return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
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
  std::vector<uint64_t> set, repeated;
  Builder b(set, repeated);
  if (!c.super_class().empty()) b.Add(kSuper, SuperText(c.super_class()));
  for (std::string_view i : c.interfaces()) b.Add(kInterface, SuperText(i));
  for (const auto& f : c.fields()) b.AddRepeatable(Hash(kField, AbstractDescriptor(f.descriptor)));
  for (const auto& m : c.methods()) b.AddRepeatable(Hash(kMethod, MemberText(m.name, m.descriptor)));
  std::string text;
  for (const auto& r : c.member_refs())
    if (uint64_t h = RefFeature(r.owner, r.name, AbstractDescriptor(r.descriptor), r.method, text); h > 1) b.Add(h);
  c.ForEachStringConstant([&](std::string_view s) { b.Add(kString, s); });
  return b.Finish();
}

DexShaper::DexShaper(const dex::DexFile& dex)
    : dex_(dex),
      method_refs_(dex.method_count(), 0),
      field_refs_(dex.field_count(), 0),
      method_shapes_(dex.proto_count(), 0),
      field_types_(dex.type_count(), 0),
      strings_(dex.string_count(), 0),
      supers_(dex.type_count(), 0),
      interfaces_(dex.type_count(), 0),
      app_calls_(dex.proto_count(), 0),
      platform_(dex.type_count(), 0),
      abstract_protos_(dex.proto_count()),
      names_(dex.string_count(), Name::kUnread),
      method_seen_(dex.method_count(), 0),
      field_seen_(dex.field_count(), 0),
      string_seen_(dex.string_count(), 0) {}

std::string_view DexShaper::InternalName(uint32_t type_idx) const {
  const std::string_view d = dex_.TypeDescriptor(type_idx);
  return d.size() >= 2 && d.front() == 'L' ? d.substr(1, d.size() - 2) : d;
}

std::string_view DexShaper::AbstractProto(uint32_t proto_idx) {
  if (proto_idx >= abstract_protos_.size()) return "";
  std::string& out = abstract_protos_[proto_idx];
  if (out.empty()) {
    std::string d = "(";
    dex_.ForEachParameter(proto_idx, [&](uint32_t type_idx) { d.append(dex_.TypeDescriptor(type_idx)); });
    d.push_back(')');
    d.append(dex_.TypeDescriptor(dex_.proto_id(proto_idx).return_type_idx));
    out = AbstractDescriptor(d);
  }
  return out;
}

// The feature of reference `idx`, made once per DEX: 0 in `cache` is "not
// made yet", and an index past it is a malformed reference (no feature).
template <typename Make>
uint64_t Cached(std::vector<uint64_t>& cache, uint32_t idx, Make&& make) {
  if (idx >= cache.size()) return 1;
  if (cache[idx] == 0) cache[idx] = make();
  return cache[idx];
}

DexShaper::Name DexShaper::NameOf(uint32_t name_idx) {
  if (name_idx >= names_.size()) return Name::kOther;
  Name& name = names_[name_idx];
  if (name == Name::kUnread) {
    const std::string_view text = dex_.String(name_idx).value_or("");
    name = text == "<init>" ? Name::kInit : text == "<clinit>" ? Name::kClinit : Name::kOther;
  }
  return name;
}

bool DexShaper::IsPlatform(uint32_t type_idx) {
  if (type_idx >= platform_.size()) return false;
  uint8_t& p = platform_[type_idx];
  if (p == 0) p = IsPlatformOwner(InternalName(type_idx)) ? 2 : 1;
  return p == 2;
}

uint64_t DexShaper::MethodRef(uint32_t idx) {
  return Cached(method_refs_, idx, [&] {
    const dex::MethodId id = dex_.method_id(idx);
    if (IsPlatform(id.class_idx))
      return PlatformRefFeature(InternalName(id.class_idx), dex_.String(id.name_idx).value_or(""),
                                AbstractProto(id.proto_idx), true, text_);
    if (NameOf(id.name_idx) == Name::kInit) return AppCallFeature(true, AbstractProto(id.proto_idx), text_);
    return Cached(app_calls_, id.proto_idx, [&] { return AppCallFeature(false, AbstractProto(id.proto_idx), text_); });
  });
}

uint64_t DexShaper::FieldRef(uint32_t idx) {
  return Cached(field_refs_, idx, [&]() -> uint64_t {
    const dex::FieldId id = dex_.field_id(idx);
    if (!IsPlatform(id.class_idx)) return 1;
    return PlatformRefFeature(InternalName(id.class_idx), dex_.String(id.name_idx).value_or(""),
                              AbstractDescriptor(dex_.TypeDescriptor(id.type_idx)), false, text_);
  });
}

uint64_t DexShaper::MethodFeature(uint32_t name_idx, uint32_t proto_idx) {
  // Only constructors and static initialisers keep their names.
  switch (NameOf(name_idx)) {
    case Name::kInit:
      return Hash(kMethod, text_.assign("<init>").append(AbstractProto(proto_idx)));
    case Name::kClinit:
      return Hash(kMethod, text_.assign("<clinit>").append(AbstractProto(proto_idx)));
    default:
      return Cached(method_shapes_, proto_idx, [&] { return Hash(kMethod, AbstractProto(proto_idx)); });
  }
}

uint64_t DexShaper::FieldFeature(uint32_t type_idx) {
  return Cached(field_types_, type_idx, [&] { return Hash(kField, AbstractDescriptor(dex_.TypeDescriptor(type_idx))); });
}

uint64_t DexShaper::StringFeature(uint32_t string_idx) {
  return Cached(strings_, string_idx, [&]() -> uint64_t {
    const auto s = dex_.String(string_idx);
    return s && !s->empty() ? Hash(kString, *s) : 1;
  });
}

namespace {
// Whether reference `idx` is new to class `stamp`; marks it seen.
bool FirstUse(std::vector<uint32_t>& seen, uint32_t idx, uint32_t stamp) {
  if (idx >= seen.size() || seen[idx] == stamp) return false;
  seen[idx] = stamp;
  return true;
}
}  // namespace

Shape DexShaper::Of(uint32_t class_def) {
  Builder b(set_, repeated_);
  const uint32_t stamp = ++shaped_;
  const dex::ClassDef def = dex_.class_def(class_def);
  if (def.superclass_idx != dex::kNoIndex)
    b.Add(Cached(supers_, def.superclass_idx, [&] { return Hash(kSuper, SuperText(InternalName(def.superclass_idx))); }));
  dex_.ForEachInterface(def, [&](uint32_t type_idx) {
    b.Add(Cached(interfaces_, type_idx, [&] { return Hash(kInterface, SuperText(InternalName(type_idx))); }));
  });
  dex_.ForEachField(def, [&](const dex::EncodedField& f) {
    b.AddRepeatable(FieldFeature(dex_.field_id(f.field_idx).type_idx));
  });
  std::vector<uint64_t>& refs = refs_;  // A class file's pool names each reference once.
  refs.clear();
  dex_.ForEachMethod(def, [&](const dex::EncodedMethod& m) {
    const dex::MethodId id = dex_.method_id(m.method_idx);
    b.AddRepeatable(MethodFeature(id.name_idx, id.proto_idx));
    if (!m.code_off) return;
    const auto code = dex_.Code(m.code_off);
    if (!code) return;
    dex::ForEachInstruction(code->insns, [&](const dex::Instruction& in) {
      const dex::OpcodeInfo& op = dex::Opcode(in.opcode);
      if (dex::HasFlag(in.opcode, dex::kInvoke)) {
        if (FirstUse(method_seen_, in.Index16(), stamp)) refs.push_back(MethodRef(in.Index16()));
      } else if (op.index == dex::IndexKind::kField) {
        if (FirstUse(field_seen_, in.Index16(), stamp)) refs.push_back(FieldRef(in.Index16()));
      } else if (dex::HasFlag(in.opcode, dex::kConstString)) {
        const uint32_t idx = op.format == dex::Format::k21c ? in.Index16() : (in.Unit(1) | (uint32_t{in.Unit(2)} << 16));
        if (FirstUse(string_seen_, idx, stamp)) refs.push_back(StringFeature(idx));
      }
    });
  });
  dex_.ForEachStaticValue(def, [&](uint8_t type, uint32_t idx) {
    if (type == 0x17 && FirstUse(string_seen_, idx, stamp)) refs.push_back(StringFeature(idx));  // VALUE_STRING
  });
  for (uint64_t h : refs)
    if (h > 1) b.Add(h);
  return b.Finish();
}

}  // namespace vigie::profile
