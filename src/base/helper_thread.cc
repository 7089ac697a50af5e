#include "vigie/base/helper_thread.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <memory>

namespace vigie {
namespace {

// The CPUs this process may run on, or false when they cannot be read.
bool AllowedCpus(cpu_set_t& set) {
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0;
}

// An allowed CPU other than `current`, taken in turn so that several
// helpers spread out; -1 when there is none.
int OtherCpu(const cpu_set_t& allowed, int current) {
  static std::atomic<unsigned> turn{0};
  const int count = CPU_COUNT(&allowed);
  if (count < 2) return -1;
  unsigned skip = turn.fetch_add(1) % static_cast<unsigned>(count - (CPU_ISSET(current, &allowed) ? 1 : 0));
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed) || cpu == current) continue;
    if (skip-- == 0) return cpu;
  }
  return -1;
}

}  // namespace

std::jthread StartHelper(std::function<void()> fn) {
  cpu_set_t allowed;
  const bool known = AllowedCpus(allowed);
  const int target = known ? OtherCpu(allowed, sched_getcpu()) : -1;
  // The helper waits until it has been placed, then widens its own affinity
  // back to the process's set before working.
  auto placed = std::make_shared<std::atomic<bool>>(target < 0);
  std::jthread t([fn = std::move(fn), placed, allowed, target] {
    while (!placed->load(std::memory_order_acquire)) std::this_thread::yield();
    if (target >= 0) pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
    fn();
  });
  if (target >= 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(target, &one);
    pthread_setaffinity_np(t.native_handle(), sizeof one, &one);  // Best effort: a failure only costs time.
    placed->store(true, std::memory_order_release);
  }
  return t;
}

}  // namespace vigie
