// Structure warnings (contract §E.2, StructureAnalysis[]): each one raised by its topology and
// not by a near miss.

#include <algorithm>

#include "tests/unit/analysis_test_builder.hpp"

namespace analysis_test {

namespace {

using orc::model::StructureWarning;
using W = StructureWarning;

/// Whether `name`'s row carries `warning`; the row is required to exist (NoProblem rows are
/// asked for), so an absent warning is never mistaken for an absent row.
bool has(Topology t, const std::string& name, W warning) {
  t.hints.include_no_problem = true;
  auto r = t.row(name);
  REQUIRE_MESSAGE(r, "no analysis row for ", name);
  return std::find(r->structure_analysis.begin(), r->structure_analysis.end(), warning) !=
         r->structure_analysis.end();
}

/// m with two healthy, logging, GTID replicas: no warning at all.
void healthy(Topology& t) {
  t.add("m");
  t.add("r1", "m");
  t.add("r2", "m");
}

}  // namespace

TEST_CASE("A healthy master with GTID logging replicas has no structure warning") {
  Topology t;
  healthy(t);
  t.hints.include_no_problem = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->structure_analysis.empty());
  CHECK(r->analysis == AnalysisCode::NoProblem);
}

TEST_CASE("NoLoggingReplicas is raised when no replica of several writes a binlog") {
  Topology t;
  healthy(t);
  t["r1"].log_slave_updates_enabled = false;
  t["r2"].log_bin_enabled = false;
  CHECK(has(t, "m", W::NoLoggingReplicasStructureWarning));
  t["r2"].log_bin_enabled = true;
  CHECK_FALSE(has(t, "m", W::NoLoggingReplicasStructureWarning));
}

TEST_CASE("NoLoggingReplicas needs more than one replica") {
  Topology t;
  t.add("m");
  t.add("r1", "m").log_bin_enabled = false;
  CHECK_FALSE(has(t, "m", W::NoLoggingReplicasStructureWarning));
}

TEST_CASE("NoFailoverSupport is raised when the valid replicas are not all GTID") {
  Topology t;
  healthy(t);
  t["r2"].using_mariadb_gtid = false;
  CHECK(has(t, "m", W::NoFailoverSupportStructureWarning));
  t["r2"].using_oracle_gtid = true;  // GTID of two flavours is no failover support either
  CHECK(has(t, "m", W::NoFailoverSupportStructureWarning));
  t["r1"].using_mariadb_gtid = false;
  t["r1"].using_oracle_gtid = true;
  CHECK_FALSE(has(t, "m", W::NoFailoverSupportStructureWarning));
}

TEST_CASE(
    "NoFailoverSupport ignores dead replicas and is lifted by Pseudo-GTID or binlog servers") {
  Topology t;
  healthy(t);
  t["r2"].using_mariadb_gtid = false;
  dead(t["r2"]);
  CHECK_FALSE(has(t, "m", W::NoFailoverSupportStructureWarning));
  t["r2"].is_last_check_valid = true;
  t["m"].using_pseudo_gtid = true;
  CHECK_FALSE(has(t, "m", W::NoFailoverSupportStructureWarning));
  t["m"].using_pseudo_gtid = false;
  t["r1"].binlog_server = true;
  t["r2"].binlog_server = true;
  CHECK_FALSE(has(t, "m", W::NoFailoverSupportStructureWarning));
}

TEST_CASE("Mixed binlog formats among logging replicas raise the matching pair warning") {
  struct Case {
    const char* f1;
    const char* f2;
    W expected;
    W absent;
  };
  const Case cases[] = {
      {"STATEMENT", "MIXED", W::StatementAndMixedLoggingReplicasStructureWarning,
       W::StatementAndRowLoggingReplicasStructureWarning},
      {"STATEMENT", "ROW", W::StatementAndRowLoggingReplicasStructureWarning,
       W::MixedAndRowLoggingReplicasStructureWarning},
      {"mixed", "row", W::MixedAndRowLoggingReplicasStructureWarning,
       W::StatementAndMixedLoggingReplicasStructureWarning},
  };
  for (const auto& c : cases) {
    CAPTURE(c.f1);
    CAPTURE(c.f2);
    Topology t;
    healthy(t);
    t["r1"].binlog_format = c.f1;
    t["r2"].binlog_format = c.f2;
    CHECK(has(t, "m", c.expected));
    CHECK_FALSE(has(t, "m", c.absent));
    // A replica that does not log does not count.
    t["r2"].log_slave_updates_enabled = false;
    CHECK_FALSE(has(t, "m", c.expected));
  }
}

