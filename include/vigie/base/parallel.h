// A tiny fork-join helper for splitting one input's analysis across cores.
//
// A scan runs a handful of independent tasks per DEX (matching class names,
// looking for hosts in strings, walking a slice of the class definitions).
// RunTasks hands them out from a shared counter, so uneven tasks balance
// across threads. Tasks write only to their own output slots; the caller
// merges them afterwards in task order, which keeps results deterministic
// whatever the scheduling.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>

#include "vigie/base/helper_thread.h"

namespace vigie {

/// Calls fn(task, worker) for every task in [0, tasks), on up to `workers`
/// threads: the calling thread is worker 0, and helpers 1.. are started for
/// the call. Returns when every task has finished.
///
/// The caller never waits for a helper that has not started: tasks are
/// claimed from a counter, so the caller simply takes them all when helpers
/// are late (a busy CPU, a slow VM), and a helper that starts after the last
/// task was claimed exits without touching anything of the caller's. Helpers
/// are detached and share only a small reference-counted state.
///
/// The first exception thrown by a task is rethrown here once every task
/// that had started has finished; the tasks not yet started are skipped.
namespace detail {

struct TaskState {
  std::atomic<size_t> next{0}, finished{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::exception_ptr error;
};

// Claims and runs tasks until none is left. `fn` is dereferenced only for a
// claimed task, while RunTasks is still waiting for it. Each claimed task
// counts as finished whether it ran, threw, or was skipped after a failure.
template <typename Fn>
void ClaimTasks(TaskState& s, size_t tasks, Fn* fn, unsigned worker) {
  for (size_t t; (t = s.next.fetch_add(1)) < tasks;) {
    if (!s.failed.load(std::memory_order_relaxed)) {
      try {
        (*fn)(t, worker);
      } catch (...) {
        std::lock_guard lock(s.error_mu);
        if (!s.error) s.error = std::current_exception();
        s.failed.store(true);
      }
    }
    s.finished.fetch_add(1, std::memory_order_acq_rel);
    s.finished.notify_all();
  }
}

}  // namespace detail

template <typename Fn>
void RunTasks(size_t tasks, unsigned workers, Fn&& fn) {
  if (workers <= 1 || tasks <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t, 0u);
    return;
  }
  auto state = std::make_shared<detail::TaskState>();
  auto* task = &fn;
  const unsigned helpers = static_cast<unsigned>(std::min<size_t>(workers, tasks)) - 1;
  for (unsigned w = 1; w <= helpers; ++w) {
    // A helper owns a share of the state and nothing of the caller's.
    StartHelper([state, tasks, task, w] { detail::ClaimTasks(*state, tasks, task, w); }).detach();
  }
  detail::ClaimTasks(*state, tasks, task, 0);
  for (size_t done; (done = state->finished.load(std::memory_order_acquire)) < tasks;)
    state->finished.wait(done, std::memory_order_acquire);
  if (state->error) std::rethrow_exception(state->error);
}

}  // namespace vigie
