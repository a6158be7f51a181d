#pragma once
// Every typed actor interface of the service and the messages they exchange.
// Messages are local only (one process), so payloads travel as shared pointers to
// immutable values: cheap to pass between threads, no serialization needed.

#include <caf/all.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "model/analysis.hpp"
#include "model/instance.hpp"
#include "model/instance_key.hpp"
#include "storage/instance_probe.hpp"

namespace soci {
class session;
}

namespace orc::actors {

// ---- atoms ----
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using probed_atom = caf::atom_constant<caf::atom("probed")>;
using discover_atom = caf::atom_constant<caf::atom("discover")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;
using active_atom = caf::atom_constant<caf::atom("active")>;
using persist_atom = caf::atom_constant<caf::atom("persist")>;
using job_atom = caf::atom_constant<caf::atom("job")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using reconcile_atom = caf::atom_constant<caf::atom("reconcile")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using observe_atom = caf::atom_constant<caf::atom("observe")>;
using reprobe_atom = caf::atom_constant<caf::atom("reprobe")>;
using analyze_atom = caf::atom_constant<caf::atom("analyze")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using detected_atom = caf::atom_constant<caf::atom("detected")>;
using recovered_atom = caf::atom_constant<caf::atom("recovered")>;

// ---- payloads ----
/// A probe result plus the CPU time the prober thread spent on it (for benchmarks).
struct ProbeReport {
  storage::ProbeResult result;
  uint64_t cpu_ns = 0;
};
using ProbeResultPtr = std::shared_ptr<const ProbeReport>;

/// Backend work produced by discovery, merged and flushed by the storage actor.
struct PersistBatch {
  std::vector<model::Instance> full_writes;  ///< changed rows: one multi-row upsert
  std::vector<model::InstanceKey> touches;   ///< unchanged rows: timestamps only
  std::vector<std::pair<model::InstanceKey, bool>> failures;  ///< failed probes (key, partial)
  bool empty() const { return full_writes.empty() && touches.empty() && failures.empty(); }
};
using PersistBatchPtr = std::shared_ptr<const PersistBatch>;

/// Arbitrary backend work (reads for the API, commands, recovery steps, locks) run on a storage
/// actor's session, so that every statement of this process goes through a serialising owner.
/// `run` writes its results into state it captured and throws to report failure.
///
/// A job has a state, so that a caller that stops waiting can never have its captures used
/// later: queued -> running -> done, or queued -> abandoned. The storage actor start()s a job
/// before running it and skips it when that fails; a blocking caller that gives up abandon()s
/// it, and when that fails (the job is running) waits for it to finish instead of returning.
/// The protocol is run by actors::run_storage_job (actors/storage_client.hpp); actors that
/// send jobs asynchronously capture only values and never abandon.
struct StorageJob {
  enum class State { queued, running, done, abandoned };

  std::function<void(soci::session&)> run;

  /// Storage actor: queued -> running. False when the caller abandoned the job: skip it.
  bool start();
  /// Storage actor, after `run` returned ("") or threw (its text): running -> done; wakes the
  /// caller. Must follow every successful start().
  void finish(std::string error);
  /// Caller: queued -> abandoned, after which the job never runs. False when it already
  /// started (or finished): the caller must then wait_done() before its captures die.
  bool abandon();
  /// Caller: marks that its deadline passed while the job was running (observable by tests).
  void mark_overran();
  /// Blocks until the job is done and returns its error text ("" on success). Only after a
  /// start() (i.e. when abandon() failed): a queued job may never be done.
  std::string wait_done();
  /// Waits at most `timeout` for done; true when done.
  bool wait_done_for(std::chrono::milliseconds timeout);

  State state() const;
  bool overran() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  State state_ = State::queued;
  bool overran_ = false;
  std::string error_;
};
using StorageJobPtr = std::shared_ptr<StorageJob>;

/// Counters for benchmarks and /metrics.
struct DiscoveryStats {
  uint64_t probes = 0;
  uint64_t probe_failures = 0;
  uint64_t probe_cpu_ns = 0;  ///< CPU time spent in probe threads
  uint64_t full_writes = 0;
  uint64_t touches = 0;
  size_t watched_instances = 0;
};
struct StorageStats {
  uint64_t statements = 0;  ///< statements sent to the backend by flushes
  uint64_t flushes = 0;
  uint64_t snapshot_refreshes = 0;
  uint64_t jobs = 0;
};
using DiscoveryStatsPtr = std::shared_ptr<const DiscoveryStats>;
using StorageStatsPtr = std::shared_ptr<const StorageStats>;

/// The leader's live view: every watched instance as last probed, with cluster attributes
/// derived and validity set from the latest probe outcome. Sent by discovery to the detector.
using InstancesPtr = std::shared_ptr<const std::vector<model::Instance>>;
using KeysPtr = std::shared_ptr<const std::vector<model::InstanceKey>>;
/// Failures a recovery may act on, as analysed, with the view they were analysed from.
struct RecoveryCandidates {
  std::vector<model::ReplicationAnalysis> rows;
  std::vector<model::Instance> instances;
  caf::actor discovery;  ///< the discovery actor, to re-probe what a recovery changed
};
using RecoveryCandidatesPtr = std::shared_ptr<const RecoveryCandidates>;

}  // namespace orc::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::ProbeResultPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::PersistBatchPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::StorageJobPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::DiscoveryStatsPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::StorageStatsPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::model::InstanceKey)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::InstancesPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::KeysPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(orc::actors::RecoveryCandidatesPtr)