TEST_CASE("MultipleMajorVersions is raised for logging replicas of different major versions") {
  Topology t;
  healthy(t);
  t["r2"].major_version = "10.6";
  CHECK(has(t, "m", W::MultipleMajorVersionsLoggingReplicasStructureWarning));
  t["r2"].log_bin_enabled = false;
  CHECK_FALSE(has(t, "m", W::MultipleMajorVersionsLoggingReplicasStructureWarning));
}

TEST_CASE("DifferentGTIDModes is raised when a replica's gtid_mode differs from its master's") {
  Topology t;
  healthy(t);
  for (const char* n : {"m", "r1", "r2"}) t[n].gtid_mode = "ON";
  CHECK_FALSE(has(t, "m", W::DifferentGTIDModesStructureWarning));
  t["r2"].gtid_mode = "ON_PERMISSIVE";
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->min_replica_gtid_mode == "ON");
  CHECK(r->max_replica_gtid_mode == "ON_PERMISSIVE");
  CHECK(has(t, "m", W::DifferentGTIDModesStructureWarning));
}

TEST_CASE("DifferentGTIDModes also applies to intermediate masters") {
  Topology t;
  t.add("m");
  t.add("im", "m").gtid_mode = "ON";
  t.add("l1", "im").gtid_mode = "OFF";
  CHECK(has(t, "im", W::DifferentGTIDModesStructureWarning));
  t["l1"].gtid_mode = "ON";
  CHECK_FALSE(has(t, "im", W::DifferentGTIDModesStructureWarning));
}

TEST_CASE("ErrantGTID is raised by a replica with errant transactions unless it is downtimed") {
  Topology t;
  healthy(t);
  t["r1"].gtid_errant = "00020194-3333-3333-3333-333333333333:1-3";
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->max_replica_gtid_errant == "00020194-3333-3333-3333-333333333333:1-3");
  CHECK(has(t, "m", W::ErrantGTIDStructureWarning));
  t["r1"].is_downtimed = true;
  CHECK_FALSE(has(t, "m", W::ErrantGTIDStructureWarning));
}

TEST_CASE("NoWriteableMaster is raised for a read-only master, not a read-only replica") {
  Topology t;
  healthy(t);
  t["r1"].read_only = true;
  CHECK_FALSE(has(t, "m", W::NoWriteableMasterStructureWarning));
  t["m"].read_only = true;
  CHECK(has(t, "m", W::NoWriteableMasterStructureWarning));
  CHECK(t.code("m") == AnalysisCode::NoProblem);  // RecoverNonWriteableMaster is off
}

TEST_CASE("NotEnoughValidSemiSyncReplicas is raised when semi-sync fell back to async") {
  Topology t;
  healthy(t);
  auto& s = t["m"].semi_sync;
  s.master_enabled = true;
  s.master_status = false;
  s.master_wait_for_replica_count = 2;
  s.master_clients = 1;
  CHECK(has(t, "m", W::NotEnoughValidSemiSyncReplicasStructureWarning));
  CHECK(t.code("m") == AnalysisCode::NoProblem);
  // Still waiting (status on): a locked master, not this warning.
  t["m"].semi_sync.master_status = true;
  CHECK_FALSE(has(t, "m", W::NotEnoughValidSemiSyncReplicasStructureWarning));
  CHECK(t.code("m") == AnalysisCode::LockedSemiSyncMasterHypothesis);
}

TEST_CASE("Structure warnings come in upstream's order") {
  Topology t;
  healthy(t);
  t["r1"].log_bin_enabled = false;
  t["r2"].log_bin_enabled = false;
  t["r2"].using_mariadb_gtid = false;
  t["m"].read_only = true;
  auto r = t.row("m");
  REQUIRE(r);
  CHECK(r->structure_analysis == std::vector<W>{W::NoLoggingReplicasStructureWarning,
                                                W::NoFailoverSupportStructureWarning,
                                                W::NoWriteableMasterStructureWarning});
}

}  // namespace analysis_test
