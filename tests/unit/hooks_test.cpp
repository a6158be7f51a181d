// Hook placeholders and ORC_* environment variables (contract §F.4).

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "model/hooks.hpp"

using orc::model::expand_hook_placeholders;
using orc::model::hook_environment;
using orc::model::HookContext;
using orc::model::InstanceKey;

namespace {

/// A context where every field has a distinct value, so a placeholder mapped to the wrong
/// field shows up.
HookContext full_context() {
  HookContext c;
  c.failure_type = "DeadMaster";
  c.instance_type = "master";
  c.is_master = true;
  c.is_co_master = false;
  c.failure_description = "Master cannot be reached by orchestrator";
  c.command = "force-master-failover";
  c.failed_host = "db-1.example";
  c.failed_port = 3306;
  c.failure_cluster = "db-1.example:3306";
  c.failure_cluster_alias = "shop";
  c.failure_cluster_domain = "shop.example";
  c.count_replicas = 3;
  c.is_downtimed = false;
  c.auto_master_recovery = true;
  c.auto_intermediate_master_recovery = false;
  c.orchestrator_host = "orc-node-2";
  c.recovery_uid = "1700000000000000000:abcdef";
  c.is_successful = true;
  c.successor_host = "db-2.example";
  c.successor_port = 3307;
  c.successor_binlog_coordinates = "mysql-bin.000042:1234";
  c.successor_alias = "db-two";
  c.lost_replicas = {{"db-5.example", 3306}, {"db-6.example", 3310}};
  c.replica_hosts = {{"db-2.example", 3307}, {"db-3.example", 3306}, {"db-4.example", 3306}};
  return c;
}

std::string expand(const std::string& text) {
  return expand_hook_placeholders(text, full_context());
}

std::map<std::string, std::string> env_map(const HookContext& c) {
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : hook_environment(c)) m[k] = v;
  return m;
}

}  // namespace

TEST_CASE("every failure placeholder expands to its own field") {
  CHECK(expand("{failureType}") == "DeadMaster");
  CHECK(expand("{instanceType}") == "master");
  CHECK(expand("{isMaster}") == "true");
  CHECK(expand("{isCoMaster}") == "false");
  CHECK(expand("{failureDescription}") == "Master cannot be reached by orchestrator");
  CHECK(expand("{command}") == "force-master-failover");
  CHECK(expand("{failedHost}") == "db-1.example");
  CHECK(expand("{failedPort}") == "3306");
  CHECK(expand("{failureCluster}") == "db-1.example:3306");
  CHECK(expand("{failureClusterAlias}") == "shop");
  CHECK(expand("{failureClusterDomain}") == "shop.example");
  CHECK(expand("{countSlaves}") == "3");
  CHECK(expand("{countReplicas}") == "3");
  CHECK(expand("{isDowntimed}") == "false");
  CHECK(expand("{autoMasterRecovery}") == "true");
  CHECK(expand("{autoIntermediateMasterRecovery}") == "false");
  CHECK(expand("{orchestratorHost}") == "orc-node-2");
  CHECK(expand("{recoveryUID}") == "1700000000000000000:abcdef");
}

TEST_CASE("every recovery outcome placeholder expands to its own field") {
  CHECK(expand("{isSuccessful}") == "true");
  CHECK(expand("{successorHost}") == "db-2.example");
  CHECK(expand("{successorPort}") == "3307");
  CHECK(expand("{successorBinlogCoordinates}") == "mysql-bin.000042:1234");
  CHECK(expand("{successorAlias}") == "db-two");
  CHECK(expand("{lostSlaves}") == "db-5.example:3306,db-6.example:3310");
  CHECK(expand("{lostReplicas}") == "db-5.example:3306,db-6.example:3310");
  CHECK(expand("{countLostReplicas}") == "2");
  CHECK(expand("{slaveHosts}") == "db-2.example:3307,db-3.example:3306,db-4.example:3306");
  CHECK(expand("{replicaHosts}") == "db-2.example:3307,db-3.example:3306,db-4.example:3306");
}

TEST_CASE("placeholders are replaced everywhere in a command and the rest is kept") {
  CHECK(expand("echo '{failedHost}:{failedPort}' >> /tmp/x; notify {failedHost} {failureType}") ==
        "echo 'db-1.example:3306' >> /tmp/x; notify db-1.example DeadMaster");
  CHECK(expand("no placeholders at all") == "no placeholders at all");
  CHECK(expand("") == "");
}

TEST_CASE("unknown placeholders, lone braces and shell braces are left untouched") {
  CHECK(expand("{unknownThing} {failedhost}") == "{unknownThing} {failedhost}");
  CHECK(expand("awk '{print $1}' {") == "awk '{print $1}' {");
  CHECK(expand("x } y { z") == "x } y { z");
  CHECK(expand("{{failedHost}}") == "{db-1.example}");
  CHECK(expand("${HOME}/{failedPort}") == "${HOME}/3306");
}

