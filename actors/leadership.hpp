#pragma once
// This node's view of its own leadership, shared lock-free between the election actor (the
// only writer) and everything that must act only while leader (discovery, storage flushes,
// /api/leader-check, recoveries).
//
// Leadership is a local deadline: the last successful renewal's start + lease − margin. The
// backend lease outlives it, so a node cut off from the backend (or frozen with SIGSTOP)
// stops acting before any other node can take over.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace orc::actors {

class Leadership {
 public:
  using Clock = std::chrono::steady_clock;

  /// True while this node's term is valid by its own clock.
  bool is_leader() const { return now_ns() < until_ns_.load(std::memory_order_acquire); }
  /// The fencing token of the current (or last) term.
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  void extend(Clock::time_point until, uint64_t epoch) {
    epoch_.store(epoch, std::memory_order_release);
    until_ns_.store(to_ns(until), std::memory_order_release);
  }
  void drop() { until_ns_.store(0, std::memory_order_release); }
  Clock::time_point until() const { return Clock::time_point(Clock::duration(until_ns_.load())); }

 private:
  static int64_t to_ns(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }
  static int64_t now_ns() { return to_ns(Clock::now()); }
  std::atomic<int64_t> until_ns_{0};
  std::atomic<uint64_t> epoch_{0};
};

}  // namespace orc::actors
