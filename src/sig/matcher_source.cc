#include "vigie/sig/matcher_source.h"

namespace vigie::sig {

Result<std::shared_ptr<const SdkMatcher>> LoadMatcher(const SignatureSpec& spec) {
  SignatureDb db;
  if (spec.builtin_kb) {
    auto kb = LoadBuiltinKb();
    if (!kb) return MakeError(kb.error().code, 0, "built-in knowledge base: " + kb.error().message);
    db = std::move(*kb);
  }
  for (const auto& [format, path] : spec.imports) {
    auto imported = ImportFile(format, path);
    if (!imported) return imported.error();
    db.Append(std::move(*imported));
  }
  return SdkMatcher::Compile(std::move(db));
}

std::shared_ptr<const SdkMatcher> MatcherSource::Get() {
  std::call_once(once_, [this] {
    auto m = LoadMatcher(spec_);
    if (m) matcher_ = std::move(*m);
    else {
      error_ = m.error();
      failed_.store(true, std::memory_order_release);
    }
    loaded_.store(true, std::memory_order_release);
  });
  return matcher_;
}

}  // namespace vigie::sig
