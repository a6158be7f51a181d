// Leader election on replicated and Galera backends, and HAProxy routing to the leader.

#include <doctest/doctest.h>
#include <httplib.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using Clock = std::chrono::steady_clock;

namespace {

using Nodes = std::vector<std::unique_ptr<OrchestratorNode>>;

std::vector<int> leaders(const Nodes& nodes) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i)
    if (nodes[i] && http_get(nodes[i]->port(), "/api/leader-check", 300).status == 200)
      out.push_back(i);
  return out;
}

/// Samples every 100 ms for `span`; returns the number of samples without exactly one leader.
int samples_without_single_leader(const Nodes& nodes, std::chrono::seconds span, int* samples) {
  int bad = 0;
  *samples = 0;
  auto end = Clock::now() + span;
  while (Clock::now() < end) {
    ++*samples;
    if (leaders(nodes).size() != 1) ++bad;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return bad;
}

bool wait_single_leader(const Nodes& nodes, std::chrono::seconds timeout) {
  return wait_until([&] { return leaders(nodes).size() == 1; }, timeout);
}

/// The check status HAProxy's CSV stats page (on `stats_port`) gives server `name` of backend
/// "orchestrator" ("UP", "DOWN", ...); "" when the page or the server is not there.
std::string haproxy_server_status(int stats_port, const std::string& name) {
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ',');) out.push_back(field);
    return out;
  };
  httplib::Client cli("127.0.0.1", stats_port);
  cli.set_url_encode(false);  // ";csv" must reach HAProxy as is
  cli.set_connection_timeout(0, 300000);
  cli.set_read_timeout(1, 0);
  auto res = cli.Get("/stats;csv");
  std::istringstream page(res ? res->body : "");
  std::size_t status_col = 0;
  for (std::string line; std::getline(page, line);) {
    auto fields = split(line);
    if (line.rfind("# ", 0) == 0) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == "status") status_col = i;
    } else if (status_col > 0 && fields.size() > status_col && fields[0] == "orchestrator" &&
               fields[1] == name) {
      return fields[status_col];
    }
  }
  return "";
}

}  // namespace

TEST_CASE("nodes on the master of a replicated backend elect one leader, visible on the replica") {
  auto backend = Sandbox::backend_replicated();
  Nodes nodes;
  for (int i = 0; i < 3; ++i) {
    int port = free_port();
    nodes.push_back(
        std::make_unique<OrchestratorNode>(node_config_json(backend.port(0), port), port));
  }
  REQUIRE(wait_single_leader(nodes, std::chrono::seconds(5)));
  int samples = 0;
  CHECK(samples_without_single_leader(nodes, std::chrono::seconds(5), &samples) == 0);
  auto holder = backend.sql(1, "SELECT token FROM orchestrator.active_node WHERE anchor = 1");
  CHECK(holder.size() == 64);
}

TEST_CASE(
    "Galera 1:1: one leader among three nodes, and one among the two left after a node dies") {
  auto galera = Sandbox::backend_galera();
  Nodes nodes;
  for (int i = 0; i < 3; ++i) {
    int port = free_port();
    nodes.push_back(
        std::make_unique<OrchestratorNode>(node_config_json(galera.port(i), port), port));
  }
  REQUIRE(wait_single_leader(nodes, std::chrono::seconds(10)));
  int samples = 0;
  int bad = samples_without_single_leader(nodes, std::chrono::seconds(10), &samples);
  MESSAGE(samples << " samples on Galera, " << bad << " without exactly one leader");
  CHECK(bad == 0);

  galera.kill(2);
  nodes[2].reset();  // its orchestrator node loses its backend; stop it with the Galera node
  // Commits stall until the survivors evict the dead node (evs.suspect_timeout); a term may
  // lapse meanwhile (no leader is safe). Once the view has two members, exactly one leads.
  auto start = Clock::now();
  wait_until(
      [&] {
        return galera.sql(0, "SHOW STATUS LIKE 'wsrep_cluster_size'").find("\t2") !=
               std::string::npos;
      },
      std::chrono::seconds(20));
  double elapsed = -1;
  if (wait_single_leader(nodes, std::chrono::seconds(20)))
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  MESSAGE("one leader on the surviving Galera nodes " << elapsed << " s after the kill");
  REQUIRE(elapsed >= 0);
  bad = samples_without_single_leader(nodes, std::chrono::seconds(5), &samples);
  CHECK(bad == 0);
}

