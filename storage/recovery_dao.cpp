// topology_recovery, topology_recovery_steps, blocked_topology_recovery and
// global_recovery_disable (S5, S8, S12).

#include "storage/recovery_dao.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "storage/backend.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/failure_detection_dao.hpp"
#include "storage/soci_rows.hpp"

namespace orc::storage {

namespace {

constexpr int kCloseAttempts = 5;
constexpr int kDuplicateKey = 1062;
constexpr const char* kRecentlyEnded = "end_recovery > NOW() - INTERVAL 5 MINUTE";

const char* kColumns =
    "CAST(recovery_id AS SIGNED), hostname, CAST(port AS SIGNED), "
    "CAST(in_active_period AS SIGNED), "
    "DATE_FORMAT(start_active_period, '%Y-%m-%d %H:%i:%s'), "
    "CAST(IFNULL(end_active_period_unixtime, 0) AS SIGNED), "
    "IFNULL(DATE_FORMAT(end_recovery, '%Y-%m-%d %H:%i:%s'), ''), processing_node_hostname, "
    "processcing_node_token, CAST(is_successful AS SIGNED), IFNULL(successor_hostname, ''), "
    "CAST(IFNULL(successor_port, 0) AS SIGNED), analysis, cluster_name, cluster_alias, "
    "CAST(count_affected_slaves AS SIGNED), slave_hosts, participating_instances, lost_slaves, "
    "all_errors, CAST(acknowledged AS SIGNED), "
    "IFNULL(DATE_FORMAT(acknowledged_at, '%Y-%m-%d %H:%i:%s'), ''), acknowledged_by, "
    "acknowledge_comment, CAST(last_detection_id AS SIGNED), IFNULL(successor_alias, ''), uid";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    auto line = text.substr(start, nl == std::string::npos ? nl : nl - start);
    if (!line.empty()) out.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

/// all_errors is an ascii column: with a strict sql_mode any other byte would fail the write.
std::string ascii_only(const std::string& text) {
  std::string out = text;
  for (auto& c : out)
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  return out;
}

TopologyRecoveryRow to_recovery(const soci::row& r) {
  TopologyRecoveryRow t;
  t.id = int_at(r, 0);
  t.key.hostname = r.get<std::string>(1);
  t.key.port = static_cast<int>(int_at(r, 2));
  t.in_active_period = int_at(r, 3) != 0;
  t.start_active_period = r.get<std::string>(4, "");
  t.end_active_period_unixtime = int_at(r, 5);
  t.end_recovery = r.get<std::string>(6);
  t.processing_node_hostname = r.get<std::string>(7);
  t.processing_node_token = r.get<std::string>(8);
  t.is_successful = int_at(r, 9) != 0;
  model::InstanceKey successor{r.get<std::string>(10), static_cast<int>(int_at(r, 11))};
  if (successor.valid()) t.successor = successor;
  t.analysis = r.get<std::string>(12);
  t.cluster_name = r.get<std::string>(13);
  t.cluster_alias = r.get<std::string>(14);
  t.count_affected_slaves = static_cast<int>(int_at(r, 15));
  t.slave_hosts = model::parse_key_list(r.get<std::string>(16));
  t.participating_instances = model::parse_key_list(r.get<std::string>(17));
  t.lost_slaves = model::parse_key_list(r.get<std::string>(18));
  t.all_errors = split_lines(r.get<std::string>(19));
  t.acknowledged = int_at(r, 20) != 0;
  t.acknowledged_at = r.get<std::string>(21);
  t.acknowledged_by = r.get<std::string>(22);
  t.acknowledge_comment = r.get<std::string>(23);
  t.last_detection_id = int_at(r, 24);
  t.successor_alias = r.get<std::string>(25);
  t.uid = r.get<std::string>(26);
  return t;
}

/// A scope as " AND ..." SQL plus the values its placeholders bind, in the same order.
class ScopeFilter {
 public:
  ScopeFilter(const RecoveryScope& scope, bool completed_only) : scope_(scope) {
    if (scope.id) {
      id_ = *scope.id;
      sql_ += " AND recovery_id = :id";
    }
    if (scope.uid) sql_ += " AND uid = :uid";
    if (scope.key) sql_ += " AND hostname = :h AND port = :p";
    const bool alias = scope.cluster_alias && !scope.cluster_alias->empty();
    // A cluster's recoveries include the one that made its current master: that recovery is
    // recorded under the old cluster name, and without a real alias nothing else links them.
    const char* successor_in_cluster =
        " OR (successor_hostname, successor_port) IN"
        " (SELECT hostname, port FROM database_instance WHERE cluster_name = :c2)";
    if (scope.cluster_name && alias)
      sql_ += std::string(" AND (cluster_name = :c OR cluster_alias = :ca") + successor_in_cluster +
              ")";
    else if (scope.cluster_name)
      sql_ += std::string(" AND (cluster_name = :c") + successor_in_cluster + ")";
    else if (alias)
      sql_ += " AND cluster_alias = :ca";
    else if (scope.cluster_alias)
      sql_ += " AND 1 = 0";  // an empty alias names no cluster
    if (scope.unacknowledged_only) sql_ += " AND acknowledged = 0";
    if (completed_only) sql_ += " AND end_recovery IS NOT NULL";
  }
  const std::string& sql() const { return sql_; }
  void bind(soci::statement& st) const {
    if (scope_.id) st.exchange(soci::use(id_));
    if (scope_.uid) st.exchange(soci::use(*scope_.uid));
    if (scope_.key) {
      st.exchange(soci::use(scope_.key->hostname));
      st.exchange(soci::use(scope_.key->port));
    }
    if (scope_.cluster_name) st.exchange(soci::use(*scope_.cluster_name));
    if (scope_.cluster_alias && !scope_.cluster_alias->empty())
      st.exchange(soci::use(*scope_.cluster_alias));
    if (scope_.cluster_name) st.exchange(soci::use(*scope_.cluster_name));
  }

