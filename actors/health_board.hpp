#pragma once
// The latest node-health facts, published by the election actor once a second and read by
// /api/health and /api/status without touching the backend.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/node_identity.hpp"
#include "storage/election_dao.hpp"

namespace orc::actors {

struct HealthFacts {
  std::optional<storage::NodeHealthRow> active_node;
  std::vector<storage::NodeHealthRow> available_nodes;
  std::string error;  ///< last backend error ("" when the last round trip worked)
  std::chrono::steady_clock::time_point last_success{};
};

class HealthBoard {
 public:
  void publish_success(std::optional<storage::NodeHealthRow> active,
                       std::vector<storage::NodeHealthRow> available) {
    std::lock_guard<std::mutex> lock(mutex_);
    facts_.active_node = std::move(active);
    facts_.available_nodes = std::move(available);
    facts_.error.clear();
    facts_.last_success = std::chrono::steady_clock::now();
  }
  /// A backend round trip (lease renewal) worked: a past error no longer applies.
  void clear_error() {
    std::lock_guard<std::mutex> lock(mutex_);
    facts_.error.clear();
  }
  void publish_error(std::string error) {
    std::lock_guard<std::mutex> lock(mutex_);
    facts_.error = std::move(error);
  }
  HealthFacts get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return facts_;
  }

 private:
  mutable std::mutex mutex_;
  HealthFacts facts_;
};

}  // namespace orc::actors
