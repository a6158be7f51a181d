// TLS on orchestrator's MySQL connections, with real TLS: sandboxes whose servers refuse plain
// TCP connections (require_secure_transport=ON), each with its own CA (tools/sandbox/sandbox
// --tls-only). Outcomes are judged from the servers (their TLS counters, replication state)
// and from the errors a node or the CLI reports.

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

std::string quoted(const std::string& path) {
  return "\"" + path + "\"";
}

/// Ssl_accepts of server i: TLS handshakes it accepted (leaves of a topology and the backend
/// have no replicas, so only orchestrator's connections count there).
long ssl_accepts(Sandbox& sb, int i) {
  return std::stol(sb.sql(i,
                          "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                          "WHERE VARIABLE_NAME = 'SSL_ACCEPTS'"));
}

/// A config file for runs of the binary that are not service nodes started by
/// OrchestratorNode; removed with its directory.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& json) {
    char tmpl[] = "/tmp/orc-tls-conf-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::ofstream(path()) << json;
  }
  ~ConfigFile() { std::system(("rm -rf " + shell_quote(dir_)).c_str()); }
  ConfigFile(const ConfigFile&) = delete;
  ConfigFile& operator=(const ConfigFile&) = delete;
  std::string path() const { return dir_ + "/orchestrator.conf.json"; }

 private:
  std::string dir_;
};

/// Runs the binary with `args` (stderr included in the result); the exit code goes to `code`.
/// `timeout 60` only guards against a node that would never exit: a hang fails the test.
std::string run_binary(const ConfigFile& conf, const std::string& args, int& code) {
  return run_command("timeout 60 " + std::string(ORC_BINARY) + " --config " +
                         shell_quote(conf.path()) + " " + args + " 2>&1",
                     &code);
}

/// Mutual TLS settings for PREFIX ("MySQLOrchestrator"/"MySQLTopology") trusting `ca`.
std::map<std::string, std::string> mutual_tls(const std::string& prefix, const Sandbox& client,
                                              const std::string& ca) {
  return {{prefix + "SSLCAFile", quoted(ca)},
          {prefix + "SSLCertFile", quoted(client.client_cert_file())},
          {prefix + "SSLPrivateKeyFile", quoted(client.client_key_file())},
          {prefix + "UseMutualTLS", "true"}};
}

std::map<std::string, std::string> merged(std::map<std::string, std::string> a,
                                          const std::map<std::string, std::string>& b) {
  for (const auto& [k, v] : b) a[k] = v;
  return a;
}

