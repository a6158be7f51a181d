// Recoveries beyond the plain dead master: co-masters, the second-phase swap to a better
// candidate, and the global switch.

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

bool recovered(RecoveryFixture& f) {
  for (const auto& r : f.recoveries())
    if (r.successful && r.ended) return true;
  return false;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("a dead co-master is replaced by the other co-master, which takes its replicas") {
  RecoverySetup setup;
  setup.kind = "comasters";
  setup.n = 1;  // 0 <-> 1, and replica 2 under 0
  RecoveryFixture f(setup);
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 15s), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].analysis.rfind("DeadCoMaster", 0) == 0);
  CHECK(rows[0].successor_port == f.port(1));  // CoMasterRecoveryMustPromoteOtherCoMaster
  CHECK(f.is_standalone_writable(1));
  CHECK(wait_until([&] { return f.replicates_from(2, 1); }, 5s));
  CHECK(f.write_reaches(1, {2}));
}

TEST_CASE("a prefer replica that is behind catches up and becomes master (second phase)") {
  RecoveryFixture f;
  REQUIRE(f.api("register-candidate/" + f.key_path(3) + "/prefer").IsObject());
  // Replica 3 falls behind: its SQL thread stops while rows keep coming.
  f.topo.sql(3, "STOP SLAVE SQL_THREAD");
  f.topo.sql(0,
             "CREATE TABLE app.behind (id INT PRIMARY KEY); INSERT INTO app.behind VALUES "
             "(1), (2), (3)");
  REQUIRE(wait_until(
      [&] {
        try {
          return f.topo.sql(1, "SELECT COUNT(*) FROM app.behind") == "3" &&
                 f.topo.sql(2, "SELECT COUNT(*) FROM app.behind") == "3";
        } catch (const std::runtime_error&) {
          return false;
        }
      },
      5s));
  // The rule must be in the leader's view before the failure.
  REQUIRE(wait_until(
      [&] {
        auto d = f.api("instance/" + f.key_path(3));
        return d.IsObject() && d.HasMember("PromotionRule") &&
               std::string(d["PromotionRule"].GetString()) == "prefer";
      },
      5s));
  // Without the second phase the most advanced replica (1 or 2) would be master.
  CHECK(trim(run_cli(f.leader().config_path(), "-c internal-suggest-promoted-replacement -i " +
                                                   f.key(0) + " -d " + f.key(1))) == f.key(3));

  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 20s), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK_MESSAGE(rows[0].successor_port == f.port(3), f.steps(rows[0].uid));
  CHECK(f.steps(rows[0].uid).find("replacing") != std::string::npos);
  CHECK(f.is_standalone_writable(3));
  CHECK(f.topo.sql(3, "SELECT COUNT(*) FROM app.behind") == "3");  // nothing lost
  CHECK(wait_until([&] { return f.replicates_from(1, 3) && f.replicates_from(2, 3); }, 5s));
}

TEST_CASE("with recoveries disabled globally a dead master is only detected until re-enabled") {
  RecoveryFixture f;
  auto d = f.api("disable-global-recoveries");
  bool disabled = d.IsObject() && std::string(d["Code"].GetString()) == "OK";
  REQUIRE_MESSAGE(disabled, f.last_body);
  f.topo.kill(0);
  bool detected = wait_until(
      [&] {
        auto a = f.api("replication-analysis");
        if (!a.IsObject() || !a["Details"].IsArray()) return false;
        for (const auto& r : a["Details"].GetArray())
          if (r["AnalyzedInstanceKey"]["Port"].GetInt() == f.port(0))
            return std::string(r["Analysis"].GetString()) == "DeadMaster";
        return false;
      },
      10s);
  REQUIRE_MESSAGE(detected, f.logs());
  // Several recovery attempts' worth: the leader probes the three live replicas for three more
  // rounds, each probe followed by an analysis that would hand the DeadMaster to recovery.
  REQUIRE_MESSAGE(wait_more_probes(f.leader(), 3 * 3), f.logs());
  CHECK(f.recoveries().empty());
  CHECK(f.writable_master_among({1, 2, 3}) == -1);

  REQUIRE(f.api("enable-global-recoveries").IsObject());
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 10s), f.logs());
  CHECK(f.writable_master_among({1, 2, 3}) > 0);
}

