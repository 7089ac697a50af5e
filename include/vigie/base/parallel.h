// Splitting one input's analysis across cores.
//
// A scan runs a handful of independent tasks per DEX (matching class names,
// looking for hosts in strings, walking a slice of the class definitions).
// A TaskPool hands them out from a shared counter, so uneven tasks balance
// across threads. Tasks write only to their own output slots; the caller
// merges them afterwards in task order, which keeps results deterministic
// whatever the scheduling.
//
// The pool lives as long as the scan, and its workers wait between task
// sets (they spin, then sleep: see parallel.cc): starting a thread for
// every set cost ~0.15 ms each time on the 2-vCPU guest we measure on,
// twice per DEX. The scan's own helper thread, once done with its work
// (signatures, manifest, hash), serves as a worker too (Adopt, Serve), so a
// two-core scan never has three busy threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vigie {

/// The number of CPUs this process may run on (at least 1), read once.
unsigned CpuCount();

/// Spins, pausing and now and then yielding, until done() or until `budget`
/// has passed; true when done(). Waiting this way keeps the thread on its
/// CPU where sleeping would not (see parallel.cc).
bool SpinUntil(const std::function<bool()>& done, std::chrono::steady_clock::duration budget);

class TaskPool {
 public:
  /// `threads`: the calling thread plus up to threads - 1 workers.
  explicit TaskPool(unsigned threads = 1);
  ~TaskPool() { Stop(); }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  unsigned threads() const { return threads_; }

  /// Calls fn(task, worker) for every task in [0, tasks), on the calling
  /// thread (worker 0) and on the workers free to help (1..threads-1).
  /// Returns when every task has finished.
  ///
  /// The caller never waits for a worker that is busy or not started yet:
  /// tasks are claimed from a counter, so the caller takes them all when the
  /// workers are late, and a worker that arrives after the last task was
  /// claimed touches nothing of the caller's.
  ///
  /// The first exception thrown by a task is rethrown here once every task
  /// that had started has finished; the tasks not yet started are skipped.
  template <typename Fn>
  void Run(size_t tasks, Fn&& fn);

  /// Reserves a worker slot for a thread that will call Serve() with it
  /// later (the scan's helper, once its own work is done), so that Run()
  /// does not start a thread of its own for that slot. 0: no slot left.
  unsigned Adopt();
  /// Works as `worker` (from Adopt()) until Stop().
  void Serve(unsigned worker);
  /// Wakes every worker to leave, and joins those the pool started. Tasks
  /// sets still running finish first. Idempotent.
  void Stop();

 private:
  struct Job {
    size_t tasks = 0;
    void* fn = nullptr;
    void (*call)(void* fn, size_t task, unsigned worker) = nullptr;
    std::atomic<size_t> next{0}, finished{0};
    std::atomic<bool> failed{false};
    std::mutex error_mu;
    std::exception_ptr error;
  };
  enum Slot : uint8_t { kFree, kAdopted, kStarted };

  // Claims and runs tasks of `job` until none is left. `job.fn` is called
  // only for a claimed task, while Run() is still waiting for it. Each
  // claimed task counts as finished whether it ran, threw, or was skipped.
  static void Claim(Job& job, unsigned worker);
  void RunJob(const std::shared_ptr<Job>& job);

  const unsigned threads_;
  // Whether waiting threads spin before they sleep (see parallel.cc): not
  // when the pool has more threads than the machine has CPUs.
  const bool spin_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::shared_ptr<Job> current_;  // Guarded by mu_; the latest task set.
  // Written under mu_; atomic so that a spinning worker may read them
  // without it (Serve).
  std::atomic<uint64_t> generation_{0};  // Bumped per task set.
  std::atomic<bool> stopping_{false};
  std::vector<Slot> slots_;       // Guarded by mu_; [0] is the caller's.
  std::vector<std::jthread> started_;
};

/// pool->Run(tasks, fn), or every task on the calling thread when `pool` is
/// null.
template <typename Fn>
void RunTasks(TaskPool* pool, size_t tasks, Fn&& fn) {
  if (pool) {
    pool->Run(tasks, fn);
  } else {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0u);
  }
}

template <typename Fn>
void TaskPool::Run(size_t tasks, Fn&& fn) {
  if (threads_ <= 1 || tasks <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0u);
    return;
  }
  auto job = std::make_shared<Job>();
  job->tasks = tasks;
  job->fn = &fn;
  job->call = [](void* f, size_t task, unsigned worker) { (*static_cast<std::remove_reference_t<Fn>*>(f))(task, worker); };
  RunJob(job);
}

}  // namespace vigie
