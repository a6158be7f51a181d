// The discovery probe against real MariaDB servers: what it reads from a master and a replica,
// how it reports a dead master and a dead or frozen server, how many statements it needs, and
// that a CHANGE MASTER built by the dialect is accepted by the server.

#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "model/version.hpp"
#include "orchestrator_node.hpp"
#include "sandbox.hpp"
#include "storage/instance_probe.hpp"
#include "storage/mysql_dialect.hpp"

using orc::model::InstanceKey;
using orc::model::ThreadState;
using orc::storage::probe_instance;
using orc::storage::ProbeOptions;
using orc::storage::ProbeResult;
using orc::storage::read_global_variables;
using orc::storage::Row;
using orc::storage::row_value;
using orc::test::Sandbox;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<soci::session> open_orc(int port) {
  return std::make_unique<soci::session>(
      soci::mysql, "host=127.0.0.1 port=" + std::to_string(port) +
                       " user=orc password=orc_pass connect_timeout=1 read_timeout=1");
}

InstanceKey key_of(const Sandbox& sb, int i) {
  return InstanceKey{"127.0.0.1", sb.port(i)};
}

/// Probes until PRED holds or TIMEOUT passes; returns the last result.
ProbeResult probe_until(soci::session& s, const InstanceKey& key, const ProbeOptions& opt,
                        std::chrono::milliseconds timeout,
                        const std::function<bool(const ProbeResult&)>& pred) {
  ProbeResult r;
  orc::test::seconds_until(
      [&] {
        r = probe_instance(s, key, opt);
        return pred(r);
      },
      timeout, 50ms);
  return r;
}

double millis(std::chrono::nanoseconds d) {
  return d.count() / 1e6;
}

/// `sandbox freeze` returns once SIGSTOP is sent, not once the process has stopped: wait for
/// `sandbox status` to report the instance frozen (process state T).
bool wait_frozen(const Sandbox& sb, int i) {
  const std::string cmd =
      orc::test::shell_quote(ORC_SANDBOX) + " status " + orc::test::shell_quote(sb.dir());
  const std::string suffix = " frozen";
  return orc::test::seconds_until(
             [&] {
               std::istringstream status(orc::test::run_command(cmd));
               for (std::string line; std::getline(status, line);)
                 if (line.rfind(std::to_string(i) + " ", 0) == 0 && line.size() >= suffix.size() &&
                     line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0)
                   return true;
               return false;
             },
             5s) >= 0;
}

}  // namespace

