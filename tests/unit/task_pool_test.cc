#include "vigie/base/task_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vigie {
namespace {

// Every task runs exactly once, on worker ids within the pool, set after
// set, with more or fewer threads than the machine has CPUs.
TEST(TaskPool, RunsEveryTaskOnceAcrossManySets) {
  for (unsigned threads : {2u, CpuCount(), CpuCount() + 2}) {
    TaskPool pool(threads);
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
  std::vector<size_t> order;
  pool.Run(5, [&](size_t task, unsigned worker) {
    EXPECT_EQ(worker, 0u);
    order.push_back(task);
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

// Parts read on any thread are merged in item order, whatever order they
// finished in.
TEST(TaskPool, ReadInOrderMergesInItemOrder) {
  TaskPool pool(3);
  std::vector<std::string> merged;
  ReadInOrder(
      pool, 50,
      [](size_t i, unsigned) {
        if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));  // Finish out of order.
        return std::to_string(i);
      },
      [&](std::string part) { merged.push_back(std::move(part)); });
  ASSERT_EQ(merged.size(), 50u);
  for (size_t i = 0; i < merged.size(); ++i) EXPECT_EQ(merged[i], std::to_string(i));
}

}  // namespace
}  // namespace vigie
