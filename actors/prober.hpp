#pragma once
// The prober: one per watched server, on its own thread, holding one connection to it.

#include <chrono>
#include <memory>

#include "actors/actors.hpp"
#include "actors/leadership.hpp"
#include "storage/backend.hpp"
#include "storage/instance_probe.hpp"

namespace orc::actors {

struct ProberSettings {
  storage::MysqlEndpoint endpoint;  ///< user, password, timeouts; host and port come from the key
  storage::ProbeOptions probe_options;
  std::chrono::milliseconds poll_interval{5000};
  /// A dead host is retried at poll × 2^(failures-1), capped here, so it costs little and
  /// (on its own thread) never delays live hosts.
  std::chrono::milliseconds backoff_max{32000};
  /// Scheduled probes are leader work: a prober whose node's term ended (e.g. a process
  /// resumed after SIGSTOP with overdue timers) stops instead of probing.
  std::shared_ptr<const Leadership> leadership;
};

/// Spawns a detached prober for `key` that reports scheduled results to `parent`.
/// It does not probe until it receives its first tick.
prober_actor spawn_prober(caf::actor_system& sys, const model::InstanceKey& key,
                          std::shared_ptr<const ProberSettings> settings, caf::actor parent);

/// Probes once with a fresh connection (CLI and follower paths); never throws.
storage::ProbeResult probe_once(const model::InstanceKey& key, const ProberSettings& settings);

}  // namespace orc::actors
