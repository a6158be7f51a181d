#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "model/version.hpp"
#include "storage/mysql_dialect.hpp"
#include "storage/probe_parse.hpp"

using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::parse_server_version;
using orc::model::ThreadState;
using namespace orc::storage;

namespace {

const std::optional<std::string> kNull;

Dialect dialect(const char* version) {
  return Dialect(*parse_server_version(version));
}

// ---- Rows recorded from live MariaDB 10.11.19 servers with storage::query_rows ----

// clang-format off
// MariaDB 10.11.19 master: the probe's SHOW GLOBAL VARIABLES WHERE ...
const Rows kMariaMasterVariables = {
    {{"Variable_name", "binlog_format"}, {"Value", "ROW"}},
    {{"Variable_name", "binlog_row_image"}, {"Value", "FULL"}},
    {{"Variable_name", "gtid_binlog_pos"}, {"Value", "0-23000-9"}},
    {{"Variable_name", "gtid_current_pos"}, {"Value", "0-23000-9"}},
    {{"Variable_name", "gtid_slave_pos"}, {"Value", ""}},
    {{"Variable_name", "hostname"}, {"Value", "vm"}},
    {{"Variable_name", "log_bin"}, {"Value", "ON"}},
    {{"Variable_name", "log_slave_updates"}, {"Value", "ON"}},
    {{"Variable_name", "read_only"}, {"Value", "OFF"}},
    {{"Variable_name", "report_host"}, {"Value", "127.0.0.1"}},
    {{"Variable_name", "rpl_semi_sync_master_enabled"}, {"Value", "ON"}},
    {{"Variable_name", "rpl_semi_sync_master_timeout"}, {"Value", "10000"}},
    {{"Variable_name", "rpl_semi_sync_master_trace_level"}, {"Value", "32"}},
    {{"Variable_name", "rpl_semi_sync_master_wait_no_slave"}, {"Value", "ON"}},
    {{"Variable_name", "rpl_semi_sync_master_wait_point"}, {"Value", "AFTER_COMMIT"}},
    {{"Variable_name", "rpl_semi_sync_slave_delay_master"}, {"Value", "OFF"}},
    {{"Variable_name", "rpl_semi_sync_slave_enabled"}, {"Value", "OFF"}},
    {{"Variable_name", "rpl_semi_sync_slave_kill_conn_timeout"}, {"Value", "5"}},
    {{"Variable_name", "rpl_semi_sync_slave_trace_level"}, {"Value", "32"}},
    {{"Variable_name", "server_id"}, {"Value", "23000"}},
    {{"Variable_name", "version"}, {"Value", "10.11.19-MariaDB-0+deb12u1-log"}},
    {{"Variable_name", "version_comment"}, {"Value", "Debian 12"}},
};

// the master's SHOW GLOBAL STATUS WHERE ... (semi-sync on, one semi-sync replica)
const Rows kMariaMasterStatus = {
    {{"Variable_name", "Rpl_semi_sync_master_clients"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_master_get_ack"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_master_net_avg_wait_time"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_net_wait_time"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_net_waits"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_master_no_times"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_no_tx"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_request_ack"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_master_status"}, {"Value", "ON"}},
    {{"Variable_name", "Rpl_semi_sync_master_timefunc_failures"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_tx_avg_wait_time"}, {"Value", "3475"}},
    {{"Variable_name", "Rpl_semi_sync_master_tx_wait_time"}, {"Value", "3475"}},
    {{"Variable_name", "Rpl_semi_sync_master_tx_waits"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_master_wait_pos_backtraverse"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_wait_sessions"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_yes_tx"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_slave_send_ack"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_slave_status"}, {"Value", "OFF"}},
    {{"Variable_name", "Uptime"}, {"Value", "448"}},
};

// SHOW MASTER STATUS
const Rows kMariaMasterBinlog = {
    {{"Binlog_Do_DB", ""}, {"Binlog_Ignore_DB", ""}, {"File", "mysql-bin.000001"},
     {"Position", "1896"}},
};

// SHOW SLAVE HOSTS on the master
const Rows kMariaSlaveHosts = {
    {{"Host", "127.0.0.1"}, {"Master_id", "23000"}, {"Port", "23001"}, {"Server_id", "23001"}},
    {{"Host", "127.0.0.1"}, {"Master_id", "23000"}, {"Port", "23003"}, {"Server_id", "23003"}},
    {{"Host", "127.0.0.1"}, {"Master_id", "23000"}, {"Port", "23002"}, {"Server_id", "23002"}},
};

// SELECT HOST FROM information_schema.PROCESSLIST WHERE COMMAND IN (binlog dump)
const Rows kMariaProcesslist = {
    {{"HOST", "127.0.0.1:54020"}},
    {{"HOST", "127.0.0.1:57050"}},
    {{"HOST", "127.0.0.1:57034"}},
};

// MariaDB 10.11.19 replica with semi-sync slave on
const Rows kMariaReplicaVariables = {
    {{"Variable_name", "binlog_format"}, {"Value", "ROW"}},
    {{"Variable_name", "binlog_row_image"}, {"Value", "FULL"}},
    {{"Variable_name", "gtid_binlog_pos"}, {"Value", "0-23000-9"}},
    {{"Variable_name", "gtid_current_pos"}, {"Value", "0-23000-9"}},
    {{"Variable_name", "gtid_slave_pos"}, {"Value", "0-23000-9"}},
    {{"Variable_name", "hostname"}, {"Value", "vm"}},
    {{"Variable_name", "log_bin"}, {"Value", "ON"}},
    {{"Variable_name", "log_slave_updates"}, {"Value", "ON"}},
    {{"Variable_name", "read_only"}, {"Value", "ON"}},
    {{"Variable_name", "report_host"}, {"Value", "127.0.0.1"}},
    {{"Variable_name", "rpl_semi_sync_master_enabled"}, {"Value", "OFF"}},
    {{"Variable_name", "rpl_semi_sync_master_timeout"}, {"Value", "10000"}},
    {{"Variable_name", "rpl_semi_sync_master_trace_level"}, {"Value", "32"}},
    {{"Variable_name", "rpl_semi_sync_master_wait_no_slave"}, {"Value", "ON"}},
    {{"Variable_name", "rpl_semi_sync_master_wait_point"}, {"Value", "AFTER_COMMIT"}},
    {{"Variable_name", "rpl_semi_sync_slave_delay_master"}, {"Value", "OFF"}},
    {{"Variable_name", "rpl_semi_sync_slave_enabled"}, {"Value", "ON"}},
    {{"Variable_name", "rpl_semi_sync_slave_kill_conn_timeout"}, {"Value", "5"}},
    {{"Variable_name", "rpl_semi_sync_slave_trace_level"}, {"Value", "32"}},
    {{"Variable_name", "server_id"}, {"Value", "23001"}},
    {{"Variable_name", "version"}, {"Value", "10.11.19-MariaDB-0+deb12u1-log"}},
    {{"Variable_name", "version_comment"}, {"Value", "Debian 12"}},
};

// its SHOW GLOBAL STATUS WHERE ...
const Rows kMariaReplicaStatus = {
    {{"Variable_name", "Rpl_semi_sync_master_clients"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_get_ack"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_net_avg_wait_time"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_net_wait_time"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_net_waits"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_no_times"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_no_tx"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_request_ack"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_status"}, {"Value", "OFF"}},
    {{"Variable_name", "Rpl_semi_sync_master_timefunc_failures"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_tx_avg_wait_time"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_tx_wait_time"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_tx_waits"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_wait_pos_backtraverse"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_wait_sessions"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_master_yes_tx"}, {"Value", "0"}},
    {{"Variable_name", "Rpl_semi_sync_slave_send_ack"}, {"Value", "1"}},
    {{"Variable_name", "Rpl_semi_sync_slave_status"}, {"Value", "ON"}},
    {{"Variable_name", "Uptime"}, {"Value", "447"}},
};

// its SHOW SLAVE STATUS, both threads running
const Rows kMariaReplicaRunning = {
    {{"Connect_Retry", "1"}, {"Exec_Master_Log_Pos", "1896"}, {"Gtid_IO_Pos", "0-23000-9"},
     {"Last_Errno", "0"}, {"Last_Error", ""}, {"Last_IO_Errno", "0"}, {"Last_IO_Error", ""},
     {"Last_SQL_Errno", "0"}, {"Last_SQL_Error", ""}, {"Master_Host", "127.0.0.1"},
     {"Master_Log_File", "mysql-bin.000001"}, {"Master_Port", "23000"},
     {"Master_Server_Id", "23000"}, {"Master_SSL_Allowed", "No"}, {"Master_SSL_CA_File", ""},
     {"Master_SSL_CA_Path", ""}, {"Master_SSL_Cert", ""}, {"Master_SSL_Cipher", ""},
     {"Master_SSL_Crl", ""}, {"Master_SSL_Crlpath", ""}, {"Master_SSL_Key", ""},
     {"Master_SSL_Verify_Server_Cert", "No"}, {"Master_User", "repl"},
     {"Parallel_Mode", "optimistic"}, {"Read_Master_Log_Pos", "1896"},
     {"Relay_Log_File", "pid-relay-bin.000003"}, {"Relay_Log_Pos", "874"},
     {"Relay_Log_Space", "2916"}, {"Relay_Master_Log_File", "mysql-bin.000001"},
     {"Replicate_Do_DB", ""}, {"Replicate_Do_Domain_Ids", ""}, {"Replicate_Do_Table", ""},
     {"Replicate_Ignore_DB", ""}, {"Replicate_Ignore_Domain_Ids", ""},
     {"Replicate_Ignore_Server_Ids", ""}, {"Replicate_Ignore_Table", ""},
     {"Replicate_Rewrite_DB", ""}, {"Replicate_Wild_Do_Table", ""},
     {"Replicate_Wild_Ignore_Table", ""}, {"Seconds_Behind_Master", "0"}, {"Skip_Counter", "0"},
     {"Slave_DDL_Groups", "7"}, {"Slave_IO_Running", "Yes"},
     {"Slave_IO_State", "Waiting for master to send event"},
     {"Slave_Non_Transactional_Groups", "0"}, {"Slave_SQL_Running", "Yes"},
     {"Slave_SQL_Running_State", "Slave has read all relay log; waiting for more updates"},
     {"Slave_Transactional_Groups", "2"}, {"SQL_Delay", "0"}, {"SQL_Remaining_Delay", kNull},
     {"Until_Condition", "None"}, {"Until_Log_File", ""}, {"Until_Log_Pos", "0"},
     {"Using_Gtid", "Slave_Pos"}},
};

// SHOW SLAVE STATUS of another replica 2.5 s after kill -9 of the master
const Rows kMariaReplicaConnecting = {
    {{"Connect_Retry", "1"}, {"Exec_Master_Log_Pos", "1896"}, {"Gtid_IO_Pos", "0-23000-9"},
     {"Last_Errno", "0"}, {"Last_Error", ""}, {"Last_IO_Errno", "2003"},
     {"Last_IO_Error", "error reconnecting to master 'repl@127.0.0.1:23000' - retry-time: 1  "
                       "maximum-retries: 100000  message: Can't connect to server on '127.0.0.1' "
                       "(111 \"Connection refused\")"},
     {"Last_SQL_Errno", "0"}, {"Last_SQL_Error", ""}, {"Master_Host", "127.0.0.1"},
     {"Master_Log_File", "mysql-bin.000001"}, {"Master_Port", "23000"},
     {"Master_Server_Id", "23000"}, {"Master_SSL_Allowed", "No"}, {"Master_SSL_CA_File", ""},
     {"Master_SSL_CA_Path", ""}, {"Master_SSL_Cert", ""}, {"Master_SSL_Cipher", ""},
     {"Master_SSL_Crl", ""}, {"Master_SSL_Crlpath", ""}, {"Master_SSL_Key", ""},
     {"Master_SSL_Verify_Server_Cert", "No"}, {"Master_User", "repl"},
     {"Parallel_Mode", "optimistic"}, {"Read_Master_Log_Pos", "1896"},
     {"Relay_Log_File", "pid-relay-bin.000002"}, {"Relay_Log_Pos", "2195"},
     {"Relay_Log_Space", "2502"}, {"Relay_Master_Log_File", "mysql-bin.000001"},
     {"Replicate_Do_DB", ""}, {"Replicate_Do_Domain_Ids", ""}, {"Replicate_Do_Table", ""},
     {"Replicate_Ignore_DB", ""}, {"Replicate_Ignore_Domain_Ids", ""},
     {"Replicate_Ignore_Server_Ids", ""}, {"Replicate_Ignore_Table", ""},
     {"Replicate_Rewrite_DB", ""}, {"Replicate_Wild_Do_Table", ""},
     {"Replicate_Wild_Ignore_Table", ""}, {"Seconds_Behind_Master", kNull}, {"Skip_Counter", "0"},
     {"Slave_DDL_Groups", "7"}, {"Slave_IO_Running", "Connecting"},
     {"Slave_IO_State", "Reconnecting after a failed master event read"},
     {"Slave_Non_Transactional_Groups", "0"}, {"Slave_SQL_Running", "Yes"},
     {"Slave_SQL_Running_State", "Slave has read all relay log; waiting for more updates"},
     {"Slave_Transactional_Groups", "2"}, {"SQL_Delay", "0"}, {"SQL_Remaining_Delay", kNull},
     {"Until_Condition", "None"}, {"Until_Log_File", ""}, {"Until_Log_Pos", "0"},
     {"Using_Gtid", "Slave_Pos"}},
};
// clang-format on

// ---- MySQL rows, built from the column tables in the 5.7/8.0/8.4 manuals (no live server) ----

// MySQL 5.7 SHOW SLAVE STATUS: GTID auto-positioning, a wild-do filter, clock skew (negative lag).
const Row kMySql57Replica = {
    {"Slave_IO_State", "Waiting for master to send event"},
    {"Master_Host", "db1.example"},
    {"Master_User", "repl"},
    {"Master_Port", "3306"},
    {"Connect_Retry", "60"},
    {"Master_Log_File", "mysql-bin.000012"},
    {"Read_Master_Log_Pos", "4581"},
    {"Relay_Log_File", "db2-relay-bin.000004"},
    {"Relay_Log_Pos", "620"},
    {"Relay_Master_Log_File", "mysql-bin.000012"},
    {"Slave_IO_Running", "Yes"},
    {"Slave_SQL_Running", "Yes"},
    {"Replicate_Do_DB", ""},
    {"Replicate_Ignore_DB", ""},
    {"Replicate_Do_Table", ""},
    {"Replicate_Ignore_Table", ""},
    {"Replicate_Wild_Do_Table", "app.%"},
    {"Replicate_Wild_Ignore_Table", ""},
    {"Last_Errno", "0"},
    {"Last_Error", ""},
    {"Skip_Counter", "0"},
    {"Exec_Master_Log_Pos", "4500"},
    {"Relay_Log_Space", "1200"},
    {"Until_Condition", "None"},
    {"Master_SSL_Allowed", "Yes"},
    {"Seconds_Behind_Master", "-2"},
    {"Last_IO_Errno", "0"},
    {"Last_IO_Error", ""},
    {"Last_SQL_Errno", "0"},
    {"Last_SQL_Error", ""},
    {"Replicate_Ignore_Server_Ids", ""},
    {"Master_Server_Id", "1"},
    {"Master_UUID", "3e11fa47-71ca-11e1-9e33-c80aa9429562"},
    {"Master_Info_File", "mysql.slave_master_info"},
    {"SQL_Delay", "3600"},
    {"SQL_Remaining_Delay", kNull},
    {"Slave_SQL_Running_State", "Slave has read all relay log; waiting for more updates"},
    {"Master_Retry_Count", "86400"},
    {"Retrieved_Gtid_Set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"},
    {"Executed_Gtid_Set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"},
    {"Auto_Position", "1"},
    {"Replicate_Rewrite_DB", ""},
    {"Channel_name", ""},
    {"Master_TLS_Version", ""}};

// MySQL 8.0.3x SHOW REPLICA STATUS (the 8.0 manual's example row, source/replica names).
const Row kMySql80Replica = {
    {"Replica_IO_State", "Waiting for source to send event"},
    {"Source_Host", "127.0.0.1"},
    {"Source_User", "root"},
    {"Source_Port", "13000"},
    {"Connect_Retry", "1"},
    {"Source_Log_File", "source-bin.000001"},
    {"Read_Source_Log_Pos", "927"},
    {"Relay_Log_File", "replica-relay-bin.000002"},
    {"Relay_Log_Pos", "1145"},
    {"Relay_Source_Log_File", "source-bin.000001"},
    {"Replica_IO_Running", "Yes"},
    {"Replica_SQL_Running", "Yes"},
    {"Replicate_Do_DB", ""},
    {"Replicate_Ignore_Server_Ids", "2, 6"},
    {"Exec_Source_Log_Pos", "927"},
    {"Source_SSL_Allowed", "No"},
    {"Seconds_Behind_Source", "0"},
    {"Last_IO_Errno", "0"},
    {"Last_IO_Error", ""},
    {"Last_SQL_Errno", "0"},
    {"Last_SQL_Error", ""},
    {"Source_Server_Id", "1"},
    {"Source_UUID", "73f86016-978b-11ee-ade5-8d2a2a562feb"},
    {"SQL_Delay", "0"},
    {"SQL_Remaining_Delay", kNull},
    {"Replica_SQL_Running_State", "Replica has read all relay log; waiting for more updates"},
    {"Retrieved_Gtid_Set", "73f86016-978b-11ee-ade5-8d2a2a562feb:1-3"},
    {"Executed_Gtid_Set", "73f86016-978b-11ee-ade5-8d2a2a562feb:1-3"},
    {"Auto_Position", "1"},
    {"Channel_Name", ""}};

// MySQL 8.4 SHOW REPLICA STATUS while the source is down (8.0.33+ error wording).
const Row kMySql84Connecting = {
    {"Replica_IO_State", "Connecting to source"},
    {"Source_Host", "db1"},
    {"Source_User", "repl"},
    {"Source_Port", "3306"},
    {"Source_Log_File", "binlog.000003"},
    {"Read_Source_Log_Pos", "157"},
    {"Relay_Source_Log_File", "binlog.000003"},
    {"Exec_Source_Log_Pos", "157"},
    {"Replica_IO_Running", "Connecting"},
    {"Replica_SQL_Running", "Yes"},
    {"Seconds_Behind_Source", kNull},
    {"Last_IO_Errno", "2003"},
    {"Last_IO_Error",
     "Error connecting to source 'repl@db1:3306'. This was attempt 1/86400, with a delay of 60 "
     "seconds between attempts. Message: Can't connect to MySQL server on 'db1:3306' (111)"},
    {"Source_SSL_Allowed", "Ignored"},
    {"Auto_Position", "1"},
    {"Channel_Name", ""}};

// MySQL 8.4 variables (as pivoted from SHOW GLOBAL VARIABLES + the GTID SELECT).
const Row kMySql84Variables = {
    {"hostname", "db2"},
    {"report_host", ""},
    {"server_id", "2"},
    {"version", "8.4.3"},
    {"version_comment", "MySQL Community Server - GPL"},
    {"read_only", "ON"},
    {"super_read_only", "ON"},
    {"binlog_format", "ROW"},
    {"binlog_row_image", "MINIMAL"},
    {"log_bin", "ON"},
    {"log_replica_updates", "ON"},
    {"gtid_mode", "ON"},
    {"server_uuid", "8a94f357-aab4-11df-86ab-c80aa9429562"},
    {"gtid_executed",
     "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n8a94f357-aab4-11df-86ab-c80aa9429562:1-2"},
    {"gtid_purged", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-2"},
    {"rpl_semi_sync_source_enabled", "OFF"},
    {"rpl_semi_sync_replica_enabled", "ON"},
    {"rpl_semi_sync_source_timeout", "5000"},
    {"rpl_semi_sync_source_wait_for_replica_count", "2"}};

const Row kMySql84Status = {{"Uptime", "86400"},
                            {"Rpl_semi_sync_source_status", "OFF"},
                            {"Rpl_semi_sync_source_clients", "0"},
                            {"Rpl_semi_sync_replica_status", "ON"}};

// MySQL 8.4 SHOW REPLICAS.
const Rows kMySql84Replicas = {{{"Server_Id", "3"},
                                {"Host", "db3"},
                                {"Port", "3306"},
                                {"Source_Id", "2"},
                                {"Replica_UUID", "07af4990-f41f-11df-a566-7ac56fdaf645"}},
                               {{"Server_Id", "4"},
                                {"Host", "db4"},
                                {"Port", "3306"},
                                {"Source_Id", "2"},
                                {"Replica_UUID", "17af4990-f41f-11df-a566-7ac56fdaf645"}}};

}  // namespace

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
