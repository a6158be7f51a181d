#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "model/version.hpp"
#include "storage/mysql_dialect.hpp"
#include "storage/probe_parse.hpp"
#include "tests/unit/probe_parse_rows.hpp"

using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::parse_server_version;
using orc::model::ThreadState;
using namespace orc::storage;

namespace {

Dialect dialect(const char* version) {
  return Dialect(*parse_server_version(version));
}

}  // namespace

using namespace orc::test_rows;

TEST_CASE("rows are keyed case-insensitively and NULL differs from a missing column") {
  Row r{{"Channel_name", ""}, {"Seconds_Behind_Master", kNull}};
  CHECK(row_value(r, "CHANNEL_NAME") == std::optional<std::string>(""));
  CHECK_FALSE(row_value(r, "seconds_behind_master"));
  CHECK(r.count("SECONDS_BEHIND_MASTER") == 1);
  CHECK(r.count("Source_Host") == 0);
}

TEST_CASE("numbers, booleans and lag values parse strictly") {
  CHECK(parse_int(std::string("1692")) == 1692);
  CHECK(parse_int(std::string("-3")) == -3);
  CHECK_FALSE(parse_int(std::string("12abc")));
  CHECK_FALSE(parse_int(kNull));
  CHECK(parse_bool(std::string("on")) == true);
  CHECK(parse_bool(std::string("0")) == false);
  CHECK_FALSE(parse_bool(std::string("NO_LOCK")));
  CHECK(parse_lag_seconds(std::string("3.700")) == 3);
  CHECK(parse_lag_seconds(std::string("7")) == 7);
  CHECK_FALSE(parse_lag_seconds(std::string("soon")));
}

TEST_CASE("a recorded MariaDB 10.11 master fills the basic, GTID, semi-sync and binlog fields") {
  Instance inst;
  Row vars = name_value_map(kMariaMasterVariables);
  Row status = name_value_map(kMariaMasterStatus);
  auto version = apply_global_variables(inst, vars);
  REQUIRE(version);
  CHECK(version->is_mariadb());
  CHECK(inst.server_id == 23000);
  CHECK(inst.version == "10.11.19-MariaDB-0+deb12u1-log");
  CHECK(inst.version_comment == "Debian 12");
  CHECK(inst.flavor == orc::model::Flavor::MariaDB);
  CHECK(inst.major_version == "10.11");
  CHECK_FALSE(inst.read_only);
  CHECK_FALSE(inst.super_read_only);
  CHECK(inst.binlog_format == "ROW");
  CHECK(inst.binlog_row_image == "FULL");
  CHECK(inst.log_bin_enabled);
  CHECK(inst.log_slave_updates_enabled);

  apply_gtid_vars(inst, vars);
  CHECK(inst.executed_gtid_set == "0-23000-9");
  CHECK(inst.mariadb_gtid_binlog_pos == "0-23000-9");
  CHECK(inst.mariadb_gtid_slave_pos.empty());
  CHECK(inst.server_uuid.empty());
  CHECK_FALSE(inst.supports_oracle_gtid);

  apply_uptime(inst, status);
  CHECK(inst.uptime == 448);
  apply_semi_sync(inst, vars, status);
  CHECK(inst.semi_sync.available);
  CHECK(inst.semi_sync.master_enabled);
  CHECK_FALSE(inst.semi_sync.replica_enabled);
  CHECK(inst.semi_sync.master_timeout == 10000);
  CHECK(inst.semi_sync.master_wait_for_replica_count == 0);  // MariaDB has no such variable
  CHECK(inst.semi_sync.master_status);
  CHECK(inst.semi_sync.master_clients == 1);
  CHECK_FALSE(inst.semi_sync.replica_status);

  apply_master_status(inst, kMariaMasterBinlog);
  CHECK(inst.self_binlog_coordinates.str() == "mysql-bin.000001:1896");

  apply_replica_status(inst, Rows{}, Dialect(*version));
  CHECK_FALSE(inst.is_replica());
  CHECK(inst.io_thread_state == ThreadState::None);
  CHECK(inst.sql_thread_state == ThreadState::None);
}