TEST_CASE("values are substituted verbatim and are not expanded a second time") {
  auto c = full_context();
  c.failure_cluster_alias = "it's {failedHost}; rm -rf /";
  CHECK(expand_hook_placeholders("alias={failureClusterAlias}", c) ==
        "alias=it's {failedHost}; rm -rf /");
}

TEST_CASE("without a successor the successor placeholders expand to nothing") {
  auto c = full_context();
  c.is_successful = false;
  c.successor_host.clear();
  CHECK(expand_hook_placeholders("[{successorHost}|{successorPort}|{successorAlias}|"
                                 "{successorBinlogCoordinates}|{isSuccessful}]",
                                 c) == "[||||false]");
}

TEST_CASE("empty key lists expand to empty strings and a zero count") {
  HookContext c;
  CHECK(expand_hook_placeholders("[{lostReplicas}][{replicaHosts}][{countLostReplicas}]", c) ==
        "[][][0]");
}

TEST_CASE("the environment carries every ORC variable with the placeholder values") {
  auto env = env_map(full_context());
  CHECK(env.at("ORC_FAILURE_TYPE") == "DeadMaster");
  CHECK(env.at("ORC_INSTANCE_TYPE") == "master");
  CHECK(env.at("ORC_IS_MASTER") == "true");
  CHECK(env.at("ORC_IS_CO_MASTER") == "false");
  CHECK(env.at("ORC_FAILURE_DESCRIPTION") == "Master cannot be reached by orchestrator");
  CHECK(env.at("ORC_COMMAND") == "force-master-failover");
  CHECK(env.at("ORC_FAILED_HOST") == "db-1.example");
  CHECK(env.at("ORC_FAILED_PORT") == "3306");
  CHECK(env.at("ORC_FAILURE_CLUSTER") == "db-1.example:3306");
  CHECK(env.at("ORC_FAILURE_CLUSTER_ALIAS") == "shop");
  CHECK(env.at("ORC_FAILURE_CLUSTER_DOMAIN") == "shop.example");
  CHECK(env.at("ORC_COUNT_REPLICAS") == "3");
  CHECK(env.at("ORC_IS_DOWNTIMED") == "false");
  CHECK(env.at("ORC_AUTO_MASTER_RECOVERY") == "true");
  CHECK(env.at("ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY") == "false");
  CHECK(env.at("ORC_ORCHESTRATOR_HOST") == "orc-node-2");
  CHECK(env.at("ORC_IS_SUCCESSFUL") == "true");
  CHECK(env.at("ORC_LOST_REPLICAS") == "db-5.example:3306,db-6.example:3310");
  CHECK(env.at("ORC_REPLICA_HOSTS") == "db-2.example:3307,db-3.example:3306,db-4.example:3306");
  CHECK(env.at("ORC_RECOVERY_UID") == "1700000000000000000:abcdef");
  CHECK(env.at("ORC_SUCCESSOR_HOST") == "db-2.example");
  CHECK(env.at("ORC_SUCCESSOR_PORT") == "3307");
  CHECK(env.at("ORC_SUCCESSOR_BINLOG_COORDINATES") == "mysql-bin.000042:1234");
  CHECK(env.at("ORC_SUCCESSOR_ALIAS") == "db-two");
  CHECK(env.size() == 24);
}

TEST_CASE("the environment leaves out the successor variables when there is no successor") {
  auto c = full_context();
  c.successor_host.clear();
  c.is_successful = false;
  auto env = env_map(c);
  CHECK(env.count("ORC_SUCCESSOR_HOST") == 0);
  CHECK(env.count("ORC_SUCCESSOR_PORT") == 0);
  CHECK(env.count("ORC_SUCCESSOR_BINLOG_COORDINATES") == 0);
  CHECK(env.count("ORC_SUCCESSOR_ALIAS") == 0);
  CHECK(env.at("ORC_IS_SUCCESSFUL") == "false");
  CHECK(env.size() == 20);
}

TEST_CASE("unknown successor coordinates leave out only that variable") {
  auto c = full_context();
  c.successor_binlog_coordinates.clear();
  auto env = env_map(c);
  CHECK(env.count("ORC_SUCCESSOR_BINLOG_COORDINATES") == 0);
  CHECK(env.at("ORC_SUCCESSOR_HOST") == "db-2.example");
  CHECK(env.at("ORC_SUCCESSOR_ALIAS") == "db-two");
}

TEST_CASE("the environment keeps upstream's variable order") {
  auto env = hook_environment(full_context());
  REQUIRE(env.size() >= 3);
  CHECK(env.front().first == "ORC_FAILURE_TYPE");
  CHECK(env[1].first == "ORC_INSTANCE_TYPE");
  CHECK(env.back().first == "ORC_SUCCESSOR_ALIAS");
}
