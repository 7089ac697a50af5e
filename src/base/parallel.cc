#include "vigie/base/parallel.h"

#include <sched.h>

#include <algorithm>
#include <chrono>

#include "vigie/base/helper_thread.h"

namespace vigie {
namespace {

// A worker waiting for the next task set, and the caller waiting for the
// last tasks of one, spin for a while before they sleep. A thread that
// sleeps is woken through a futex, and on the 2-vCPU KVM guests we measure
// on the kernel then often ran it on its waker's CPU, where the two took
// turns instead of working side by side: in scans started from a shell,
// every task of a DEX ran on one CPU in about a third of the scans, and the
// rounds took twice as long (docs/benchmarks.md). A thread that
// spins keeps its own CPU. It yields now and then, so that a thread which
// does share its CPU still gets to run, and the spin is bounded, so that an
// idle pool sleeps. A pool with more threads than CPUs never spins: its
// spinning threads would take turns with the working ones.
//
// A worker's wait is mostly the scan's helper waiting for the first task set
// of a DEX, while the caller inflates it: a few milliseconds for the largest
// DEX files. With 2 ms, the helper still fell asleep before the 4-5 MB DEX
// files of instapaper.apk and blooddonation.apk were inflated, and their
// scans, run from a shell, took 1 ms longer than with 20 ms.
constexpr auto kServeSpin = std::chrono::milliseconds(20);
constexpr auto kFinishSpin = std::chrono::microseconds(500);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

bool SpinUntil(const std::function<bool()>& done, std::chrono::steady_clock::duration budget) {
  const auto start = std::chrono::steady_clock::now();
  auto last_yield = start;
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    if (i % 64 == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - start >= budget) return false;
      if (now - last_yield >= std::chrono::microseconds(20)) {
        std::this_thread::yield();
        last_yield = now;
      }
    }
    CpuRelax();
  }
}

unsigned CpuCount() {
  // The CPUs this process may run on (taskset, cgroup cpusets), not those
  // online: threads spin while they wait (SpinUntil), which only pays when
  // each has a CPU of its own. One system call, where
  // hardware_concurrency() opens and reads /sys/devices/system/cpu/online.
  static const unsigned cpus = [] {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }();
  return cpus;
}

TaskPool::TaskPool(unsigned threads)
    : threads_(threads < 1 ? 1 : threads), spin_(threads_ > 1 && threads_ <= CpuCount()), slots_(threads_, kFree) {}

void TaskPool::Claim(Job& job, unsigned worker) {
  for (size_t t; (t = job.next.fetch_add(1)) < job.tasks;) {
    if (!job.failed.load(std::memory_order_relaxed)) {
      try {
        job.call(job.fn, t, worker);
      } catch (...) {
        std::lock_guard lock(job.error_mu);
        if (!job.error) job.error = std::current_exception();
        job.failed.store(true);
      }
    }
    job.finished.fetch_add(1, std::memory_order_acq_rel);
    job.finished.notify_all();
  }
}

void TaskPool::RunJob(const std::shared_ptr<Job>& job) {
  {
    std::lock_guard lock(mu_);
    current_ = job;
    ++generation_;
    // Workers are started on the first task set that could use them, on
    // another CPU (StartHelper); adopted slots are left to their thread.
    for (unsigned w = 1; w < threads_ && !stopping_; ++w) {
      if (slots_[w] != kFree) continue;
      slots_[w] = kStarted;
      started_.push_back(StartHelper([this, w] { Serve(w); }));
    }
  }
  wake_.notify_all();
  Claim(*job, 0);
  if (spin_) SpinUntil([&] { return job->finished.load(std::memory_order_acquire) >= job->tasks; }, kFinishSpin);
  for (size_t done; (done = job->finished.load(std::memory_order_acquire)) < job->tasks;)
    job->finished.wait(done, std::memory_order_acquire);
  {
    // The caller's functor is about to go: no worker may find it from here.
    std::lock_guard lock(mu_);
    if (current_ == job) current_.reset();
  }
  if (job->error) std::rethrow_exception(job->error);
}

unsigned TaskPool::Adopt() {
  std::lock_guard lock(mu_);
  for (unsigned w = 1; w < threads_; ++w) {
    if (slots_[w] != kFree) continue;
    slots_[w] = kAdopted;
    return w;
  }
  return 0;
}

void TaskPool::Serve(unsigned worker) {
  uint64_t seen = 0;
  for (;;) {
    auto woken = [&] {
      return stopping_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
    };
    if (spin_) SpinUntil(woken, kServeSpin);
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, woken);
      if (stopping_) return;
      seen = generation_;
      job = current_;
    }
    if (job) Claim(*job, worker);
  }
}

void TaskPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  started_.clear();  // Joins.
}

}  // namespace vigie