/// The Message of an API error envelope ("" when the body is not one).
std::string api_message(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (!d.IsObject() || !d.HasMember("Message") || !d["Message"].IsString()) return "";
  return d["Message"].GetString();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("TLS-only backend and topology: discovery and recovery of a dead master over TLS") {
  RecoverySetup setup;
  setup.n = 2;
  setup.tls = SandboxTls::only;
  RecoveryFixture f(setup);  // returns once the leader discovered all three servers

  // Nothing but TLS can have reached these servers, and orchestrator's connections did.
  CHECK(f.backend.sql(0, "SELECT @@require_secure_transport") == "1");
  for (int i = 0; i < 3; ++i) CHECK(f.topo.sql(i, "SELECT @@require_secure_transport") == "1");
  CHECK(ssl_accepts(f.backend, 0) > 0);
  CHECK(ssl_accepts(f.topo, 1) > 0);
  CHECK(ssl_accepts(f.topo, 2) > 0);

  // From now on orc must present a client certificate: the connections of the recovery prove
  // that the node sends one (the account change replicates from the master).
  f.topo.sql(0, "ALTER USER 'orc'@'127.0.0.1' REQUIRE X509");
  REQUIRE(wait_until(
      [&] {
        for (int i : {1, 2})
          if (f.topo.sql(i,
                         "SELECT ssl_type FROM mysql.user WHERE user = 'orc' AND host = "
                         "'127.0.0.1'") != "X509")
            return false;
        return true;
      },
      10s));

  f.topo.kill(0);
  int promoted = -1;
  const bool recovered = wait_until(
      [&] {
        promoted = f.writable_master_among({1, 2});
        return promoted > 0 && f.replicates_from(promoted == 1 ? 2 : 1, promoted);
      },
      20s);
  REQUIRE_MESSAGE(recovered, f.logs());
  const int other = promoted == 1 ? 2 : 1;
  CHECK(f.write_reaches(promoted, {other}));
  // The repointed replica still replicates over TLS (its server refuses anything else).
  CHECK(contains(f.topo.sql(other, "SHOW SLAVE STATUS\\G"), "Master_SSL_Allowed: Yes"));
  REQUIRE(wait_until(
      [&] {
        auto rows = f.recoveries();
        return rows.size() == 1 && rows[0].ended;
      },
      10s));
  auto rows = f.recoveries();
  CHECK(rows[0].successful);
  CHECK(rows[0].successor_port == f.port(promoted));
  CHECK_MESSAGE(rows[0].all_errors.empty(), rows[0].all_errors);
}

TEST_CASE("a topology server whose certificate does not verify is refused - SkipVerify connects") {
  Sandbox backend = Sandbox::backend(SandboxTls::only);
  Sandbox topo = Sandbox::topology("replicas", 1, SandboxTls::only);
  const auto backend_tls = mutual_tls("MySQLOrchestrator", backend, backend.ca_file());
  // The backend's CA did not sign the topology servers' certificates.
  const auto wrong_ca = mutual_tls("MySQLTopology", topo, backend.ca_file());
  const std::string discover = "/api/discover/127.0.0.1/" + std::to_string(topo.port(0));

  SUBCASE("verification on: discovery fails with a TLS error naming the server and the key") {
    const int http = free_port();
    OrchestratorNode node(node_config_json(backend.port(), http, merged(backend_tls, wrong_ca)),
                          http);
    REQUIRE(wait_until([&] { return node.get("/api/leader-check").status == 200; }, 10s));
    HttpReply reply;
    REQUIRE(wait_until(
        [&] {
          reply = node.get(discover);
          return reply.status != 0 && reply.status != 503;  // a leader answers
        },
        10s));
    CHECK(reply.status == 500);
    const std::string message = api_message(reply.body);
    CHECK_MESSAGE(contains(message, "orc@127.0.0.1:" + std::to_string(topo.port(0))), message);
    CHECK_MESSAGE(contains(message, "TLS/SSL error"), message);
    CHECK_MESSAGE(contains(message, "MySQLTopologySSLCAFile=" + backend.ca_file()), message);
    CHECK_FALSE(contains(message, "orc_pass"));
    CHECK_FALSE(contains(node.log(), "orc_pass"));
  }
  SUBCASE("SkipVerify: the same CA is not used and both servers are discovered") {
    auto skip = merged(wrong_ca, {{"MySQLTopologySSLSkipVerify", "true"}});
    const int http = free_port();
    OrchestratorNode node(node_config_json(backend.port(), http, merged(backend_tls, skip)), http);
    const long before = ssl_accepts(topo, 1);
    const std::string cluster = "/api/cluster/127.0.0.1:" + std::to_string(topo.port(0));
    HttpReply reply;
    const bool discovered = wait_until(
        [&] {
          if (node.get(discover).status != 200) return false;
          reply = node.get(cluster);
          rapidjson::Document d;
          d.Parse(reply.body.c_str());
          return d.IsArray() && d.Size() == 2;
        },
        15s);
    CHECK_MESSAGE(discovered, reply.body << "\n" << node.log());
    CHECK(ssl_accepts(topo, 1) > before);
  }
}

TEST_CASE("the backend: wrong CA, no TLS and bad PEM are refused at start with clear errors") {
  Sandbox backend = Sandbox::backend(SandboxTls::only);
  Sandbox other = Sandbox::backend(SandboxTls::only);  // only its CA is used
  int code = 0;

  SUBCASE("a CA that did not sign the backend's certificate") {
    ConfigFile conf(node_config_json(backend.port(), free_port(),
                                     mutual_tls("MySQLOrchestrator", backend, other.ca_file())));
    const std::string out = run_binary(conf, "-c clusters", code);
    CHECK(code != 0);
    CHECK_MESSAGE(contains(out, "orc_backend@127.0.0.1:" + std::to_string(backend.port())), out);
    CHECK_MESSAGE(contains(out, "TLS/SSL error"), out);
    CHECK_MESSAGE(contains(out, "MySQLOrchestratorSSLCAFile=" + other.ca_file()), out);
    CHECK_FALSE(contains(out, "orc_backend_pass"));
    // A service node stops too (after it could not prepare the backend).
    const std::string node_out = run_binary(conf, "http", code);
    CHECK(code == 1);
    CHECK_MESSAGE(contains(node_out, "TLS/SSL error"), node_out);
  }
  SUBCASE("no TLS configured against a server that requires it") {
    ConfigFile conf(node_config_json(backend.port(), free_port()));
    const std::string out = run_binary(conf, "-c clusters", code);
    CHECK(code != 0);
    CHECK_MESSAGE(contains(out, "Access denied"), out);
    CHECK_MESSAGE(contains(out, "require_secure_transport=ON"), out);
    CHECK_MESSAGE(contains(out, "MySQLOrchestratorSSLCAFile"), out);
  }
  SUBCASE("a client certificate file that is not PEM stops a node before it connects") {
    ConfigFile conf(node_config_json(
        backend.port(), free_port(),
        merged(mutual_tls("MySQLOrchestrator", backend, backend.ca_file()),
               {{"MySQLOrchestratorSSLCertFile", quoted(backend.dir() + "/0/my.cnf")}})));
    const std::string out = run_binary(conf, "http", code);
    CHECK(code == 1);
    CHECK_MESSAGE(contains(out, "MySQLOrchestratorSSLCertFile=" + backend.dir() +
                                    "/0/my.cnf: not a PEM certificate"),
                  out);
  }
}

TEST_CASE("without TLS settings a TLS-only topology server gets a clear error - mixed TLS works") {
  Sandbox backend = Sandbox::backend();
  Sandbox topo = Sandbox::topology("replicas", 0, SandboxTls::only);
  Sandbox plain = Sandbox::topology("replicas", 0);
  const int http = free_port();
  // A CA (mixed TLS, the default): TLS where the server offers it, plain elsewhere.
  OrchestratorNode node(
      node_config_json(backend.port(), http, {{"MySQLTopologySSLCAFile", quoted(topo.ca_file())}}),
      http);
  const int http2 = free_port();
  OrchestratorNode no_tls(node_config_json(backend.port(), http2), http2);

  auto discover = [](OrchestratorNode& n, const Sandbox& sb) {
    HttpReply reply;
    wait_until(
        [&] {
          reply = n.get("/api/discover/127.0.0.1/" + std::to_string(sb.port(0)));
          return reply.status == 200 || reply.status == 500;
        },
        10s);
    return reply;
  };
  // Only one node leads; the other answers discovery requests too (they go to its own
  // discovery actor, which probes when asked).
  const long before = ssl_accepts(topo, 0);
  HttpReply tls_server = discover(node, topo);
  CHECK_MESSAGE(tls_server.status == 200, tls_server.body << "\n" << node.log());
  CHECK(ssl_accepts(topo, 0) > before);
  HttpReply plain_server = discover(node, plain);
  CHECK_MESSAGE(plain_server.status == 200, plain_server.body << "\n" << node.log());

  HttpReply refused = discover(no_tls, topo);
  CHECK(refused.status == 500);
  const std::string message = api_message(refused.body);
  CHECK_MESSAGE(contains(message, "Access denied"), message);
  CHECK_MESSAGE(contains(message, "require_secure_transport=ON"), message);
  CHECK_MESSAGE(contains(message, "MySQLTopologySSLCAFile"), message);
}

TEST_CASE("a backend without TLS is refused when TLS is asked for, with or without verification") {
  Sandbox plain = Sandbox::backend();
  Sandbox tls = Sandbox::backend(SandboxTls::on);  // only its CA is used
  std::map<std::string, std::string> extra;
  std::string expected;
  SUBCASE("verification on: Connector/C refuses by itself") {
    extra = {{"MySQLOrchestratorSSLCAFile", quoted(tls.ca_file())}};
    expected = "SSL is required, but the server does not support it";
  }
  SUBCASE("SkipVerify: Connector/C would fall back to plain, open_session refuses") {
    extra = {{"MySQLOrchestratorSSLSkipVerify", "true"}};
    expected = "TLS is required but the server does not offer it";
  }
  ConfigFile conf(node_config_json(plain.port(), free_port(), extra));
  int code = 0;
  const std::string out = run_binary(conf, "-c clusters", code);
  CHECK(code != 0);
  CHECK_MESSAGE(contains(out, "orc_backend@127.0.0.1:" + std::to_string(plain.port())), out);
  CHECK_MESSAGE(contains(out, expected), out);
  CHECK_MESSAGE(contains(out, "[TLS required"), out);
}