namespace orc::actors {

/// One per watched server; owns the connection to it. Detached: probes block on SQL.
using prober_actor = caf::typed_actor<
    // Scheduled probe; re-arms itself (poll interval, backed off while the host is dead).
    caf::reacts_to<caf::tick_atom>,
    // Probe now and reply with the result (discover, refresh, holistic re-checks).
    caf::replies_to<probe_atom>::with<ProbeResultPtr>>;

/// Owns the set of watched instances on the leader: spawns probers as neighbours are seen,
/// derives cluster attributes and decides what the backend must be told.
using discovery_actor = caf::typed_actor<
    // A prober's scheduled result.
    caf::reacts_to<probed_atom, ProbeResultPtr>,
    // Probe this instance now (spawning its prober if new) and reply with the result.
    caf::replies_to<discover_atom, model::InstanceKey>::with<ProbeResultPtr>,
    // Stop watching an instance (its backend row is deleted by the caller).
    caf::replies_to<forget_atom, model::InstanceKey>::with<bool>,
    // Leadership changed: true starts probing every known instance, false stops all probers.
    caf::reacts_to<active_atom, bool>,
    // Periodic: pick up instances other nodes or the CLI added to the backend.
    caf::reacts_to<reconcile_atom>,
    // Counters.
    caf::replies_to<stats_atom>::with<DiscoveryStatsPtr>,
    // Leadership watchdog while active: stops probing the moment the local term ends.
    caf::reacts_to<caf::tick_atom>,
    // Probe these instances now (holistic re-checks, a watcher that saw its server go away).
    caf::reacts_to<reprobe_atom, KeysPtr>>;

/// On the leader: analyses the live view on every change, without a backend round trip.
using detector_actor = caf::typed_actor<
    // The live view changed.
    caf::reacts_to<observe_atom, InstancesPtr>,
    // Run the analysis now (coalesced; sent to itself).
    caf::reacts_to<analyze_atom>,
    // Delayed re-analysis for a re-probe that was due too early (sent to itself).
    caf::reacts_to<reprobe_atom>,
    // Periodic: refresh downtime/maintenance facts from the backend.
    caf::reacts_to<caf::tick_atom>,
    // A registered detection's OnFailureDetectionProcesses finished (key, code, all ok).
    caf::reacts_to<detected_atom, model::InstanceKey, std::string, bool>,
    // Leadership changed.
    caf::reacts_to<active_atom, bool>>;

/// On the leader: turns actionable failures into recoveries, one recovery actor per incident,
/// and keeps the recovery bookkeeping (active periods, blocked and crashed recoveries) current.
using recovery_coordinator_actor = caf::typed_actor<
    // Actionable failures from the detector's latest analysis.
    caf::reacts_to<recover_atom, RecoveryCandidatesPtr>,
    // A recovery actor finished with the failed instance's key.
    caf::reacts_to<recovered_atom, model::InstanceKey>,
    // Periodic bookkeeping (every second while active).
    caf::reacts_to<caf::tick_atom>,
    // Leadership changed.
    caf::reacts_to<active_atom, bool>>;

/// An owner of one backend connection. A service runs two: the main lane (probe flushes,
/// snapshot refreshes, API reads and commands) and the control lane (recovery registration,
/// audit steps, resolutions, acknowledgements, operation locks), so that control work never
/// waits behind a flush or a refresh.
using storage_actor = caf::typed_actor<
    // Queue probe results; flushed in one batch per flush interval.
    caf::reacts_to<persist_atom, PersistBatchPtr>,
    // Timer: write the queued batch.
    caf::reacts_to<caf::flush_atom>,
    // Run a job (skipped when its caller abandoned it); reply "" on success or the error text.
    caf::replies_to<job_atom, StorageJobPtr>::with<std::string>,
    // Refresh the read snapshot if it is older than the given milliseconds or dirty.
    caf::replies_to<refresh_atom, int64_t>::with<bool>,
    // Counters.
    caf::replies_to<stats_atom>::with<StorageStatsPtr>>;

}  // namespace orc::actors
