#include "storage/election_dao.hpp"

#include <soci/soci.h>

namespace orc::storage {

namespace {

std::string lease_interval(int lease_ms) {
  return "INTERVAL " + std::to_string(static_cast<long long>(lease_ms) * 1000) + " MICROSECOND";
}

uint64_t read_epoch(soci::session& s, const model::NodeIdentity& me) {
  long long epoch = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT CAST(epoch AS SIGNED) FROM active_node WHERE anchor = 1 AND hostname = :h AND "
       "token = :t",
      soci::into(epoch, ind), soci::use(me.hostname), soci::use(me.token);
  return s.got_data() && ind == soci::i_ok ? static_cast<uint64_t>(epoch) : 0;
}

const char* kTimestamp = "%Y-%m-%d %H:%i:%s";

}  // namespace

LeaseOutcome acquire_or_renew_lease(soci::session& s, const model::NodeIdentity& me, int lease_ms,
                                    bool holding) {
  // One statement for every case: insert when the row is missing, renew our own lease, take an
  // expired one (new epoch), or change nothing while another node's lease is live. MySQL
  // evaluates the ODKU assignments left to right, so each sees the columns already updated;
  // the order below keeps OWN/FREE meaningful at every step. A row deleted by an upstream-style
  // reelect restarts at epoch UNIX_TIMESTAMP(), above any epoch counted up from there.
  // Only a live lease is renewed as the same term: an expired one (even our own, e.g. after
  // a freeze or /api/reelect) starts a new term with a new epoch.
  const std::string own =
      "(hostname = VALUES(hostname) AND token = VALUES(token) AND lease_expires_at >= NOW(3))";
  const std::string free = "(lease_expires_at IS NULL OR lease_expires_at < NOW(3))";
  const std::string take = "(" + own + " OR " + free + ")";
  soci::statement st =
      (s.prepare << "INSERT INTO active_node (anchor, hostname, token, first_seen_active, "
                    "last_seen_active, epoch, lease_expires_at) VALUES (1, :h, :t, NOW(), NOW(), "
                    "UNIX_TIMESTAMP(), NOW(3) + " +
                        lease_interval(lease_ms) + ") ON DUPLICATE KEY UPDATE epoch = IF(" + own +
                        ", epoch, IF(" + free + ", epoch + 1, epoch)), first_seen_active = IF(" +
                        own + ", first_seen_active, IF(" + free +
                        ", NOW(), first_seen_active)), last_seen_active = IF(" + take +
                        ", NOW(), last_seen_active), hostname = IF(" + take +
                        ", VALUES(hostname), hostname), token = IF(" + take +
                        ", VALUES(token), token), lease_expires_at = IF(" + take +
                        ", VALUES(lease_expires_at), lease_expires_at)",
       soci::use(me.hostname), soci::use(me.token));
  st.execute(true);
  // The affected-row count cannot tell (SOCI's MySQL sessions report found rows, not changed
  // rows), so read the outcome back: one indexed single-row read.
  LeaseOutcome out;
  long long epoch = 0;
  int mine = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT CAST(epoch AS SIGNED), IF(hostname = :h AND token = :t AND lease_expires_at >= "
       "NOW(3), 1, 0) FROM active_node WHERE anchor = 1",
      soci::into(epoch, ind), soci::into(mine), soci::use(me.hostname), soci::use(me.token);
  if (!s.got_data() || mine != 1) return out;
  out.leader = true;
  out.new_term = !holding;
  out.epoch = ind == soci::i_ok ? static_cast<uint64_t>(epoch) : 0;
  return out;
}

GrabOutcome grab_lease(soci::session& s, const model::NodeIdentity& me, int lease_ms) {
  soci::transaction tr(s);
  // FOR UPDATE: the holder's renewals wait for our commit, so the lease end read here is the
  // last one it will ever get for this term.
  long long epoch = 0;
  long long left_us = 0;
  int mine = 0;
  soci::indicator epoch_ind = soci::i_ok;
  s << "SELECT CAST(epoch AS SIGNED), IF(hostname = :h AND token = :t AND lease_expires_at >= "
       "NOW(3), 1, 0), CAST(IFNULL(GREATEST(TIMESTAMPDIFF(MICROSECOND, NOW(3), "
       "lease_expires_at), 0), 0) AS SIGNED) FROM active_node WHERE anchor = 1 FOR UPDATE",
      soci::into(epoch, epoch_ind), soci::into(mine), soci::into(left_us), soci::use(me.hostname),
      soci::use(me.token);
  GrabOutcome out;
  if (s.got_data() && mine == 1) {
    s << "UPDATE active_node SET last_seen_active = NOW(), lease_expires_at = NOW(3) + " +
             lease_interval(lease_ms) + " WHERE anchor = 1";
    out.renewed = true;
  } else {
    out.previous_lease_left_us = s.got_data() ? left_us : 0;
    // A missing row (deleted by an upstream-style reelect) restarts at UNIX_TIMESTAMP(), as
    // in acquire_or_renew_lease.
    s << "INSERT INTO active_node (anchor, hostname, token, first_seen_active, last_seen_active, "
         "epoch, lease_expires_at) VALUES (1, :h, :t, NOW(), NOW(), UNIX_TIMESTAMP(), NOW(3) + " +
             lease_interval(lease_ms) +
             ") ON DUPLICATE KEY UPDATE epoch = epoch + 1, hostname = VALUES(hostname), "
             "token = VALUES(token), first_seen_active = NOW(), last_seen_active = NOW(), "
             "lease_expires_at = VALUES(lease_expires_at)",
        soci::use(me.hostname), soci::use(me.token);
  }
  out.epoch = read_epoch(s, me);
  tr.commit();
  return out;
}

void expire_lease(soci::session& s) {
  // Nobody may renew the current term any more, but nobody may take over before its lease
  // runs out either: the holder (which may be another node) drops at its next renewal, and a
  // new term with a new epoch starts at expiry. Never two leaders, unlike deleting the row.
  s << "UPDATE active_node SET hostname = '', token = '', last_seen_active = '1971-01-01 "
       "00:00:00' WHERE anchor = 1";
}

void release_lease(soci::session& s, const model::NodeIdentity& me) {
  s << "UPDATE active_node SET lease_expires_at = NULL, last_seen_active = '1971-01-01 00:00:00' "
       "WHERE anchor = 1 AND hostname = :h AND token = :t",
      soci::use(me.hostname), soci::use(me.token);
}

void register_node_health(soci::session& s, const model::NodeIdentity& me,
                          const std::string& extra_info, const std::string& command,
                          const std::string& app_version, const std::string& db_backend) {
  s << "INSERT INTO node_health (hostname, token, last_seen_active, extra_info, command, "
       "app_version, first_seen_active, db_backend, incrementing_indicator) VALUES "
       "(:h, :t, NOW(), :e, :c, :v, NOW(), :d, 1) ON DUPLICATE KEY UPDATE "
       "last_seen_active = NOW(), extra_info = VALUES(extra_info), command = VALUES(command), "
       "app_version = VALUES(app_version), db_backend = VALUES(db_backend), "
       "incrementing_indicator = incrementing_indicator + 1",
      soci::use(me.hostname), soci::use(me.token), soci::use(extra_info), soci::use(command),
      soci::use(app_version), soci::use(db_backend);
}

namespace {
NodeHealthRow row_to_node(const soci::row& r) {
  NodeHealthRow n;
  n.hostname = r.get<std::string>(0, "");
  n.token = r.get<std::string>(1, "");
  n.app_version = r.get<std::string>(2, "");
  n.first_seen_active = r.get<std::string>(3, "");
  n.last_seen_active = r.get<std::string>(4, "");
  n.extra_info = r.get<std::string>(5, "");
  n.command = r.get<std::string>(6, "");
  n.db_backend = r.get<std::string>(7, "");
  return n;
}
}  // namespace

std::optional<NodeHealthRow> read_active_node(soci::session& s) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT a.hostname, a.token, IFNULL(h.app_version, ''), "
                    "DATE_FORMAT(a.first_seen_active, '" +
                        std::string(kTimestamp) + "'), DATE_FORMAT(a.last_seen_active, '" +
                        kTimestamp +
                        "'), IFNULL(h.extra_info, ''), IFNULL(h.command, ''), "
                        "IFNULL(h.db_backend, '') FROM active_node a LEFT JOIN node_health h "
                        "ON h.hostname = a.hostname AND h.token = a.token WHERE a.anchor = 1 AND "
                        "a.lease_expires_at >= NOW(3)");
  for (const auto& r : rows) return row_to_node(r);
  return std::nullopt;
}

std::vector<NodeHealthRow> read_available_nodes(soci::session& s, int seconds, bool http_only) {
  std::vector<NodeHealthRow> out;
  std::string sql = "SELECT hostname, token, app_version, DATE_FORMAT(first_seen_active, '" +
                    std::string(kTimestamp) + "'), DATE_FORMAT(last_seen_active, '" + kTimestamp +
                    "'), extra_info, command, db_backend FROM node_health WHERE "
                    "last_seen_active > NOW() - INTERVAL " +
                    std::to_string(seconds) + " SECOND" +
                    (http_only ? " AND extra_info = 'HttpMode'" : "") + " ORDER BY hostname, token";
  soci::rowset<soci::row> rows = (s.prepare << sql);
  for (const auto& r : rows) out.push_back(row_to_node(r));
  return out;
}

int expire_node_health(soci::session& s, int seconds) {
  soci::statement st = (s.prepare << "DELETE FROM node_health WHERE last_seen_active < NOW() - "
                                     "INTERVAL " +
                                         std::to_string(seconds) + " SECOND");
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace orc::storage
