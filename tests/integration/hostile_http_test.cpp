// Hostile HTTP input against a live node that has discovered a 1+1 topology: 1,000 malformed or
// random requests over raw TCP (bad ports, unknown routes, overlong paths, invalid UTF-8 and
// percent-encodings, odd methods, path traversal, header floods, lying Content-Length, raw
// garbage). Every answer must be a refusal or a legal read, no connection may hang, the node must
// stay up, and nothing a mutation could change may change in the backend or on the servers.
// Reproducible: the requests come from a seeded std::mt19937 (ORC_HOSTILE_SEED overrides it).

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "http/route_access.hpp"
#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

using namespace std::string_literals;

#include "tests/integration/hostile_http_judge.hpp"

using namespace orc::test::hostile;

namespace {

/// Non-printable bytes as \xNN, for failure messages.
std::string shown(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

template <class T, std::size_t N>
const T& pick(std::mt19937& rng, const T (&items)[N]) {
  return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

// clang-format off
/// Ports that are invalid even after percent-decoding (no leading zeros: "03306" is 3306).
const char* const kBadPorts[] = {
    "-1", "0", "65536", "99999", "99999999999999999999", "abc", "3306x", "%203306", "+3306",
    "0x10", "%00", "%ff", "%zz", "1e3", "-0", "3306.0", "%d9%a3%d9%a3", "3306%00", "%2d1",
    "4294970602"};
/// Hosts that no instance has, many not even valid hostnames.
const char* const kBadHosts[] = {
    "%ff%fe", "%00", "a%00b", "%c3%28", "%e2%82", "..%2f..%2fetc%2fpasswd", "%f0%9f%98%80",
    "%3cscript%3ealert(1)%3c%2fscript%3e", "'%20OR%201=1--", "$(id)", "%60id%60", "%zz", "%",
    "127.0.0.1%0d%0aX-Injected:%201", "-rf", "%22%7d%5d", "no-such-host.invalid", "%5c%5c"};
/// Instance routes; H and P are replaced. Mutations get bad ports only.
const char* const kReadInstanceRoutes[] = {
    "instance/H/P", "instance-replicas/H/P", "replication-analysis/instance/H/P",
    "in-maintenance/H/P", "recently-active-instance-recovery/H/P"};
const char* const kMutationInstanceRoutes[] = {
    "discover/H/P", "async-discover/H/P", "refresh/H/P", "forget/H/P",
    "begin-downtime/H/P/hostile/test/1h", "end-downtime/H/P",
    "begin-maintenance/H/P/hostile/test", "end-maintenance/H/P", "stop-replica/H/P",
    "start-replica/H/P", "restart-replica/H/P", "reset-replica/H/P", "set-read-only/H/P",
    "set-writeable/H/P", "detach-replica-master-host/H/P", "reattach-replica-master-host/H/P",
    "flush-binary-logs/H/P", "recover/H/P", "recover-lite/H/P", "register-candidate/H/P/prefer",
    "stop-slave/H/P", "recover/H/P/H/P"};
const char* const kHintReadRoutes[] = {
    "cluster/X", "cluster-info/X", "topology/X", "topology-tabulated/X", "replication-analysis/X",
    "problems/X", "cluster/alias/X", "master/X", "search/X", "search?s=X", "downtimed/X",
    "audit-recovery/cluster/X", "blocked-recoveries/cluster/X", "active-cluster-recovery/X",
    "audit-failure-detection/cluster/X", "audit-recovery/X", "leader-check/X"};
/// Hint mutations with hints that name no cluster: they must refuse.
const char* const kHintMutationRoutes[] = {
    "force-master-failover/X", "graceful-master-takeover/X", "graceful-master-takeover-auto/X"};
const char* const kOddMethods[] = {
    "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO", "get", "G%T", "GET\tX"};
/// Paths no route serves, several close to a mutation's path.
const char* const kUnknownTargets[] = {
    "/", "/api", "/api/", "/favicon.ico", "/API/health", "/api//health", "/api/health/x/y",
    "/api/disable-global-recoveries/", "/api/disable-global-recoveries%00",
    "/api/DISABLE-global-recoveries", "/api/reelect;x", "/api/grab-election/", "/api/%ff%fe%fd",
    "/%", "/api/cluster/%c0%af", "/api/search?s=%00", "/api/search?s=%zz%",
    "/api/instance/127.0.0.1/%", "/api/instance/127.0.0.1/"};
const char* const kTraversalTargets[] = {
    "/../../../../etc/passwd", "/api/../../../../etc/passwd",
    "/api/instance/..%2f..%2f..%2f..%2fetc%2fpasswd/3306", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/api/search/..%252f..%252fetc%252fpasswd", "/..%5c..%5cetc%5cpasswd",
    "/api/cluster/....//....//etc/passwd", "/metrics/../api/disable-global-recoveries",
    "/api/health/../disable-global-recoveries", "/api/%2e%2e/api/disable-global-recoveries",
    "/api/clusters/%2e%2e%2fdisable-global-recoveries"};
const char* const kProtocolOddities[] = {
    "GET /api/health\r\n\r\n", "GET /api/health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
    "GET http://evil.example/api/health HTTP/1.1\r\nConnection: close\r\n\r\n",
    "GET  /api/health  HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /api/health HTTP/1.1\n\n",
    "GET * HTTP/1.1\r\nConnection: close\r\n\r\n"};
// clang-format on

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

/// Draws the probes. Mutation routes only ever get arguments that must be refused, so any
/// state change afterwards means a refusal was not one.
class ProbeFactory {
 public:
  ProbeFactory(std::mt19937& rng, int master_port, int replica_port)
      : rng_(rng), master_(std::to_string(master_port)), replica_(std::to_string(replica_port)) {}

  Probe next() {
    while (true) {
      bad_mutation_ = false;
      Probe p = draw();
      // HEAD runs GET handlers in httplib, so it counts as GET here.
      const bool dispatched = p.method == "GET" || p.method == "HEAD" || p.method == "POST";
      if (p.kind != Kind::Wellformed || !dispatched || !is_mutation(p.target) || bad_mutation_)
        return p;
    }
  }

 private:
  int roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string bytes(std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(roll(256));
    return out;
  }
  std::string token() {
    std::string out;
    for (int i = 0, n = 1 + roll(20); i < n; ++i) out += "abcdefghijklmnopqrstuvwxyz-_0"[roll(29)];
    return out;
  }
  std::string host() { return roll(2) ? "127.0.0.1" : pick(rng_, kBadHosts); }

  Probe draw() {
    const int r = roll(100);
    if (r < 22) return bad_port();
    if (r < 36) return bad_host();
    if (r < 46) return unknown_route();
    if (r < 54) return odd_method();
    if (r < 60) return traversal();
    if (r < 66) return legal_read();
    if (r < 70) return overlong();
    if (r < 76) return header_flood();
    if (r < 80) return protocol_oddity();
    return garbage();
  }

  Probe bad_port() {
    const bool mutation = roll(3) != 0;
    std::string route =
        mutation ? pick(rng_, kMutationInstanceRoutes) : pick(rng_, kReadInstanceRoutes);
    route = replace_all(replace_all(route, "H", host()), "P", pick(rng_, kBadPorts));
    bad_mutation_ = mutation;
    return wellformed("bad port", roll(8) ? "GET" : "HEAD", "/api/" + route);
  }
  Probe bad_host() {
    if (roll(4) == 0) {
      bad_mutation_ = true;
      return wellformed(
          "bad hint mutation", "GET",
          "/api/" + replace_all(pick(rng_, kHintMutationRoutes), "X", pick(rng_, kBadHosts)));
    }
    if (roll(2)) {
      std::string route = replace_all(pick(rng_, kReadInstanceRoutes), "H", pick(rng_, kBadHosts));
      return wellformed("bad host", "GET", "/api/" + replace_all(route, "P", master_));
    }
    return wellformed(
        "bad hint", "GET",
        "/api/" + replace_all(pick(rng_, kHintReadRoutes), "X", pick(rng_, kBadHosts)));
  }
  Probe unknown_route() {
    if (roll(2)) return wellformed("unknown", "GET", pick(rng_, kUnknownTargets));
    std::string target = "/api/" + token();
    for (int i = roll(4); i > 0; --i) target += "/" + token();
    return wellformed("unknown", roll(2) ? "GET" : "POST", target);
  }
  Probe odd_method() {
    const std::string legal_mutations[] = {
        "/api/disable-global-recoveries",
        "/api/reelect",
        "/api/grab-election",
        "/api/stop-replica/127.0.0.1/" + replica_,
        "/api/forget/127.0.0.1/" + replica_,
        "/api/begin-maintenance/127.0.0.1/" + master_ + "/hostile/test",
        "/api/health"};
    return wellformed("odd method", pick(rng_, kOddMethods), pick(rng_, legal_mutations));
  }
  Probe traversal() { return wellformed("traversal", "GET", pick(rng_, kTraversalTargets)); }
  Probe legal_read() {
    const std::string targets[] = {"/api/health",
                                   "/api/clusters",
                                   "/api/clusters-info",
                                   "/api/instance/127.0.0.1/" + master_,
                                   "/api/cluster/127.0.0.1:" + master_,
                                   "/api/search?s=127.0.0.1",
                                   "/api/replication-analysis",
                                   "/api/audit-recovery",
                                   "/metrics",
                                   "/api/lb-check",
                                   "/api/maintenance",
                                   "/api/downtimed"};
    return wellformed("legal read", roll(5) ? "GET" : "HEAD", pick(rng_, targets));
  }
  Probe overlong() {
    const std::size_t sizes[] = {10 * 1024, 100 * 1024};
    const std::size_t n = pick(rng_, sizes);
    const std::string targets[] = {"/api/instance/" + std::string(n, 'a') + "/3306",
                                   "/api/" + std::string(n, 'x'),
                                   "/api/search?s=" + std::string(n, 'q'),
                                   "/" + replace_all(std::string(n / 3, '~'), "~", "%ff")};
    Probe p = wellformed("overlong path", "GET", pick(rng_, targets));
    p.kind = Kind::Oversized;
    return p;
  }
  Probe header_flood() {
    std::string headers;
    switch (roll(4)) {
      case 0:
        for (int i = 0; i < 200; ++i)
          headers += "X-F" + std::to_string(i) + ": " + std::string(100, 'v') + "\r\n";
        break;
      case 1:
        headers = "X-Long: " + std::string(20 * 1024, 'v') + "\r\n";
        break;
      case 2:
        for (int i = 0; i < 5000; ++i) headers += "X-" + std::to_string(i) + ": 1\r\n";
        break;
      default:
        headers = "NoColonHere\r\nX-Nul: a\0b\r\n folded continuation\r\n"s;
        headers += "X-Utf8: \xff\xfe\r\n";
    }
    Probe p = wellformed("header flood", "GET", "/api/health", headers);
    p.kind = Kind::Oversized;
    return p;
  }
  Probe protocol_oddity() {
    Probe p{"protocol oddity", pick(rng_, kProtocolOddities), Kind::Oversized, "GET",
            "/api/health"};
    return p;
  }
  Probe garbage() {
    const std::string prefixes[] = {"", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s,
                                    "SSH-2.0-OpenSSH_9.2\r\n", "\r\n\r\n", std::string(4, '\0')};
    // A final line end lets the server judge the bytes now instead of at its read timeout.
    return Probe{"garbage", pick(rng_, prefixes) + bytes(1 + roll(2048)) + "\r\n\r\n",
                 Kind::Garbage, "", ""};
  }

  std::mt19937& rng_;
  std::string master_, replica_;
  bool bad_mutation_ = false;
};

/// What a mutation could change: recovery, maintenance, downtime, candidate, tag and election-free
/// backend tables, the instance keys, and each server's read_only and replication settings.
std::string mutable_state(Sandbox& backend, Sandbox& topo) {
  std::string s =
      backend.sql(0,
                  "CHECKSUM TABLE orchestrator.database_instance_maintenance, "
                  "orchestrator.database_instance_downtime, orchestrator.topology_recovery, "
                  "orchestrator.topology_recovery_steps, orchestrator.global_recovery_disable, "
                  "orchestrator.candidate_database_instance, orchestrator.database_instance_tags, "
                  "orchestrator.blocked_topology_recovery, orchestrator.cluster_alias_override, "
                  "orchestrator.topology_failure_detection");
  s += "\n" + backend.sql(0,
                          "SELECT hostname, port, cluster_name FROM orchestrator.database_instance "
                          "ORDER BY hostname, port");
  for (int i = 0; i < topo.size(); ++i) {
    s += "\nread_only=" + topo.sql(i, "SELECT @@global.read_only");
    std::string status = topo.sql(i, "SHOW SLAVE STATUS\\G");
    std::size_t start = 0;
    while (start < status.size()) {
      auto end = status.find('\n', start);
      if (end == std::string::npos) end = status.size();
      auto line = status.substr(start, end - start);
      for (const char* f :
           {"Master_Host:", "Master_Port:", "Slave_IO_Running:", "Slave_SQL_Running:"})
        if (line.find(f) != std::string::npos) s += "\n" + line;
      start = end + 1;
    }
  }
  return s;
}

/// Connections that stop mid-request, send garbage without a line end, promise a body they
/// never send (huge, negative, duplicate or unparsable Content-Length, a broken chunk), or send
/// nothing, and then wait: each must be answered with a 4xx or closed by the node within
/// kHangBound. They run side by side because each legitimately costs the node's 5 s read
/// timeout: httplib drains even a body over the 64 KB limit before answering 413.
void check_stalled_connections_are_closed(int port) {
  std::vector<std::string> starts = {"GET /api/health HTTP/1.1\r\nHost: x\r\n",
                                     std::string(3000, 'A'),
                                     "\x01\x02\xff\xfe garbage without a line end",
                                     "",
                                     "POST /api/health HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc",
                                     "PUT /api/disable-global-recoveries HTTP/1.1\r\n\r\n",
                                     "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"};
  for (const char* length :
       {"Content-Length: 99999999999", "Content-Length: 18446744073709551616", "Content-Length: -1",
        "Content-Length: abc", "Content-Length: 500000\r\nContent-Length: 5",
        "Transfer-Encoding: chunked\r\nContent-Length: 99999999"})
    starts.push_back(http_request_text("POST", "/api/clusters", std::string(length) + "\r\n"));
  starts.push_back(http_request_text("POST", "/api/health", "Transfer-Encoding: chunked\r\n") +
                   "zzz\r\nnot a chunk\r\n");
  std::vector<int> fds;
  for (const auto& s : starts) {
    fds.push_back(connect_loopback(port));
    send_all(fds.back(), s);
  }
  const auto deadline = Clock::now() + kHangBound;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    auto x = read_until_close(fds[i], deadline);
    ::close(fds[i]);
    CAPTURE(shown(starts[i]));
    CHECK_MESSAGE(!x.timed_out, "a stalled connection stayed open for 15 s");
    if (!x.bytes.empty()) CHECK(parse_answer(x.bytes).status / 100 == 4);
  }
}

}  // namespace

TEST_CASE("1000 hostile HTTP requests get refusals or legal reads and change nothing") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 1);
  const int http_port = free_port();
  OrchestratorNode node(node_config_json(backend.port(), http_port, {{"InstancePollSeconds", "1"}}),
                        http_port);
  REQUIRE(node.get("/api/discover/127.0.0.1/" + std::to_string(topo.port(1))).status == 200);
  const std::string master_key = "127.0.0.1:" + std::to_string(topo.port(0));
  REQUIRE(wait_until(
      [&] {
        rapidjson::Document d;
        auto reply = node.get("/api/cluster/" + master_key);
        return reply.status == 200 && strict_json(reply.body, d) && d.IsArray() && d.Size() == 2;
      },
      std::chrono::seconds(15)));
  const std::string before = mutable_state(backend, topo);

  const unsigned seed = std::getenv("ORC_HOSTILE_SEED")
                            ? static_cast<unsigned>(std::atoi(std::getenv("ORC_HOSTILE_SEED")))
                            : 20240611u;
  MESSAGE("seed " << seed << " (ORC_HOSTILE_SEED)");
  std::mt19937 rng(seed);
  ProbeFactory factory(rng, topo.port(0), topo.port(1));
  int refused = 0, reads = 0, closes = 0;
  std::chrono::duration<double> slowest{0};
  std::string slowest_label;
  std::vector<int> lingering;
  const auto started = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    const Probe p = factory.next();
    const auto sent = Clock::now();
    // Up to 16 answered garbage connections stay open to check below that the node closes them.
    const bool keep = p.kind == Kind::Garbage && lingering.size() < 16;
    const Exchange x = exchange(http_port, p.request, p.method == "HEAD", keep);
    if (x.open_fd >= 0) lingering.push_back(x.open_fd);
    if (Clock::now() - sent > slowest) {
      slowest = Clock::now() - sent;
      slowest_label = p.label + ": " + shown(p.request.substr(0, 120));
    }
    const std::string why = judge(p, x);
    CAPTURE(i);
    CAPTURE(p.label);
    CHECK_MESSAGE(why.empty(),
                  why << "\nrequest (first 300 bytes): " << shown(p.request.substr(0, 300))
                      << "\nanswer (first 300 bytes): " << shown(x.bytes.substr(0, 300)));
    CHECK(x.bytes.find("root:x:0:0") == std::string::npos);  // path traversal
    CHECK(x.bytes.substr(0, x.bytes.find("\r\n\r\n")).find("X-Injected") == std::string::npos);
    auto a = parse_answer(x.bytes);
    if (x.bytes.empty())
      ++closes;
    else if (a.status >= 200 && a.status < 300)
      ++reads;
    else
      ++refused;
  }
  MESSAGE(refused << " refused, " << reads << " legal reads, " << closes << " closed silently in "
                  << std::chrono::duration<double>(Clock::now() - started).count() << " s; slowest "
                  << slowest.count() << " s: " << slowest_label);
  CHECK(refused > 500);  // most probes are malformed: a node accepting them all is broken

  // The node must close answered garbage connections by itself (keep-alive timeout 5 s).
  CHECK(lingering.size() == 16);
  const auto deadline = Clock::now() + kHangBound;
  for (int fd : lingering) {
    CHECK_MESSAGE(!read_until_close(fd, deadline).timed_out, "garbage connection left open");
    ::close(fd);
  }

  // Connections that stop mid-request or send garbage without a line end and then wait: the
  // node must drop them (read timeout), not keep a thread forever.
  check_stalled_connections_are_closed(http_port);

  CHECK(::kill(node.pid(), 0) == 0);
  CHECK(node.get("/api/health").status == 200);
  CHECK(mutable_state(backend, topo) == before);
}
