// tools/orchestrator-client against real orchestrator nodes (topology, cluster master, clusters,
// downtime, maintenance, errors, leader search among several API URLs) and against a recording
// HTTP server for exact paths, URL encoding, basic authentication and the tag commands, whose
// routes the node does not serve yet.

#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/orchestrator_client.hpp"
#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using Clock = std::chrono::steady_clock;

namespace {

std::string url(int port) {
  return "http://127.0.0.1:" + std::to_string(port);
}
std::string key_text(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

template <class Fn>
bool eventually(Fn fn, std::chrono::milliseconds timeout) {
  return seconds_until(fn, timeout) >= 0;
}

/// An httplib server on a free loopback port, run by a thread of the test process.
class FakeServer {
 public:
  httplib::Server srv;
  int port = 0;

  void start() {
    port = srv.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread_ = std::thread([this] { srv.listen_after_bind(); });
    REQUIRE(eventually([this] { return srv.is_running(); }, std::chrono::seconds(2)));
  }
  ~FakeServer() {
    srv.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

/// Answers every /api/... GET with an OK envelope whose Details is the instance key found in
/// the path (host/port after the command), and records each request's path, query and
/// Authorization header.
class RecordingServer : public FakeServer {
 public:
  RecordingServer() {
    srv.Get("/api/(.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::string query;
      for (const auto& [k, v] : req.params) query += (query.empty() ? "" : "&") + k + "=" + v;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(req.path + (query.empty() ? "" : "?" + query));
        auth_ = req.get_header_value("Authorization");
      }
      std::string host = "", port = "0";
      auto parts = split(req.matches[1]);
      if (parts.size() >= 3) host = parts[1], port = parts[2];
      res.set_content(R"({"Code":"OK","Message":"done","Details":{"Hostname":")" + host +
                          R"(","Port":)" + port + "}}",
                      "application/json");
    });
    start();
  }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_.empty() ? "" : requests_.back();
  }
  std::string last_auth() {
    std::lock_guard<std::mutex> lock(mutex_);
    return auth_;
  }

 private:
  static std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    std::stringstream ss(path);
    for (std::string part; std::getline(ss, part, '/');) out.push_back(part);
    return out;
  }
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::string auth_;
};

/// Index of the node answering 200 on /api/leader-check once exactly one does, or -1.
int wait_single_leader(const std::vector<std::unique_ptr<OrchestratorNode>>& nodes) {
  int leader = -1;
  eventually(
      [&] {
        int count = 0;
        for (size_t i = 0; i < nodes.size(); ++i) {
          if (http_get(nodes[i]->port(), "/api/leader-check", 300).status == 200) {
            ++count;
            leader = static_cast<int>(i);
          }
        }
        return count == 1;
      },
      std::chrono::seconds(10));
  return leader;
}

}  // namespace

