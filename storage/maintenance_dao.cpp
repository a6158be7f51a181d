// database_instance_maintenance (S7). The unique key (maintenance_active, hostname, port) is
// the lock: NULLs never collide, so ended rows stay as history while at most one active row
// exists per instance.

#include "storage/maintenance_dao.hpp"

#include "storage/soci_rows.hpp"

#include <soci/soci.h>

#include <chrono>
#include <thread>

#include "storage/backend.hpp"

namespace orc::storage {

namespace {

constexpr int kAttempts = 5;

const char* kColumns =
    "CAST(database_instance_maintenance_id AS SIGNED), hostname, CAST(port AS SIGNED), "
    "IFNULL(owner, ''), IFNULL(reason, ''), "
    "IFNULL(DATE_FORMAT(begin_timestamp, '%Y-%m-%d %H:%i:%s'), ''), "
    "IFNULL(DATE_FORMAT(end_timestamp, '%Y-%m-%d %H:%i:%s'), ''), "
    "processing_node_hostname, processing_node_token, CAST(explicitly_bounded AS SIGNED), "
    "CAST(IFNULL(maintenance_active, 0) AS SIGNED), "
    "CAST(IFNULL(TIMESTAMPDIFF(SECOND, begin_timestamp, NOW()), 0) AS SIGNED)";

MaintenanceLock to_lock(const soci::row& r) {
  MaintenanceLock m;
  m.id = int_at(r, 0);
  m.key.hostname = r.get<std::string>(1);
  m.key.port = static_cast<int>(int_at(r, 2));
  m.owner = r.get<std::string>(3);
  m.reason = r.get<std::string>(4);
  m.begin_timestamp = r.get<std::string>(5);
  m.end_timestamp = r.get<std::string>(6);
  m.processing_node_hostname = r.get<std::string>(7);
  m.processing_node_token = r.get<std::string>(8);
  m.explicitly_bounded = int_at(r, 9) != 0;
  m.active = int_at(r, 10) == 1;
  m.seconds_elapsed = int_at(r, 11);
  return m;
}

std::vector<MaintenanceLock> read_locks(soci::session& s, const std::string& where,
                                        const model::InstanceKey* key) {
  std::vector<MaintenanceLock> out;
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM database_instance_maintenance WHERE " + where +
                    " ORDER BY database_instance_maintenance_id";
  if (key) {
    soci::rowset<soci::row> rows =
        (s.prepare << sql, soci::use(key->hostname, "h"), soci::use(key->port, "p"));
    for (const auto& r : rows) out.push_back(to_lock(r));
  } else {
    soci::rowset<soci::row> rows = (s.prepare << sql);
    for (const auto& r : rows) out.push_back(to_lock(r));
  }
  return out;
}

/// Deletes this instance's expired active row, if any. Checked with a plain (non-locking)
/// read first: a DELETE takes gap locks even when it finds nothing, and those deadlock with
/// concurrent INSERTs. This way only the rare race over an expired row meets deadlocks, and
/// begin_maintenance retries them.
void delete_expired_lock(soci::session& s, const model::InstanceKey& key) {
  long long expired = 0;
  s << "SELECT COUNT(*) FROM database_instance_maintenance WHERE maintenance_active = 1 AND "
       "hostname = :h AND port = :p AND end_timestamp < NOW()",
      soci::use(key.hostname), soci::use(key.port), soci::into(expired);
  if (expired == 0) return;
  s << "DELETE FROM database_instance_maintenance WHERE maintenance_active = 1 AND "
       "hostname = :h AND port = :p AND end_timestamp < NOW()",
      soci::use(key.hostname), soci::use(key.port);
}

int affected(soci::statement& st) {
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace

std::string BeginMaintenanceResult::refusal_message(const model::InstanceKey& key) const {
  if (acquired) return "";
  if (!holder)
    return "Cannot begin maintenance on " + key.str() + ": it is already under maintenance";
  const auto& h = *holder;
  return "Cannot begin maintenance on " + key.str() + ": held by " + h.owner + " (node " +
         h.processing_node_hostname + ") since " + h.begin_timestamp + " until " + h.end_timestamp +
         ": " + h.reason;
}

BeginMaintenanceResult begin_maintenance(soci::session& s, const model::InstanceKey& key,
                                         const std::string& owner, const std::string& reason,
                                         int seconds, const model::NodeIdentity& node,
                                         bool explicitly_bounded) {
  const int duration = seconds > 0 ? seconds : kDefaultMaintenanceSeconds;
  const int bounded = explicitly_bounded ? 1 : 0;
  BeginMaintenanceResult result;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    try {
      delete_expired_lock(s, key);
      // FROM_UNIXTIME(2^31-1) is the last TIMESTAMP second: a longer duration would store
      // an invalid end (an error in strict mode, a zero date otherwise).
      soci::statement insert =
          (s.prepare << "INSERT IGNORE INTO database_instance_maintenance (hostname, port, "
                        "maintenance_active, begin_timestamp, end_timestamp, owner, reason, "
                        "processing_node_hostname, processing_node_token, explicitly_bounded) "
                        "VALUES (:h, :p, 1, NOW(), LEAST(NOW() + INTERVAL :d SECOND, "
                        "FROM_UNIXTIME(2147483647)), :o, :r, :nh, :nt, :b)",
           soci::use(key.hostname), soci::use(key.port), soci::use(duration), soci::use(owner),
           soci::use(reason), soci::use(node.hostname), soci::use(node.token), soci::use(bounded));
      insert.execute(true);
      if (affected(insert) == 1) {
        long long id = 0;
        s.get_last_insert_id("database_instance_maintenance", id);
        result.acquired = true;
        result.token = id;
        result.holder.reset();
        return result;
      }
      auto holders = read_locks(s, "maintenance_active = 1 AND hostname = :h AND port = :p", &key);
      if (!holders.empty()) {
        result.holder = holders.front();
        return result;
      }
      // The holder ended its lock between our INSERT and the read: try again.
    } catch (const soci::soci_error& e) {
      if (!is_retryable_conflict(e) || attempt == kAttempts) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    }
  }
  return result;
}

bool end_maintenance(soci::session& s, const model::InstanceKey& key) {
  soci::statement st =
      (s.prepare << "UPDATE database_instance_maintenance SET maintenance_active = NULL, "
                    "end_timestamp = NOW() WHERE hostname = :h AND port = :p AND "
                    "maintenance_active = 1",
       soci::use(key.hostname), soci::use(key.port));
  st.execute(true);
  return affected(st) > 0;
}

bool end_maintenance_by_id(soci::session& s, int64_t id) {
  long long token = id;
  soci::statement st =
      (s.prepare << "UPDATE database_instance_maintenance SET maintenance_active = NULL, "
                    "end_timestamp = NOW() WHERE database_instance_maintenance_id = :id AND "
                    "maintenance_active = 1",
       soci::use(token));
  st.execute(true);
  return affected(st) > 0;
}

std::optional<MaintenanceLock> active_maintenance(soci::session& s, const model::InstanceKey& key) {
  auto locks = read_locks(
      s, "maintenance_active = 1 AND hostname = :h AND port = :p AND end_timestamp > NOW()", &key);
  if (locks.empty()) return std::nullopt;
  return locks.front();
}

std::vector<MaintenanceLock> read_active_maintenance(soci::session& s) {
  return read_locks(s, "maintenance_active = 1", nullptr);
}

int expire_maintenance(soci::session& s) {
  int deleted = 0;
  {
    soci::statement st =
        (s.prepare << "DELETE FROM database_instance_maintenance WHERE maintenance_active IS "
                      "NULL AND end_timestamp < NOW() - INTERVAL " +
                          std::to_string(kMaintenancePurgeDays) + " DAY");
    st.execute(true);
    deleted += affected(st);
  }
  {
    soci::statement st = (s.prepare << "DELETE FROM database_instance_maintenance WHERE "
                                       "maintenance_active = 1 AND end_timestamp < NOW()");
    st.execute(true);
    deleted += affected(st);
  }
  {
    // Upstream deletes such rows whatever their state; ended ones are kept here as history
    // until the age purge above.
    soci::statement st =
        (s.prepare << "DELETE FROM database_instance_maintenance WHERE maintenance_active = 1 "
                      "AND explicitly_bounded = 0 AND NOT EXISTS (SELECT 1 FROM node_health h "
                      "WHERE h.hostname = database_instance_maintenance.processing_node_hostname "
                      "AND h.token = database_instance_maintenance.processing_node_token AND "
                      "h.last_seen_active > NOW() - INTERVAL " +
                          std::to_string(kMaintenanceNodeGraceSeconds) + " SECOND)");
    st.execute(true);
    deleted += affected(st);
  }
  return deleted;
}

}  // namespace orc::storage
