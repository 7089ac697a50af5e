// A corpus scan: each worker takes the next file, hashes it, skips it when
// its SHA-256 is stored or being scanned, else scans it and stores the
// result, with the features a rematch replays when asked. Each connection to
// the store serves one worker at a time: SQLite takes one writer anyway, and
// PostgreSQL gets a connection per worker, so their round trips overlap.
// Apps are committed in groups (Store::BeginGroup), each app whole.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <unordered_set>

#include "vigie/base/version.h"
#include "vigie/corpus/corpus.h"

namespace vigie::corpus {
namespace {

using Clock = std::chrono::steady_clock;

// A group commits once it holds this many apps, or this long after its
// first: a commit rewrites the last page of every table and index it adds
// to, which costs small apps more than their rows do, while a kill loses
// at most what is not committed yet.
constexpr size_t kGroupApps = 32;
constexpr auto kGroupAge = std::chrono::milliseconds(200);

// "0.1.0+20688c4": the release and, as semantic versioning's build
// metadata, the commit; code changes between releases change results.
std::string VersionName() {
  return kBuildId[0] ? std::string(kVersion) + "+" + kBuildId : std::string(kVersion);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class CorpusScan {
 public:
  CorpusScan(const std::vector<std::string>& files, const ScanCorpusOptions& options,
             const std::vector<store::Store*>& stores, const std::function<void(const CorpusProgress&)>& progress,
             const std::function<void(const std::string&)>& problem)
      : files_(files), options_(options), on_progress_(progress), problem_(problem) {
    for (store::Store* s : stores) connections_.emplace_back(s);
  }

  Result<CorpusProgress> Run() {
    for (const std::string& f : files_)
      if (ShardOf(f, options_.shards) == options_.shard) mine_.push_back(&f);
    progress_.total = mine_.size();
    {
      // Commits the groups no worker comes back to in time.
      std::jthread committer([this](std::stop_token stop) {
        std::mutex m;
        std::condition_variable_any woken;
        while (!stop.stop_requested()) {
          {
            std::unique_lock lock(m);
            woken.wait_for(lock, stop, kGroupAge / 4, [] { return false; });
          }
          // A connection busy now is let be: its worker may be waiting for
          // the database's write lock, which another group holds until this
          // commits it.
          for (Connection& c : connections_) {
            std::unique_lock held(c.mu, std::try_to_lock);
            if (held && c.grouped && Clock::now() - c.since >= kGroupAge) Commit(c);
          }
        }
      });
      std::vector<std::jthread> workers;
      for (unsigned t = 1; t < options_.jobs; ++t)
        workers.emplace_back([this, t] { Work(connections_[t % connections_.size()]); });
      Work(connections_[0]);
    }
    for (Connection& c : connections_)
      if (c.grouped) Commit(c);
    if (store_error_) return *store_error_;
    progress_.seconds = SecondsSince(start_);
    return progress_;
  }

 private:
  // A connection to the store, which one worker at a time uses.
  struct Connection {
    explicit Connection(store::Store* s) : store(*s) {}
    store::Store& store;
    std::mutex mu;
    size_t grouped = 0;       // Apps put in its open group (0: none open).
    Clock::time_point since;  // When the group opened.
  };

  // Commits `c`'s group; `c.mu` is held.
  void Commit(Connection& c) {
    c.grouped = 0;
    if (auto e = c.store.CommitGroup()) Fail(*e);
  }

  void Work(Connection& c) {
    features::Encoder encoder;
    for (size_t i; !stop_.load() && (i = next_.fetch_add(1)) < mine_.size();) Take(*mine_[i], c, encoder);
  }

  void Take(const std::string& path, Connection& c, features::Encoder& encoder) {
    auto file = MappedFile::Open(path);
    if (!file) return Done([](CorpusProgress& p) { ++p.failed; }, path + ": " + file.error().message);
    const std::string sha256 = Sha256File(*file);
    // An app stored without features is scanned again when they are
    // wanted now, and its results replaced.
    bool replace = options_.rescan;
    if (!options_.rescan) {
      std::optional<Result<store::Stored>> stored;
      {
        std::lock_guard lock(c.mu);
        if (!stop_) stored.emplace(c.store.Lookup(sha256, features::kFormat));
      }
      if (!stored) return;
      if (!*stored) return Fail(stored->error());
      if (**stored == store::Stored::kWithFeatures || (**stored == store::Stored::kResults && !KeepsFeatures()))
        return Done([](CorpusProgress& p) { ++p.skipped; });
      replace = **stored == store::Stored::kResults;
    }
    if (!Claim(sha256)) return Done([](CorpusProgress& p) { ++p.skipped; });
    const Clock::time_point begun = Clock::now();
    features::AppFeatures kept;
    ScanResult r = ScanMapped(*file, path, options_.scan, KeepsFeatures() ? &kept : nullptr);
    r.file.sha256 = sha256;
    const store::ScanProvenance provenance{store::UtcTimestamp(), SecondsSince(begun), VersionName(),
                                           options_.kb_version};
    // An app not read at all has nothing to rematch.
    const std::string encoded = KeepsFeatures() && r.status != ScanStatus::kFailed ? encoder.Encode(kept) : "";
    std::optional<Result<store::PutOutcome>> put;
    {
      std::lock_guard lock(c.mu);
      if (!stop_ && !c.grouped) {
        if (auto e = c.store.BeginGroup()) put.emplace(*e);
        else c.since = Clock::now();
      }
      if (!stop_ && !put) {
        put.emplace(c.store.Put(r, provenance, replace, {features::kFormat, encoded}));
        ++c.grouped;
      }
      // A result the database refuses is the app's problem until a bare
      // record of it is refused too: then the database is.
      if (put && !*put) {
        r = Unstorable(r, put->error());
        put.emplace(c.store.Put(r, provenance, replace));
      }
      if (c.grouped >= kGroupApps) Commit(c);
    }
    if (!put) return;
    if (!*put) return Fail(put->error());
    if (**put == store::PutOutcome::kAlreadyStored) return Done([](CorpusProgress& p) { ++p.skipped; });
    const ScanStatus status = r.status;
    Done([status](CorpusProgress& p) {
      ++p.stored;
      if (status == ScanStatus::kFailed) ++p.failed;
      if (status == ScanStatus::kPartial) ++p.partial;
    });
  }

  // Features are kept when asked for and there is knowledge to match them
  // with again.
  bool KeepsFeatures() const { return options_.features && options_.scan.knowledge.signatures; }

  // What is stored of an app whose result the database refused: the file,
  // failed, with why.
  static ScanResult Unstorable(const ScanResult& r, const Error& e) {
    ScanResult bare;
    bare.file = r.file;
    bare.status = ScanStatus::kFailed;
    bare.diagnostics.Add(Level::kError, ErrorCode::kStore, "store",
                         "the database refused this app's result: " + e.message);
    return bare;
  }

  // Whether this worker scans the app `sha256`: not taken by another
  // worker under another path.
  bool Claim(const std::string& sha256) {
    std::lock_guard lock(claim_mu_);
    return claimed_.insert(sha256).second;
  }

  // The store failed: the run stops, and says why.
  void Fail(const Error& e) {
    std::lock_guard lock(error_mu_);
    if (!store_error_) store_error_ = e;
    stop_ = true;
  }

  // One file done: `count` says how, `problem` (when not empty) why it
  // could not be read.
  template <typename Count>
  void Done(Count count, const std::string& problem = {}) {
    std::lock_guard lock(progress_mu_);
    if (!problem.empty()) problem_(problem);
    ++progress_.done;
    count(progress_);
    progress_.seconds = SecondsSince(start_);
    on_progress_(progress_);
  }

  const std::vector<std::string>& files_;
  const ScanCorpusOptions& options_;
  const std::function<void(const CorpusProgress&)>& on_progress_;
  const std::function<void(const std::string&)>& problem_;
  const Clock::time_point start_ = Clock::now();

  std::vector<const std::string*> mine_;  // This shard's files.
  std::atomic<size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex claim_mu_;
  std::unordered_set<std::string> claimed_;  // SHA-256 of this run's apps.
  std::deque<Connection> connections_;
  std::mutex error_mu_;
  std::optional<Error> store_error_;  // The first; the run stops.
  std::mutex progress_mu_;
  CorpusProgress progress_;
};

}  // namespace

Result<CorpusProgress> ScanCorpus(const std::vector<std::string>& files, const ScanCorpusOptions& options,
                                  const std::vector<store::Store*>& stores,
                                  const std::function<void(const CorpusProgress&)>& progress,
                                  const std::function<void(const std::string&)>& problem) {
  if (stores.empty()) return MakeError(ErrorCode::kStore, 0, "no connection to the store");
  return CorpusScan(files, options, stores, progress, problem).Run();
}

}  // namespace vigie::corpus
