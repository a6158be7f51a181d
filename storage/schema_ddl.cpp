// The backend tables as data (transcribed from spec/schema.md, table by table, column by column)
// and the DDL generated from them.

#include "storage/schema_ddl.hpp"

#include <stdexcept>
#include <utility>

namespace orc::storage {

namespace {

std::string quote_ident(const std::string& name) {
  return "`" + name + "`";
}

std::string key_clause(const KeySpec& key) {
  switch (key.kind) {
    case KeySpec::Kind::Primary:
      return "PRIMARY KEY (" + key.columns + ")";
    case KeySpec::Kind::Unique:
      return "UNIQUE KEY " + quote_ident(key.name) + " (" + key.columns + ")";
    case KeySpec::Kind::Index:
      return "KEY " + quote_ident(key.name) + " (" + key.columns + ")";
  }
  throw std::logic_error("unknown key kind");
}

using Kind = KeySpec::Kind;

// Column definitions that recur. Every string column names its charset (see ColumnSpec).
const char* const kTinyU = "tinyint(3) unsigned NOT NULL";
const char* const kSmallU = "smallint(5) unsigned NOT NULL";
const char* const kIntU = "int(10) unsigned NOT NULL";
const char* const kBigU = "bigint(20) unsigned NOT NULL";
const char* const kBigUAutoInc = "bigint(20) unsigned NOT NULL AUTO_INCREMENT";
const char* const kBigUNull = "bigint(20) unsigned DEFAULT NULL";
const char* const kTsNow = "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP";
/// '1971-01-01 00:00:00' is upstream's "never" sentinel (schema S11).
const char* const kTsNever = "timestamp NOT NULL DEFAULT '1971-01-01 00:00:00'";
const char* const kTsNull = "timestamp NULL DEFAULT NULL";
/// No default: on explicit_defaults_for_timestamp=OFF servers this becomes auto-init/update,
/// exactly as upstream's DDL does (schema S13).
const char* const kTsNoDefault = "timestamp NOT NULL";
const char* const kHost = "varchar(128) CHARACTER SET ascii NOT NULL";
const char* const kAscii16 = "varchar(16) CHARACTER SET ascii NOT NULL";
const char* const kAscii32 = "varchar(32) CHARACTER SET ascii NOT NULL";
const char* const kAscii64 = "varchar(64) CHARACTER SET ascii NOT NULL";
const char* const kAscii128 = "varchar(128) CHARACTER SET ascii NOT NULL";
const char* const kAsciiText = "text CHARACTER SET ascii NOT NULL";
/// utf8 means utf8mb3 (3-byte) in upstream's schema; the collation is pinned because newer
/// servers may map utf8 to a different default collation.
const char* const kUtf8_128 = "varchar(128) CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL";
const char* const kUtf8Text = "text CHARACTER SET utf8 COLLATE utf8_general_ci NOT NULL";

const KeySpec kHostPortPk{Kind::Primary, "PRIMARY", "`hostname`, `port`"};

TableSpec make_table(std::string name, std::vector<ColumnSpec> columns, std::vector<KeySpec> keys,
                     std::string default_charset = "ascii", std::vector<std::string> seeds = {}) {
  return TableSpec{std::move(name), std::move(columns), std::move(keys), std::move(default_charset),
                   std::move(seeds)};
}

TableSpec database_instance() {
  return make_table(
      "database_instance",
      {{"hostname", kHost},
       {"port", kSmallU},
       {"last_checked", kTsNow},
       {"last_attempted_check", kTsNever},
       {"last_check_partial_success", kTinyU},
       {"last_seen", kTsNull},
       {"uptime", kIntU},
       {"server_id", kIntU},
       {"server_uuid", kAscii64},
       {"version", kAscii128},
       {"binlog_server", kTinyU},
       {"read_only", kTinyU},
       {"binlog_format", kAscii16},
       {"log_bin", kTinyU},
       {"log_slave_updates", kTinyU},
       {"binary_log_file", kAscii128},
       {"binary_log_pos", kBigU},
       {"master_host", kHost},
       {"master_port", kSmallU},
       {"slave_sql_running", kTinyU},
       {"slave_io_running", kTinyU},
       {"replication_sql_thread_state", "tinyint(4) NOT NULL DEFAULT 0"},
       {"replication_io_thread_state", "tinyint(4) NOT NULL DEFAULT 0"},
       {"has_replication_filters", kTinyU},
       {"oracle_gtid", kTinyU},
       {"master_uuid", kAscii64},
       {"ancestry_uuid", kAsciiText},
       {"executed_gtid_set", kAsciiText},
       {"gtid_purged", kAsciiText},
       {"gtid_errant", kAsciiText},
       {"supports_oracle_gtid", kTinyU},
       {"mariadb_gtid", kTinyU},
       {"pseudo_gtid", kTinyU},
       {"master_log_file", kAscii128},
       {"read_master_log_pos", kBigU},
       {"relay_master_log_file", kAscii128},
       {"exec_master_log_pos", kBigU},
       {"relay_log_file", kAscii128},
       {"relay_log_pos", kBigU},
       {"last_sql_error", kAsciiText},
       {"last_io_error", kAsciiText},
       {"seconds_behind_master", kBigUNull},
       {"slave_lag_seconds", kBigUNull},
       {"sql_delay", kIntU},
       {"allow_tls", kTinyU},
       {"num_slave_hosts", kIntU},
       {"slave_hosts", kAsciiText},
       {"cluster_name", kAscii128},
       {"suggested_cluster_alias", kAscii128},
       {"data_center", kAscii32},
       {"region", kAscii32},
       {"physical_environment", kAscii32},
       {"instance_alias", kAscii128},
       {"semi_sync_enforced", kTinyU},
       {"semi_sync_available", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
       {"replication_depth", kTinyU},
       {"is_co_master", kTinyU},
       {"replication_credentials_available", kTinyU},
       {"has_replication_credentials", kTinyU},
       {"version_comment", "varchar(128) CHARACTER SET ascii NOT NULL DEFAULT ''"},
       {"major_version", kAscii16},
       {"binlog_row_image", kAscii16},
       {"last_discovery_latency", "bigint(20) NOT NULL"},
       {"semi_sync_master_enabled", kTinyU},
       {"semi_sync_master_timeout", "bigint(20) unsigned NOT NULL DEFAULT 0"},
       {"semi_sync_master_wait_for_slave_count", "int(10) unsigned NOT NULL DEFAULT 0"},
       {"semi_sync_master_status", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
       {"semi_sync_master_clients", "int(10) unsigned NOT NULL DEFAULT 0"},
       {"semi_sync_replica_status", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
       {"semi_sync_replica_enabled", kTinyU},
       {"gtid_mode", kAscii32},
       {"replication_group_name", "varchar(64) CHARACTER SET ascii NOT NULL DEFAULT ''"},
       {"replication_group_is_single_primary_mode", "tinyint(3) unsigned NOT NULL DEFAULT 1"},
       {"replication_group_member_state", "varchar(16) CHARACTER SET ascii NOT NULL DEFAULT ''"},
       {"replication_group_member_role", "varchar(16) CHARACTER SET ascii NOT NULL DEFAULT ''"},
       {"replication_group_members", kAsciiText},
       {"replication_group_primary_host", "varchar(128) CHARACTER SET ascii NOT NULL DEFAULT ''"},
       {"replication_group_primary_port", "smallint(5) unsigned NOT NULL DEFAULT 0"}},
      {kHostPortPk,
       {Kind::Index, "cluster_name_idx_database_instance", "`cluster_name`"},
       {Kind::Index, "last_checked_idx_database_instance", "`last_checked`"},
       {Kind::Index, "last_seen_idx_database_instance", "`last_seen`"},
       {Kind::Index, "master_host_port_idx_database_instance", "`master_host`, `master_port`"},
       {Kind::Index, "suggested_cluster_alias_idx_database_instance",
        "`suggested_cluster_alias`"}});
}

TableSpec database_instance_maintenance() {
  return make_table(
      "database_instance_maintenance",
      {{"database_instance_maintenance_id", "int(10) unsigned NOT NULL AUTO_INCREMENT"},
       {"hostname", kHost},
       {"port", kSmallU},
       {"maintenance_active", "tinyint(4) DEFAULT NULL"},
       {"begin_timestamp", kTsNull},
       {"end_timestamp", kTsNull},
       {"owner", kUtf8_128},
       {"reason", kUtf8Text},
       {"processing_node_hostname", kAscii128},
       {"processing_node_token", kAscii128},
       {"explicitly_bounded", kTinyU}},
      {{Kind::Primary, "PRIMARY", "`database_instance_maintenance_id`"},
       {Kind::Unique, "maintenance_uidx_database_instance_maintenance",
        "`maintenance_active`, `hostname`, `port`"},
       {Kind::Index, "active_timestamp_idx", "`maintenance_active`, `begin_timestamp`"},
       {Kind::Index, "active_end_timestamp_idx", "`maintenance_active`, `end_timestamp`"}});
}

TableSpec database_instance_downtime() {
  return make_table(
      "database_instance_downtime",
      {{"hostname", kHost},
       {"port", kSmallU},
       {"downtime_active", "tinyint(4) DEFAULT NULL"},
       // Upstream's spelling: nullable with explicit_defaults_for_timestamp=ON, NOT NULL
       // on 5.7-style servers (schema S13).
       {"begin_timestamp", "timestamp DEFAULT CURRENT_TIMESTAMP"},
       {"end_timestamp", kTsNull},
       {"owner", kUtf8_128},
       {"reason", kUtf8Text}},
      {kHostPortPk,
       {Kind::Index, "end_timestamp_idx_database_instance_downtime", "`end_timestamp`"}});
}

TableSpec candidate_database_instance() {
  return make_table(
      "candidate_database_instance",
      {{"hostname", kHost},
       {"port", kSmallU},
       {"last_suggested", kTsNow},
       {"priority",
        "tinyint(4) NOT NULL DEFAULT 1 COMMENT 'positive promote, nagative unpromotes'"},
       {"promotion_rule",
        "enum('must','prefer','neutral','prefer_not','must_not') CHARACTER SET ascii "
        "NOT NULL DEFAULT 'neutral'"}},
      {kHostPortPk,
       {Kind::Index, "last_suggested_idx_candidate_database_instance", "`last_suggested`"}});
}

TableSpec database_instance_tags() {
  return make_table("database_instance_tags",
                    {{"hostname", kHost},
                     {"port", kSmallU},
                     {"tag_name", kUtf8_128},
                     {"tag_value", kUtf8_128},
                     {"last_updated", kTsNow}},
                    {{Kind::Primary, "PRIMARY", "`hostname`, `port`, `tag_name`"},
                     {Kind::Index, "tag_name_idx_database_instance_tags", "`tag_name`"}});
}

TableSpec database_instance_stale_binlog_coordinates() {
  return make_table(
      "database_instance_stale_binlog_coordinates",
      {{"hostname", kHost},
       {"port", kSmallU},
       {"binary_log_file", kAscii128},
       {"binary_log_pos", kBigU},
       {"first_seen", kTsNow}},
      {kHostPortPk,
       {Kind::Index, "first_seen_idx_database_instance_stale_binlog_coordinates", "`first_seen`"}});
}

TableSpec database_instance_last_analysis() {
  return make_table("database_instance_last_analysis",
                    {{"hostname", kHost},
                     {"port", kSmallU},
                     {"analysis_timestamp", kTsNow},
                     {"analysis", kAscii128}},
                    {kHostPortPk,
                     {Kind::Index, "analysis_timestamp_idx_database_instance_last_analysis",
                      "`analysis_timestamp`"}});
}

TableSpec database_instance_analysis_changelog() {
  return make_table(
      "database_instance_analysis_changelog",
      {{"changelog_id", kBigUAutoInc},
       {"hostname", kHost},
       {"port", kSmallU},
       {"analysis_timestamp", kTsNow},
       {"analysis", kAscii128}},
      {{Kind::Primary, "PRIMARY", "`changelog_id`"},
       {Kind::Index, "analysis_timestamp_idx_database_instance_analysis_changelog",
        "`analysis_timestamp`"},
       {Kind::Index, "instance_timestamp_idx", "`hostname`, `port`, `analysis_timestamp`"}});
}

TableSpec topology_recovery() {
  return make_table(
      "topology_recovery",
      {{"recovery_id", kBigUAutoInc},
       {"hostname", kHost},
       {"port", kSmallU},
       {"in_active_period", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
       {"start_active_period", kTsNow},
       {"end_active_period_unixtime", "int(10) unsigned DEFAULT NULL"},
       {"end_recovery", kTsNull},
       {"processing_node_hostname", kAscii128},
       {"processcing_node_token", kAscii128},
       {"is_successful", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
       {"successor_hostname", "varchar(128) CHARACTER SET ascii DEFAULT NULL"},
       {"successor_port", "smallint(5) unsigned DEFAULT NULL"},
       {"analysis", kAscii128},
       {"cluster_name", kAscii128},
       {"cluster_alias", kAscii128},
       {"count_affected_slaves", kIntU},
       {"slave_hosts", kAsciiText},
       {"participating_instances", kAsciiText},
       {"lost_slaves", kAsciiText},
       {"all_errors", kAsciiText},
       {"acknowledged", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
       {"acknowledged_at", kTsNull},
       {"acknowledged_by", kUtf8_128},
       {"acknowledge_comment", kUtf8Text},
       {"last_detection_id", kBigU},
       {"successor_alias", "varchar(128) CHARACTER SET ascii DEFAULT NULL"},
       {"uid", kAscii128},
       // Our addition (docs/schema.md): the recovery's own liveness, refreshed every second
       // by whoever runs it (node or CLI). NULL in rows of upstream binaries, which are judged
       // by their node's node_health instead.
       {"last_heartbeat", "timestamp(3) NULL DEFAULT NULL"}},
      {{Kind::Primary, "PRIMARY", "`recovery_id`"},
       {Kind::Unique, "hostname_port_active_period_uidx_topology_recovery",
        "`hostname`, `port`, `in_active_period`, `end_active_period_unixtime`"},
       {Kind::Index, "in_active_start_period_idx_topology_recovery",
        "`in_active_period`, `start_active_period`"},
       {Kind::Index, "start_active_period_idx_topology_recovery", "`start_active_period`"},
       {Kind::Index, "cluster_name_in_active_idx", "`cluster_name`, `in_active_period`"},
       {Kind::Index, "end_recovery_idx", "`end_recovery`"},
       {Kind::Index, "acknowledged_idx", "`acknowledged`, `acknowledged_at`"},
       {Kind::Index, "last_detection_idx", "`last_detection_id`"},
       {Kind::Index, "uid_idx_topology_recovery", "`uid`"}});
}

TableSpec topology_recovery_steps() {
  return make_table("topology_recovery_steps",
                    {{"recovery_step_id", kBigUAutoInc},
                     {"recovery_uid", kAscii128},
                     {"audit_at", kTsNow},
                     {"message", kUtf8Text}},
                    {{Kind::Primary, "PRIMARY", "`recovery_step_id`"},
                     {Kind::Index, "recovery_uid_idx_topology_recovery_steps", "`recovery_uid`"}});
}

TableSpec topology_failure_detection() {
  return make_table("topology_failure_detection",
                    {{"detection_id", kBigUAutoInc},
                     {"hostname", kHost},
                     {"port", kSmallU},
                     {"in_active_period", "tinyint(3) unsigned NOT NULL DEFAULT 0"},
                     {"start_active_period", kTsNow},
                     {"end_active_period_unixtime", kIntU},
                     {"processing_node_hostname", kAscii128},
                     {"processcing_node_token", kAscii128},
                     {"analysis", kAscii128},
                     {"cluster_name", kAscii128},
                     {"cluster_alias", kAscii128},
                     {"count_affected_slaves", kIntU},
                     {"slave_hosts", kAsciiText},
                     {"is_actionable", "tinyint(4) NOT NULL DEFAULT 0"}},
                    {{Kind::Primary, "PRIMARY", "`detection_id`"},
                     {Kind::Unique, "host_port_active_recoverable_uidx_topology_failure_detection",
                      "`hostname`, `port`, `in_active_period`, `end_active_period_unixtime`, "
                      "`is_actionable`"},
                     {Kind::Index, "in_active_start_period_idx_topology_failure_detection",
                      "`in_active_period`, `start_active_period`"}});
}

TableSpec blocked_topology_recovery() {
  return make_table("blocked_topology_recovery",
                    {{"hostname", kHost},
                     {"port", kSmallU},
                     {"cluster_name", kAscii128},
                     {"analysis", kAscii128},
                     {"last_blocked_timestamp", kTsNow},
                     {"blocking_recovery_id", kBigUNull}},
                    {kHostPortPk,
                     {Kind::Index, "cluster_blocked_idx_blocked_topology_recovery",
                      "`cluster_name`, `last_blocked_timestamp`"},
                     {Kind::Index, "last_blocked_idx", "`last_blocked_timestamp`"}});
}

TableSpec global_recovery_disable() {
  return make_table(
      "global_recovery_disable",
      {{"disable_recovery",
        "tinyint(3) unsigned NOT NULL COMMENT 'Insert 1 to disable recovery globally'"}},
      {{Kind::Primary, "PRIMARY", "`disable_recovery`"}});
}

TableSpec active_node() {
  return make_table(
      "active_node",
      {{"anchor", kTinyU},
       {"hostname", kHost},
       {"token", kAscii128},
       {"last_seen_active", kTsNow},
       {"first_seen_active", kTsNever},
       // Our additions (docs/schema.md): a fencing epoch bumped on every leadership change,
       // and a millisecond lease end for sub-second failover. Upstream binaries never set
       // them, so they must be read as "unknown" when 0 / NULL.
       {"epoch", "bigint(20) unsigned NOT NULL DEFAULT 0"},
       {"lease_expires_at", "timestamp(3) NULL DEFAULT NULL"}},
      {{Kind::Primary, "PRIMARY", "`anchor`"}}, "ascii",
      // Upstream's placeholder: nobody is leader until it is 5 s old (schema S10).
      {"INSERT IGNORE INTO `active_node` (`anchor`, `hostname`, `token`, `last_seen_active`) "
       "VALUES (1, '', '', NOW())"});
}

TableSpec node_health() {
  return make_table("node_health",
                    {{"hostname", kHost},
                     {"token", kAscii128},
                     {"last_seen_active", kTsNow},
                     {"extra_info", kUtf8_128},
                     {"command", kUtf8_128},
                     {"app_version", "varchar(64) CHARACTER SET ascii NOT NULL DEFAULT ''"},
                     {"first_seen_active", kTsNever},
                     {"db_backend", "varchar(255) CHARACTER SET ascii NOT NULL DEFAULT ''"},
                     {"incrementing_indicator", "bigint(20) NOT NULL DEFAULT 0"}},
                    {{Kind::Primary, "PRIMARY", "`hostname`, `token`"},
                     {Kind::Index, "last_seen_active_idx", "`last_seen_active`"}});
}

TableSpec node_health_history() {
  return make_table(
      "node_health_history",
      {{"history_id", kBigUAutoInc},
       {"hostname", kHost},
       {"token", kAscii128},
       {"first_seen_active", kTsNoDefault},
       {"extra_info", kUtf8_128},
       {"command", kUtf8_128},
       {"app_version", "varchar(64) CHARACTER SET ascii NOT NULL DEFAULT ''"}},
      {{Kind::Primary, "PRIMARY", "`history_id`"},
       {Kind::Unique, "hostname_token_idx_node_health_history", "`hostname`, `token`"},
       {Kind::Index, "first_seen_active_idx_node_health_history", "`first_seen_active`"}});
}

TableSpec audit() {
  return make_table("audit",
                    {{"audit_id", kBigUAutoInc},
                     {"audit_timestamp", kTsNow},
                     {"audit_type", kAscii128},
                     {"hostname", "varchar(128) CHARACTER SET ascii NOT NULL DEFAULT ''"},
                     {"port", kSmallU},
                     {"cluster_name", "varchar(128) CHARACTER SET ascii NOT NULL DEFAULT ''"},
                     {"message", kUtf8Text}},
                    {{Kind::Primary, "PRIMARY", "`audit_id`"},
                     {Kind::Index, "audit_timestamp_idx_audit", "`audit_timestamp`"},
                     {Kind::Index, "host_port_idx_audit", "`hostname`, `port`, `audit_timestamp`"}},
                    "latin1");
}

TableSpec cluster_alias() {
  return make_table(
      "cluster_alias",
      {{"cluster_name", kAscii128}, {"alias", kAscii128}, {"last_registered", kTsNow}},
      {{Kind::Primary, "PRIMARY", "`cluster_name`"},
       {Kind::Unique, "alias_uidx", "`alias`"},
       {Kind::Index, "last_registered_idx", "`last_registered`"}});
}

TableSpec cluster_alias_override() {
  return make_table("cluster_alias_override", {{"cluster_name", kAscii128}, {"alias", kAscii128}},
                    {{Kind::Primary, "PRIMARY", "`cluster_name`"}});
}

TableSpec cluster_domain_name() {
  return make_table(
      "cluster_domain_name",
      {{"cluster_name", kAscii128}, {"domain_name", kAscii128}, {"last_registered", kTsNow}},
      {{Kind::Primary, "PRIMARY", "`cluster_name`"},
       {Kind::Index, "domain_name_idx_cluster_domain_name", "`domain_name`(32)"},
       {Kind::Index, "last_registered_idx", "`last_registered`"}});
}

TableSpec hostname_resolve() {
  return make_table(
      "hostname_resolve",
      {{"hostname", kHost}, {"resolved_hostname", kHost}, {"resolved_timestamp", kTsNow}},
      {{Kind::Primary, "PRIMARY", "`hostname`"},
       {Kind::Index, "resolved_timestamp_idx_hostname_resolve", "`resolved_timestamp`"}});
}

TableSpec kv_store() {
  return make_table("kv_store",
                    {{"store_key", "varchar(255) CHARACTER SET ascii NOT NULL"},
                     {"store_value", kUtf8Text},
                     {"last_updated", kTsNow}},
                    {{Kind::Primary, "PRIMARY", "`store_key`"}});
}

TableSpec orchestrator_metadata() {
  return make_table("orchestrator_metadata",
                    {{"anchor", kTinyU},
                     {"last_deployed_version", kAscii128},
                     {"last_deployed_timestamp", kTsNoDefault}},
                    {{Kind::Primary, "PRIMARY", "`anchor`"}});
}

TableSpec orchestrator_db_deployments() {
  return make_table("orchestrator_db_deployments",
                    {{"deployed_version", kAscii128}, {"deployed_timestamp", kTsNoDefault}},
                    {{Kind::Primary, "PRIMARY", "`deployed_version`"}});
}

}  // namespace

const std::vector<TableSpec>& schema_tables() {
  // The election tables come first: a node starting on an empty backend elects a leader as
  // soon as they exist, while the rest of the schema is still being created.
  static const std::vector<TableSpec> tables = {active_node(),
                                                node_health(),
                                                database_instance(),
                                                database_instance_maintenance(),
                                                database_instance_downtime(),
                                                candidate_database_instance(),
                                                database_instance_tags(),
                                                database_instance_stale_binlog_coordinates(),
                                                database_instance_last_analysis(),
                                                database_instance_analysis_changelog(),
                                                topology_recovery(),
                                                topology_recovery_steps(),
                                                topology_failure_detection(),
                                                blocked_topology_recovery(),
                                                global_recovery_disable(),
                                                node_health_history(),
                                                audit(),
                                                cluster_alias(),
                                                cluster_alias_override(),
                                                cluster_domain_name(),
                                                hostname_resolve(),
                                                kv_store(),
                                                orchestrator_metadata(),
                                                orchestrator_db_deployments()};
  return tables;
}

const TableSpec* find_table_spec(std::string_view name) {
  for (const auto& t : schema_tables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string create_table_sql(const TableSpec& table) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_ident(table.name) + " (\n";
  bool first = true;
  for (const auto& c : table.columns) {
    sql += first ? "  " : ",\n  ";
    sql += quote_ident(c.name) + " " + c.definition;
    first = false;
  }
  for (const auto& k : table.keys) sql += ",\n  " + key_clause(k);
  sql += "\n) ENGINE=InnoDB DEFAULT CHARSET=" + table.default_charset;
  return sql;
}

std::string add_column_sql(const TableSpec& table, std::size_t index) {
  const ColumnSpec& c = table.columns.at(index);
  std::string sql = "ALTER TABLE " + quote_ident(table.name) + " ADD COLUMN " +
                    quote_ident(c.name) + " " + c.definition;
  sql += index == 0 ? " FIRST" : " AFTER " + quote_ident(table.columns[index - 1].name);
  return sql;
}

std::string add_key_sql(const TableSpec& table, std::size_t index) {
  return "ALTER TABLE " + quote_ident(table.name) + " ADD " + key_clause(table.keys.at(index));
}

}  // namespace orc::storage
