#pragma once
// This node's view of its own leadership, shared lock-free between the election actor (the
// only writer) and everything that must act only while leader (discovery, storage flushes,
// /api/leader-check, recoveries).
//
// Leadership is a local window [start, deadline). The deadline is the last successful
// renewal's start + lease − margin; the backend lease outlives it, so a node cut off from the
// backend (or frozen with SIGSTOP) stops acting before any other node can take over. The start
// is "now" for a term won on an expired lease, and lies ahead after a grab: the grabber owns
// the lease row at once but leads only once the previous holder's backend lease has run out,
// which is after that holder's own deadline. So two terms never overlap.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>

namespace orc::actors {

class Leadership {
 public:
  using Clock = std::chrono::steady_clock;
  /// Where "now" comes from: the steady clock, or a test's hand-moved clock.
  using NowFn = std::function<Clock::time_point()>;

  Leadership() : now_([] { return Clock::now(); }) {}
  /// For tests that move time by hand (the election actor test).
  explicit Leadership(NowFn now) : now_(std::move(now)) {}

  /// True while this node's term is valid by its own clock: started and not past its deadline.
  bool is_leader() const {
    // Deadline first: begin() publishes the start before the deadline, so a reader that sees
    // a new deadline also sees its start.
    int64_t until = until_ns_.load(std::memory_order_acquire);
    if (until == 0) return false;
    int64_t from = from_ns_.load(std::memory_order_acquire);
    int64_t now = to_ns(now_());
    return from <= now && now < until;
  }
  /// The fencing token of the current (or last, or awaited) term.
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  /// Starts a term, or schedules it when `from` lies ahead (after a grab). Ends any current one.
  void begin(Clock::time_point from, Clock::time_point until, uint64_t epoch) {
    until_ns_.store(0, std::memory_order_release);
    epoch_.store(epoch, std::memory_order_release);
    from_ns_.store(to_ns(from), std::memory_order_release);
    until_ns_.store(to_ns(until), std::memory_order_release);
  }
  /// Moves the deadline of the current (or scheduled) term after a renewal; keeps its start.
  void extend(Clock::time_point until, uint64_t epoch) {
    epoch_.store(epoch, std::memory_order_release);
    until_ns_.store(to_ns(until), std::memory_order_release);
  }
  /// Ends the current term, or cancels a scheduled one.
  void drop() { until_ns_.store(0, std::memory_order_release); }
  Clock::time_point start() const { return at(from_ns_.load(std::memory_order_acquire)); }
  Clock::time_point until() const { return at(until_ns_.load(std::memory_order_acquire)); }
  Clock::time_point now() const { return now_(); }

 private:
  static int64_t to_ns(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }
  static Clock::time_point at(int64_t ns) {
    return Clock::time_point(
        std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
  }
  NowFn now_;
  std::atomic<int64_t> from_ns_{0};
  std::atomic<int64_t> until_ns_{0};
  std::atomic<uint64_t> epoch_{0};
};

}  // namespace orc::actors
