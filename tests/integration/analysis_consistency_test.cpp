// One analysis: the leader's /api/replication-analysis (its live view of the probes) and the
// CLI's `-c replication-analysis` (the backend rows) must report the same problems for the same
// state, through healthy, replicas not replicating, a master answering only partially, and a
// dead master. Each state is first seen to be reached (in the backend rows, or in the leader's
// verdict), then both analyses must agree.

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <soci/soci.h>

#include <chrono>
#include <set>
#include <sstream>
#include <string>

#include "storage/backend.hpp"
#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

using Lines = std::set<std::string>;

/// The leader's analysis as the CLI prints it: "key (cluster c): Code[, Warning...]", problems
/// and structure warnings only.
Lines leader_lines(RecoveryFixture& f) {
  Lines out;
  auto d = f.api("replication-analysis");
  if (!d.IsObject() || !d.HasMember("Details") || !d["Details"].IsArray()) return {"<no answer>"};
  for (const auto& row : d["Details"].GetArray()) {
    std::string text;
    std::string code = row["Analysis"].GetString();
    if (code != "NoProblem") text = code;
    if (row["StructureAnalysis"].IsArray())
      for (const auto& w : row["StructureAnalysis"].GetArray())
        text += (text.empty() ? "" : ", ") + std::string(w.GetString());
    if (text.empty()) continue;
    const auto& key = row["AnalyzedInstanceKey"];
    out.insert(std::string(key["Hostname"].GetString()) + ":" +
               std::to_string(key["Port"].GetInt()) + " (cluster " +
               row["ClusterDetails"]["ClusterName"].GetString() + "): " + text);
  }
  return out;
}

Lines cli_lines(RecoveryFixture& f) {
  Lines out;
  std::istringstream in(run_cli(f.leader().config_path(), "-c replication-analysis"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

std::string show(const Lines& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out.empty() ? " (none)" : out;
}

/// Waits until `reached` holds for the leader's lines and the CLI prints the same lines.
void check_agreement(RecoveryFixture& f, const char* state,
                     const std::function<bool(const Lines&)>& reached) {
  Lines leader, cli;
  bool agreed = wait_until(
      [&] {
        leader = leader_lines(f);
        if (!reached(leader)) return false;
        cli = cli_lines(f);
        return leader == cli;
      },
      20s);
  CHECK_MESSAGE(agreed, std::string(state)
                            << ": leader" << show(leader) << "\nCLI" << show(cli) << "\n"
                            << f.logs());
}

bool has(const Lines& lines, const std::string& line) {
  return lines.count(line) > 0;
}

/// The backend row of instance i: "partial\tinvalid" (last_check_partial_success, and whether
/// the last check came after the last time it was seen).
std::string stored_check(RecoveryFixture& f, int i) {
  auto out = f.backend_sql(
      "SELECT CONCAT(last_check_partial_success, '/', last_checked > last_seen) FROM "
      "database_instance WHERE port = " +
      std::to_string(f.port(i)));
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

/// Ends every connection orchestrator's account holds to instance i, so that its next
/// sessions log in with the account's current privileges.
void reconnect_orchestrator(RecoveryFixture& f, int i) {
  orc::storage::MysqlEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = f.port(i);
  ep.user = "orc";
  ep.password = "orc_pass";
  ep.connect_timeout_s = 2;
  ep.read_timeout_s = 5;
  auto s = orc::storage::open_session(ep);
  soci::rowset<long long> ids = (s->prepare << "SELECT CAST(id AS SIGNED) FROM "
                                               "information_schema.processlist WHERE user = 'orc' "
                                               "AND id <> CONNECTION_ID()");
  std::vector<long long> all(ids.begin(), ids.end());
  for (auto id : all) {
    try {
      *s << "KILL CONNECTION " + std::to_string(id);
    } catch (const soci::soci_error&) {  // gone meanwhile
    }
  }
}

RecoverySetup detection_only() {
  RecoverySetup setup;
  setup.n = 2;
  setup.extra = {{"RecoverMasterClusterFilters", "[]"},
                 {"RecoverIntermediateMasterClusterFilters", "[]"}};
  return setup;
}

}  // namespace

TEST_CASE("the leader's live analysis and the CLI's agree through a master's failures") {
  RecoveryFixture f(detection_only());
  const std::string master = f.key(0) + " (cluster " + f.key(0) + "): ";

  check_agreement(f, "healthy", [](const Lines&) { return true; });

  f.topo.sql(1, "STOP SLAVE IO_THREAD");
  check_agreement(f, "one replica's IO thread stopped", [&](const Lines&) {
    return f.backend_sql("SELECT slave_io_running FROM database_instance WHERE port = " +
                         std::to_string(f.port(1))) == "0";
  });

  f.topo.sql(2, "STOP SLAVE IO_THREAD");
  check_agreement(f, "every replica's IO thread stopped", [&](const Lines& l) {
    return has(l, master + "AllMasterReplicasNotReplicating");
  });

  for (int i : {1, 2}) f.topo.sql(i, "START SLAVE IO_THREAD");
  check_agreement(f, "replicating again", [&](const Lines& l) {
    return !has(l, master + "AllMasterReplicasNotReplicating");
  });

  // The master answers its first query but not SHOW SLAVE STATUS (no SUPER, no SLAVE
  // MONITOR): a partially successful check, which alone is no failure (upstream's rule).
  f.topo.sql(0,
             "SET SESSION sql_log_bin = 0; "
             "REVOKE SUPER, SLAVE MONITOR ON *.* FROM 'orc'@'127.0.0.1'; "
             "REVOKE SUPER, SLAVE MONITOR ON *.* FROM 'orc'@'localhost'");
  reconnect_orchestrator(f, 0);
  check_agreement(f, "the master's checks partially successful",
                  [&](const Lines&) { return stored_check(f, 0) == "1/1"; });

  f.topo.kill(0);
  check_agreement(f, "the master dead",
                  [&](const Lines& l) { return has(l, master + "DeadMaster"); });
}