TEST_CASE("recorded MariaDB replica hosts and processlist rows give the replica keys") {
  auto hosts = parse_replica_hosts(kMariaSlaveHosts);
  REQUIRE(hosts.size() == 3);
  CHECK(hosts[0] == InstanceKey{"127.0.0.1", 23001});
  CHECK(hosts[1] == InstanceKey{"127.0.0.1", 23002});
  CHECK(hosts[2] == InstanceKey{"127.0.0.1", 23003});
  // The processlist only knows the client address: every replica maps to host:master_port.
  auto from_processlist = parse_processlist_replica_hosts(kMariaProcesslist, 23000);
  REQUIRE(from_processlist.size() == 1);
  CHECK(from_processlist[0] == InstanceKey{"127.0.0.1", 23000});
}

TEST_CASE("a recorded running MariaDB replica is parsed with threads, GTID and coordinates") {
  Instance inst;
  Row vars = name_value_map(kMariaReplicaVariables);
  auto version = apply_global_variables(inst, vars);
  REQUIRE(version);
  CHECK(inst.read_only);
  apply_gtid_vars(inst, vars);
  CHECK(inst.mariadb_gtid_slave_pos == "0-23000-9");
  apply_semi_sync(inst, vars, name_value_map(kMariaReplicaStatus));
  CHECK(inst.semi_sync.replica_enabled);
  CHECK(inst.semi_sync.replica_status);
  CHECK_FALSE(inst.semi_sync.master_status);

  apply_replica_status(inst, kMariaReplicaRunning, Dialect(*version));
  CHECK(inst.is_replica());
  CHECK(inst.master_key == InstanceKey{"127.0.0.1", 23000});
  CHECK(inst.is_replicating());
  CHECK(inst.using_mariadb_gtid);
  CHECK_FALSE(inst.using_oracle_gtid);
  CHECK(inst.mariadb_gtid_io_pos == "0-23000-9");
  CHECK(inst.read_binlog_coordinates.str() == "mysql-bin.000001:1896");
  CHECK(inst.exec_binlog_coordinates.str() == "mysql-bin.000001:1896");
  CHECK(inst.relaylog_coordinates.str() == "pid-relay-bin.000003:874");
  CHECK(inst.relaylog_coordinates.type == 1);
  CHECK(inst.seconds_behind_master == 0);
  CHECK(inst.replication_lag_seconds == 0);
  CHECK(inst.master_user == "repl");
  CHECK(inst.has_replication_credentials);
  CHECK_FALSE(inst.allow_tls);
  CHECK_FALSE(inst.has_replication_filters);
  CHECK(inst.master_uuid.empty());
  CHECK(inst.last_io_errno == 0);
}

TEST_CASE("a recorded MariaDB replica whose master died shows Connecting and errno 2003") {
  Instance inst;
  apply_replica_status(inst, kMariaReplicaConnecting, dialect("10.11.19-MariaDB-0+deb12u1-log"));
  CHECK(inst.is_replica());
  CHECK(inst.io_thread_state == ThreadState::Other);
  CHECK(inst.sql_thread_state == ThreadState::Running);
  CHECK(inst.last_io_errno == 2003);
  CHECK(inst.last_io_error.find("error reconnecting to master 'repl@127.0.0.1:23000'") == 0);
  CHECK_FALSE(inst.seconds_behind_master);
  CHECK_FALSE(inst.replication_lag_seconds);
  CHECK(inst.using_mariadb_gtid);
}

