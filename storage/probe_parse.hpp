#pragma once
// Turns result rows of the probe statements into model::Instance fields. Pure functions over
// recorded rows (no SOCI), so every flavour's column spelling can be unit-tested from rows
// recorded on real servers or copied from the manuals.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/instance.hpp"
#include "model/version.hpp"
#include "storage/mysql_dialect.hpp"

namespace orc::storage {

/// ASCII case-insensitive ordering. Column and variable names differ in case between
/// versions and between docs and servers (Channel_name / Channel_Name, Server_id / Server_Id),
/// so rows are keyed case-insensitively. Transparent: find() takes a string_view.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

/// One result row: column name -> value; nullopt = SQL NULL. Numbers are in decimal text.
using Row = std::map<std::string, std::optional<std::string>, CaseInsensitiveLess>;
using Rows = std::vector<Row>;

/// The value of `column`, or nullopt when the column is absent or NULL.
std::optional<std::string> row_value(const Row& row, std::string_view column);

/// Pivots SHOW VARIABLES / SHOW STATUS output (Variable_name, Value) into one Row keyed by
/// variable name. Rows without a Variable_name are skipped.
Row name_value_map(const Rows& rows);

/// Parses a whole decimal integer ("-3", "1692"); nullopt for NULL, "" or trailing text.
std::optional<int64_t> parse_int(const std::optional<std::string>& text);
/// Parses a boolean variable: ON/YES/TRUE/1 -> true, OFF/NO/FALSE/0 -> false, else nullopt.
std::optional<bool> parse_bool(const std::optional<std::string>& text);
/// Parses a lag query result: an integer, or a decimal truncated toward zero ("3.700" -> 3).
std::optional<int64_t> parse_lag_seconds(const std::optional<std::string>& text);

/// Basic variables, keyed by variable name (name_value_map of SHOW GLOBAL VARIABLES):
/// server_id, version + version_comment (-> version, flavor, major_version), read_only (any
/// value but OFF/0 counts: MariaDB 12 has NO_LOCK modes), super_read_only, binlog_format,
/// binlog_row_image, log_bin, log_replica_updates or log_slave_updates.
/// Returns the parsed version, or nullopt when @@version is missing or unparsable.
std::optional<model::ServerVersion> apply_global_variables(model::Instance& inst, const Row& vars);

/// GTID variables keyed by name. MySQL: gtid_mode (supports_oracle_gtid unless ''/OFF),
/// server_uuid, gtid_executed, gtid_purged (newlines that servers put after commas removed).
/// MariaDB (recognised by gtid_current_pos): executed_gtid_set = gtid_current_pos,
/// gtid_binlog_pos, gtid_slave_pos; server_uuid stays "" (MariaDB has none).
void apply_gtid_vars(model::Instance& inst, const Row& vars);

/// Uptime from SHOW GLOBAL STATUS, keyed by name.
void apply_uptime(model::Instance& inst, const Row& status);

/// SHOW MASTER STATUS / SHOW BINARY LOG STATUS: File and Position of the first row. No rows
/// (binary log off) clears self_binlog_coordinates.
void apply_master_status(model::Instance& inst, const Rows& rows);

/// One row of SHOW SLAVE/REPLICA STATUS. Reads the dialect's spelling first and the other
/// generation's as a fallback. Master_Host "" leaves master_key empty (not a replica); a "//"
/// prefix marks a detached master. Negative lag becomes 0, NULL lag stays nullopt and
/// replication_lag_seconds copies it. Using_Gtid other than No -> using_mariadb_gtid,
/// Auto_Position=1 -> using_oracle_gtid. Replication filters = any non-empty Replicate_*
/// column except Replicate_Ignore_Server_Ids (set by co-master/circular setups, not a filter).
void apply_replica_status(model::Instance& inst, const Row& row, const Dialect& dialect);

/// The whole result: the last row wins (upstream keeps no multi-source state); no rows means
/// not a replica and resets every replication field to its default.
void apply_replica_status(model::Instance& inst, const Rows& rows, const Dialect& dialect);

/// Which semi-sync generation the variables show; nullopt when neither is present.
std::optional<SemiSyncFamily> detect_semi_sync_family(const Row& vars);

/// Semi-sync variables and status keyed by name (SHOW GLOBAL VARIABLES/STATUS LIKE
/// 'rpl_semi_sync_%'), accepting both the master/slave and source/replica spellings.
/// available = both an enabled variable for the source side and for the replica side exist.
/// Leaves semi_sync.priority alone (it comes from DetectSemiSyncEnforcedQuery).
void apply_semi_sync(model::Instance& inst, const Row& vars, const Row& status);

/// SHOW SLAVE HOSTS / SHOW REPLICAS: Host and Port as the replicas reported them. Rows with an
/// empty host or port 0 (replica without report_host/report_port) are skipped. A host that is
/// not model::valid_hostname() (a replica's report_host is whatever its my.cnf says) is
/// refused: the replica is not followed, and the reason is appended to `refused` when given.
/// Sorted, unique.
std::vector<model::InstanceKey> parse_replica_hosts(const Rows& rows,
                                                    std::vector<std::string>* refused = nullptr);

/// Processlist fallback: HOST is "ip:port" of the replica's connection, so the port part is
/// dropped and `master_port` is assumed (upstream's rule; replicas on one host collapse into
/// one key). Rows with an empty host are skipped; invalid hosts are refused as above. Sorted,
/// unique.
std::vector<model::InstanceKey> parse_processlist_replica_hosts(
    const Rows& rows, int master_port, std::vector<std::string>* refused = nullptr);

/// Checks the Master_Host a replica reports (apply_replica_status keeps it as it is, with the
/// "//" prefix of a detached replica): "" when it is empty or a valid hostname (after the
/// prefix), else why it is refused.
std::string refused_master_host(const model::Instance& inst);

}  // namespace orc::storage
