#pragma once
// The leader's latest failure analysis of its live view, published by the detector and read
// by /api/replication-analysis on the leader (followers analyse backend rows instead).

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "model/analysis.hpp"

namespace orc::actors {

class AnalysisBoard {
 public:
  using Rows = std::vector<model::ReplicationAnalysis>;
  void publish(std::shared_ptr<const Rows> rows) {
    std::lock_guard<std::mutex> lock(mutex_);
    rows_ = std::move(rows);
    at_ = std::chrono::steady_clock::now();
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    rows_.reset();
  }
  /// The latest rows if published within `max_age`, else nullptr.
  std::shared_ptr<const Rows> get(std::chrono::milliseconds max_age) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!rows_ || std::chrono::steady_clock::now() - at_ > max_age) return nullptr;
    return rows_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Rows> rows_;
  std::chrono::steady_clock::time_point at_{};
};

}  // namespace orc::actors
