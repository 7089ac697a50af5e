// Starting helper threads where they can run at once.
//
// Vigie's helpers are short: hashing a package, loading signatures, or one
// DEX's share of analysis, each a few milliseconds. A new thread first
// queues on its creator's CPU, and on virtual machines the idle CPU it
// should move to can take milliseconds to pick it up: on a 2-vCPU KVM guest,
// 4 starts in 10 waited about 3 ms, sharing the creator's CPU meanwhile,
// which is as long as the work itself. A helper is therefore placed on
// another CPU the process may use before it first runs, then released to
// the whole set, so the scheduler stays free to move it afterwards.
#pragma once

#include <functional>
#include <thread>

namespace vigie {

/// Starts `fn` on a new thread, placed on an allowed CPU other than the
/// caller's when there is one. Joined when the returned jthread is
/// destroyed.
std::jthread StartHelper(std::function<void()> fn);

}  // namespace vigie
