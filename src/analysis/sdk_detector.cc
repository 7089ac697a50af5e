#include "vigie/analysis/sdk_detector.h"

#include <algorithm>
#include <thread>

#include "vigie/sig/exodus_classes.h"

namespace vigie {
namespace {

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Host-like tokens in a string: runs of [A-Za-z0-9.-] with an inner dot and a
// final label of letters ("t.appsflyer.com", in "https://t.appsflyer.com/x").
template <typename Fn>
void ForEachHostToken(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !IsHostChar(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && IsHostChar(s[i])) ++i;
    std::string_view tok = s.substr(start, i - start);
    while (!tok.empty() && (tok.front() == '.' || tok.front() == '-')) tok.remove_prefix(1);
    while (!tok.empty() && (tok.back() == '.' || tok.back() == '-')) tok.remove_suffix(1);
    size_t dot = tok.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || tok.size() - dot < 3) continue;
    std::string_view tld = tok.substr(dot + 1);
    if (!std::all_of(tld.begin(), tld.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }))
      continue;
    fn(tok);
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string JavaName(std::string_view slash) {
  std::string out(slash);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

}  // namespace

SdkDetector::SdkDetector(std::shared_ptr<const sig::SdkMatcher> matcher)
    : matcher_(std::move(matcher)), session_(*matcher_) {}

SdkFinding& SdkDetector::Finding(uint32_t sdk) {
  auto [it, fresh] = findings_.try_emplace(sdk);
  if (fresh) {
    const sig::SdkSignature& s = matcher_->db().sdks[sdk];
    SdkFinding& f = it->second;
    f.id = s.id;
    f.name = s.name;
    f.vendor = s.vendor;
    f.categories = s.categories;
    f.exodus_id = s.exodus_id;
    f.source = s.source;
  }
  return it->second;
}

void SdkDetector::OnHostsIn(std::string_view text) {
  ForEachHostToken(text, [&](std::string_view tok) {
    std::string host = Lower(tok);
    if (!hosts_seen_.insert(host).second) return;
    uint32_t last = UINT32_MAX;
    matcher_->MatchHost(host, [&](uint32_t sdk) {
      if (sdk == last) return;  // Nested domains of one SDK count once.
      last = sdk;
      Finding(sdk).strings.Add(host);
    });
  });
}

void SdkDetector::OnDex(const dex::DexFile& dex, std::string_view entry_name) {
  // Exodus' class set is the costliest part (it walks every method's catch
  // types and debug info). A second thread builds it for the first half of
  // the classes while this one matches the KB and then builds the second
  // half. The DEX is read-only, so sharing it is safe.
  const uint32_t half = dex.class_count() / 2;
  std::unordered_set<std::string> first_half;
  std::jthread exodus;  // Joined on every path out, exceptions included.
  if (matcher_->has_exodus()) {
    exodus = std::jthread([&] {
      sig::CollectExodusClasses(dex, first_half, 0, half);
      sig::ForEachExodusClassMatch(entry_name, [&](std::string_view m) { first_half.emplace(m); });
    });
  }
  for (uint32_t i = 0; i < dex.class_count(); ++i) {
    std::string_view desc = dex.TypeDescriptor(dex.class_def(i).class_idx);
    uint32_t last = UINT32_MAX;
    session_.MatchDefinedClass(desc, [&](uint32_t sdk) {
      if (sdk == last) return;
      last = sdk;
      Finding(sdk).classes.Add(dex::DescriptorToJavaName(desc));
    });
  }
  for (uint32_t i = 0; i < dex.string_count(); ++i)
    if (auto s = dex.String(i); s && s->find('.') != std::string_view::npos) OnHostsIn(*s);
  if (exodus.joinable()) {
    sig::CollectExodusClasses(dex, exodus_classes_, half);
    exodus.join();
    exodus_classes_.merge(first_half);
  }
}

void SdkDetector::OnClassFile(std::string_view entry_name, const classfile::ClassFile* parsed) {
  // The class's own name where the file could be read (an entry can be
  // named anything), else the entry name.
  std::string_view name = parsed ? parsed->this_class() : entry_name;
  std::string desc;
  desc.reserve(name.size() + 2);
  desc.append("L").append(name).append(";");
  uint32_t last = UINT32_MAX;
  session_.MatchDefinedClass(desc, [&](uint32_t sdk) {
    if (sdk == last) return;
    last = sdk;
    Finding(sdk).classes.Add(JavaName(name));
  });
  if (parsed) parsed->ForEachStringConstant([&](std::string_view s) {
    if (s.find('.') != std::string_view::npos) OnHostsIn(s);
  });
  // Exodus' tooling applies its regexes to JAR entry names directly.
  if (matcher_->has_exodus()) exodus_classes_.emplace(entry_name);
}

void SdkDetector::OnManifest(const Manifest& m) {
  auto component = [&](const std::string& name) {
    matcher_->MatchComponent(name, [&](uint32_t sdk) { Finding(sdk).manifest.Add(std::string("component ").append(name)); });
  };
  auto meta = [&](const MetaData& md) {
    matcher_->MatchMetaData(md.name, [&](uint32_t sdk) { Finding(sdk).manifest.Add(std::string("meta-data ").append(md.name)); });
    OnHostsIn(md.value);
  };
  for (const auto& c : m.components) {
    component(c.name);
    for (const auto& md : c.meta_data) meta(md);
  }
  for (const auto& md : m.meta_data) meta(md);
}

std::vector<SdkFinding> SdkDetector::Finish() {
  if (matcher_->has_exodus()) {
    // Exodus reports the first matching class of sorted(classes).
    std::vector<std::string> sorted(exodus_classes_.begin(), exodus_classes_.end());
    std::sort(sorted.begin(), sorted.end());
    session_.MatchExodusClasses(sorted, [&](uint32_t sdk, uint32_t cls) { Finding(sdk).classes.Add(sorted[cls]); });
  }
  std::vector<SdkFinding> out;
  for (auto& [sdk, f] : findings_) {
    const bool code = f.classes.count > 0, strings = f.strings.count > 0, manifest = f.manifest.count > 0;
    // Permissions alone never make a finding: many SDKs share them.
    if (!code && !strings && !manifest) continue;
    std::vector<std::string> kinds;
    if (code) kinds.push_back("code");
    if (manifest) kinds.push_back("manifest");
    if (strings) kinds.push_back("network strings");
    for (size_t i = 0; i < kinds.size(); ++i) f.basis += (i ? " + " : "") + kinds[i];
    if (code && (strings || manifest)) {
      f.confidence = "high";
    } else if (code || manifest) {
      f.confidence = "medium";
    } else {
      f.confidence = "low";
      f.basis += " only: its code may be renamed or obfuscated";
    }
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const SdkFinding& a, const SdkFinding& b) {
    const std::string ca = a.categories.empty() ? "~" : a.categories[0];
    const std::string cb = b.categories.empty() ? "~" : b.categories[0];
    return ca != cb ? ca < cb : a.name < b.name;
  });
  return out;
}

}  // namespace vigie
