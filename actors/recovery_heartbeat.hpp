#pragma once
// The liveness of one running recovery. Whoever runs a recovery (the leader's recovery actor,
// an API handler on any node, a CLI process) refreshes last_heartbeat on its topology_recovery
// row every second from a thread of its own, so the row says by itself whether its owner is
// alive: a slow hook or a CLI process that reports no node_health no longer reads as a crash,
// and an owner killed with -9 stops beating and is acknowledged as crashed by the leader.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "actors/recovery.hpp"

namespace orc::actors {

/// How often a running recovery refreshes its heartbeat.
constexpr std::chrono::milliseconds kRecoveryHeartbeatInterval{1000};
/// A running recovery whose heartbeat is older than this is taken for crashed by the leader.
/// Several intervals: a beat goes through the owner's backend queue (the storage actor), which
/// may be busy for a moment.
constexpr int kRecoveryHeartbeatStaleSeconds = 10;

/// Refreshes the heartbeat of recovery `recovery_id` through `backend` every `interval` until
/// stopped (or destroyed). The thread owns copies of everything it uses, and stop() joins it,
/// so it never outlives its owner. A failed beat is logged and retried at the next interval.
class RecoveryHeartbeat {
 public:
  RecoveryHeartbeat(BackendRunner backend, int64_t recovery_id,
                    std::chrono::milliseconds interval = kRecoveryHeartbeatInterval);
  ~RecoveryHeartbeat();
  RecoveryHeartbeat(const RecoveryHeartbeat&) = delete;
  RecoveryHeartbeat& operator=(const RecoveryHeartbeat&) = delete;

  /// Stops beating and waits for a beat in flight; idempotent.
  void stop();

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable wake;
    bool stopped = false;
  };
  /// The loop of the thread; takes copies only.
  static void run(std::shared_ptr<Shared> shared, BackendRunner backend, int64_t recovery_id,
                  std::chrono::milliseconds interval);

  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

}  // namespace orc::actors