TEST_CASE("post-failover hooks get the successor's facts as placeholders and ORC_ variables") {
  char tmpl[] = "/tmp/orc-post-hooks-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string out = dir + "/post.txt";
  RecoverySetup setup;
  setup.extra = {{"PostMasterFailoverProcesses",
                  "[\"echo master {failureType} {failedPort} {successorPort} {isSuccessful} "
                  "{countLostReplicas} {lostReplicas} >> " +
                      out + "\"]"},
                 {"PostFailoverProcesses",
                  "[\"echo any $ORC_SUCCESSOR_PORT $ORC_SUCCESSOR_BINLOG_COORDINATES "
                  "{successorBinlogCoordinates} "
                  ">> " +
                      out + "\"]"},
                 {"PostUnsuccessfulFailoverProcesses", "[\"echo unsuccessful >> " + out + "\"]"}};
  RecoveryFixture f(setup);
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 15s), f.logs());
  std::string text;
  REQUIRE(wait_until(
      [&] {
        text = run_command("cat " + out + " 2>/dev/null");
        return text.find("any") != std::string::npos;
      },
      5s));
  int successor = f.recoveries().at(0).successor_port;
  CHECK(text.find("master DeadMaster " + std::to_string(f.port(0)) + " " +
                  std::to_string(successor) + " true 0\n") != std::string::npos);
  // PostFailoverProcesses ran after PostMasterFailoverProcesses, with the binlog position the
  // new master had right after its promotion, given both ways.
  auto any = text.find("any " + std::to_string(successor) + " mysql-bin.");
  CHECK_MESSAGE(any != std::string::npos, text);
  CHECK(any > text.find("master "));
  auto line = text.substr(any, text.find('\n', any) - any);
  auto first = line.find("mysql-bin.");
  CHECK(line.find(line.substr(first, line.find(' ', first) - first), first + 1) !=
        std::string::npos);
  CHECK(text.find("unsuccessful") == std::string::npos);
  run_command("rm -rf " + dir);
}

TEST_CASE("clusters-info and cluster-info tell which clusters recover automatically") {
  RecoverySetup setup;
  setup.n = 1;
  setup.extra = {{"RecoverIntermediateMasterClusterFilters", "[\"^no-such-cluster$\"]"}};
  RecoveryFixture f(setup);
  auto all = f.api("clusters-info");
  REQUIRE(all.IsArray());
  REQUIRE(all.Size() == 1);
  CHECK(all[0]["HasAutomatedMasterRecovery"].GetBool());
  CHECK_FALSE(all[0]["HasAutomatedIntermediateMasterRecovery"].GetBool());
  auto one = f.api("cluster-info/" + f.key(0));
  REQUIRE(one.IsObject());
  CHECK(one["HasAutomatedMasterRecovery"].GetBool());
  CHECK_FALSE(one["HasAutomatedIntermediateMasterRecovery"].GetBool());
}

TEST_CASE(
    "a master dead with one of its replicas: the survivors recover, the dead replica is lost") {
  RecoveryFixture f;
  f.topo.kill(3);
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 15s), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  // Depending on whether the dead replica was seen dead before the master, either code.
  CHECK_MESSAGE(
      (rows[0].analysis == "DeadMasterAndSomeReplicas" || rows[0].analysis == "DeadMaster"),
      rows[0].analysis);
  int promoted = f.index_of_port(rows[0].successor_port);
  REQUIRE((promoted == 1 || promoted == 2));
  int other = promoted == 1 ? 2 : 1;
  CHECK(f.is_standalone_writable(promoted));
  CHECK(wait_until([&] { return f.replicates_from(other, promoted); }, 5s));
  CHECK(f.downtime_reason(3) == "lost-in-recovery");
  CHECK(f.downtime_reason(0) == "lost-in-recovery");
}

TEST_CASE("an intermediate master with a single replica dies: the replica moves to the master") {
  RecoverySetup setup;
  setup.kind = "chain";
  setup.n = 1;  // 0 -> 1 -> 2
  RecoveryFixture f(setup);
  f.topo.kill(1);
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 15s), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].analysis == "DeadIntermediateMasterWithSingleReplicaFailingToConnect");
  CHECK(rows[0].successor_port == f.port(0));
  CHECK(wait_until([&] { return f.replicates_from(2, 0); }, 5s));
  CHECK(f.write_reaches(0, {2}));
}

TEST_CASE("with RecoverNonWriteableMaster a master left read-only is made writable again") {
  RecoverySetup setup;
  setup.n = 2;
  setup.extra = {{"RecoverNonWriteableMaster", "true"}};
  RecoveryFixture f(setup);
  f.topo.sql(0, "SET GLOBAL read_only = 1");
  REQUIRE_MESSAGE(wait_until([&] { return recovered(f); }, 15s), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].analysis == "NoWriteableMasterStructureWarning");
  CHECK(rows[0].successor_port == f.port(0));
  CHECK_FALSE(f.replication(0).read_only);
  CHECK(f.replicates_from(1, 0));
  CHECK(f.write_reaches(0, {1, 2}));
}
