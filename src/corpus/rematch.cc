// A rematch: the stored features of each app are read back in batches,
// matched again on every worker under the new knowledge, and the batch's
// verdicts written in one transaction, rows rewritten only for the apps
// whose verdicts changed.
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "vigie/corpus/corpus.h"
#include "vigie/features/app_features.h"

namespace vigie::corpus {
namespace {

// Apps per batch: enough to keep every worker busy and make each
// transaction worth its commit, few enough to bound memory (each holds its
// features and verdicts).
constexpr size_t kBatch = 512;

struct Matched {
  std::optional<ScanResult> verdicts;  // Empty when the features could not be read.
  std::string stale;
  std::string problem;
};

Matched MatchOne(const store::StoredFeatures& stored, const ScanOptions& options) {
  Matched m;
  auto features = features::Decode(ByteView(std::string_view(stored.data)));
  if (!features) {
    m.problem = stored.path + ": " + features.error().message;
    return m;
  }
  Rematched r = Rematch(*features, options);
  m.verdicts = std::move(r.result);
  m.stale = std::move(r.stale);
  return m;
}

}  // namespace

Result<RematchProgress> RematchCorpus(store::Store& store, const RematchOptions& options,
                                      const std::function<void(const RematchProgress&)>& progress,
                                      const std::function<void(const std::string&)>& problem) {
  const auto start = std::chrono::steady_clock::now();
  RematchProgress p;
  for (int64_t after = 0;;) {
    auto batch = store.FeaturesAfter(after, kBatch);
    if (!batch) return batch.error();
    if (batch->empty()) break;
    after = batch->back().app_id;

    std::vector<Matched> matched(batch->size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < batch->size();) {
        matched[i] = MatchOne((*batch)[i], options.scan);
        (*batch)[i].data = {};  // Read; its memory is no longer needed.
      }
    };
    {
      std::vector<std::jthread> workers;
      for (unsigned t = 1; t < options.jobs; ++t) workers.emplace_back(work);
      work();
    }

    std::vector<store::Reverdict> rewrite;
    for (size_t i = 0; i < batch->size(); ++i) {
      const Matched& m = matched[i];
      if (!m.verdicts) {
        ++p.unreadable;
        problem(m.problem);
        continue;
      }
      p.stale += !m.stale.empty();
      rewrite.push_back({(*batch)[i].app_id, (*batch)[i].verdicts_digest, &*m.verdicts, m.stale});
    }
    auto changed = store.Rewrite(rewrite, options.kb_version);
    if (!changed) return changed.error();
    p.changed += *changed;
    p.done += rewrite.size();
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(p);
  }
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

}  // namespace vigie::corpus
