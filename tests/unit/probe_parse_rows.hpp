#pragma once
// Result rows for the probe parser tests: MariaDB rows recorded from live 10.11.19 servers with
// storage::query_rows, and MySQL 5.7/8.0/8.4 rows built from the manuals' column tables.
// Kept apart from the tests so that each file stays readable.

#include <optional>
#include <string>

#include "storage/probe_parse.hpp"

namespace orc::test_rows {

using orc::storage::Row;
using orc::storage::Rows;
inline const std::optional<std::string> kNull;

// ---- Rows recorded from live MariaDB 10.11.19 servers with storage::query_rows ----

// clang-format off
// MariaDB 10.11.19 master: the probe's SHOW GLOBAL VARIABLES WHERE ...
inline const Rows kMariaMasterVariables = {
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
inline const Rows kMariaMasterStatus = {
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
inline const Rows kMariaMasterBinlog = {
    {{"Binlog_Do_DB", ""}, {"Binlog_Ignore_DB", ""}, {"File", "mysql-bin.000001"},
     {"Position", "1896"}},
};

// SHOW SLAVE HOSTS on the master
inline const Rows kMariaSlaveHosts = {
    {{"Host", "127.0.0.1"}, {"Master_id", "23000"}, {"Port", "23001"}, {"Server_id", "23001"}},
    {{"Host", "127.0.0.1"}, {"Master_id", "23000"}, {"Port", "23003"}, {"Server_id", "23003"}},
    {{"Host", "127.0.0.1"}, {"Master_id", "23000"}, {"Port", "23002"}, {"Server_id", "23002"}},
};

// SELECT HOST FROM information_schema.PROCESSLIST WHERE COMMAND IN (binlog dump)
inline const Rows kMariaProcesslist = {
    {{"HOST", "127.0.0.1:54020"}},
    {{"HOST", "127.0.0.1:57050"}},
    {{"HOST", "127.0.0.1:57034"}},
};

// MariaDB 10.11.19 replica with semi-sync slave on
inline const Rows kMariaReplicaVariables = {
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
inline const Rows kMariaReplicaStatus = {
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
inline const Rows kMariaReplicaRunning = {
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
inline const Rows kMariaReplicaConnecting = {
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
inline const Row kMySql57Replica = {
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
inline const Row kMySql80Replica = {
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
inline const Row kMySql84Connecting = {
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
inline const Row kMySql84Variables = {
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

inline const Row kMySql84Status = {{"Uptime", "86400"},
                            {"Rpl_semi_sync_source_status", "OFF"},
                            {"Rpl_semi_sync_source_clients", "0"},
                            {"Rpl_semi_sync_replica_status", "ON"}};

// MySQL 8.4 SHOW REPLICAS.
inline const Rows kMySql84Replicas = {{{"Server_Id", "3"},
                                       {"Host", "db3"},
                                       {"Port", "3306"},
                                       {"Source_Id", "2"},
                                       {"Replica_UUID", "07af4990-f41f-11df-a566-7ac56fdaf645"}},
                                      {{"Server_Id", "4"},
                                       {"Host", "db4"},
                                       {"Port", "3306"},
                                       {"Source_Id", "2"},
                                       {"Replica_UUID", "17af4990-f41f-11df-a566-7ac56fdaf645"}}};

}  // namespace orc::test_rows
