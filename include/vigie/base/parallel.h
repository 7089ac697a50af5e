// A tiny fork-join helper for splitting one input's analysis across cores.
//
// A scan runs a handful of independent tasks per DEX (matching class names,
// looking for hosts in strings, walking a slice of the class definitions).
// RunTasks hands them out from a shared counter, so uneven tasks balance
// across threads, and joins before returning. Tasks write only to their own
// output slots; the caller merges them afterwards in task order, which keeps
// results deterministic whatever the scheduling.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "vigie/base/helper_thread.h"

namespace vigie {

/// Calls fn(task, worker) for every task in [0, tasks), on `workers`
/// threads: the calling thread is worker 0, and workers 1.. are started for
/// the call. `worker` lets a task use per-thread state (scratch space).
/// The first exception thrown by a task is rethrown here after every thread
/// has stopped; the remaining tasks are then skipped.
template <typename Fn>
void RunTasks(size_t tasks, unsigned workers, Fn&& fn) {
  if (workers <= 1 || tasks <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0u);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto run = [&](unsigned worker) {
    try {
      for (size_t t; (t = next.fetch_add(1)) < tasks;) fn(t, worker);
    } catch (...) {
      std::lock_guard lock(error_mu);
      if (!error) error = std::current_exception();
      next.store(tasks);  // Nobody starts another task.
    }
  };
  {
    std::vector<std::jthread> helpers;
    const unsigned extra = static_cast<unsigned>(std::min<size_t>(workers, tasks)) - 1;
    helpers.reserve(extra);
    for (unsigned w = 1; w <= extra; ++w) helpers.push_back(StartHelper([&run, w] { run(w); }));
    run(0);
  }  // jthreads join here.
  if (error) std::rethrow_exception(error);
}

}  // namespace vigie
