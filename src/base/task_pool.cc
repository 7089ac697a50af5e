#include "vigie/base/task_pool.h"

#include <sched.h>

#include <algorithm>

namespace vigie {

unsigned CpuCount() {
  static const unsigned cpus = [] {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
    return std::max(1u, std::thread::hardware_concurrency());
  }();
  return cpus;
}

TaskPool::TaskPool(unsigned threads) : threads_(std::max(1u, threads)) {}

TaskPool::~TaskPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  workers_.clear();  // Joins.
}

void TaskPool::Claim(Job& job, unsigned worker) {
  for (size_t t; (t = job.next.fetch_add(1)) < job.tasks;) {
    if (!job.failed.load()) {
      try {
        job.call(job.fn, t, worker);
      } catch (...) {
        std::lock_guard lock(mu_);
        if (!job.error) job.error = std::current_exception();
        job.failed.store(true);
      }
    }
    std::lock_guard lock(mu_);
    if (++job.finished == job.tasks) done_.notify_all();
  }
}

void TaskPool::RunJob(Job& job) {
  {
    std::lock_guard lock(mu_);
    job_ = &job;
    ++generation_;
    if (workers_.empty())
      for (unsigned w = 1; w < threads_; ++w) workers_.emplace_back([this, w] { Work(w); });
  }
  wake_.notify_all();
  Claim(job, 0);
  std::unique_lock lock(mu_);
  done_.wait(lock, [&] { return job.finished == job.tasks && job.workers_inside == 0; });
  job_ = nullptr;  // The caller's functor goes when Run returns: no worker may reach it after.
  if (job.error) std::rethrow_exception(job.error);
}

void TaskPool::Work(unsigned worker) {
  uint64_t seen = 0;
  for (;;) {
    Job* job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || (job_ && generation_ != seen); });
      if (stopping_) return;
      seen = generation_;
      job = job_;
      ++job->workers_inside;
    }
    Claim(*job, worker);
    std::lock_guard lock(mu_);
    if (--job->workers_inside == 0) done_.notify_all();
  }
}

}  // namespace vigie
