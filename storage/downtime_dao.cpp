// database_instance_downtime (S9).

#include "storage/downtime_dao.hpp"

#include "storage/soci_rows.hpp"

#include <soci/soci.h>

namespace orc::storage {

namespace {

const char* kInForce = "dd.downtime_active = 1 AND IFNULL(dd.end_timestamp, NOW()) > NOW()";

DowntimeRow to_row(const soci::row& r) {
  DowntimeRow d;
  d.key.hostname = r.get<std::string>(0);
  d.key.port = static_cast<int>(int_at(r, 1));
  d.owner = r.get<std::string>(2);
  d.reason = r.get<std::string>(3);
  d.begin_timestamp = r.get<std::string>(4);
  d.end_timestamp = r.get<std::string>(5);
  d.seconds_remaining = int_at(r, 6);
  return d;
}

}  // namespace

void begin_downtime(soci::session& s, const model::InstanceKey& key, const std::string& owner,
                    const std::string& reason, int seconds) {
  const int duration = seconds > 0 ? seconds : kDefaultDowntimeSeconds;
  // FROM_UNIXTIME(2^31-1) is the last TIMESTAMP second (see maintenance_dao).
  s << "INSERT INTO database_instance_downtime (hostname, port, downtime_active, "
       "begin_timestamp, end_timestamp, owner, reason) VALUES (:h, :p, 1, NOW(), "
       "LEAST(NOW() + INTERVAL :d SECOND, FROM_UNIXTIME(2147483647)), :o, :r) "
       "ON DUPLICATE KEY UPDATE downtime_active = VALUES(downtime_active), "
       "begin_timestamp = VALUES(begin_timestamp), end_timestamp = VALUES(end_timestamp), "
       "owner = VALUES(owner), reason = VALUES(reason)",
      soci::use(key.hostname), soci::use(key.port), soci::use(duration), soci::use(owner),
      soci::use(reason);
}

bool end_downtime(soci::session& s, const model::InstanceKey& key) {
  soci::statement st = (s.prepare << "DELETE FROM database_instance_downtime WHERE hostname = :h "
                                     "AND port = :p",
                        soci::use(key.hostname), soci::use(key.port));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

bool is_downtimed(soci::session& s, const model::InstanceKey& key) {
  long long count = 0;
  s << "SELECT COUNT(*) FROM database_instance_downtime dd WHERE dd.hostname = :h AND "
       "dd.port = :p AND " +
           std::string(kInForce),
      soci::use(key.hostname), soci::use(key.port), soci::into(count);
  return count > 0;
}

std::vector<DowntimeRow> read_downtimed(soci::session& s,
                                        const std::optional<std::string>& cluster_name) {
  std::string sql =
      "SELECT dd.hostname, CAST(dd.port AS SIGNED), dd.owner, dd.reason, "
      "IFNULL(DATE_FORMAT(dd.begin_timestamp, '%Y-%m-%d %H:%i:%s'), ''), "
      "IFNULL(DATE_FORMAT(dd.end_timestamp, '%Y-%m-%d %H:%i:%s'), ''), "
      "CAST(IFNULL(TIMESTAMPDIFF(SECOND, NOW(), dd.end_timestamp), 0) AS SIGNED) "
      "FROM database_instance_downtime dd";
  if (cluster_name)
    sql += " JOIN database_instance di ON di.hostname = dd.hostname AND di.port = dd.port";
  sql += " WHERE " + std::string(kInForce);
  if (cluster_name) sql += " AND di.cluster_name = :c";
  sql += " ORDER BY dd.hostname, dd.port";
  std::vector<DowntimeRow> out;
  if (cluster_name) {
    soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(*cluster_name));
    for (const auto& r : rows) out.push_back(to_row(r));
  } else {
    soci::rowset<soci::row> rows = (s.prepare << sql);
    for (const auto& r : rows) out.push_back(to_row(r));
  }
  return out;
}

int expire_downtime(soci::session& s) {
  soci::statement st =
      (s.prepare << "DELETE FROM database_instance_downtime WHERE end_timestamp < NOW()");
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

int end_lost_in_recovery_downtime_of_replicating(soci::session& s) {
  soci::statement st =
      (s.prepare << "DELETE dd FROM database_instance_downtime dd"
                    " JOIN database_instance di ON di.hostname = dd.hostname AND di.port = dd.port"
                    " WHERE dd.reason = 'lost-in-recovery'"
                    " AND di.slave_io_running = 1 AND di.slave_sql_running = 1"
                    " AND di.last_checked <= di.last_seen"
                    " AND di.last_checked > IFNULL(dd.begin_timestamp, NOW())");
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace orc::storage
