#include "model/replication_rules.hpp"

#include <cstdlib>

namespace orc::model {

int binlog_format_rank(const std::string& format) {
  if (format == "STATEMENT") return 0;
  if (format == "MIXED") return 1;
  return 2;
}

int compare_major_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    char* end = nullptr;
    long major = std::strtol(v.c_str(), &end, 10);
    long minor = (end && *end == '.') ? std::strtol(end + 1, nullptr, 10) : 0;
    return std::pair<long, long>(major, minor);
  };
  auto pa = parts(a), pb = parts(b);
  if (pa < pb) return -1;
  if (pb < pa) return 1;
  return 0;
}

ReplicationVerdict can_replicate_from(const Instance& replica, const Instance& source,
                                      int reasonable_maintenance_lag_seconds) {
  auto no = [](std::string why) { return ReplicationVerdict{false, std::move(why)}; };
  if (replica.key == source.key)
    return no("instance cannot replicate from itself: " + replica.key.str());
  if (!source.log_bin_enabled)
    return no("instance does not have binary logs enabled: " + source.key.str());
  if (source.is_replica() && !source.log_slave_updates_enabled)
    return no("instance does not have log_slave_updates enabled: " + source.key.str());
  if (!replica.binlog_server && !replica.major_version.empty() && !source.major_version.empty() &&
      compare_major_versions(replica.major_version, source.major_version) < 0)
    return no("instance " + replica.key.str() + " has version " + replica.version +
              ", which is lower than " + source.version + " on " + source.key.str());
  if (replica.log_bin_enabled && replica.log_slave_updates_enabled &&
      binlog_format_rank(replica.binlog_format) < binlog_format_rank(source.binlog_format))
    return no("Cannot replicate from " + source.binlog_format + " binlog format on " +
              source.key.str() + " to " + replica.binlog_format + " on " + replica.key.str());
  if (!replica.binlog_server && replica.server_id == source.server_id)
    return no("Identical server id: " + replica.key.str() + ", " + source.key.str() +
              " both have " + std::to_string(replica.server_id));
  if (!replica.binlog_server && !replica.server_uuid.empty() &&
      replica.server_uuid == source.server_uuid)
    return no("Identical server UUID: " + replica.key.str() + ", " + source.key.str() +
              " both have " + replica.server_uuid);
  if (replica.sql_delay<source.sql_delay&& static_cast<int64_t>(source.sql_delay)>
          reasonable_maintenance_lag_seconds)
    return no(source.key.str() + " has higher SQL_Delay (" + std::to_string(source.sql_delay) +
              " seconds) than " + replica.key.str() + " does (" +
              std::to_string(replica.sql_delay) + " seconds)");
  return {true, ""};
}

}  // namespace orc::model
