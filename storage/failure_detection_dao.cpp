// topology_failure_detection (S8).

#include "storage/failure_detection_dao.hpp"

#include "storage/soci_rows.hpp"

#include <soci/soci.h>

#include "storage/backend.hpp"

namespace orc::storage {

namespace {

constexpr int kCloseAttempts = 5;
constexpr int kDuplicateKey = 1062;

const char* kColumns =
    "CAST(detection_id AS SIGNED), hostname, CAST(port AS SIGNED), "
    "CAST(in_active_period AS SIGNED), "
    "DATE_FORMAT(start_active_period, '%Y-%m-%d %H:%i:%s'), "
    "CAST(end_active_period_unixtime AS SIGNED), processing_node_hostname, "
    "processcing_node_token, analysis, cluster_name, cluster_alias, "
    "CAST(count_affected_slaves AS SIGNED), slave_hosts, CAST(is_actionable AS SIGNED), "
    "CAST(IFNULL((SELECT MAX(r.recovery_id) FROM topology_recovery r WHERE "
    "r.last_detection_id = topology_failure_detection.detection_id), 0) AS SIGNED)";

FailureDetection to_detection(const soci::row& r) {
  FailureDetection d;
  d.id = int_at(r, 0);
  d.key.hostname = r.get<std::string>(1);
  d.key.port = static_cast<int>(int_at(r, 2));
  d.in_active_period = int_at(r, 3) != 0;
  d.start_active_period = r.get<std::string>(4, "");
  d.end_active_period_unixtime = int_at(r, 5);
  d.processing_node_hostname = r.get<std::string>(6);
  d.processing_node_token = r.get<std::string>(7);
  d.analysis = r.get<std::string>(8);
  d.cluster_name = r.get<std::string>(9);
  d.cluster_alias = r.get<std::string>(10);
  d.count_affected_slaves = static_cast<int>(int_at(r, 11));
  d.slave_hosts = model::parse_key_list(r.get<std::string>(12));
  d.is_actionable = int_at(r, 13) != 0;
  d.related_recovery_id = int_at(r, 14);
  return d;
}

struct ActiveRow {
  long long id = 0;
  model::InstanceKey key;
  int actionable = 0;
};

/// Ends one detection's active period. The unique key includes end_active_period_unixtime,
/// so two ended detections of one instance in the same second would collide (upstream's
/// acknowledgement even writes the constant 1, so its second acknowledgement of an instance
/// fails). The value is UNIX_TIMESTAMP(), moved past any earlier ended row of the same
/// instance; a concurrent closer picking the same value is retried.
bool close_detection(soci::session& s, const ActiveRow& row) {
  for (int attempt = 1;; ++attempt) {
    long long value = 0;
    s << "SELECT CAST(GREATEST(UNIX_TIMESTAMP(), IFNULL(MAX(end_active_period_unixtime), 0) + 1) "
         "AS SIGNED) FROM topology_failure_detection WHERE hostname = :h AND port = :p AND "
         "is_actionable = :a AND in_active_period = 0",
        soci::use(row.key.hostname), soci::use(row.key.port), soci::use(row.actionable),
        soci::into(value);
    try {
      soci::statement st =
          (s.prepare << "UPDATE topology_failure_detection SET in_active_period = 0, "
                        "end_active_period_unixtime = :v WHERE detection_id = :id AND "
                        "in_active_period = 1",
           soci::use(value), soci::use(row.id));
      st.execute(true);
      return st.get_affected_rows() > 0;
    } catch (const soci::soci_error& e) {
      if (attempt == kCloseAttempts ||
          (mysql_error_code(e) != kDuplicateKey && !is_retryable_conflict(e)))
        throw;
    }
  }
}

int close_active(soci::session& s, const std::string& where, const DetectionScope* scope) {
  std::vector<ActiveRow> rows;
  ActiveRow row;
  long long port = 0;
  std::string sql =
      "SELECT CAST(detection_id AS SIGNED), hostname, CAST(port AS SIGNED), "
      "CAST(is_actionable AS SIGNED) FROM topology_failure_detection WHERE in_active_period = 1 "
      "AND " +
      where + " ORDER BY detection_id";
  long long actionable = 0;
  soci::statement st(s);
  st.exchange(soci::into(row.id));
  st.exchange(soci::into(row.key.hostname));
  st.exchange(soci::into(port));
  st.exchange(soci::into(actionable));
  if (scope && scope->cluster_name) st.exchange(soci::use(*scope->cluster_name));
  if (scope && scope->key) {
    st.exchange(soci::use(scope->key->hostname));
    st.exchange(soci::use(scope->key->port));
  }
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    row.key.port = static_cast<int>(port);
    row.actionable = static_cast<int>(actionable);
    rows.push_back(row);
  }
  int closed = 0;
  for (const auto& r : rows) closed += close_detection(s, r) ? 1 : 0;
  return closed;
}

}  // namespace