TEST_CASE("a MySQL 5.7 replica: auto-position, filters, TLS, delay and negative lag clamped") {
  Instance inst;
  apply_replica_status(inst, kMySql57Replica, dialect("5.7.44-log"));
  CHECK(inst.master_key == InstanceKey{"db1.example", 3306});
  CHECK(inst.using_oracle_gtid);
  CHECK_FALSE(inst.using_mariadb_gtid);
  CHECK(inst.has_replication_filters);
  CHECK(inst.allow_tls);
  CHECK(inst.sql_delay == 3600);
  CHECK(inst.seconds_behind_master == 0);
  CHECK(inst.master_uuid == "3e11fa47-71ca-11e1-9e33-c80aa9429562");
  CHECK(inst.read_binlog_coordinates.str() == "mysql-bin.000012:4581");
  CHECK(inst.exec_binlog_coordinates.str() == "mysql-bin.000012:4500");
}

TEST_CASE("a MySQL 8.0 SHOW REPLICA STATUS row is read through the source/replica names") {
  Instance inst;
  apply_replica_status(inst, kMySql80Replica, dialect("8.0.36"));
  CHECK(inst.master_key == InstanceKey{"127.0.0.1", 13000});
  CHECK(inst.is_replicating());
  CHECK(inst.read_binlog_coordinates.str() == "source-bin.000001:927");
  CHECK(inst.exec_binlog_coordinates.str() == "source-bin.000001:927");
  CHECK(inst.master_uuid == "73f86016-978b-11ee-ade5-8d2a2a562feb");
  CHECK(inst.master_user == "root");
  CHECK(inst.using_oracle_gtid);
  CHECK(inst.seconds_behind_master == 0);
  // Replicate_Ignore_Server_Ids is set by circular setups, it does not filter data.
  CHECK_FALSE(inst.has_replication_filters);

  // The same server answering the deprecated SHOW SLAVE STATUS (old names) parses alike.
  Instance legacy;
  apply_replica_status(legacy, kMySql57Replica, dialect("8.0.36"));
  CHECK(legacy.master_key == InstanceKey{"db1.example", 3306});
  CHECK(legacy.is_replicating());
}

TEST_CASE("a MySQL 8.4 replica failing to reach its source, with the 8.0.33+ error text") {
  Instance inst;
  apply_replica_status(inst, kMySql84Connecting, dialect("8.4.3"));
  CHECK(inst.master_key == InstanceKey{"db1", 3306});
  CHECK(inst.io_thread_state == ThreadState::Other);
  CHECK(inst.sql_thread_state == ThreadState::Running);
  CHECK(inst.last_io_errno == 2003);
  CHECK(inst.last_io_error.find("Error connecting to source") == 0);
  CHECK_FALSE(inst.seconds_behind_master);
  CHECK_FALSE(inst.allow_tls);  // "Ignored" is not "Yes"
}

