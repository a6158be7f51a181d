#pragma once
// One discovery probe of one managed MySQL/MariaDB server over an open SOCI session: reads
// what upstream's ReadTopologyInstance reads, with per-flavour statements (mysql_dialect.hpp)
// and as few round trips as is safe, because it runs every poll interval for every server.

#include <chrono>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "model/instance.hpp"
#include "model/version.hpp"
#include "storage/probe_parse.hpp"

namespace orc::storage {

/// Configuration that shapes a probe (upstream config keys of the same names).
struct ProbeOptions {
  std::string lag_query;  ///< ReplicationLagQuery: one integer; unset = Seconds_Behind_Master
  std::string detect_data_center_query, detect_region_query, detect_physical_environment_query,
      detect_instance_alias_query, detect_cluster_alias_query, detect_promotion_rule_query,
      detect_semi_sync_enforced_query;
  /// Regexes whose first capture group, matched against the hostname, is used when the
  /// corresponding detect query is not configured.
  std::string data_center_pattern, region_pattern, physical_environment_pattern;
  bool discover_by_show_slave_hosts = true;
  /// "none" keeps the key as given; "@@hostname" / "@@report_host" take the server's value
  /// (report_host only when it is set).
  std::string hostname_resolve_method = "none";
};

struct ProbeResult {
  /// Every mandatory statement succeeded.
  bool ok = false;
  /// The basic variables were read but a later mandatory statement failed (ok is false).
  bool partial = false;
  model::Instance instance;
  /// Why the probe failed ("" when ok). Never contains credentials.
  std::string error;
  std::chrono::nanoseconds latency{};
  /// DetectPromotionRuleQuery result, for the caller to store as a candidate row.
  std::string detected_promotion_rule;
  /// Failures of optional statements (lag and detect queries, bad patterns); they do not
  /// fail the probe, as upstream only logs them.
  std::vector<std::string> warnings;
  /// Statements sent to the server, for metrics and round-trip budgets.
  int statements = 0;
};

/// Runs the probe queries. `key` is the instance being probed (it becomes instance.key,
/// its hostname replaced according to hostname_resolve_method). Statements, in order:
/// variables (read_global_variables), SHOW GLOBAL STATUS of exact names (Uptime,
/// Slaves_connected, semi-sync status), the binlog position when log_bin is on, the replica
/// status, the replica hosts, the processlist only when no replica host was found and the
/// server may have dump threads (MariaDB's Slaves_connected > 0; always on MySQL), then the
/// configured lag/detect queries. MariaDB: 5 statements, about 0.55 ms on loopback.
/// ok=false with `error` when the variables cannot be read; partial=true when a later
/// mandatory statement fails. A stale session (server restarted) is reopened once. Never
/// throws. Timeouts come from the session's connection string (connect_timeout,
/// read_timeout), so set them.
ProbeResult probe_instance(soci::session& s, const model::InstanceKey& key,
                           const ProbeOptions& opt);

/// Reads every server variable the probe uses, keyed by variable name. With a flavour hint
/// (the handshake version) this is one SELECT @@global... (plus SHOW ... LIKE
/// 'rpl_semi_sync_%' on MySQL, whose semi-sync variables depend on the loaded plugin). Without
/// a hint, or when the SELECT names a variable the server lacks (error 1193), it falls back to
/// one SHOW GLOBAL VARIABLES WHERE that works on any flavour (plus an exact SELECT of MySQL's
/// GTID sets, which SHOW may truncate). `statements` is increased by the statements sent.
/// Throws on connection or server errors.
Row read_global_variables(soci::session& s, const model::ServerVersion* flavour_hint,
                          int& statements);

/// Whether this session reads '...' literals without backslash escapes (NO_BACKSLASH_ESCAPES
/// in @@SESSION.sql_mode, set by the server's global sql_mode at connect time). One round
/// trip: callers ask only when a value needs it (needs_sql_mode in mysql_dialect.hpp).
/// Throws on failure.
bool session_no_backslash_escapes(soci::session& s);

/// Sends one statement that returns no rows exactly as written (mysql_real_query). SOCI's
/// own statement parser reads ":name" as a placeholder and tracks quotes assuming backslash
/// escapes, so a CHANGE MASTER whose password holds "\'" under NO_BACKSLASH_ESCAPES, or
/// ":x", could be mangled. Throws soci::mysql_soci_error (with the server's error number)
/// on failure; the message is the server's, which may quote the statement.
void execute_verbatim(soci::session& s, const std::string& sql);

/// Runs one statement and returns every row with all values converted to text (NULL ->
/// nullopt), whatever SOCI's column types are. Throws (soci::soci_error) on failure.
Rows query_rows(soci::session& s, const std::string& sql);

}  // namespace orc::storage
