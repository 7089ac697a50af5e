#include "vigie/detect/data_access.h"

#include <algorithm>
#include <unordered_map>

#include "embedded_detect.h"
#include "vigie/format/dex/opcodes.h"
#include "vigie/base/tsv.h"

namespace vigie::detect {
namespace {

// "Landroid/location/LocationManager;" -> "LocationManager";
// "Lcom/x/AdvertisingIdClient$Info;" -> "AdvertisingIdClient.Info".
std::string SimpleClassName(std::string_view descriptor) {
  std::string java = dex::DescriptorToJavaName(descriptor);
  size_t dot = java.rfind('.');
  std::string simple = dot == std::string::npos ? java : java.substr(dot + 1);
  std::replace(simple.begin(), simple.end(), '$', '.');
  return simple;
}

std::vector<std::string> SplitBar(const std::string& s) {
  std::vector<std::string> out;
  if (s == "-" || s.empty()) return out;
  size_t start = 0;
  for (size_t bar; (bar = s.find('|', start)) != std::string::npos; start = bar + 1)
    out.push_back(s.substr(start, bar - start));
  out.push_back(s.substr(start));
  return out;
}

}  // namespace

Result<std::vector<ApiRule>> ParseApiRules(std::string_view tsv) {
  std::vector<ApiRule> out;
  for (auto& row : ParseTsv(tsv)) {
    auto bad = [&](const std::string& why) {
      return MakeError(ErrorCode::kRules, 0, "data_access.tsv: " + (row.empty() ? "" : row[0] + ": ") + why);
    };
    if (row.size() != 5) return bad("expected 5 tab-separated columns, got " + std::to_string(row.size()));
    ApiRule r;
    r.member = row[0];
    const size_t arrow = r.member.find(";->");
    if (r.member.size() < 4 || r.member[0] != 'L' || arrow == std::string::npos || arrow + 3 == r.member.size())
      return bad("the member is not written Lclass/Name;->member");
    r.display = SimpleClassName(std::string_view(r.member).substr(0, arrow + 1)) + "." + r.member.substr(arrow + 3);
    r.kind = row[1];
    if (r.kind.empty()) return bad("no kind");
    r.permissions = SplitBar(row[2]);
    for (const auto& p : r.permissions)
      if (p.find('.') == std::string::npos) return bad("'" + p + "' is not a permission name");
    r.with_string = row[3] == "-" ? "" : row[3];
    if (!r.with_string.empty()) r.display += "(\"" + r.with_string + "\")";
    r.source = row[4];
    if (r.source.empty()) return bad("no source");
    out.push_back(std::move(r));
  }
  return out;
}

const std::vector<ApiRule>& ApiRules() {
  static const std::vector<ApiRule> rules = CheckedAtBuild(ParseApiRules(embedded::kDataAccessTsv));
  return rules;
}

size_t KindRank(const std::string& kind) {
  const auto& rules = ApiRules();
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].kind == kind) return i;
  return rules.size();
}

DexApiIndex::DexApiIndex(const dex::DexFile& dex)
    : dex_(dex), method_rule_(dex.method_count(), -1), field_rule_(dex.field_count(), -1) {
  const auto& rules = ApiRules();
  // Rules by class descriptor, then member name.
  std::unordered_map<std::string_view, std::vector<uint32_t>> by_class;
  for (uint32_t i = 0; i < rules.size(); ++i) {
    std::string_view m = rules[i].member;
    by_class[m.substr(0, m.find(";->") + 1)].push_back(i);
  }
  auto find = [&](uint32_t class_type, uint32_t name_idx) -> int64_t {
    auto it = by_class.find(dex.TypeDescriptor(class_type));
    if (it == by_class.end()) return -1;
    auto name = dex.String(name_idx);
    if (!name) return -1;
    for (uint32_t r : it->second) {
      std::string_view m = rules[r].member;
      if (m.substr(m.find(";->") + 3) == *name) return r;
    }
    return -1;
  };
  // The DEX format keeps type ids sorted by descriptor, and method and
  // field ids by class first: each ruled class is found by binary search,
  // then only its own ids are compared by name. Out-of-order ids (a
  // malformed DEX) can only hide matches.
  for (const auto& [descriptor, unused] : by_class) {
    uint32_t lo = 0, hi = dex.type_count();
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      if (dex.TypeDescriptor(mid) < descriptor) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= dex.type_count() || dex.TypeDescriptor(lo) != descriptor) continue;
    const uint32_t type = lo;
    auto first_of = [type](uint32_t count, auto class_of) {
      uint32_t l = 0, h = count;
      while (l < h) {
        const uint32_t mid = l + (h - l) / 2;
        if (class_of(mid) < type) l = mid + 1;
        else h = mid;
      }
      return l;
    };
    for (uint32_t m = first_of(dex.method_count(), [&](uint32_t i) { return uint32_t{dex.method_id(i).class_idx}; });
         m < dex.method_count() && dex.method_id(m).class_idx == type; ++m)
      if (int64_t r = find(type, dex.method_id(m).name_idx); r >= 0) {
        method_rule_[m] = static_cast<int32_t>(r);
        any_rule_ = true;
      }
    for (uint32_t f = first_of(dex.field_count(), [&](uint32_t i) { return uint32_t{dex.field_id(i).class_idx}; });
         f < dex.field_count() && dex.field_id(f).class_idx == type; ++f)
      if (int64_t r = find(type, dex.field_id(f).name_idx); r >= 0) {
        field_rule_[f] = static_cast<int32_t>(r);
        any_rule_ = true;
      }
  }
  // String constants some rules need; DEX strings are sorted, so each is
  // found by binary search.
  for (const auto& rule : rules) {
    if (rule.with_string.empty()) continue;
    uint32_t lo = 0, hi = dex.string_count();
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      auto s = dex.String(mid);
      if (!s) break;
      if (*s < rule.with_string) lo = mid + 1;
      else hi = mid;
    }
    if (lo < dex.string_count() && dex.String(lo) == std::string_view(rule.with_string))
      strings_.emplace_back(lo, rule.with_string);
  }
}

