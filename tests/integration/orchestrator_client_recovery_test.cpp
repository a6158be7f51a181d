// tools/orchestrator-client's recovery commands against a real node: the operator's path for
// candidates, the global switch, the analysis, a graceful takeover and acknowledgements.

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/integration/orchestrator_client.hpp"
#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

std::string api_url(RecoveryFixture& f) {
  return "http://127.0.0.1:" + std::to_string(f.leader().port());
}

}  // namespace

TEST_CASE("orchestrator-client drives candidates, the global switch and a graceful takeover") {
  RecoverySetup setup;
  setup.extra = {{"MySQLReplicationUser", "\"repl\""},
                 {"MySQLReplicationPassword", "\"repl_pass\""}};
  RecoveryFixture f(setup);
  const auto api = api_url(f);

  auto rule = run_client(api, "-c register-candidate -i " + f.key(2) + " --promotion-rule prefer");
  CHECK_MESSAGE(rule.code == 0, rule.err);
  CHECK(rule.out == f.key(2) + "\n");
  auto bad = run_client(api, "-c register-candidate -i " + f.key(2) + " -R must");
  CHECK(bad.code != 0);
  CHECK(bad.err.find("must") != std::string::npos);

  CHECK(run_client(api, "-c check-global-recoveries").out == "enabled\n");
  CHECK(run_client(api, "-c disable-global-recoveries").code == 0);
  CHECK(run_client(api, "-c check-global-recoveries").out == "disabled\n");
  CHECK(run_client(api, "-c enable-global-recoveries").code == 0);
  CHECK(run_client(api, "-c check-global-recoveries").out == "enabled\n");

  // Replicas that all stopped replicating are a problem the analysis reports on the master.
  for (int i : {1, 2, 3}) f.topo.sql(i, "STOP SLAVE IO_THREAD");
  CHECK(wait_until(
      [&] {
        return run_client(api, "-c replication-analysis").out ==
               f.key(0) + " (cluster " + f.key(0) + "): AllMasterReplicasNotReplicating\n";
      },
      10s));
  for (int i : {1, 2, 3}) f.topo.sql(i, "START SLAVE IO_THREAD");
  REQUIRE(wait_until([&] { return run_client(api, "-c replication-analysis").out.empty(); }, 10s));

  auto takeover =
      run_client(api, "-c graceful-master-takeover-auto -a " + f.key(0) + " -d " + f.key(2));
  REQUIRE_MESSAGE(takeover.code == 0, takeover.err << f.logs());
  CHECK(takeover.out == f.key(2) + "\n");
  CHECK(f.is_standalone_writable(2));
  CHECK(wait_until([&] { return f.replicates_from(0, 2); }, 5s));
  CHECK(wait_until([&] { return f.replicates_from(1, 2) && f.replicates_from(3, 2); }, 5s));

  auto no_reason = run_client(api, "-c ack-all-recoveries");
  CHECK(no_reason.code != 0);
  auto acked = run_client(api, "-c ack-cluster-recoveries -a " + f.key(2) + " -r done");
  CHECK_MESSAGE(acked.code == 0, acked.err);
  CHECK(acked.out == "1\n");
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].acknowledged);
}
