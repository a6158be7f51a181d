// Hook commands cannot be injected through what servers report about themselves: names are
// refused where they enter (report_host via SHOW SLAVE HOSTS, DetectClusterAliasQuery,
// DetectInstanceAliasQuery) and placeholder values are quoted for their shell context.

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "actors/hook_runner.hpp"
#include "model/hooks.hpp"
#include "tests/integration/recovery_fixture.hpp"

using namespace std::chrono_literals;
using orc::test::RecoveryFixture;
using orc::test::RecoverySetup;
using orc::test::run_command;
using orc::test::shell_quote;
using orc::test::wait_until;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/orc-hookinj-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() { run_command("rm -rf " + shell_quote(path)); }
};

bool exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// `s` as a JSON string literal.
std::string json(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// Every placeholder of contract §F.4, space-separated.
const char* kAllPlaceholders =
    "{failureType} {instanceType} {isMaster} {isCoMaster} {failureDescription} {command} "
    "{failedHost} {failedPort} {failureCluster} {failureClusterAlias} {failureClusterDomain} "
    "{countSlaves} {countReplicas} {isDowntimed} {autoMasterRecovery} "
    "{autoIntermediateMasterRecovery} {orchestratorHost} {recoveryUID} {isSuccessful} "
    "{successorHost} {successorPort} {successorBinlogCoordinates} {successorAlias} "
    "{lostSlaves} {lostReplicas} {countLostReplicas} {slaveHosts} {replicaHosts}";

/// A JSON array of three hooks appending every placeholder to `log`, unquoted, inside '...'
/// and inside "...", each line starting with `name`.
std::string hooks_json(const std::string& name, const std::string& log) {
  const std::string all = kAllPlaceholders;
  return "[" + json("echo " + name + " " + all + " >> " + log) + ", " +
         json("echo '" + name + "-sq " + all + "' >> " + log) + ", " +
         json("echo \"" + name + "-dq " + all + "\" >> " + log) + "]";
}

/// Rewrites instance i's report_host in its my.cnf and restarts it.
void set_report_host(orc::test::Sandbox& topo, int i, const std::string& host) {
  const std::string cnf = topo.dir() + "/" + std::to_string(i) + "/my.cnf";
  std::string text = read_file(cnf);
  auto at = text.find("report_host=");
  REQUIRE(at != std::string::npos);
  text.replace(at, text.find('\n', at) - at, "report_host=\"" + host + "\"");
  topo.stop(i);
  std::ofstream(cnf) << text;
  topo.start(i);
}

}  // namespace

TEST_CASE("hook templates run by bash read hostile values back verbatim and run none of them") {
  TempDir tmp;
  const std::string marker = tmp.path + "/pwned";
  const std::vector<std::string> hostile = {"x;touch " + marker,
                                            "$(touch " + marker + ")",
                                            "`touch " + marker + "`",
                                            "a'b;touch " + marker,
                                            "a\"b;touch " + marker + ";\"",
                                            "a\\'; touch " + marker + "; '",
                                            "a\nb;touch " + marker,
                                            "a!b && touch " + marker,
                                            "'$(touch " + marker + ")'",
                                            "\"$(touch " + marker + ")\"",
                                            "* ? [a] ~ {x,y} # | & < >",
                                            "$'\\x41' \\"};
  // Contexts whose value is read back exactly: printf prints its argument as it is.
  const std::vector<std::string> exact = {"printf '%s' {failedHost}",
                                          "printf '%s' '{failedHost}'",
                                          "printf '%s' \"{failedHost}\"",
                                          "printf '%s' $'{failedHost}'",
                                          "printf '%s' \"$(printf '%s' {failedHost})\"",
                                          "printf '%s' \"pre-{failedHost}-post\"",
                                          "printf '%s' x{failedHost}y"};
  // Contexts where unsafe bytes are made inert: only "nothing ran" is checked.
  const std::vector<std::string> opaque = {"echo `echo {failedHost}`", "true # {failedHost}",
                                           "cat <<EOF\n{failedHost}\nEOF", "echo \\{failedHost}"};
  for (const auto& value : hostile) {
    orc::model::HookContext ctx;
    ctx.failed_host = value;
    for (const auto& tmpl : exact) {
      CAPTURE(value);
      CAPTURE(tmpl);
      auto r = orc::actors::run_hook(orc::model::expand_hook_placeholders(tmpl, ctx), {}, "bash",
                                     std::chrono::seconds(5));
      CHECK(r.exit_code == 0);
      bool prefixed = tmpl.find("pre-") != std::string::npos;
      bool wrapped = tmpl.find("x{") != std::string::npos;
      std::string expected = prefixed  ? "pre-" + value + "-post"
                             : wrapped ? "x" + value + "y"
                                       : value;
      if (tmpl.find("$(printf") != std::string::npos) {  // $(...) drops trailing newlines
        while (!expected.empty() && expected.back() == '\n') expected.pop_back();
      }
      CHECK(r.output_tail == expected);
      CHECK_FALSE(exists(marker));
    }
    for (const auto& tmpl : opaque) {
      CAPTURE(value);
      CAPTURE(tmpl);
      orc::actors::run_hook(orc::model::expand_hook_placeholders(tmpl, ctx), {}, "bash",
                            std::chrono::seconds(5));
      CHECK_FALSE(exists(marker));
    }
  }
  // The experiment can fail: the same value pasted verbatim, as upstream does, runs.
  orc::actors::run_hook("echo x;touch " + marker, {}, "bash", std::chrono::seconds(5));
  CHECK(exists(marker));
}