void DexApiIndex::CollectUses(uint32_t class_def, std::vector<ApiUse>& out, const Loads* loads) const {
  if (!any_rule_ && !loads) return;
  const auto& rules = ApiRules();
  const dex::ClassDef def = dex_.class_def(class_def);
  std::vector<uint32_t> found;           // Rules the method uses.
  std::vector<std::string_view> loaded;  // String constants of the method that rules need.
  dex_.ForEachMethod(def, [&](const dex::EncodedMethod& m) {
    if (!m.code_off) return;
    auto code = dex_.Code(m.code_off);
    if (!code) return;
    found.clear();
    loaded.clear();
    dex::ForEachInstruction(code->insns, [&](const dex::Instruction& in) {
      const std::vector<int32_t>* table = nullptr;
      if (dex::HasFlag(in.opcode, dex::kInvoke)) table = &method_rule_;
      else if (dex::HasFlag(in.opcode, dex::kStaticGet)) table = &field_rule_;
      else if (dex::HasFlag(in.opcode, dex::kConstString)) {
        // const-string has a 16-bit index (21c), const-string/jumbo a 32-bit one (31c).
        const uint32_t idx = dex::Opcode(in.opcode).format == dex::Format::k21c
                                 ? in.Index16()
                                 : (in.Unit(1) | (uint32_t{in.Unit(2)} << 16));
        for (const auto& [id, text] : strings_)
          if (id == idx) loaded.push_back(text);
        if (loads && idx < loads->wanted.size() && loads->wanted[idx]) loads->out.emplace_back(class_def, idx);
        return;
      }
      if (!table) return;
      if (const uint32_t id = in.Index16(); id < table->size() && (*table)[id] >= 0)
        found.push_back(static_cast<uint32_t>((*table)[id]));
    });
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (uint32_t rule : found) {
      const std::string& needs = rules[rule].with_string;
      if (!needs.empty() && std::find(loaded.begin(), loaded.end(), needs) == loaded.end()) continue;
      out.push_back({class_def, m.method_idx, rule});
    }
  });
}

std::vector<uint32_t> ClassFileApiRules(const classfile::ClassFile& c) {
  const auto& rules = ApiRules();
  static const std::unordered_map<std::string, std::vector<uint32_t>> by_member = [&] {
    std::unordered_map<std::string, std::vector<uint32_t>> m;
    for (uint32_t i = 0; i < rules.size(); ++i) m[rules[i].member].push_back(i);
    return m;
  }();
  std::vector<uint32_t> out;
  std::string member;
  for (const auto& r : c.member_refs()) {
    member.assign("L").append(r.owner).append(";->").append(r.name);
    if (auto it = by_member.find(member); it != by_member.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::erase_if(out, [&](uint32_t rule) {
    const std::string& needs = rules[rule].with_string;
    if (needs.empty()) return false;
    bool loaded = false;
    c.ForEachStringConstant([&](std::string_view s) { loaded |= s == needs; });
    return !loaded;
  });
  return out;
}

std::string MethodDisplayName(const dex::DexFile& dex, uint32_t method_idx) {
  dex::MethodId id = dex.method_id(method_idx);
  std::string name = dex::DescriptorToJavaName(dex.TypeDescriptor(id.class_idx));
  name.push_back('.');
  name.append(dex.String(id.name_idx).value_or("?"));
  name.append("()");
  return name;
}

}  // namespace vigie::detect
