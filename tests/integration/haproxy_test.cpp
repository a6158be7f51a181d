// tools/haproxy/haproxy.cfg.sample run by a real HAProxy in front of three fake orchestrator
// nodes (httplib servers in this process): all traffic must reach the one answering 200 on
// /api/leader-check, and move to a new leader within about one check interval (0.5 s).

#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using Clock = std::chrono::steady_clock;

namespace {

/// A stand-in for an orchestrator node: /api/leader-check answers 200 while `leader` is set and
/// 404 otherwise; any other path answers the node's name.
class FakeNode {
 public:
  explicit FakeNode(std::string name) : name_(std::move(name)) {
    srv_.Get("/api/leader-check", [this](const httplib::Request&, httplib::Response& res) {
      res.status = leader ? 200 : 404;
      res.set_content(leader ? "\"OK\"" : "\"Not leader\"", "application/json");
    });
    srv_.Get("/api/whoami", [this](const httplib::Request&, httplib::Response& res) {
      ++served;
      res.set_content(name_, "text/plain");
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a fake node");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
  }
  ~FakeNode() { stop(); }
  /// Closes the listening socket: checks and requests are refused from now on.
  void stop() {
    srv_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }

  std::atomic<bool> leader{false};
  std::atomic<int> served{0};

 private:
  std::string name_;
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "the sample no longer contains " << from);
  text.replace(at, from.size(), to);
}

/// HAProxy run in the foreground (-db) on a copy of the sample whose addresses point at the
/// fake nodes; stopped by its PID.
class HaproxyProcess {
 public:
  HaproxyProcess(int listen_port, const FakeNode& a, const FakeNode& b, const FakeNode& c) {
    std::string cfg = read_file(std::string(ORC_SOURCE_DIR) + "/tools/haproxy/haproxy.cfg.sample");
    replace_once(cfg, "bind 127.0.0.1:3000", "bind 127.0.0.1:" + std::to_string(listen_port));
    replace_once(cfg, "server orc1 127.0.0.1:3001",
                 "server orc1 127.0.0.1:" + std::to_string(a.port()));
    replace_once(cfg, "server orc2 127.0.0.1:3002",
                 "server orc2 127.0.0.1:" + std::to_string(b.port()));
    replace_once(cfg, "server orc3 127.0.0.1:3003",
                 "server orc3 127.0.0.1:" + std::to_string(c.port()));
    char tmpl[] = "/tmp/orc-haproxy-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    const std::string cfg_path = dir_ + "/haproxy.cfg";
    std::ofstream(cfg_path) << cfg;
    log_path_ = dir_ + "/haproxy.log";
    // Everything the child needs is prepared before fork: this process has server threads, so
    // the child may only call async-signal-safe functions until exec.
    const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log_fd < 0) throw std::runtime_error("cannot create " + log_path_);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(log_fd, 1);
      dup2(log_fd, 2);
      execlp("haproxy", "haproxy", "-f", cfg_path.c_str(), "-db", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(log_fd);
    if (pid_ < 0) throw std::runtime_error("fork failed");
  }
  ~HaproxyProcess() {
    if (pid_ > 0 && !exited()) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 300 && !exited(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (!exited()) {
        ::kill(pid_, SIGKILL);  // still our unreaped child: the PID cannot have been reused
        waitpid(pid_, nullptr, 0);
      }
    }
    run_command("rm -rf " + shell_quote(dir_));
  }
  std::string log() const { return read_file(log_path_); }
  /// True once the process has exited (it is then reaped, and never signalled again).
  bool exited() {
    if (!reaped_ && waitpid(pid_, nullptr, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string dir_;
  std::string log_path_;
};

/// The node name answering GET /api/whoami through the proxy, or "" (e.g. 503: no node up).
std::string through_proxy(int port) {
  auto reply = http_get(port, "/api/whoami", 1000);
  return reply.status == 200 ? reply.body : "";
}

/// Seconds until NAME answers through the proxy, polling every 10 ms; -1 after 5 s.
double seconds_until_served_by(int port, const std::string& name) {
  return orc::test::seconds_until([&] { return through_proxy(port) == name; },
                                  std::chrono::seconds(5), std::chrono::milliseconds(10));
}

}  // namespace

TEST_CASE("HAProxy with the sample config sends all traffic to the leader and follows it") {
  // The leader is not the first server listed: `balance first` alone would pick orc1.
  FakeNode a("A"), b("B"), c("C");
  b.leader = true;
  const int port = free_port();
  HaproxyProcess proxy(port, a, b, c);

  const double first = seconds_until_served_by(port, "B");
  INFO("haproxy log: " << proxy.log());
  REQUIRE(first >= 0);
  REQUIRE_FALSE(proxy.exited());
  MESSAGE("first request served by the leader " << first << " s after HAProxy started; "
                                                << a.served.load()
                                                << " reached A before its first check");
  const int a_at_start = a.served;
  for (int i = 0; i < 30; ++i) CHECK(through_proxy(port) == "B");
  CHECK(a.served == a_at_start);
  CHECK(c.served == 0);

  // The leader dies (connection refused) while C is elected.
  b.stop();
  c.leader = true;
  const double to_c = seconds_until_served_by(port, "C");
  MESSAGE("traffic moved from a dead leader to the new one in " << to_c << " s");
  REQUIRE(to_c >= 0);
  CHECK(to_c < 1.0);  // inter 500 ms, fall 1, rise 1: about one interval, plus latency
  for (int i = 0; i < 30; ++i) CHECK(through_proxy(port) == "C");
  CHECK(a.served == a_at_start);

  // C loses the lease but keeps answering (404 on leader-check) while A is elected.
  c.leader = false;
  a.leader = true;
  const int c_before = c.served;
  const double to_a = seconds_until_served_by(port, "A");
  MESSAGE("traffic moved from a demoted leader to the new one in " << to_a << " s");
  REQUIRE(to_a >= 0);
  CHECK(to_a < 1.0);
  const int c_after = c.served;
  for (int i = 0; i < 30; ++i) CHECK(through_proxy(port) == "A");
  CHECK(c.served == c_after);  // nothing reaches the demoted node any more
  MESSAGE((c_after - c_before) << " requests reached C between its demotion and its failed check");
}