TEST_CASE("probing a replicas topology reads the master, its three replicas and a replica") {
  auto sb = Sandbox::topology("replicas", 3);
  ProbeOptions opt;
  auto master_session = open_orc(sb.port(0));

  // SHOW SLAVE HOSTS lists a replica once its IO thread has registered.
  ProbeResult m = probe_until(*master_session, key_of(sb, 0), opt, 5s,
                              [](const ProbeResult& r) { return r.instance.replicas.size() == 3; });
  INFO("master probe error: ", m.error);
  REQUIRE(m.ok);
  CHECK_FALSE(m.partial);
  CHECK(m.error.empty());
  CHECK(m.warnings.empty());
  const auto& mi = m.instance;
  CHECK(mi.key == key_of(sb, 0));
  REQUIRE(mi.replicas.size() == 3);
  for (int i = 1; i <= 3; ++i) CHECK(mi.replicas[i - 1] == key_of(sb, i));
  CHECK_FALSE(mi.read_only);
  CHECK(mi.log_bin_enabled);
  CHECK(mi.flavor == orc::model::Flavor::MariaDB);
  CHECK(mi.server_id == static_cast<uint32_t>(sb.port(0)));
  CHECK(mi.version == sb.sql(0, "SELECT @@version"));
  CHECK(mi.major_version == orc::model::parse_server_version(mi.version)->major_version_string());
  const auto uptime_after = std::stoull(sb.sql(
      0,
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='UPTIME'"));
  CHECK(mi.uptime <= uptime_after);
  CHECK(mi.uptime + 10 >= uptime_after);
  CHECK_FALSE(mi.is_replica());
  CHECK(mi.io_thread_state == ThreadState::None);
  CHECK(mi.executed_gtid_set == sb.sql(0, "SELECT @@gtid_current_pos"));
  CHECK(mi.self_binlog_coordinates.log_file ==
        sb.sql(0, "SELECT SUBSTRING_INDEX(@@log_bin_basename, '/', -1)") + ".000001");
  CHECK(mi.semi_sync.available);
  CHECK(m.latency > 0ns);
  CHECK(mi.last_discovery_latency_ns == m.latency.count());
  CHECK(m.statements == 5);  // variables, status, master status, slave status, slave hosts

  auto replica_session = open_orc(sb.port(2));
  ProbeResult r = probe_instance(*replica_session, key_of(sb, 2), opt);
  INFO("replica probe error: ", r.error);
  REQUIRE(r.ok);
  const auto& ri = r.instance;
  CHECK(ri.master_key == key_of(sb, 0));
  CHECK(ri.is_replica());
  CHECK(ri.io_thread_state == ThreadState::Running);
  CHECK(ri.sql_thread_state == ThreadState::Running);
  CHECK(ri.using_mariadb_gtid);
  CHECK_FALSE(ri.executed_gtid_set.empty());
  CHECK(ri.executed_gtid_set == sb.sql(2, "SELECT @@gtid_current_pos"));
  CHECK(ri.mariadb_gtid_slave_pos == sb.sql(2, "SELECT @@gtid_slave_pos"));
  CHECK(ri.read_only);
  CHECK(ri.master_user == "repl");
  CHECK(ri.replicas.empty());
  CHECK(ri.seconds_behind_master == 0);
  // A leaf has no SHOW SLAVE HOSTS rows, but Slaves_connected=0 spares the processlist.
  CHECK(r.statements == 5);

  // Without a flavour hint, or with a wrong (MySQL) one that fails with error 1193, the
  // variables come from the SHOW GLOBAL VARIABLES fallback and give the same fields.
  auto hint = orc::model::parse_server_version(ri.version);
  REQUIRE(hint);
  const orc::model::ServerVersion mysql_hint{8, 0, 36, orc::model::Flavor::MySQL, ""};
  struct Read {
    const orc::model::ServerVersion* hint;
    int expected_statements;
  };
  for (const Read& read : {Read{&*hint, 1}, Read{nullptr, 1}, Read{&mysql_hint, 2}}) {
    CAPTURE(read.expected_statements);
    int statements = 0;
    Row vars = read_global_variables(*replica_session, read.hint, statements);
    CHECK(statements == read.expected_statements);
    orc::model::Instance x;
    REQUIRE(orc::storage::apply_global_variables(x, vars));
    orc::storage::apply_gtid_vars(x, vars);
    orc::storage::apply_semi_sync(x, vars, Row{});
    CHECK(x.server_id == ri.server_id);
    CHECK(x.version == ri.version);
    CHECK(x.read_only);
    CHECK(x.log_bin_enabled);
    CHECK(x.log_slave_updates_enabled == ri.log_slave_updates_enabled);
    CHECK(x.binlog_format == ri.binlog_format);
    CHECK(x.binlog_row_image == ri.binlog_row_image);
    CHECK(x.executed_gtid_set == ri.executed_gtid_set);
    CHECK(x.mariadb_gtid_binlog_pos == ri.mariadb_gtid_binlog_pos);
    CHECK(x.mariadb_gtid_slave_pos == ri.mariadb_gtid_slave_pos);
    CHECK(x.semi_sync.available);
    CHECK(row_value(vars, "report_host") == std::optional<std::string>("127.0.0.1"));
  }

  // Round trips and wall time per probe on loopback.
  constexpr int kRounds = 50;
  std::chrono::nanoseconds master_total{}, replica_total{};
  for (int i = 0; i < kRounds; ++i) {
    master_total += probe_instance(*master_session, key_of(sb, 0), opt).latency;
    replica_total += probe_instance(*replica_session, key_of(sb, 2), opt).latency;
  }
  MESSAGE("probe of the master: ", m.statements, " statements, ", millis(master_total / kRounds),
          " ms mean over ", kRounds, " probes");
  MESSAGE("probe of a replica: ", r.statements, " statements, ", millis(replica_total / kRounds),
          " ms mean over ", kRounds, " probes");
  CHECK(master_total / kRounds < 50ms);
}

TEST_CASE("probe options: processlist discovery, hostname resolution, lag and detect queries") {
  auto sb = Sandbox::topology("replicas", 2);
  auto master_session = open_orc(sb.port(0));
  ProbeOptions opt;
  opt.discover_by_show_slave_hosts = false;
  opt.hostname_resolve_method = "@@hostname";
  opt.lag_query = "SELECT 7.9";
  opt.detect_data_center_query = "SELECT 'dc-east'";
  opt.region_pattern = "^([a-z]+)-";  // no capture on the hostname below: region stays ""
  opt.physical_environment_pattern = "(.*)";
  opt.detect_instance_alias_query = "SELECT CONCAT('alias-', @@port)";
  opt.detect_promotion_rule_query = "SELECT 'prefer'";
  opt.detect_semi_sync_enforced_query = "SELECT 2";
  opt.detect_cluster_alias_query = "SELECT no_such_column FROM DUAL";

  ProbeResult m = probe_until(*master_session, key_of(sb, 0), opt, 5s,
                              [](const ProbeResult& r) { return !r.instance.replicas.empty(); });
  INFO("error: ", m.error);
  REQUIRE(m.ok);
  const auto& mi = m.instance;
  const std::string hostname = sb.sql(0, "SELECT @@hostname");
  CHECK(mi.key == InstanceKey{hostname, sb.port(0)});
  // Processlist rows carry the client address only; upstream assumes the master's port.
  REQUIRE(mi.replicas.size() == 1);
  CHECK(mi.replicas[0] == InstanceKey{"127.0.0.1", sb.port(0)});
  CHECK(mi.replication_lag_seconds == 7);
  CHECK(mi.data_center == "dc-east");
  CHECK(mi.physical_environment == hostname);
  CHECK(mi.instance_alias == "alias-" + std::to_string(sb.port(0)));
  CHECK(m.detected_promotion_rule == "prefer");
  CHECK(mi.semi_sync.priority == 2);
  // The broken cluster alias query is reported but does not fail the probe.
  REQUIRE(m.warnings.size() == 1);
  CHECK(m.warnings[0].find("DetectClusterAliasQuery") == 0);
  CHECK(mi.suggested_cluster_alias.empty());
}

TEST_CASE("a dead master shows on its replica, and dead or frozen servers fail the probe fast") {
  auto sb = Sandbox::topology("replicas", 1);
  ProbeOptions opt;
  auto master_session = open_orc(sb.port(0));
  auto replica_session = open_orc(sb.port(1));
  REQUIRE(probe_instance(*master_session, key_of(sb, 0), opt).ok);

  sb.kill(0);
  ProbeResult dead = probe_instance(*master_session, key_of(sb, 0), opt);
  CHECK_FALSE(dead.ok);
  CHECK_FALSE(dead.partial);
  CHECK(dead.error.find("reading global variables") == 0);
  CHECK(dead.error.find("orc_pass") == std::string::npos);
  CHECK(dead.latency < 1500ms);  // refused at once, at worst one connect_timeout (1 s)
  MESSAGE("probe of a killed server failed after ", millis(dead.latency), " ms: ", dead.error);
  // The next probe finds the connection gone (2006) and reconnects: refused at once.
  ProbeResult again = probe_instance(*master_session, key_of(sb, 0), opt);
  CHECK_FALSE(again.ok);
  CHECK(again.latency < 1500ms);
  CHECK(again.error.find("reading global variables") == 0);
  MESSAGE("second probe of the killed server failed after ", millis(again.latency),
          " ms: ", again.error);

  ProbeResult r = probe_until(*replica_session, key_of(sb, 1), opt, 5s, [](const ProbeResult& x) {
    // First the IO thread reports the lost connection (2013), then failed reconnects (2003).
    return x.ok && x.instance.last_io_error.find("connecting") != std::string::npos;
  });
  INFO("replica probe error: ", r.error);
  REQUIRE(r.ok);
  CHECK(r.instance.master_key == key_of(sb, 0));
  CHECK(r.instance.io_thread_state == ThreadState::Other);  // Connecting
  CHECK(r.instance.sql_thread_state == ThreadState::Running);
  CHECK(r.instance.last_io_error.find("connecting") != std::string::npos);
  INFO("last_io_error: ", r.instance.last_io_error);
  // 2003 refused; the first reconnect right after kill -9 was seen to get 2013 (reset by peer).
  CHECK((r.instance.last_io_errno == 2003 || r.instance.last_io_errno == 2013));
  CHECK_FALSE(r.instance.seconds_behind_master);

  // The master comes back: the session opened before the crash is reopened by the probe.
  sb.start(0);
  ProbeResult back = probe_instance(*master_session, key_of(sb, 0), opt);
  INFO("restarted master probe error: ", back.error);
  CHECK(back.ok);
  CHECK(back.instance.uptime < 60);

  // A frozen server accepts TCP but never answers: the read timeout (1 s) bounds the probe.
  sb.freeze(1);
  REQUIRE(wait_frozen(sb, 1));
  ProbeResult frozen = probe_instance(*replica_session, key_of(sb, 1), opt);
  sb.thaw(1);
  CHECK_FALSE(frozen.ok);
  CHECK(frozen.latency >= 900ms);
  CHECK(frozen.latency < 2500ms);
  MESSAGE("probe of a frozen server failed after ", millis(frozen.latency), " ms");
}

TEST_CASE("MariaDB accepts the dialect's CHANGE MASTER with quotes and backslashes in secrets") {
  auto sb = Sandbox::topology("replicas", 1);
  const std::string password = "p'w\\d\"x";
  sb.sql(0, "CREATE USER 'odd''repl'@'127.0.0.1' IDENTIFIED BY " +
                orc::storage::quote_sql_string(password) +
                "; GRANT REPLICATION SLAVE ON *.* TO 'odd''repl'@'127.0.0.1'");
  auto session = open_orc(sb.port(1));
  ProbeResult before = probe_instance(*session, key_of(sb, 1), ProbeOptions{});
  REQUIRE(before.ok);
  orc::storage::Dialect dialect(*orc::model::parse_server_version(before.instance.version));

  orc::storage::ChangeMasterOptions o;
  o.host = "127.0.0.1";
  o.port = sb.port(0);
  o.user = "odd'repl";
  o.password = password;
  o.connect_retry = 1;
  o.heartbeat_period = 0.5;
  o.no_backslash_escapes = false;  // the password has a backslash: the mode must be given
  auto change = dialect.change_master_to(o);
  REQUIRE(change);
  *session << dialect.stop_replica();
  *session << *change;
  *session << dialect.start_replica();

  ProbeResult after = probe_until(*session, key_of(sb, 1), ProbeOptions{}, 5s,
                                  [](const ProbeResult& r) { return r.instance.is_replicating(); });
  INFO("probe error: ", after.error, " io error: ", after.instance.last_io_error);
  REQUIRE(after.ok);
  CHECK(after.instance.is_replicating());
  CHECK(after.instance.master_user == "odd'repl");
  CHECK(after.instance.using_mariadb_gtid);
  CHECK(after.instance.last_io_errno == 0);
}