TEST_CASE("orchestrator-client shows a discovered topology, its master and its cluster") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 2);
  const int http_port = free_port();
  OrchestratorNode node(node_config_json(backend.port(), http_port, {{"InstancePollSeconds", "1"}}),
                        http_port);
  const std::string api = url(http_port);  // "/api" is appended by the client
  const std::string m = key_text(topo.port(0)), r1 = key_text(topo.port(1)),
                    r2 = key_text(topo.port(2));

  auto discovered = run_client(api, "-c discover -i " + r1);
  CHECK(discovered.code == 0);
  CHECK(discovered.out == r1 + "\n");
  REQUIRE(eventually(
      [&] {
        return run_client(api, "-c which-cluster-instances -i " + m).out ==
               m + "\n" + r1 + "\n" + r2 + "\n";
      },
      std::chrono::seconds(8)));

  // topology prints the tree the node renders, as plain text and not as JSON.
  auto topology = run_client(api, "-c topology -i " + r2);
  CHECK(topology.code == 0);
  CHECK(topology.err.empty());
  auto reply = http_get(http_port, "/api/topology/" + m);
  REQUIRE(reply.status == 200);
  rapidjson::Document d;
  d.Parse(reply.body.c_str());
  REQUIRE(d.IsObject());
  CHECK(topology.out == std::string(d["Details"].GetString()) + "\n");
  CHECK(topology.out.rfind(m + " ", 0) == 0);
  CHECK(topology.out.find("\n+ " + r1 + " ") != std::string::npos);
  CHECK(topology.out.find("\n+ " + r2 + " ") != std::string::npos);

  // Masters, replicas and clusters.
  CHECK(run_client(api, "-c which-cluster-master -i " + r2).out == m + "\n");
  CHECK(run_client(api, "--command which-cluster-master --alias " + m).out == m + "\n");
  CHECK(run_client(api, "-c which-master -i " + r1).out == m + "\n");
  CHECK(run_client(api, "-c which-master -i " + m).out.empty());
  CHECK(run_client(api, "-c which-replicas -i " + m).out == r1 + "\n" + r2 + "\n");
  CHECK(run_client(api, "-c is-replicating -i " + r1).out == r1 + "\n");
  CHECK(run_client(api, "-c is-replicating -i " + m).out.empty());
  auto clusters = run_client(api, "-c clusters");
  CHECK(clusters.code == 0);
  CHECK(clusters.out == m + "\n");
  CHECK(run_client(api, "-c which-cluster -i " + r1).out == m + "\n");
  CHECK(run_client(api, "-c all-clusters-masters").out == m + "\n");
  CHECK(run_client(api, "-c all-instances").out == m + "\n" + r1 + "\n" + r2 + "\n");
  CHECK(run_client(api, "-c search -i " + std::to_string(topo.port(2))).out == r2 + "\n");

  // An unknown instance: exit 1, the API's message on stderr, nothing on stdout.
  auto unknown = run_client(api, "-c instance -i 127.0.0.1:1");
  CHECK(unknown.code == 1);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.find("orchestrator-client[") == 0);
  CHECK(unknown.err.find("Instance not found: 127.0.0.1:1") != std::string::npos);

  // api prints the JSON answer of any path; an unknown route is an error like any other.
  auto raw = run_client(api, "-c api -path " + shell_quote("cluster-info/" + m));
  CHECK(raw.code == 0);
  CHECK(raw.out.find("\"CountInstances\": 3") != std::string::npos);
  CHECK(run_client(api, "-c api -path no-such-route").code == 1);

  // Downtime and maintenance round trips; the reason travels URL-encoded.
  const std::string reason = "disk swap, 50% done? #2";
  auto down = run_client(
      api, "-c begin-downtime -i " + r2 + " -o ops -r " + shell_quote(reason) + " -u 2h");
  CHECK(down.code == 0);
  CHECK(down.out == r2 + "\n");
  CHECK(eventually([&] { return run_client(api, "-c downtimed").out == r2 + "\n"; },
                   std::chrono::seconds(3)));
  rapidjson::Document inst;
  inst.Parse(
      http_get(http_port, "/api/instance/127.0.0.1/" + std::to_string(topo.port(2))).body.c_str());
  REQUIRE(inst.IsObject());
  CHECK(std::string(inst["DowntimeReason"].GetString()) == reason);
  CHECK(std::string(inst["DowntimeOwner"].GetString()) == "ops");
  CHECK(run_client(api, "-c end-downtime -i " + r2).out == r2 + "\n");
  CHECK(eventually([&] { return run_client(api, "-c downtimed").out.empty(); },
                   std::chrono::seconds(3)));
  CHECK(run_client(api, "-c begin-maintenance -i " + r1 + " -o ops -r upgrade").out == r1 + "\n");
  auto again = run_client(api, "-c begin-maintenance -i " + r1 + " -o ops -r upgrade");
  CHECK(again.code == 1);
  CHECK(again.err.find("Cannot begin maintenance") != std::string::npos);
  CHECK(run_client(api, "-c end-maintenance -i " + r1).out == r1 + "\n");
  CHECK(run_client(api, "-c begin-maintenance -i " + r1 + " -o ops -r upgrade").code == 0);

  // Usage errors exit 1 before any request.
  auto usage = run_client(api, "-c which-master");
  CHECK(usage.code == 1);
  CHECK(usage.err.find("instance must be provided") != std::string::npos);
  CHECK(run_client(api, "-c no-such-command").code == 1);
}