std::optional<int64_t> register_failure_detection(soci::session& s, const DetectionRecord& d) {
  const std::string replicas = model::join_keys(d.replicas);
  const int actionable = d.is_actionable ? 1 : 0;
  const std::string start = d.start_active_period.empty() ? "NOW()" : ":start";
  soci::statement st(s);
  st.exchange(soci::use(d.key.hostname));
  st.exchange(soci::use(d.key.port));
  st.exchange(soci::use(d.node.hostname));
  st.exchange(soci::use(d.node.token));
  st.exchange(soci::use(d.analysis));
  st.exchange(soci::use(d.cluster_name));
  st.exchange(soci::use(d.cluster_alias));
  st.exchange(soci::use(d.count_replicas));
  st.exchange(soci::use(replicas));
  st.exchange(soci::use(actionable));
  if (!d.start_active_period.empty()) st.exchange(soci::use(d.start_active_period));
  st.alloc();
  st.prepare(
      "INSERT IGNORE INTO topology_failure_detection (hostname, port, in_active_period, "
      "end_active_period_unixtime, processing_node_hostname, processcing_node_token, analysis, "
      "cluster_name, cluster_alias, count_affected_slaves, slave_hosts, is_actionable, "
      "start_active_period) VALUES (:h, :p, 1, 0, :nh, :nt, :a, :c, :ca, :n, :sh, :act, " +
      start + ")");
  st.define_and_bind();
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  long long id = 0;
  s.get_last_insert_id("topology_failure_detection", id);
  return id;
}

int clear_expired_failure_detections(soci::session& s, int block_minutes) {
  return close_active(
      s, "start_active_period < NOW() - INTERVAL " + std::to_string(block_minutes) + " MINUTE",
      nullptr);
}

int acknowledge_failure_detections(soci::session& s, const DetectionScope& scope) {
  if (scope.key) return close_active(s, "hostname = :h AND port = :p", &scope);
  if (scope.cluster_name) return close_active(s, "cluster_name = :c", &scope);
  return close_active(s, "1 = 1", nullptr);
}

std::vector<FailureDetection> read_failure_detections(soci::session& s, int limit, int offset,
                                                      const std::optional<std::string>& cluster) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM topology_failure_detection";
  if (cluster) sql += " WHERE (cluster_name = :c OR cluster_alias = :c2)";
  sql += " ORDER BY detection_id DESC LIMIT " + std::to_string(std::max(0, limit)) + " OFFSET " +
         std::to_string(std::max(0, offset));
  std::vector<FailureDetection> out;
  if (cluster) {
    soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(*cluster), soci::use(*cluster));
    for (const auto& r : rows) out.push_back(to_detection(r));
  } else {
    soci::rowset<soci::row> rows = (s.prepare << sql);
    for (const auto& r : rows) out.push_back(to_detection(r));
  }
  return out;
}

std::optional<FailureDetection> read_failure_detection(soci::session& s, int64_t id) {
  long long wanted = id;
  soci::rowset<soci::row> rows =
      (s.prepare << std::string("SELECT ") + kColumns +
                        " FROM topology_failure_detection WHERE detection_id = :id",
       soci::use(wanted));
  for (const auto& r : rows) return to_detection(r);
  return std::nullopt;
}

}  // namespace orc::storage
