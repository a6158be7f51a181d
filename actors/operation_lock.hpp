#pragma once
// The per-instance operation lock (contract §F.8, schema S7): every replication control or
// refactoring command first inserts an automatic maintenance row for its instance, so two
// nodes, or a node and a CLI run, never act on one server at once, and an operator's
// begin-maintenance keeps every command off it. Plain functions over a backend session (the
// CLI runs them directly), and variants running them as jobs of a storage lane (the API).

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "model/instance_key.hpp"
#include "model/node_identity.hpp"

namespace soci {
class session;
}

namespace orc::actors {

struct StorageLane;

/// The lock is held by someone else; what() is BeginMaintenanceResult::refusal_message (owner,
/// node, since when, reason), so the user learns whom to ask.
struct OperationRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Owner recorded on automatic locks, as upstream.
inline constexpr const char* kOperationLockOwner = "orchestrator";

/// Takes the lock for `command` on `key`: an unbounded row (explicitly_bounded = 0, so it also
/// ends when `node` stops reporting health) of upstream's 10-minute duration, owner
/// kOperationLockOwner, reason = `command`. Returns the maintenance token. Throws
/// OperationRefused when the lock is held, soci errors when the backend fails.
int64_t take_operation_lock(soci::session& backend, const model::InstanceKey& key,
                            const model::NodeIdentity& node, const std::string& command);

/// Ends the row taken by take_operation_lock (kept as history, maintenance_active NULL).
void release_operation_lock(soci::session& backend, int64_t token);

/// take_operation_lock as a job of `lane` (the control lane in the service, so that locks never
/// wait behind probe flushes): the job owns copies of its arguments and returns the token by
/// value. Throws OperationRefused when the lock is held, StorageError when the job failed or
/// was not run (its caller gave up while it was queued: then no row was taken).
int64_t take_operation_lock(const StorageLane& lane, const model::InstanceKey& key,
                            const model::NodeIdentity& node, const std::string& command);

/// release_operation_lock as a job of `lane`; throws StorageError (the row then stays until its
/// duration or the node's health expiry ends it).
void release_operation_lock(const StorageLane& lane, int64_t token);

/// take_operation_lock, `op`, then release_operation_lock, also when `op` throws (its
/// exception is then rethrown). Nothing of `op` runs when the lock is refused.
void run_locked(soci::session& backend, const model::InstanceKey& key,
                const model::NodeIdentity& node, const std::string& command,
                const std::function<void()>& op);

}  // namespace orc::actors
