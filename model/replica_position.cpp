#include "model/replica_position.hpp"

namespace orc::model {

namespace {

std::optional<ReplicaPosition> parse_mariadb(const std::string& text, std::string* error) {
  std::string err;
  auto parsed = MariadbGtidPosition::parse(text, &err);
  if (!parsed) {
    if (error) *error = "unparseable GTID position: " + err;
    return std::nullopt;
  }
  ReplicaPosition p;
  p.kind = ReplicaPosition::Kind::MariaDB;
  p.mariadb = *parsed;
  return p;
}

/// executed_gtid_set, minus gtid_errant when `without_errant`; needs gtid_mode=ON.
std::optional<ReplicaPosition> parse_mysql(const Instance& i, bool without_errant,
                                           std::string* error) {
  if (i.gtid_mode != "ON") {
    if (error) *error = "GTID position unknown (gtid_mode is not ON)";
    return std::nullopt;
  }
  std::string err;
  auto executed = GtidSet::parse(i.executed_gtid_set, &err);
  std::optional<GtidSet> errant =
      without_errant ? GtidSet::parse(i.gtid_errant, &err) : std::optional<GtidSet>(GtidSet());
  if (!executed || !errant) {
    if (error) *error = "unparseable GTID set: " + err;
    return std::nullopt;
  }
  ReplicaPosition p;
  p.kind = ReplicaPosition::Kind::MySQL;
  p.mysql = executed->subtract(*errant);
  return p;
}

}  // namespace

std::string ReplicaPosition::to_string() const {
  return kind == Kind::MariaDB ? mariadb.to_string() : mysql.to_string(",");
}

std::optional<ReplicaPosition> replica_position(const Instance& replica, std::string* error) {
  if (replica.is_mariadb())
    return parse_mariadb(replica.mariadb_gtid_slave_pos.empty() ? replica.executed_gtid_set
                                                                : replica.mariadb_gtid_slave_pos,
                         error);
  return parse_mysql(replica, true, error);
}

std::optional<ReplicaPosition> source_position(const Instance& source, std::string* error) {
  if (source.is_mariadb())
    return parse_mariadb(source.mariadb_gtid_binlog_pos.empty() ? source.executed_gtid_set
                                                                : source.mariadb_gtid_binlog_pos,
                         error);
  return parse_mysql(source, false, error);
}

GtidOrder compare_positions(const ReplicaPosition& a, const ReplicaPosition& b) {
  if (a.kind != b.kind) return GtidOrder::Incomparable;
  if (a.kind == ReplicaPosition::Kind::MariaDB) return compare(a.mariadb, b.mariadb);
  if (a.mysql == b.mysql) return GtidOrder::Equal;
  if (a.mysql.contains(b.mysql)) return GtidOrder::Ahead;
  if (b.mysql.contains(a.mysql)) return GtidOrder::Behind;
  return GtidOrder::Incomparable;
}

}  // namespace orc::model
