#pragma once
// The GTID position of a server in its flavour's terms, and how two positions compare.
// Shared by every decision that must not lose or invent transactions: which replica to
// promote, whether a better master may replace the promoted one, where orphans may go.
//
// Positions are only partially ordered: two servers that applied different transactions
// are Incomparable, and callers must treat that as "diverged", never as behind or ahead.

#include <optional>
#include <string>

#include "model/gtid.hpp"
#include "model/instance.hpp"

namespace orc::model {

/// A GTID position of one flavour; `mariadb` is set for Kind::MariaDB, `mysql` for Kind::MySQL.
struct ReplicaPosition {
  enum class Kind { MariaDB, MySQL };
  Kind kind = Kind::MariaDB;
  MariadbGtidPosition mariadb;
  GtidSet mysql;

  /// The position as the server prints it (MySQL sets on one line), for audit lines.
  std::string to_string() const;
};

/// What `replica` applied from the replication stream, the position to compare replicas by.
///
/// MariaDB: gtid_slave_pos (without the replica's own local writes, which would otherwise
/// make a replica with errant writes look more advanced), or gtid_current_pos
/// (executed_gtid_set) when the slave position is unknown. MySQL: executed_gtid_set minus
/// gtid_errant, and only with gtid_mode=ON. Returns nullopt, with the reason in `error` when
/// given, when the position is unknown or unparseable: such a server can be neither compared
/// nor safely moved.
std::optional<ReplicaPosition> replica_position(const Instance& replica,
                                                std::string* error = nullptr);

/// The transactions `source` can serve to replicas that connect to it, the position a new
/// master must contain. Differs from replica_position for a server that is, or was, a
/// master: its gtid_slave_pos is stale or empty while its binary log holds everything.
///
/// MariaDB: gtid_binlog_pos, or gtid_current_pos (executed_gtid_set) when the binlog position
/// is unknown (it is not persisted in the backend). MySQL: executed_gtid_set, errant
/// transactions included (a replica that lacks them still connects), with gtid_mode=ON.
/// Returns nullopt, with the reason in `error` when given, when unknown or unparseable.
std::optional<ReplicaPosition> source_position(const Instance& source,
                                               std::string* error = nullptr);

/// Where `a` stands relative to `b`: for MariaDB the per-domain comparison of compare()
/// (server_id ignored), for MySQL set containment. Positions of different flavours are
/// Incomparable.
GtidOrder compare_positions(const ReplicaPosition& a, const ReplicaPosition& b);

}  // namespace orc::model
