// The HTTP layer under pressure, with real processes: health and leader-check are answered
// while idle keep-alive connections and slow operations hold the node; operations beyond
// HTTPThreads and connections beyond HTTPMaxConnections get an error instead of a hang.
// (Latency is measured by tools/bench/http_capacity.sh, not asserted here.)

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"
#include "tools/bench/black_hole.hpp"

using namespace orc::test;
using orc::bench::BlackHole;

namespace {

/// Slow operations: discovers of black holes, each waiting for the node's 30 s connect timeout.
class SlowOperations {
 public:
  SlowOperations(int port, int count) {
    for (int i = 0; i < count; ++i) holes_.push_back(std::make_unique<BlackHole>());
    for (int i = 0; i < count; ++i)
      threads_.emplace_back([port, hole = holes_[i]->port()] {
        HttpOptions o;
        o.timeout_ms = 120000;
        http_request(port, "/api/discover/127.0.0.1/" + std::to_string(hole), o);
      });
  }
  /// True once every operation reached its server (the node waits for a handshake).
  bool all_in_flight() const {
    for (const auto& h : holes_)
      if (h->accepted() == 0) return false;
    return true;
  }
  ~SlowOperations() {
    holes_.clear();  // closing the black holes ends the operations
    for (auto& t : threads_) t.join();
  }

 private:
  std::vector<std::unique_ptr<BlackHole>> holes_;
  std::vector<std::thread> threads_;
};

std::unique_ptr<OrchestratorNode> start_node(const Sandbox& backend,
                                             std::map<std::string, std::string> extra) {
  extra["MySQLConnectTimeoutSeconds"] = "30";
  const int port = free_port();
  return std::make_unique<OrchestratorNode>(node_config_json(backend.port(), port, extra), port);
}

}  // namespace

TEST_CASE(
    "leader-check and health are answered with 64 idle keep-alive connections and 8 slow "
    "operations in flight") {
  auto backend = Sandbox::backend();
  auto node = start_node(backend, {{"HTTPThreads", "8"}});
  REQUIRE(wait_until([&] { return node->get("/api/leader-check").status == 200; },
                     std::chrono::seconds(10)));
  SlowOperations slow(node->port(), 8);
  REQUIRE(wait_until([&] { return slow.all_in_flight(); }, std::chrono::seconds(30)));
  std::vector<int> idle;
  for (int i = 0; i < 64; ++i) idle.push_back(orc::bench::idle_keepalive_connection(node->port()));
  CHECK(std::count(idle.begin(), idle.end(), -1) == 0);
  for (int i = 0; i < 20; ++i) {
    CHECK(node->get("/api/leader-check").status == 200);
    CHECK(node->get("/api/health").status == 200);
    CHECK(node->get("/api/lb-check").status == 200);
    CHECK(node->get("/api/clusters-info").status == 200);  // reads do not wait for slots
  }
  CHECK(slow.all_in_flight());
  for (int fd : idle)
    if (fd >= 0) close(fd);
}

TEST_CASE("a mutation beyond HTTPThreads gets an error after a bounded wait, not a hang") {
  auto backend = Sandbox::backend();
  auto node = start_node(backend, {{"HTTPThreads", "1"}});
  SlowOperations slow(node->port(), 1);
  REQUIRE(wait_until([&] { return slow.all_in_flight(); }, std::chrono::seconds(30)));
  HttpOptions o;
  o.timeout_ms = 60000;
  auto reply = http_request(node->port(), "/api/disable-global-recoveries", o);
  CHECK(reply.status == 503);
  CHECK(reply.body.find("\"Code\":\"ERROR\"") != std::string::npos);
  CHECK(backend.sql(0, "SELECT COUNT(*) FROM orchestrator.global_recovery_disable") == "0");
}

TEST_CASE("connections beyond HTTPMaxConnections are answered for health only, then closed") {
  auto backend = Sandbox::backend();
  auto node = start_node(backend, {{"HTTPMaxConnections", "8"}});
  std::vector<int> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(orc::bench::idle_keepalive_connection(node->port()));
  CHECK(std::count(idle.begin(), idle.end(), -1) == 0);
  auto read = node->get("/api/clusters-info");
  CHECK(read.status == 503);
  CHECK(read.body.find("\"Code\":\"ERROR\"") != std::string::npos);
  CHECK(node->get("/api/lb-check").status == 200);
  for (int fd : idle)
    if (fd >= 0) close(fd);
  // Once the idle connections are gone, regular service resumes.
  CHECK(wait_until([&] { return node->get("/api/clusters-info").status == 200; },
                   std::chrono::seconds(10)));
}
