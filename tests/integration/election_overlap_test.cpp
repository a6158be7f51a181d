// Acceptance: grab-election and reelect never give two nodes a term at the same time. Three
// orchestrator processes share one backend; a sampler asks all three /api/leader-check
// back-to-back every 20 ms while leadership is moved around.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

using Nodes = std::vector<std::unique_ptr<OrchestratorNode>>;

bool leads(const OrchestratorNode& node) {
  return http_get(node.port(), "/api/leader-check", 300).status == 200;
}

/// Samples the three nodes back-to-back every 20 ms on its own thread until stopped (or a
/// bound of rounds is reached); a node counts as leader in a round if it answered 200.
class LeaderSampler {
 public:
  explicit LeaderSampler(const Nodes& nodes) {
    for (const auto& n : nodes) ports_.push_back(n->port());
    thread_ = std::thread([this] { run(); });
  }
  ~LeaderSampler() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int rounds() const { return rounds_; }
  int overlapping_rounds() const { return overlaps_; }
  std::string first_overlap() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_overlap_;
  }

 private:
  void run() {
    // At most ~10 minutes of rounds, so the thread stops by itself if the test never does.
    for (int round = 0; round < 30000 && !stop_; ++round) {
      std::string who;
      int leaders = 0;
      for (size_t i = 0; i < ports_.size(); ++i) {
        if (http_get(ports_[i], "/api/leader-check", 300).status != 200) continue;
        ++leaders;
        who += " node" + std::to_string(i);
      }
      ++rounds_;
      if (leaders > 1) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (overlaps_++ == 0) first_overlap_ = "round " + std::to_string(round) + ":" + who;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  std::vector<int> ports_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> rounds_{0};
  std::atomic<int> overlaps_{0};
  mutable std::mutex mutex_;
  std::string first_overlap_;
};

/// The one node answering 200, or -1 when none or several do.
int single_leader(const Nodes& nodes) {
  int found = -1;
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
    if (!leads(*nodes[i])) continue;
    if (found >= 0) return -1;
    found = i;
  }
  return found;
}

/// A grab answers once the grabber leads (up to a lease plus a renewal): allow for that.
HttpReply grab(const OrchestratorNode& node) {
  HttpOptions options;
  options.timeout_ms = 15000;
  return http_request(node.port(), "/api/grab-election", options);
}

}  // namespace

TEST_CASE("grab-election and reelect never leave two nodes answering leader-check at once") {
  auto backend = Sandbox::backend();
  Nodes nodes;
  for (int i = 0; i < 3; ++i) {
    int port = free_port();
    nodes.push_back(
        std::make_unique<OrchestratorNode>(node_config_json(backend.port(), port), port));
  }
  int leader = -1;
  REQUIRE(wait_until([&] { return (leader = single_leader(nodes)) >= 0; }, seconds(10)));
  LeaderSampler sampler(nodes);

  for (int k = 0; k < 20; ++k) {
    // Rotate among the two non-leaders.
    int grabber = (leader + 1 + k % 2) % 3;
    auto reply = grab(*nodes[grabber]);
    CHECK(reply.status == 200);
    CHECK(reply.body.find("\"Code\":\"OK\"") != std::string::npos);
    CHECK(reply.body.find("Node elected as leader") != std::string::npos);
    // The answer comes once the grabber leads; poll with a bound in case it does not.
    bool led = wait_until([&] { return leads(*nodes[grabber]); }, seconds(5));
    CHECK_MESSAGE(led, "grab " << k << ": node" << grabber << " never led");
    if (!led) break;
    leader = grabber;
  }

  auto epoch = [&] {
    return std::stoll(backend.sql(0, "SELECT epoch FROM orchestrator.active_node"));
  };
  for (int k = 0; k < 4; ++k) {
    auto before = epoch();
    CHECK(nodes[k % 3]->get("/api/reelect").status == 200);
    // The next term (whoever wins it) has a higher epoch and one node leading it.
    CHECK(wait_until([&] { return epoch() > before && single_leader(nodes) >= 0; }, seconds(5)));
  }

  sampler.stop();
  MESSAGE(sampler.rounds() << " sample rounds of 3 nodes, " << sampler.overlapping_rounds()
                           << " with two or more leaders " << sampler.first_overlap());
  CHECK(sampler.rounds() > 200);
  CHECK(sampler.overlapping_rounds() == 0);
}
