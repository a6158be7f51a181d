// Leader election on a shared backend with real orchestrator processes (issue: shared-backend HA).

#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Cluster3 {
  std::vector<std::unique_ptr<OrchestratorNode>> nodes;

  Cluster3(int backend_port, const std::map<std::string, std::string>& extra = {}) {
    for (int i = 0; i < 3; ++i) {
      int port = free_port();
      nodes.push_back(
          std::make_unique<OrchestratorNode>(node_config_json(backend_port, port, extra), port));
    }
  }
  /// Each node with a backend user of its own (orc_node<i>), so that the backend's general log
  /// tells which node sent which statement.
  Cluster3(Sandbox& backend, std::map<std::string, std::string> extra) {
    for (int i = 0; i < 3; ++i) {
      std::string user = "orc_node" + std::to_string(i);
      backend.sql(0, "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY 'orc_backend_pass'; " +
                         "GRANT ALL ON orchestrator.* TO '" + user + "'@'127.0.0.1'");
      extra["MySQLOrchestratorUser"] = "\"" + user + "\"";
      int port = free_port();
      nodes.push_back(
          std::make_unique<OrchestratorNode>(node_config_json(backend.port(), port, extra), port));
    }
  }
  /// Indices of the nodes answering 200 on /api/leader-check right now.
  std::vector<int> leaders(int timeout_ms = 300) const {
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i)
      if (nodes[i] && http_get(nodes[i]->port(), "/api/leader-check", timeout_ms).status == 200)
        out.push_back(i);
    return out;
  }
  /// Waits until exactly one node is leader; returns its index or -1, and the time taken.
  int wait_single_leader(std::chrono::milliseconds timeout, double* seconds = nullptr) const {
    int leader = -1;
    double took = seconds_until(
        [&] {
          auto l = leaders();
          leader = l.size() == 1 ? l[0] : -1;
          return leader >= 0;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    if (seconds && took >= 0) *seconds = took;
    return took >= 0 ? leader : -1;
  }
};

}  // namespace

TEST_CASE("three nodes on one backend keep exactly one leader at every sample") {
  auto backend = Sandbox::backend();
  Cluster3 c(backend.port());
  double first = 0;
  REQUIRE(c.wait_single_leader(std::chrono::seconds(5), &first) >= 0);
  MESSAGE("first leader after " << first << " s");
  int samples = 0, bad = 0;
  auto end = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < end) {
    auto l = c.leaders();
    ++samples;
    if (l.size() != 1) ++bad;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  MESSAGE(samples << " samples, " << bad << " without exactly one leader");
  CHECK(samples > 100);
  CHECK(bad == 0);
}

TEST_CASE("after kill -9 of the leader another node leads within two seconds") {
  auto backend = Sandbox::backend();
  Cluster3 c(backend.port());
  int leader = c.wait_single_leader(std::chrono::seconds(5));
  REQUIRE(leader >= 0);
  c.nodes[leader]->kill9();
  c.nodes[leader].reset();
  double takeover = 0;
  int next = c.wait_single_leader(std::chrono::seconds(5), &takeover);
  MESSAGE("takeover after " << takeover << " s");
  REQUIRE(next >= 0);
  CHECK(next != leader);
  CHECK(takeover < 2.0);
}

TEST_CASE("a leader frozen past its lease does not probe or write after it resumes") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 1);
  Cluster3 c(backend, {{"InstancePollSeconds", "1"}});
  int leader = c.wait_single_leader(std::chrono::seconds(5));
  REQUIRE(leader >= 0);
  auto& frozen = *c.nodes[leader];
  backend.sql(0, "SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1");
  REQUIRE(frozen.get("/api/discover/127.0.0.1/" + std::to_string(topo.port(1))).status == 200);
  // The leader is at work: it watches both instances, has probed, and has written both to the
  // backend (where the next leader finds what to probe).
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        return metric(frozen, "orchestrator_watched_instances") == 2 &&
                               metric(frozen, "orchestrator_probes_total") > 0 &&
                               backend.sql(0,
                                           "SELECT COUNT(*) FROM "
                                           "orchestrator.database_instance") == "2";
                      },
                      std::chrono::seconds(30)),
                  frozen.log());

  ::kill(frozen.pid(), SIGSTOP);
  // Frozen past its lease (1.2 s): frozen until another node leads, which it may only do once
  // the frozen node's lease has run out.
  std::vector<int> others;
  wait_until(
      [&] {
        others = c.leaders();
        return others.size() == 1 && others[0] != leader;
      },
      std::chrono::seconds(30));
  REQUIRE(others.size() == 1);
  CHECK(others[0] != leader);
  auto resumed_at = backend.sql(0, "SELECT NOW(6)");
  ::kill(frozen.pid(), SIGCONT);

  // At once, and for the next seconds, the resumed node is not leader and neither probes nor
  // sends instance writes to the backend.
  CHECK(frozen.get("/api/leader-check").status == 404);
  double probes = metric(frozen, "orchestrator_probes_total");
  double writes = metric(frozen, "orchestrator_backend_write_statements_total");
  // "The next seconds": until the new leader has probed both instances for three more poll
  // rounds (InstancePollSeconds 1) and flushed probe results to the backend since the resume.
  auto& successor = *c.nodes[others[0]];
  double successor_writes = metric(successor, "orchestrator_backend_write_statements_total");
  REQUIRE(successor_writes >= 0);
  REQUIRE_MESSAGE(wait_more_probes(successor, 3 * 2), successor.log());
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        return metric(successor, "orchestrator_backend_write_statements_total") >
                               successor_writes;
                      },
                      std::chrono::seconds(30)),
                  successor.log());
  CHECK(frozen.get("/api/leader-check").status == 404);
  CHECK(metric(frozen, "orchestrator_probes_total") == probes);
  CHECK(metric(frozen, "orchestrator_backend_write_statements_total") == writes);
  CHECK(metric(frozen, "orchestrator_watched_instances") == 0);
  // The new leader took over the probing.
  CHECK(metric(successor, "orchestrator_watched_instances") == 2);

  // Checked in the backend: since it resumed, the frozen node sent no statement touching
  // database_instance, while the new leader did (so the query can see such writes).
  auto instance_writes_by = [&](int node) {
    return std::stoi(backend.sql(
        0, "SELECT COUNT(*) FROM mysql.general_log WHERE user_host LIKE 'orc_node" +
               std::to_string(node) + "[%' AND event_time > '" + resumed_at +
               "' AND argument LIKE '%database_instance%' AND (argument LIKE 'UPDATE%' OR "
               "argument LIKE 'INSERT%')"));
  };
  CHECK(instance_writes_by(leader) == 0);
  CHECK(instance_writes_by(others[0]) > 0);
  backend.sql(0, "SET GLOBAL general_log = 0");
}

