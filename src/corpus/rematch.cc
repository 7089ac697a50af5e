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
// features and verdicts); and a cap on a batch's stored features, for
// corpora of huge apps.
constexpr size_t kBatch = 512;
constexpr size_t kBatchBytes = 256u << 20;

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

// One batch: the apps read, and what matching them gave.
struct Batch {
  std::vector<store::StoredFeatures> apps;
  std::vector<Matched> matched;
};

}  // namespace

Result<RematchProgress> RematchCorpus(store::Store& store, const RematchOptions& options,
                                      const std::function<void(const RematchProgress&)>& progress,
                                      const std::function<void(const std::string&)>& problem) {
  const auto start = std::chrono::steady_clock::now();
  RematchProgress p;
  std::optional<Error> failed;
  // Writes a matched batch; runs while the workers match the next one, and
  // the store serves one of them at a time: the next batch is read only
  // once the previous write is done.
  auto write = [&](Batch b) {
    std::vector<store::Reverdict> rewrite;
    for (size_t i = 0; i < b.apps.size(); ++i) {
      const Matched& m = b.matched[i];
      if (!m.verdicts) {
        ++p.unreadable;
        problem(m.problem);
        continue;
      }
      p.stale += !m.stale.empty();
      rewrite.push_back({b.apps[i].app_id, b.apps[i].verdicts_digest, &*m.verdicts, m.stale});
    }
    auto changed = store.Rewrite(rewrite, options.kb_version);
    if (!changed) {
      failed = changed.error();
      return;
    }
    p.changed += *changed;
    p.done += rewrite.size();
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(p);
  };

  auto read = [&](int64_t after) -> Result<Batch> {
    auto apps = store.FeaturesAfter(after, kBatch, features::kFormat, kBatchBytes);
    if (!apps) return apps.error();
    return Batch{std::move(*apps), {}};
  };
  // Apps scanned without --features (or by a Vigie whose features were of
  // another format) are left as they are; the count says how many.
  auto featureless = store.CountWithoutFeatures(features::kFormat);
  if (!featureless) return featureless.error();
  p.featureless = *featureless;
  auto batch = read(0);
  if (!batch) return batch.error();
  std::jthread writer;
  while (!batch->apps.empty()) {
    batch->matched.resize(batch->apps.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < batch->apps.size();) {
        batch->matched[i] = MatchOne(batch->apps[i], options.scan);
        batch->apps[i].data = {};  // Read; its memory is no longer needed.
      }
    };
    {
      std::vector<std::jthread> workers;
      for (unsigned t = 1; t < options.jobs; ++t) workers.emplace_back(work);
      work();
    }
    if (writer.joinable()) writer.join();
    if (failed) return *failed;
    auto following = read(batch->apps.back().app_id);
    if (!following) return following.error();
    writer = std::jthread([&write, b = std::move(*batch)]() mutable { write(std::move(b)); });
    batch = std::move(following);
  }
  if (writer.joinable()) writer.join();
  if (failed) return *failed;
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

}  // namespace vigie::corpus