TEST_CASE("with several API URLs orchestrator-client uses the leader, skipping dead ones") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 1);
  std::vector<std::unique_ptr<OrchestratorNode>> nodes;
  for (int i = 0; i < 2; ++i) {
    const int port = free_port();
    nodes.push_back(std::make_unique<OrchestratorNode>(
        node_config_json(backend.port(), port, {{"InstancePollSeconds", "1"}}), port));
  }
  const int leader = wait_single_leader(nodes);
  REQUIRE(leader >= 0);
  const std::string leader_url = url(nodes[leader]->port());
  const std::string follower_url = url(nodes[1 - leader]->port());
  const std::string dead_url = url(free_port());  // nobody listens: connection refused
  // Accepts, then answers nothing for up to 60 s: only the client's 1 s timeout gets past it.
  // The handler returns as soon as the test ends (`release` goes first), not after 60 s.
  std::atomic<bool> released{false};
  FakeServer stuck;
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag = true; }
  } release{released};
  stuck.srv.Get("/api/.*", [&released](const httplib::Request&, httplib::Response& res) {
    for (int i = 0; i < 1200 && !released; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    res.set_content("\"OK\"", "application/json");
  });
  stuck.start();

  // The leader comes last, after a dead, a stuck and a non-leader URL (written in the forms
  // users write: with "/api", with a trailing slash, bare).
  const std::string apis =
      dead_url + " " + url(stuck.port) + "/api " + follower_url + "/ " + leader_url;
  const auto started = Clock::now();
  auto which = run_client(apis, "-c which-api");
  const double took = std::chrono::duration<double>(Clock::now() - started).count();
  MESSAGE("leader found in " << took << " s");
  CHECK(which.code == 0);
  CHECK(which.out == leader_url + "/api\n");
  CHECK(took < 30.0);  // the client's 1 s timeout for the stuck server, not its 60 s
  CHECK(run_client(apis, "-c discover -i " + key_text(topo.port(1))).out ==
        key_text(topo.port(1)) + "\n");
  CHECK(eventually(
      [&] { return run_client(apis, "-c clusters").out == key_text(topo.port(0)) + "\n"; },
      std::chrono::seconds(8)));

  // Without a leader among the URLs the client fails with a message.
  auto leaderless = run_client(dead_url + " " + follower_url, "-c clusters");
  CHECK(leaderless.code == 1);
  CHECK(leaderless.out.empty());
  CHECK(leaderless.err.find("Cannot determine leader") != std::string::npos);

  // A single URL is used as it is, leader or not (e.g. a load balancer's address).
  CHECK(run_client(follower_url, "-c which-api").out == follower_url + "/api\n");
  CHECK(run_client(follower_url, "-c clusters").code == 0);
}

TEST_CASE("orchestrator-client sends downtime, maintenance and tag commands to upstream's paths") {
  RecordingServer fake;
  const std::string api = url(fake.port);

  struct Case {
    std::string args;
    std::string path;  // as the server sees it, decoded
  };
  const std::vector<Case> cases = {
      // '?', '#', '%' and spaces reach the server only when the client encodes them.
      {"-c begin-downtime -i db1:3307 -o alice -r " + shell_quote("50% done? #2 swap"),
       "/api/begin-downtime/db1/3307/alice/50% done? #2 swap/10m"},
      {"-c begin-downtime -i db1 -o bob -r r -u 2h", "/api/begin-downtime/db1/3306/bob/r/2h"},
      {"-c end-downtime -i db1:3307", "/api/end-downtime/db1/3307"},
      {"--command begin-maintenance --instance db2:3306 --owner o --reason why",
       "/api/begin-maintenance/db2/3306/o/why"},
      {"-c end-maintenance -i db2", "/api/end-maintenance/db2/3306"},
      {"-c tag -i db3:3310 -t role=backup", "/api/tag/db3/3310?tag=role=backup"},
      {"-c untag -i db3:3310 -t role", "/api/untag/db3/3310?tag=role"},
      {"-c async-discover -i db4:3311", "/api/async-discover/db4/3311"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    auto r = run_client(api, c.args);
    CHECK(r.code == 0);
    CHECK(fake.last_request() == c.path);
    // The fake answers with the key of the path in Details; the client prints it.
    const auto slash = c.path.find('/', 5);
    const auto host_end = c.path.find('/', slash + 1);
    const std::string host = c.path.substr(slash + 1, host_end - slash - 1);
    const std::string port =
        c.path.substr(host_end + 1, c.path.find_first_of("/?", host_end + 1) - host_end - 1);
    CHECK(r.out == host + ":" + port + "\n");
  }

  // Basic authentication goes in the Authorization header, never on curl's command line.
  run_client(api, "-c end-downtime -i db1 -b " + shell_quote("user:pa\"ss word"));
  CHECK(fake.last_auth() ==
        httplib::make_basic_authentication_header("user", "pa\"ss word").second);
  run_client(api, "-c end-downtime -i db1");
  CHECK(fake.last_auth().empty());

  // begin-downtime without a reason is refused before any request.
  const std::string before = fake.last_request();
  auto refused = run_client(api, "-c begin-downtime -i db9 -o x");
  CHECK(refused.code == 1);
  CHECK(refused.err.find("reason must be provided") != std::string::npos);
  CHECK(fake.last_request() == before);
}
