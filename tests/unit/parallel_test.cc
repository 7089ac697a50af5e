#include "vigie/base/parallel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace vigie {
namespace {

// Every task runs exactly once, on worker ids within the pool, set after
// set, whether the workers are started by the pool or lent to it, and
// whether waiting threads spin first (no more threads than CPUs) or not.
TEST(TaskPool, RunsEveryTaskOnceAcrossManySets) {
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned threads : {2u, cpus, cpus + 1}) {
    for (bool adopt : {false, true}) {
      TaskPool pool(threads);
      std::jthread lent;
      if (adopt) {
        const unsigned slot = pool.Adopt();
        ASSERT_EQ(slot, 1u);
        lent = std::jthread([&pool, slot] { pool.Serve(slot); });
      }
      for (int set = 0; set < 200; ++set) {
        std::vector<std::atomic<int>> runs(17);
        std::atomic<bool> bad_worker{false};
        pool.Run(runs.size(), [&](size_t task, unsigned worker) {
          if (worker >= pool.threads()) bad_worker = true;
          ++runs[task];
        });
        for (auto& r : runs) ASSERT_EQ(r.load(), 1);
        ASSERT_FALSE(bad_worker);
      }
      pool.Stop();  // Releases the lent thread, which is then joined.
    }
  }
}

TEST(TaskPool, RethrowsTheFirstErrorAfterTheRestFinish) {
  TaskPool pool(2);
  std::atomic<int> ran{0};
  EXPECT_THROW(pool.Run(8,
                        [&](size_t task, unsigned) {
                          ++ran;
                          if (task == 0) throw std::runtime_error("task 0");
                        }),
               std::runtime_error);
  EXPECT_GE(ran.load(), 1);
  // The pool is still usable afterwards.
  std::atomic<int> after{0};
  pool.Run(4, [&](size_t, unsigned) { ++after; });
  EXPECT_EQ(after.load(), 4);
}

TEST(TaskPool, OneThreadRunsInlineInOrder) {
  TaskPool pool(1);
  EXPECT_EQ(pool.Adopt(), 0u);  // No slot to lend.
  std::vector<size_t> order;
  pool.Run(5, [&](size_t task, unsigned worker) {
    EXPECT_EQ(worker, 0u);
    order.push_back(task);
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
  std::vector<size_t> none;
  RunTasks(nullptr, 3, [&](size_t task, unsigned) { none.push_back(task); });
  EXPECT_EQ(none.size(), 3u);
}

// A thread lent after Stop() returns at once instead of waiting forever.
TEST(TaskPool, ServeAfterStopReturns) {
  TaskPool pool(2);
  const unsigned slot = pool.Adopt();
  pool.Stop();
  pool.Serve(slot);
  SUCCEED();
}

}  // namespace
}  // namespace vigie