TEST_CASE("with the backend down every node is unhealthy and none leads - back up, one leads") {
  auto backend = Sandbox::backend();
  Cluster3 c(backend.port());
  REQUIRE(c.wait_single_leader(std::chrono::seconds(5)) >= 0);
  for (auto& n : c.nodes)
    REQUIRE(
        wait_until([&] { return n->get("/api/health").status == 200; }, std::chrono::seconds(5)));

  backend.stop(0);
  bool all_unhealthy = false;
  double down = seconds_until(
      [&] {
        all_unhealthy = true;
        for (auto& n : c.nodes) all_unhealthy &= n->get("/api/health").status == 500;
        return all_unhealthy && c.leaders().empty();
      },
      std::chrono::seconds(4), std::chrono::milliseconds(50));
  MESSAGE("all nodes unhealthy and leaderless " << down << " s after the backend stopped");
  CHECK(all_unhealthy);
  CHECK(c.leaders().empty());
  CHECK(down <= 2.0);
  auto body = c.nodes[0]->get("/api/health").body;
  CHECK(body.find("\"Code\":\"ERROR\"") != std::string::npos);
  CHECK(body.find("orc_backend_pass") == std::string::npos);

  backend.start(0);
  double back = 0;
  CHECK(c.wait_single_leader(std::chrono::seconds(10), &back) >= 0);
  MESSAGE("one leader again " << back << " s after the backend restarted");
}

TEST_CASE("grab-election moves leadership to the asking node and reelect lets one node win again") {
  auto backend = Sandbox::backend();
  Cluster3 c(backend.port());
  int leader = c.wait_single_leader(std::chrono::seconds(5));
  REQUIRE(leader >= 0);
  int follower = (leader + 1) % 3;
  // The answer comes once the grabbing node leads: after the old leader's lease ran out,
  // which is after the old leader's own deadline (so it can take a lease: allow for it).
  HttpOptions slow;
  slow.timeout_ms = 15000;
  auto grab = http_request(c.nodes[follower]->port(), "/api/grab-election", slow);
  CHECK(grab.status == 200);
  CHECK(grab.body.find("\"Code\":\"OK\"") != std::string::npos);
  CHECK(c.nodes[follower]->get("/api/leader-check").status == 200);
  CHECK(c.nodes[leader]->get("/api/leader-check").status == 404);
  double moved = 0;
  CHECK(c.wait_single_leader(std::chrono::seconds(3), &moved) == follower);
  MESSAGE("single leader again " << moved << " s after grab-election");
  auto epoch_after_grab = backend.sql(0, "SELECT epoch FROM orchestrator.active_node");

  CHECK(c.nodes[leader]->get("/api/reelect").status == 200);
  // The term ends at its lease; the next one, whoever wins it, has a higher epoch. At no
  // sample are there two leaders.
  bool overlap = false;
  std::string epoch_after_reelect = epoch_after_grab;
  auto start = Clock::now();
  while (epoch_after_reelect == epoch_after_grab &&
         Clock::now() - start < std::chrono::seconds(5)) {
    overlap |= c.leaders().size() > 1;
    epoch_after_reelect = backend.sql(0, "SELECT epoch FROM orchestrator.active_node");
  }
  CHECK_FALSE(overlap);
  CHECK(std::stoll(epoch_after_reelect) > std::stoll(epoch_after_grab));
  CHECK(c.wait_single_leader(std::chrono::seconds(3)) >= 0);
}