TEST_CASE("a failover with hostile report_host and alias values runs every hook and nothing else") {
  TempDir tmp;
  const std::string log = tmp.path + "/hooks.log";
  const std::string f1 = tmp.path + "/f1", f2 = tmp.path + "/f2", f3 = tmp.path + "/f3",
                    f4 = tmp.path + "/f4";
  RecoverySetup setup;
  setup.extra = {
      {"OnFailureDetectionProcesses", hooks_json("detect", log)},
      {"PreFailoverProcesses", hooks_json("pre", log)},
      {"PostMasterFailoverProcesses", hooks_json("postmaster", log)},
      {"PostFailoverProcesses", hooks_json("post", log)},
      {"DetectClusterAliasQuery", json("SELECT 'shop;touch " + f3 + "'")},
      {"DetectInstanceAliasQuery", json("SELECT '$(touch " + f4 + ")'")},
  };
  RecoveryFixture f(setup);
  const std::string hostile1 = "x;touch " + f1, hostile2 = "$(touch " + f2 + ")";
  set_report_host(f.topo, 2, hostile1);
  set_report_host(f.topo, 3, hostile2);

  // The master lists the hostile names in SHOW SLAVE HOSTS; orchestrator refuses them, and
  // both aliases, with a logged reason.
  REQUIRE(wait_until(
      [&] {
        auto hosts = f.topo.sql(0, "SHOW SLAVE HOSTS");
        return hosts.find(hostile1) != std::string::npos &&
               hosts.find(hostile2) != std::string::npos;
      },
      10s));
  const std::string master_refusal = "refused from " + f.key(0) + ": replica host: hostname";
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        auto logs = f.logs();
                        return logs.find(master_refusal) != std::string::npos &&
                               logs.find("DetectClusterAliasQuery: alias") != std::string::npos &&
                               logs.find("DetectInstanceAliasQuery: alias") != std::string::npos;
                      },
                      10s),
                  f.logs());
  // The cluster alias table was refreshed (leader housekeeping) after those probes.
  REQUIRE(wait_until(
      [&] {
        return !f.backend_sql("SELECT alias FROM cluster_alias WHERE cluster_name = '" + f.key(0) +
                              "'")
                    .empty();
      },
      15s));
  REQUIRE(wait_until([&] { return f.replicates_from(2, 0) && f.replicates_from(3, 0); }, 10s));
  CHECK(f.backend_sql("SELECT COUNT(*) FROM database_instance WHERE slave_hosts LIKE '%touch%' "
                      "OR suggested_cluster_alias LIKE '%touch%' OR instance_alias LIKE "
                      "'%touch%'") == "0");
  CHECK(f.backend_sql("SELECT COUNT(*) FROM cluster_alias WHERE alias LIKE '%touch%'") == "0");

  // The API refuses such a host outright.
  auto reply = f.api("discover/a;b/3306");
  REQUIRE(reply.IsObject());
  CHECK(std::string(reply["Code"].GetString()) == "ERROR");

  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until(
                      [&] {
                        for (const auto& r : f.recoveries())
                          if (r.successful && r.ended) return true;
                        return false;
                      },
                      20s),
                  f.logs());
  std::string text;
  bool all_ran = wait_until(
      [&] {
        text = read_file(log);
        for (const char* hook : {"detect", "pre", "postmaster", "post"})
          for (const char* form : {" ", "-sq ", "-dq "})
            if (text.find(std::string(hook) + form + "DeadMaster master true false") ==
                std::string::npos)
              return false;
        return true;
      },
      10s);
  CHECK_MESSAGE(all_ran, text);
  CHECK_MESSAGE(text.find(f.key(0)) != std::string::npos, text);
  for (const auto& marker : {f1, f2, f3, f4}) CHECK_MESSAGE(!exists(marker), marker);
}
