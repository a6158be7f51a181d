// Secrets never leak: distinctive passwords for the backend, the topology and replication
// accounts (real accounts, so the node really uses them) and a Consul token must not appear in
// the node's Debug log, in any read or error answer of the API, in /metrics, in
// `-c dump-config`, in the CLI's error output, or in the environment of recovery hooks.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

// Letters and digits only, so that no encoder escapes them and a plain search finds them.
const std::string kBackendPassword = "BkndPw9f3kQx71";
const std::string kTopologyPassword = "TopoPw4hZr8sLm";
const std::string kReplicationPassword = "ReplPw7uXw2nVb";
const std::string kConsulToken = "ConsulTk5pYc3dGe";
const std::string kWrongPassword = "WrongPw3mTq8zKa";

const std::vector<std::string>& secrets() {
  static const std::vector<std::string> all = {kBackendPassword, kTopologyPassword,
                                               kReplicationPassword, kConsulToken, kWrongPassword};
  return all;
}

/// Checks `text` (named `where` in failures) for every secret.
void check_clean(const std::string& where, const std::string& text) {
  for (const auto& s : secrets())
    CHECK_MESSAGE(text.find(s) == std::string::npos, where << " contains " << s);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dir_of(const std::string& path) {
  return path.substr(0, path.rfind('/'));
}

/// Accounts with the distinctive passwords: a backend user, and on the topology's master (from
/// where they replicate) a topology user with the sandbox `orc` grants and a replication user.
void create_accounts(Sandbox& backend, Sandbox& topo) {
  std::string b, t;
  for (const char* h : {"127.0.0.1", "localhost"}) {
    const std::string at = std::string("@'") + h + "'";
    b += "CREATE USER 'orc_secret'" + at + " IDENTIFIED BY '" + kBackendPassword +
         "'; GRANT ALL ON orchestrator.* TO 'orc_secret'" + at + ";";
    t += "CREATE USER 'orc_topo_s'" + at + " IDENTIFIED BY '" + kTopologyPassword +
         "'; GRANT ALL ON *.* TO 'orc_topo_s'" + at + "; CREATE USER 'repl_s'" + at +
         " IDENTIFIED BY '" + kReplicationPassword +
         "'; GRANT REPLICATION SLAVE ON *.* TO 'repl_s'" + at + ";";
  }
  backend.sql(0, b);
  topo.sql(0, t);
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

/// Config members for the node: the secret accounts, Debug logging, recovery on, and hooks
/// that dump their environment into `dir`.
std::map<std::string, std::string> secret_config(const std::string& dir) {
  auto hook = [&](const char* name) { return "[\"env > " + dir + "/" + name + ".env\"]"; };
  return {{"Debug", "true"},
          {"InstancePollSeconds", "1"},
          {"MySQLOrchestratorUser", quoted("orc_secret")},
          {"MySQLOrchestratorPassword", quoted(kBackendPassword)},
          {"MySQLTopologyUser", quoted("orc_topo_s")},
          {"MySQLTopologyPassword", quoted(kTopologyPassword)},
          {"MySQLReplicationUser", quoted("repl_s")},
          {"MySQLReplicationPassword", quoted(kReplicationPassword)},
          {"ConsulAclToken", quoted(kConsulToken)},
          {"RecoverMasterClusterFilters", "[\"*\"]"},
          {"OnFailureDetectionProcesses", hook("detection")},
          {"PreFailoverProcesses", hook("pre-failover")},
          {"PostFailoverProcesses", hook("post-failover")},
          {"PostGracefulTakeoverProcesses", hook("post-graceful")}};
}

/// Every read and error answer worth checking, for a cluster whose members are `ports`.
void check_api(const OrchestratorNode& node, const std::vector<int>& ports, const char* when) {
  std::vector<std::string> paths = {"/api/health",
                                    "/api/status",
                                    "/api/clusters",
                                    "/api/clusters-info",
                                    "/api/all-instances",
                                    "/api/audit-recovery",
                                    "/api/replication-analysis",
                                    "/api/audit-failure-detection",
                                    "/api/maintenance",
                                    "/api/downtimed",
                                    "/api/no-such-route",
                                    "/api/instance/x/99999",
                                    "/api/instance/127.0.0.1/abc",
                                    "/api/cluster/nosuchcluster",
                                    "/metrics",
                                    "/api/leader-check",
                                    "/api/lb-check"};
  for (int p : ports) {
    const std::string key = "127.0.0.1/" + std::to_string(p);
    for (const char* route : {"/api/instance/", "/api/instance-replicas/", "/api/cluster/",
                              "/api/topology/", "/api/replication-analysis/instance/"})
      paths.push_back(route + key);
  }
  int answered = 0;
  for (const auto& path : paths) {
    auto reply = node.get(path);
    answered += reply.status != 0;
    check_clean(std::string(when) + " GET " + path, reply.body);
  }
  CHECK(answered == static_cast<int>(paths.size()));
}

/// The CLI with `config_path`, stdout and stderr together.
std::string cli_output(const std::string& config_path, const std::string& args, int* code) {
  return run_command(
      std::string(ORC_BINARY) + " --config " + shell_quote(config_path) + " " + args + " 2>&1",
      code);
}

/// A copy of the node's config with one more member overriding an earlier one.
std::string config_variant(const std::string& config_path, const std::string& member) {
  std::string text = read_file(config_path);
  text.insert(text.rfind('}'), ",\n  " + member + "\n");
  const std::string path = config_path + ".variant.json";
  std::ofstream(path) << text;
  return path;
}

void check_cli(const OrchestratorNode& node, int master_port) {
  int code = -1;
  const std::string dump = cli_output(node.config_path(), "-c dump-config", &code);
  CHECK(code == 0);
  CHECK(dump.find("********") != std::string::npos);
  check_clean("dump-config", dump);

  const std::string wrong_backend = config_variant(
      node.config_path(), "\"MySQLOrchestratorPassword\": " + quoted(kWrongPassword));
  const std::string out = cli_output(wrong_backend, "-c clusters", &code);
  CHECK_MESSAGE(code != 0, out);
  check_clean("CLI with a wrong backend password", out);
  check_clean("dump-config with a wrong backend password",
              cli_output(wrong_backend, "-c dump-config", &code));

  const std::string wrong_topology =
      config_variant(node.config_path(), "\"MySQLTopologyPassword\": " + quoted(kWrongPassword));
  const std::string instance = "-i 127.0.0.1:" + std::to_string(master_port);
  for (const char* cmd : {"-c discover ", "-c set-read-only ", "-c stop-replica "}) {
    const std::string o = cli_output(wrong_topology, cmd + instance, &code);
    check_clean(std::string("CLI ") + cmd + "with a wrong topology password", o);
  }
}

}  // namespace

TEST_CASE("passwords and tokens appear in no log, answer, dump, CLI error or hook environment") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 2);
  create_accounts(backend, topo);
  char tmpl[] = "/tmp/orc-secrets-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const int http_port = free_port();
  OrchestratorNode node(node_config_json(backend.port(), http_port, secret_config(dir)), http_port);
  const std::string log_path = dir_of(node.config_path()) + "/node.log";

  REQUIRE(node.get("/api/discover/127.0.0.1/" + std::to_string(topo.port(0))).status == 200);
  const std::string cluster = "127.0.0.1:" + std::to_string(topo.port(0));
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        rapidjson::Document d;
                        d.Parse(node.get("/api/cluster/" + cluster).body.c_str());
                        return d.IsArray() && d.Size() == 3;
                      },
                      15s),
                  node.log());
  check_api(node, {topo.port(0), topo.port(1), topo.port(2)}, "discovered:");
  check_cli(node, topo.port(0));

  // A failover runs the detection and failover hooks; the log then also holds the recovery.
  topo.kill(0);
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        return read_file(dir + "/post-failover.env").find("ORC_FAILED_PORT=") !=
                               std::string::npos;
                      },
                      30s),
                  node.log());
  for (const char* hook : {"detection", "pre-failover", "post-failover"}) {
    const std::string env = read_file(dir + "/" + hook + ".env");
    CHECK_MESSAGE(env.find("ORC_FAILED_PORT=" + std::to_string(topo.port(0))) != std::string::npos,
                  hook << ": " << env);
    check_clean(std::string(hook) + " hook environment", env);
  }

  // A graceful takeover has the demoted master replicate with MySQLReplicationPassword.
  rapidjson::Document recovered;
  recovered.Parse(node.get("/api/audit-recovery").body.c_str());
  REQUIRE(recovered.IsArray());
  REQUIRE(recovered.Size() >= 1);
  const int promoted = recovered[0]["SuccessorKey"]["Port"].GetInt();
  const std::string new_cluster = "127.0.0.1:" + std::to_string(promoted);
  auto takeover = http_get(http_port, "/api/graceful-master-takeover-auto/" + new_cluster, 30000);
  CHECK_MESSAGE(takeover.status == 200, takeover.body);
  check_clean("graceful takeover answer", takeover.body);
  if (takeover.status == 200) {
    REQUIRE(wait_until(
        [&] { return read_file(dir + "/post-graceful.env").find("ORC_") != std::string::npos; },
        15s));
    check_clean("post-graceful hook environment", read_file(dir + "/post-graceful.env"));
    const std::string status = topo.sql(topo.port(1) == promoted ? 1 : 2, "SHOW SLAVE STATUS\\G");
    CHECK_MESSAGE(status.find("Master_User: repl_s") != std::string::npos, status);
  }

  const int other = topo.port(1) == promoted ? topo.port(2) : topo.port(1);
  check_api(node, {promoted, other}, "after recovery:");
  const std::string log = read_file(log_path);
  CHECK(log.size() > 1000);  // Debug logging really wrote something
  check_clean("node log", log);
  run_command("rm -rf " + shell_quote(dir));
}
