// Threads for the independent parts of one input: its DEX files, and under
// --deep its assets. The CLI runs whole inputs in parallel; a pool gives one
// input's parts the threads left over.
//
// Tasks are claimed from a shared counter, so uneven tasks balance across
// threads. Each task writes only its own result, and the caller merges the
// results in task order, so a report never depends on the scheduling.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace vigie {

/// The number of CPUs this process may run on (at least 1): the affinity
/// mask, so that taskset and cgroup cpusets are respected.
unsigned CpuCount();

class TaskPool {
 public:
  /// `threads`: the calling thread plus threads - 1 workers, started on the
  /// first Run() that has tasks for them.
  explicit TaskPool(unsigned threads = 1);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  unsigned threads() const { return threads_; }

  /// Calls fn(task, worker) for every task in [0, tasks), on the calling
  /// thread (worker 0) and the pool's workers (1..threads-1), and returns
  /// when all have finished. The first exception a task throws is rethrown
  /// here; tasks not started by then are skipped.
  template <typename Fn>
  void Run(size_t tasks, Fn&& fn);

 private:
  struct Job {
    size_t tasks = 0;
    void* fn = nullptr;
    void (*call)(void* fn, size_t task, unsigned worker) = nullptr;
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    // Guarded by the pool's mutex.
    size_t finished = 0;
    unsigned workers_inside = 0;  // Workers in Claim(): the job must outlive them.
    std::exception_ptr error;
  };

  // Runs tasks of `job` until none is left to claim.
  void Claim(Job& job, unsigned worker);
  void RunJob(Job& job);
  void Work(unsigned worker);

  const unsigned threads_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  Job* job_ = nullptr;     // The task set being run, if any.
  uint64_t generation_ = 0;  // Bumped per task set, so a worker runs each once.
  bool stopping_ = false;
  std::vector<std::jthread> workers_;
};

/// Runs read(i, worker) for every item i in [0, items) on `pool`, then
/// merge(result) in item order: the parts of an input are read in parallel
/// and added to its report as if read one after the other.
template <typename Read, typename Merge>
void ReadInOrder(TaskPool& pool, size_t items, Read&& read, Merge&& merge) {
  using Part = std::invoke_result_t<Read&, size_t, unsigned>;
  std::vector<std::optional<Part>> parts(items);
  pool.Run(items, [&](size_t i, unsigned worker) { parts[i].emplace(read(i, worker)); });
  for (auto& part : parts) merge(std::move(*part));
}

template <typename Fn>
void TaskPool::Run(size_t tasks, Fn&& fn) {
  if (threads_ <= 1 || tasks <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0u);
    return;
  }
  Job job;
  job.tasks = tasks;
  job.fn = &fn;
  job.call = [](void* f, size_t task, unsigned worker) {
    (*static_cast<std::remove_reference_t<Fn>*>(f))(task, worker);
  };
  RunJob(job);
}

}  // namespace vigie