 private:
  const RecoveryScope& scope_;
  long long id_ = 0;
  std::string sql_;
};

std::vector<TopologyRecoveryRow> select_recoveries(soci::session& s, const std::string& where,
                                                   const ScopeFilter* filter,
                                                   const std::string& tail = "") {
  std::string sql = std::string("SELECT ") + kColumns + " FROM topology_recovery WHERE " + where +
                    (filter ? filter->sql() : "") + " ORDER BY recovery_id DESC" + tail;
  std::vector<TopologyRecoveryRow> out;
  soci::row row;
  soci::statement st(s);
  st.exchange(soci::into(row));
  if (filter) filter->bind(st);
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  if (st.execute(true)) {
    do {
      out.push_back(to_recovery(row));
    } while (st.fetch());
  }
  return out;
}

/// An acknowledgement's fields, for end_period.
struct Ack {
  const std::string& by;
  const std::string& comment;
  bool end_recovery = false;  ///< also set end_recovery (crashed recoveries)
};

/// Ends one recovery's active period (and acknowledges it with `ack`). The unique key includes
/// end_active_period_unixtime, so two ended recoveries of one instance in the same second
/// would collide (S8): the value is UNIX_TIMESTAMP(), moved past the instance's latest ended
/// row, and a concurrent closer taking the same value is retried. Returns whether the row
/// changed (false when someone else ended or acknowledged it first).
bool end_period(soci::session& s, long long id, const model::InstanceKey& key, const Ack* ack) {
  for (int attempt = 1;; ++attempt) {
    long long value = 0;
    s << "SELECT CAST(GREATEST(UNIX_TIMESTAMP(), IFNULL(MAX(end_active_period_unixtime), 0) + 1) "
         "AS SIGNED) FROM topology_recovery WHERE hostname = :h AND port = :p AND "
         "in_active_period = 0",
        soci::use(key.hostname), soci::use(key.port), soci::into(value);
    try {
      soci::statement st(s);
      st.exchange(soci::use(value));
      std::string sql;
      if (ack) {
        st.exchange(soci::use(ack->by));
        st.exchange(soci::use(ack->comment));
        // end_active_period_unixtime first: MySQL assigns left to right with updated values.
        sql = std::string(
                  "UPDATE topology_recovery SET end_active_period_unixtime = "
                  "IF(IFNULL(end_active_period_unixtime, 0) = 0, :v, end_active_period_unixtime), "
                  "in_active_period = 0, acknowledged = 1, acknowledged_at = NOW(), "
                  "acknowledged_by = :by, acknowledge_comment = :c") +
              (ack->end_recovery ? ", end_recovery = IFNULL(end_recovery, NOW())" : "") +
              " WHERE recovery_id = :id AND acknowledged = 0";
      } else {
        sql =
            "UPDATE topology_recovery SET end_active_period_unixtime = :v, in_active_period = 0 "
            "WHERE recovery_id = :id AND in_active_period = 1";
      }
      st.exchange(soci::use(id));
      st.alloc();
      st.prepare(sql);
      st.define_and_bind();
      st.execute(true);
      return st.get_affected_rows() > 0;
    } catch (const soci::soci_error& e) {
      if (attempt == kCloseAttempts ||
          (mysql_error_code(e) != kDuplicateKey && !is_retryable_conflict(e)))
        throw;
    }
  }
}

/// Acknowledges the unacknowledged rows matching `where` and the filter. Rows already out of
/// their active period are acknowledged in one statement; the others (at most one per
/// instance) one by one through end_period. `acked` receives the instances acknowledged.
int acknowledge_where(soci::session& s, const std::string& where, const ScopeFilter* filter,
                      const Ack& ack, std::vector<model::InstanceKey>* acked) {
  const std::string scope = "acknowledged = 0 AND " + where;
  const std::string open = "(in_active_period = 1 OR IFNULL(end_active_period_unixtime, 0) = 0)";
  if (acked) {
    for (const auto& r : select_recoveries(s, scope, filter)) acked->push_back(r.key);
  }
  const auto to_end = select_recoveries(s, scope + " AND " + open, filter);
  soci::statement st(s);
  st.exchange(soci::use(ack.by));
  st.exchange(soci::use(ack.comment));
  if (filter) filter->bind(st);
  st.alloc();
  st.prepare(std::string("UPDATE topology_recovery SET acknowledged = 1, acknowledged_at = NOW(), "
                         "acknowledged_by = :by, acknowledge_comment = :c") +
             (ack.end_recovery ? ", end_recovery = IFNULL(end_recovery, NOW())" : "") + " WHERE " +
             scope + " AND NOT " + open + (filter ? filter->sql() : ""));
  st.define_and_bind();
  st.execute(true);
  int count = static_cast<int>(st.get_affected_rows());
  for (const auto& r : to_end) count += end_period(s, r.id, r.key, &ack) ? 1 : 0;
  return count;
}

std::optional<int64_t> max_id(soci::session& s, const std::string& sql,
                              const model::InstanceKey* key, const std::string* cluster) {
  long long id = 0;
  soci::indicator ind = soci::i_null;
  if (key)
    s << sql, soci::use(key->hostname), soci::use(key->port), soci::into(id, ind);
  else
    s << sql, soci::use(*cluster), soci::into(id, ind);
  if (!s.got_data() || ind != soci::i_ok) return std::nullopt;
  return id;
}

}  // namespace

std::optional<int64_t> register_recovery(soci::session& s, const RecoveryRegistration& r) {
  const std::string replicas = model::join_keys(r.replicas);
  const long long detection = r.last_detection_id;
  soci::statement st(s);
  st.exchange(soci::use(r.failed.hostname));
  st.exchange(soci::use(r.failed.port));
  st.exchange(soci::use(r.node.hostname));
  st.exchange(soci::use(r.node.token));
  st.exchange(soci::use(r.analysis));
  st.exchange(soci::use(r.cluster_name));
  st.exchange(soci::use(r.cluster_alias));
  st.exchange(soci::use(r.count_replicas));
  st.exchange(soci::use(replicas));
  if (detection > 0) {
    st.exchange(soci::use(detection));
  } else {
    st.exchange(soci::use(r.failed.hostname));
    st.exchange(soci::use(r.failed.port));
  }
  st.exchange(soci::use(r.uid));
  st.alloc();
  st.prepare(
      std::string(
          "INSERT IGNORE INTO topology_recovery (hostname, port, in_active_period, "
          "start_active_period, end_active_period_unixtime, processing_node_hostname, "
          "processcing_node_token, analysis, cluster_name, cluster_alias, count_affected_slaves, "
          "slave_hosts, participating_instances, lost_slaves, all_errors, acknowledged, "
          "acknowledged_by, acknowledge_comment, last_detection_id, uid, last_heartbeat) "
          "VALUES (:h, :p, 1, NOW(), 0, :nh, :nt, :a, :c, :ca, :n, :sh, '', '', '', 0, '', '', ") +
      (detection > 0 ? ":d"
                     : "(SELECT IFNULL(MAX(detection_id), 0) FROM topology_failure_detection "
                       "WHERE hostname = :dh AND port = :dp)") +
      ", :uid, " + (r.heartbeat ? "NOW(3)" : "NULL") + ")");
  st.define_and_bind();
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  long long id = 0;
  s.get_last_insert_id("topology_recovery", id);
  return id;
}

std::optional<int64_t> find_blocking_recovery(soci::session& s, const model::InstanceKey& failed,
                                              const std::string& cluster_name) {
  if (auto id = max_id(s,
                       "SELECT CAST(MAX(recovery_id) AS SIGNED) FROM topology_recovery WHERE "
                       "in_active_period = 1 AND successor_hostname = :h AND successor_port = :p",
                       &failed, nullptr))
    return id;
  return max_id(s,
                "SELECT CAST(MAX(recovery_id) AS SIGNED) FROM topology_recovery WHERE "
                "in_active_period = 1 AND cluster_name = :c",
                nullptr, &cluster_name);
}

void record_blocked_recovery(soci::session& s, const model::InstanceKey& key,
                             const std::string& cluster_name, const std::string& analysis,
                             int64_t blocking_recovery_id) {
  const long long blocking = blocking_recovery_id;
  s << "INSERT INTO blocked_topology_recovery (hostname, port, cluster_name, analysis, "
       "last_blocked_timestamp, blocking_recovery_id) VALUES (:h, :p, :c, :a, NOW(), :b) "
       "ON DUPLICATE KEY UPDATE cluster_name = VALUES(cluster_name), analysis = "
       "VALUES(analysis), last_blocked_timestamp = VALUES(last_blocked_timestamp), "
       "blocking_recovery_id = VALUES(blocking_recovery_id)",
      soci::use(key.hostname), soci::use(key.port), soci::use(cluster_name), soci::use(analysis),
      soci::use(blocking);
}

int expire_blocked_recoveries(soci::session& s, int stale_seconds) {
  soci::statement st =
      (s.prepare << "DELETE FROM blocked_topology_recovery WHERE last_blocked_timestamp < NOW() - "
                    "INTERVAL :s SECOND OR NOT EXISTS (SELECT 1 FROM topology_recovery r WHERE "
                    "r.recovery_id = blocked_topology_recovery.blocking_recovery_id AND "
                    "r.acknowledged = 0)",
       soci::use(stale_seconds));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

void add_recovery_step(soci::session& s, const std::string& uid, const std::string& message) {
  s << "INSERT INTO topology_recovery_steps (recovery_uid, audit_at, message) VALUES (:u, NOW(), "
       ":m)",
      soci::use(uid), soci::use(message);
}

bool add_recovery_step(soci::session& s, const std::string& uid, const std::string& message,
                       const LeaderFence& fence) {
  const long long epoch = static_cast<long long>(fence.epoch);
  soci::statement st =
      (s.prepare << "INSERT INTO topology_recovery_steps (recovery_uid, audit_at, message) "
                    "SELECT :u, NOW(), :m FROM active_node WHERE anchor = 1 AND hostname = :h "
                    "AND token = :t AND epoch = :e AND lease_expires_at > NOW(3) "
                    "LOCK IN SHARE MODE",
       soci::use(uid), soci::use(message), soci::use(fence.hostname), soci::use(fence.token),
       soci::use(epoch));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

void resolve_recovery(soci::session& s, const RecoveryResolution& r) {
  const int successful = r.is_successful ? 1 : 0;
  const std::string successor_host = r.successor ? r.successor->hostname : "";
  const int successor_port = r.successor ? r.successor->port : 0;
  const std::string lost = model::join_keys(r.lost_replicas);
  const std::string participating = model::join_keys(r.participating);
  std::string errors;
  for (const auto& e : r.errors) errors += (errors.empty() ? "" : "\n") + ascii_only(e);
  const long long id = r.recovery_id;
  s << "UPDATE topology_recovery SET is_successful = :s, successor_hostname = :sh, "
       "successor_port = :sp, successor_alias = :sa, lost_slaves = :l, participating_instances = "
       ":pi, all_errors = :e, end_recovery = NOW() WHERE recovery_id = :id",
      soci::use(successful), soci::use(successor_host), soci::use(successor_port),
      soci::use(r.successor_alias), soci::use(lost), soci::use(participating), soci::use(errors),
      soci::use(id);
}

RecoveryScope cluster_recovery_scope(soci::session& s, const std::string& cluster_name) {
  RecoveryScope scope;
  scope.cluster_name = cluster_name;
  scope.cluster_alias = read_cluster_alias(s, cluster_name);
  return scope;
}

int acknowledge_recoveries(soci::session& s, const RecoveryScope& scope, const std::string& by,
                           const std::string& comment) {
  ScopeFilter filter(scope, false);
  std::vector<model::InstanceKey> acked;
  const int count = acknowledge_where(s, "1 = 1", &filter, Ack{by, comment}, &acked);
  if (scope.key)
    acknowledge_failure_detections(s, DetectionScope::instance(*scope.key));
  else if (scope.cluster_name)
    acknowledge_failure_detections(s, DetectionScope::cluster(*scope.cluster_name));
  else if (!scope.id && !scope.uid && !scope.cluster_alias)
    acknowledge_failure_detections(s, DetectionScope::all());
  for (const auto& key : acked) acknowledge_failure_detections(s, DetectionScope::instance(key));
  return count;
}

int acknowledge_finished_recoveries(soci::session& s, const model::InstanceKey& key,
                                    const std::string& by, const std::string& comment) {
  RecoveryScope scope;
  scope.key = key;
  ScopeFilter filter(scope, true);
  return acknowledge_where(s, "1 = 1", &filter, Ack{by, comment}, nullptr);
}

int clear_expired_recovery_periods(soci::session& s, int block_seconds) {
  int count = 0;
  for (const auto& r :
       select_recoveries(s,
                         "in_active_period = 1 AND start_active_period < NOW() - INTERVAL " +
                             std::to_string(block_seconds) + " SECOND",
                         nullptr))
    count += end_period(s, r.id, r.key, nullptr) ? 1 : 0;
  return count;
}

void heartbeat_recovery(soci::session& s, int64_t recovery_id) {
  const long long id = recovery_id;
  s << "UPDATE topology_recovery SET last_heartbeat = NOW(3) WHERE recovery_id = :id AND "
       "end_recovery IS NULL",
      soci::use(id);
}

int acknowledge_crashed_recoveries(soci::session& s, int stale_seconds) {
  static const std::string by = "orchestrator", comment = "detected crashed recovery";
  const std::string stale = std::to_string(std::max(1, stale_seconds));
  return acknowledge_where(
      s,
      "in_active_period = 1 AND end_recovery IS NULL AND (last_heartbeat < NOW(3) - INTERVAL " +
          stale +
          " SECOND OR (last_heartbeat IS NULL AND NOT EXISTS (SELECT 1 FROM node_health nh "
          "WHERE nh.hostname = topology_recovery.processing_node_hostname AND nh.token = "
          "topology_recovery.processcing_node_token AND nh.last_seen_active > NOW() - "
          "INTERVAL " +
          stale + " SECOND)))",
      nullptr, Ack{by, comment, true}, nullptr);
}

bool is_global_recovery_disabled(soci::session& s) {
  long long n = 0;
  s << "SELECT COUNT(*) FROM global_recovery_disable WHERE disable_recovery = 1", soci::into(n);
  return n > 0;
}

void set_global_recovery_disabled(soci::session& s, bool disabled) {
  if (disabled)
    s << "INSERT IGNORE INTO global_recovery_disable (disable_recovery) VALUES (1)";
  else
    s << "DELETE FROM global_recovery_disable WHERE disable_recovery >= 0";
}

std::vector<TopologyRecoveryRow> read_recoveries(soci::session& s, const RecoveryScope& scope,
                                                 bool only_active, int limit, int offset) {
  ScopeFilter filter(scope, false);
  return select_recoveries(s, only_active ? "in_active_period = 1" : "1 = 1", &filter,
                           " LIMIT " + std::to_string(std::max(0, limit)) + " OFFSET " +
                               std::to_string(std::max(0, offset)));
}

std::vector<TopologyRecoveryRow> read_active_cluster_recoveries(soci::session& s,
                                                                const std::string& cluster_name) {
  RecoveryScope scope;
  scope.cluster_name = cluster_name;
  ScopeFilter filter(scope, false);
  return select_recoveries(s, "in_active_period = 1 AND end_recovery IS NULL", &filter);
}

std::vector<TopologyRecoveryRow> read_recently_active_cluster_recoveries(
    soci::session& s, const std::string& cluster_name) {
  RecoveryScope scope;
  scope.cluster_name = cluster_name;
  ScopeFilter filter(scope, false);
  return select_recoveries(s, kRecentlyEnded, &filter);
}

std::vector<TopologyRecoveryRow> read_recently_active_instance_recoveries(
    soci::session& s, const model::InstanceKey& successor) {
  std::vector<TopologyRecoveryRow> out;
  soci::rowset<soci::row> rows =
      (s.prepare << std::string("SELECT ") + kColumns + " FROM topology_recovery WHERE " +
                        kRecentlyEnded +
                        " AND successor_hostname = :h AND successor_port = :p ORDER BY "
                        "recovery_id DESC",
       soci::use(successor.hostname), soci::use(successor.port));
  for (const auto& r : rows) out.push_back(to_recovery(r));
  return out;
}

std::vector<RecoveryStepRow> read_recovery_steps(soci::session& s, const std::string& uid) {
  std::vector<RecoveryStepRow> out;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(recovery_step_id AS SIGNED), recovery_uid, "
                    "DATE_FORMAT(audit_at, '%Y-%m-%d %H:%i:%s'), message FROM "
                    "topology_recovery_steps WHERE recovery_uid = :u ORDER BY recovery_step_id",
       soci::use(uid));
  for (const auto& r : rows)
    out.push_back(
        {int_at(r, 0), r.get<std::string>(1), r.get<std::string>(2, ""), r.get<std::string>(3)});
  return out;
}

std::vector<BlockedRecoveryRow> read_blocked_recoveries(soci::session& s,
                                                        const std::optional<std::string>& cluster) {
  std::string sql =
      "SELECT hostname, CAST(port AS SIGNED), cluster_name, analysis, "
      "DATE_FORMAT(last_blocked_timestamp, '%Y-%m-%d %H:%i:%s'), "
      "CAST(IFNULL(blocking_recovery_id, 0) AS SIGNED) FROM blocked_topology_recovery";
  if (cluster) sql += " WHERE cluster_name = :c";
  sql += " ORDER BY last_blocked_timestamp DESC, hostname, port";
  std::vector<BlockedRecoveryRow> out;
  auto add = [&out](const soci::row& r) {
    BlockedRecoveryRow b;
    b.key = {r.get<std::string>(0), static_cast<int>(int_at(r, 1))};
    b.cluster_name = r.get<std::string>(2);
    b.analysis = r.get<std::string>(3);
    b.last_blocked_timestamp = r.get<std::string>(4, "");
    b.blocking_recovery_id = int_at(r, 5);
    out.push_back(std::move(b));
  };
  if (cluster) {
    soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(*cluster));
    for (const auto& r : rows) add(r);
  } else {
    soci::rowset<soci::row> rows = (s.prepare << sql);
    for (const auto& r : rows) add(r);
  }
  return out;
}

}  // namespace orc::storage
