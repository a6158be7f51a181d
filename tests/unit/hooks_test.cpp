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
  CHECK(expand("'{failureDescription}'") == "'Master cannot be reached by orchestrator'");
  CHECK(expand("{failureDescription}") == "'Master cannot be reached by orchestrator'");
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

TEST_CASE("values are quoted, not expanded a second time") {
  auto c = full_context();
  c.failure_cluster_alias = "it's {failedHost}; rm -rf /";
  CHECK(expand_hook_placeholders("alias={failureClusterAlias}", c) ==
        "alias='it'\\''s {failedHost}; rm -rf /'");
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

// ---- Shell quoting of placeholder values: each value is quoted for its context ----

namespace {

using orc::model::quote_for_shell;
using orc::model::ShellContext;

/// `command` expanded with `host` as the failed host.
std::string with_host(const std::string& command, const std::string& host) {
  auto c = full_context();
  c.failed_host = host;
  return expand_hook_placeholders(command, c);
}

}  // namespace

TEST_CASE("upstream's documented hook examples render exactly as upstream for normal values") {
  CHECK(expand("echo 'Detected {failureType} on {failureCluster}. Affected replicas: "
               "{countSlaves}' >> /tmp/recovery.log") ==
        "echo 'Detected DeadMaster on db-1.example:3306. Affected replicas: 3' >> "
        "/tmp/recovery.log");
  CHECK(expand("echo 'Recovered from {failureType} on {failureCluster}. Failed: "
               "{failedHost}:{failedPort}; Promoted: {successorHost}:{successorPort}' >> "
               "/tmp/recovery.log") ==
        "echo 'Recovered from DeadMaster on db-1.example:3306. Failed: db-1.example:3306; "
        "Promoted: db-2.example:3307' >> /tmp/recovery.log");
  CHECK(expand("/usr/local/bin/orchestrator-hook.sh {failedHost} {successorHost}") ==
        "/usr/local/bin/orchestrator-hook.sh db-1.example db-2.example");
  CHECK(expand("echo \"{failureDescription}\" '{failureDescription}'") ==
        "echo \"Master cannot be reached by orchestrator\" "
        "'Master cannot be reached by orchestrator'");
  CHECK(expand("notify {lostReplicas} {recoveryUID} {successorBinlogCoordinates}") ==
        "notify db-5.example:3306,db-6.example:3310 1700000000000000000:abcdef "
        "mysql-bin.000042:1234");
}

TEST_CASE("values of inert characters are inserted unchanged in every context") {
  for (auto ctx : {ShellContext::Unquoted, ShellContext::SingleQuoted, ShellContext::DoubleQuoted,
                   ShellContext::AnsiC, ShellContext::Opaque}) {
    CHECK(quote_for_shell("db-1.example:3306,x_y/z@a%b+c=d", ctx) ==
          "db-1.example:3306,x_y/z@a%b+c=d");
    CHECK(quote_for_shell("", ctx).empty());
  }
}

TEST_CASE("an unquoted placeholder becomes one single-quoted word") {
  CHECK(with_host("echo {failedHost}", "x;touch /tmp/f") == "echo 'x;touch /tmp/f'");
  CHECK(with_host("echo {failedHost}", "$(touch /tmp/f)") == "echo '$(touch /tmp/f)'");
  CHECK(with_host("echo {failedHost}", "`touch /tmp/f`") == "echo '`touch /tmp/f`'");
  CHECK(with_host("echo {failedHost}", "a'b") == "echo 'a'\\''b'");
  CHECK(with_host("echo {failedHost}", "a\"b\\c") == "echo 'a\"b\\c'");
  CHECK(with_host("echo {failedHost}", "a\ntouch /tmp/f") == "echo 'a\ntouch /tmp/f'");
  CHECK(with_host("echo {failedHost}", "* ?") == "echo '* ?'");
  // An empty value stays empty, as upstream (no '' argument appears).
  auto c = full_context();
  c.successor_host.clear();
  CHECK(expand_hook_placeholders("hook {successorHost} x", c) == "hook  x");
}

TEST_CASE("a placeholder inside single quotes gets each quote closed, escaped and reopened") {
  CHECK(with_host("echo '{failedHost}'", "a'b;touch /tmp/f") == "echo 'a'\\''b;touch /tmp/f'");
  CHECK(with_host("echo 'x {failedHost} y'", "$(touch /tmp/f)") == "echo 'x $(touch /tmp/f) y'");
  CHECK(with_host("echo '{failedHost}'", "a\\'") == "echo 'a\\'\\'''");
}

TEST_CASE("a placeholder inside double quotes gets $ ` \" \\ escaped and ! taken out") {
  CHECK(with_host("echo \"{failedHost}\"", "$(touch /tmp/f)") == "echo \"\\$(touch /tmp/f)\"");
  CHECK(with_host("echo \"{failedHost}\"", "`touch /tmp/f`") == "echo \"\\`touch /tmp/f\\`\"");
  CHECK(with_host("echo \"{failedHost}\"", "a\"; touch /tmp/f; \"") ==
        "echo \"a\\\"; touch /tmp/f; \\\"\"");
  CHECK(with_host("echo \"{failedHost}\"", "a\\") == "echo \"a\\\\\"");
  CHECK(with_host("echo \"{failedHost}\"", "a!b") == "echo \"a\"'!'\"b\"");
  CHECK(with_host("echo \"{failedHost}\"", "it's") == "echo \"it's\"");
}

TEST_CASE("a placeholder inside $'...' gets backslashes and quotes escaped") {
  CHECK(with_host("echo $'{failedHost}'", "a'b\\c") == "echo $'a\\'b\\\\c'");
}

TEST_CASE("command substitutions are unquoted contexts, also inside double quotes") {
  CHECK(with_host("echo \"$(basename {failedHost})\" {failedPort}", "x;y") ==
        "echo \"$(basename 'x;y')\" 3306");
  CHECK(with_host("echo \"$(echo (a)) {failedHost}\"", "x;y") == "echo \"$(echo (a)) x;y\"");
  CHECK(with_host("echo $(echo \"{failedHost}\")", "$(z)") == "echo $(echo \"\\$(z)\")");
  CHECK(with_host("x=$((1 + 2)); echo {failedHost}", "a b") == "x=$((1 + 2)); echo 'a b'");
}

TEST_CASE("the quoting state after a value is the template's: values never shift it") {
  CHECK(with_host("echo {failedHost} '{failedHost}' \"{failedHost}\"", "a'b") ==
        "echo 'a'\\''b' 'a'\\''b' \"a'b\"");
  CHECK(with_host("echo \"it's {failedHost}\" 'say \"{failedHost}\"'", "a b") ==
        "echo \"it's a b\" 'say \"a b\"'");
  CHECK(with_host("echo \\' {failedHost}", "a b") == "echo \\' 'a b'");
}

TEST_CASE("backticks, comments, here-documents and escaped braces make unsafe bytes inert") {
  CHECK(with_host("echo `echo {failedHost}`", "x;touch /tmp/f") == "echo `echo x_touch_/tmp/f`");
  CHECK(with_host("true # {failedHost}", "a\ntouch /tmp/f") == "true # a_touch_/tmp/f");
  CHECK(with_host("cat <<EOF\n{failedHost}\nEOF", "$(touch /tmp/f)") ==
        "cat <<EOF\n__touch_/tmp/f_\nEOF");
  CHECK(with_host("cat <<<{failedHost}", "a b") == "cat <<<'a b'");
  CHECK(with_host("echo \\{failedHost}", "x;y") == "echo \\x_y");
  CHECK(with_host("echo \\{failedHost}", "db-1") == "echo \\db-1");  // as upstream
  CHECK(with_host("echo a#{failedHost}", "x y") == "echo a#'x y'");  // '#' inside a word
}

TEST_CASE("the ORC_ variables keep raw values: the environment is not parsed by the shell") {
  auto c = full_context();
  c.failed_host = "x;touch /tmp/f";
  c.failure_cluster_alias = "a'b $(c)";
  auto env = env_map(c);
  CHECK(env.at("ORC_FAILED_HOST") == "x;touch /tmp/f");
  CHECK(env.at("ORC_FAILURE_CLUSTER_ALIAS") == "a'b $(c)");
}
