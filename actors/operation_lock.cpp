// Operation lock rows through maintenance_dao.

#include "actors/operation_lock.hpp"

#include <optional>
#include <utility>

#include "actors/storage_client.hpp"
#include "storage/maintenance_dao.hpp"

namespace orc::actors {

int64_t take_operation_lock(soci::session& backend, const model::InstanceKey& key,
                            const model::NodeIdentity& node, const std::string& command) {
  auto result = storage::begin_maintenance(backend, key, kOperationLockOwner, command,
                                           storage::kDefaultMaintenanceSeconds, node, false);
  if (!result.acquired) throw OperationRefused(result.refusal_message(key));
  return result.token;
}

void release_operation_lock(soci::session& backend, int64_t token) {
  storage::end_maintenance_by_id(backend, token);
}

int64_t take_operation_lock(const StorageLane& lane, const model::InstanceKey& key,
                            const model::NodeIdentity& node, const std::string& command) {
  // The refusal travels back as a value: a job's exception would become a storage error.
  using Outcome = std::pair<int64_t, std::optional<std::string>>;
  auto outcome = lane.call_or_throw<Outcome>([key, node, command](soci::session& s) {
    try {
      return Outcome{take_operation_lock(s, key, node, command), std::nullopt};
    } catch (const OperationRefused& e) {
      return Outcome{0, std::string(e.what())};
    }
  });
  if (outcome.second) throw OperationRefused(*outcome.second);
  return outcome.first;
}

void release_operation_lock(const StorageLane& lane, int64_t token) {
  lane.call_or_throw<bool>([token](soci::session& s) {
    release_operation_lock(s, token);
    return true;
  });
}

void run_locked(soci::session& backend, const model::InstanceKey& key,
                const model::NodeIdentity& node, const std::string& command,
                const std::function<void()>& op) {
  const int64_t token = take_operation_lock(backend, key, node, command);
  try {
    op();
  } catch (...) {
    release_operation_lock(backend, token);
    throw;
  }
  release_operation_lock(backend, token);
}

}  // namespace orc::actors