TEST_CASE("MySQL 8.4 variables: log_replica_updates, GTID sets without newlines, new semi-sync") {
  Instance inst;
  auto version = apply_global_variables(inst, kMySql84Variables);
  REQUIRE(version);
  CHECK(version->is_mysql_family());
  CHECK(inst.major_version == "8.4");
  CHECK(inst.read_only);
  CHECK(inst.super_read_only);
  CHECK(inst.log_slave_updates_enabled);
  CHECK(inst.binlog_row_image == "MINIMAL");
  apply_gtid_vars(inst, kMySql84Variables);
  CHECK(inst.gtid_mode == "ON");
  CHECK(inst.supports_oracle_gtid);
  CHECK(inst.server_uuid == "8a94f357-aab4-11df-86ab-c80aa9429562");
  CHECK(inst.executed_gtid_set ==
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,8a94f357-aab4-11df-86ab-c80aa9429562:1-2");
  CHECK(inst.gtid_purged == "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-2");
  CHECK(detect_semi_sync_family(kMySql84Variables) == SemiSyncFamily::SourceReplica);
  apply_semi_sync(inst, kMySql84Variables, kMySql84Status);
  CHECK(inst.semi_sync.available);
  CHECK_FALSE(inst.semi_sync.master_enabled);
  CHECK(inst.semi_sync.replica_enabled);
  CHECK(inst.semi_sync.master_timeout == 5000);
  CHECK(inst.semi_sync.master_wait_for_replica_count == 2);
  CHECK(inst.semi_sync.replica_status);
  apply_uptime(inst, kMySql84Status);
  CHECK(inst.uptime == 86400);
  auto replicas = parse_replica_hosts(kMySql84Replicas);
  REQUIRE(replicas.size() == 2);
  CHECK(replicas[1] == InstanceKey{"db4", 3306});
}

TEST_CASE("a server without semi-sync variables reports semi-sync unavailable") {
  Instance inst;
  Row vars{{"version", "5.7.44"}, {"gtid_mode", "OFF"}};
  CHECK_FALSE(detect_semi_sync_family(vars));
  apply_semi_sync(inst, vars, Row{{"Uptime", "5"}});
  CHECK_FALSE(inst.semi_sync.available);
  CHECK_FALSE(inst.semi_sync.master_enabled);
  apply_gtid_vars(inst, vars);
  CHECK_FALSE(inst.supports_oracle_gtid);
}

TEST_CASE("no replica status rows reset an instance that used to be a replica") {
  Instance inst;
  Dialect d = dialect("10.11.19-MariaDB");
  apply_replica_status(inst, kMariaReplicaRunning, d);
  REQUIRE(inst.is_replica());
  apply_replica_status(inst, Rows{}, d);
  CHECK_FALSE(inst.is_replica());
  CHECK(inst.master_key.hostname.empty());
  CHECK(inst.io_thread_state == ThreadState::None);
  CHECK_FALSE(inst.using_mariadb_gtid);
  CHECK(inst.read_binlog_coordinates.empty());
  CHECK(inst.master_user.empty());
}

TEST_CASE("an empty or detached master host does not make a replica") {
  Instance inst;
  Row row = kMariaReplicaRunning.front();
  row["Master_Host"] = "";
  apply_replica_status(inst, row, dialect("10.11.19-MariaDB"));
  CHECK_FALSE(inst.is_replica());
  CHECK(inst.io_thread_state == ThreadState::Running);
  row["Master_Host"] = "//127.0.0.1";
  apply_replica_status(inst, row, dialect("10.11.19-MariaDB"));
  CHECK(inst.is_detached_master);
  CHECK_FALSE(inst.is_replica());
  CHECK(inst.master_key.port == 23000);
}

TEST_CASE("the last row of a multi-channel replica status wins") {
  Rows two{kMySql80Replica, kMySql57Replica};
  Instance inst;
  apply_replica_status(inst, two, dialect("8.0.36"));
  CHECK(inst.master_key == InstanceKey{"db1.example", 3306});
}

TEST_CASE("MariaDB 12 read_only modes count as read-only") {
  Instance inst;
  apply_global_variables(inst, Row{{"version", "12.0.2-MariaDB"}, {"read_only", "NO_LOCK"}});
  CHECK(inst.read_only);
  apply_global_variables(inst, Row{{"version", "12.0.2-MariaDB"}, {"read_only", "OFF"}});
  CHECK_FALSE(inst.read_only);
}

TEST_CASE("unusable replica host rows are skipped and IPv6 processlist hosts keep their address") {
  Rows hosts{{{"Host", ""}, {"Port", "3306"}},
             {{"Host", "db9"}, {"Port", "0"}},
             {{"Host", "db8"}, {"Port", "3307"}},
             {{"Host", "db8"}, {"Port", "3307"}}};
  auto keys = parse_replica_hosts(hosts);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0] == InstanceKey{"db8", 3307});
  Rows processlist{{{"HOST", "::1:40000"}}, {{"HOST", "[fe80::2]:41000"}}, {{"HOST", ""}}};
  auto pl = parse_processlist_replica_hosts(processlist, 3306);
  REQUIRE(pl.size() == 2);
  CHECK(pl[0] == InstanceKey{"::1", 3306});
  CHECK(pl[1] == InstanceKey{"fe80::2", 3306});
}
