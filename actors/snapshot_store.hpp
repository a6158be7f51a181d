#pragma once
// Holder of the current read snapshot: swapped by the storage actor, read lock-free (in
// effect: a short mutex around a shared_ptr copy) by HTTP handler threads.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "model/snapshot.hpp"

namespace orc::actors {

class SnapshotStore {
 public:
  using Clock = std::chrono::steady_clock;

  std::shared_ptr<const model::TopologySnapshot> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return snapshot_;
  }
  void set(std::shared_ptr<const model::TopologySnapshot> s) {
    std::lock_guard<std::mutex> lock(mutex_);
    snapshot_ = std::move(s);
    taken_at_ = Clock::now();
    dirty_ = false;
  }
  /// Marks the snapshot outdated (after a write) so the next read refreshes it.
  void mark_dirty() { dirty_ = true; }
  /// True when a reader wanting data at most `max_age` old must refresh first.
  bool stale(std::chrono::milliseconds max_age) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return !snapshot_ || dirty_ || Clock::now() - taken_at_ > max_age;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const model::TopologySnapshot> snapshot_;
  Clock::time_point taken_at_{};
  std::atomic<bool> dirty_{true};
};

}  // namespace orc::actors
