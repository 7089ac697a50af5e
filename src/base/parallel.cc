#include "vigie/base/parallel.h"

#include "vigie/base/helper_thread.h"

namespace vigie {

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
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
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
