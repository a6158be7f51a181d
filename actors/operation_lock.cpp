// Operation lock rows through maintenance_dao.

#include "actors/operation_lock.hpp"

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