TEST_CASE("through HAProxy every call reaches the leader, and the new leader after a kill -9") {
  if (run_command("command -v haproxy >/dev/null && echo yes || true") != "yes\n") {
    MESSAGE("haproxy is not installed; skipped");
    return;
  }
  auto backend = Sandbox::backend();
  Nodes nodes;
  std::string servers;
  for (int i = 0; i < 3; ++i) {
    int port = free_port();
    nodes.push_back(
        std::make_unique<OrchestratorNode>(node_config_json(backend.port(), port), port));
    servers += "  server orc" + std::to_string(i) + " 127.0.0.1:" + std::to_string(port) +
               " check inter 200 fall 1 rise 1\n";
  }
  REQUIRE(wait_single_leader(nodes, std::chrono::seconds(5)));
  int proxy_port = free_port();
  int stats_port = free_port();
  while (stats_port == proxy_port) stats_port = free_port();
  std::string cfg_path = "/tmp/orc-haproxy-" + std::to_string(proxy_port) + ".cfg";
  std::ofstream(cfg_path) << "global\n  maxconn 256\ndefaults\n  mode http\n"
                             "  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n"
                             "frontend api\n  bind 127.0.0.1:"
                          << proxy_port
                          << "\n  default_backend orchestrator\n"
                             "backend orchestrator\n  option httpchk GET /api/leader-check\n"
                             "  http-check expect status 200\n"
                          << servers << "listen stats\n  bind 127.0.0.1:" << stats_port
                          << "\n  stats enable\n  stats uri /stats\n";
  pid_t proxy = fork();
  if (proxy == 0) {
    execlp("haproxy", "haproxy", "-db", "-f", cfg_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  struct ProxyGuard {  // stops HAProxy whatever way the test ends
    pid_t pid;
    std::string cfg;
    ~ProxyGuard() {
      if (pid > 0) {
        ::kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
      }
      std::remove(cfg.c_str());
    }
  } guard{proxy, cfg_path};
  // HAProxy is up and its health checks have found the leader: the leader's server is UP and
  // the others DOWN on its stats page.
  REQUIRE(wait_until(
      [&] {
        auto l = leaders(nodes);
        if (l.size() != 1) return false;
        for (int i = 0; i < static_cast<int>(nodes.size()); ++i)
          if (haproxy_server_status(stats_port, "orc" + std::to_string(i)) !=
              (i == l[0] ? "UP" : "DOWN"))
            return false;
        return true;
      },
      std::chrono::seconds(30)));
  // /api/leader-check through the proxy answers 200 only if the proxy routed it to the leader.
  int ok = 0;
  for (int i = 0; i < 20; ++i) ok += http_get(proxy_port, "/api/leader-check").status == 200;
  CHECK(ok == 20);

  int leader = leaders(nodes).at(0);
  nodes[leader]->kill9();
  nodes[leader].reset();
  double routed =
      seconds_until([&] { return http_get(proxy_port, "/api/leader-check", 300).status == 200; },
                    std::chrono::seconds(5));
  MESSAGE("calls through HAProxy reach the new leader " << routed << " s after kill -9");
  CHECK(routed >= 0);
  CHECK(routed < 2.5);  // takeover (< 2 s) + one check interval
  ok = 0;
  for (int i = 0; i < 20; ++i) ok += http_get(proxy_port, "/api/leader-check").status == 200;
  CHECK(ok == 20);
}
