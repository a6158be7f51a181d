#include <doctest/doctest.h>

#include "model/emergent_operations.hpp"

using namespace orc::model;

namespace {
Instance replica(int port, bool valid, bool mariadb_gtid) {
  Instance i;
  i.key = {"db", port};
  i.master_key = {"db", 1};
  i.is_last_check_valid = valid;
  i.using_mariadb_gtid = mariadb_gtid;
  return i;
}
}  // namespace

TEST_CASE("lagging replicas of an unreachable master get their IO thread restarted") {
  ReplicationAnalysis row;
  row.analyzed_instance_key = {"db", 1};
  row.analysis = AnalysisCode::UnreachableMasterWithLaggingReplicas;
  std::vector<Instance> view = {replica(2, true, false), replica(3, false, false),
                                replica(4, true, true)};
  auto keys = replicas_to_restart(row, view);
  REQUIRE(keys.size() == 1);  // the invalid one and the MariaDB-GTID one are left alone
  CHECK(keys[0] == InstanceKey{"db", 2});
}

TEST_CASE("no restart for other analyses, even with the same replicas") {
  ReplicationAnalysis row;
  row.analyzed_instance_key = {"db", 1};
  row.analysis = AnalysisCode::UnreachableMaster;
  CHECK(replicas_to_restart(row, {replica(2, true, false)}).empty());
  row.analysis = AnalysisCode::UnreachableIntermediateMasterWithLaggingReplicas;
  CHECK(replicas_to_restart(row, {replica(2, true, false)}).size() == 1);
}
