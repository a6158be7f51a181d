#pragma once
// Blocking access to a storage actor (a "lane"): the one place that runs the StorageJob
// protocol (actors/actors.hpp), used by HTTP handlers (ApiContext), manual and automated
// recoveries (RecoveryEnv::backend) and operation locks.
//
// The guarantee: when a runner returns, the job either has finished or will never run. A job
// still queued at the caller's deadline is abandoned (the actor skips it); a job already running
// is waited for, however long it takes: its statements are bounded by the backend session's
// read/write/connect timeouts (storage::MysqlEndpoint, set on every connection by
// storage::open_session), so the wait is too. A job may therefore capture the caller's stack by
// reference without ever dangling, and a late INSERT (say register_recovery) can no longer
// happen after its caller reported failure and forgot about it.
//
// What each operation does when its caller gave up (deadline passed while still queued, so it
// never ran; a running one is always waited for and its real outcome returned):
// - register_recovery: no row is inserted; the recovery is reported "cannot register" and not
//   attempted. Automated ones are tried again by the coordinator (retry interval); manual ones
//   fail with the error and the operator retries. Never a stuck active row.
// - acknowledge_finished_recoveries / blocking checks / global switch (pre-registration): the
//   recovery is not attempted, as above; nothing was written.
// - audit steps (add_recovery_step): not written; RecoveryRun::step throws StorageError, the
//   recovery stops where it is, and its resolution is attempted like any failure.
// - resolve_recovery, end_downtime, downtime of lost instances, cluster alias move: not
//   written; recovery.cpp logs/records the error. A row whose resolution could not be written
//   stays in its active period until RecoveryPeriodBlockSeconds (coordinator upkeep) or an
//   acknowledgement.
// - acknowledgements over the API (ack-*): nothing acknowledged; the API answers an error and the
//   operator retries (idempotent).
// - take_operation_lock: the lock is not taken and the command does not touch the server.
// - release_operation_lock: the row stays until its 10-minute duration or the node's health
//   expiry ends it; the API answers that the backend could not record the operation.
// - API reads and main-lane commands: the API answers the error; nothing happened.
// Asynchronous senders (discovery, detector, coordinator upkeep) do not use this runner: their
// jobs capture values only, are never abandoned, and a late run is harmless (idempotent).

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "actors/actors.hpp"
#include "actors/recovery.hpp"

namespace orc::actors {

/// Why a storage job did not succeed.
enum class storage_errc : uint8_t {
  none = 0,
  /// The job never ran and never will: abandoned while queued at the caller's deadline, or the
  /// storage actor is gone. Nothing was written.
  not_run = 1,
  /// The caller's deadline passed while the job was running; the runner waited for it and it
  /// then failed (typically the backend read timeout): its effect is unknown.
  timed_out_running = 2,
  /// The job ran and threw (SQL error, connection error); the text is the backend's.
  backend_error = 3,
};

/// The caf::error category of storage_errc ("storage").
inline constexpr caf::atom_value kStorageErrorCategory = caf::atom("storage");

std::string to_string(storage_errc code);
/// A caf::error of category "storage" whose context carries `text`.
caf::error make_error(storage_errc code, std::string text = "");
/// The storage_errc of `err`; none when it is not of the storage category (or empty).
storage_errc storage_code(const caf::error& err);
/// "text" of a storage error (what a user may read), else the rendered error.
std::string storage_error_text(const caf::error& err);
/// Lets `sys.render(err)` print storage errors readably.
void register_storage_errors(caf::actor_system_config& cfg);

/// Thrown by the throwing adaptors (BackendRunner, the lane-based operation lock functions).
struct StorageError : std::runtime_error {
  StorageError(storage_errc c, const std::string& text) : std::runtime_error(text), code(c) {}
  storage_errc code;
};

/// How long a blocking caller waits for a job to start (and, if it started in time, finish).
inline constexpr std::chrono::milliseconds kDefaultStorageTimeout{30000};

/// THE runner: sends `job` to `lane` and waits at most `timeout` for it. On the deadline a
/// queued job is abandoned (not_run); a running one is waited for and its outcome returned
/// (timed_out_running if it then failed). Returns an empty error on success. Blocking: never
/// call it from a cooperative actor.
caf::error run_storage_job(caf::actor_system& sys, const storage_actor& lane,
                           const StorageJobPtr& job,
                           std::chrono::milliseconds timeout = kDefaultStorageTimeout);

/// What a storage actor does with a job message: skips an abandoned job (returns nullopt),
/// else runs it on `session()` (which may throw, e.g. connecting) and finishes it, calling
/// `on_error` with a thrown std::exception first. Never throws. Returns the error text.
std::optional<std::string> execute_storage_job(
    StorageJob& job, const std::function<soci::session&()>& session,
    const std::function<void(const std::exception&)>& on_error = {});

/// One storage actor seen from a blocking caller.
struct StorageLane {
  caf::actor_system* system = nullptr;
  storage_actor actor;
  std::chrono::milliseconds timeout = kDefaultStorageTimeout;

  explicit operator bool() const { return system && actor; }

  /// Runs `fn` (it may capture by reference: see the guarantee above).
  caf::error run(std::function<void(soci::session&)> fn) const;

  /// Runs `fn(session) -> T` and returns its value: the job owns `fn` and the result slot, so
  /// nothing of the caller's is touched by the actor thread.
  template <class T, class F>
  caf::expected<T> call(F fn) const {
    auto out = std::make_shared<std::optional<T>>();
    auto job = std::make_shared<StorageJob>();
    job->run = [fn = std::move(fn), out](soci::session& s) { out->emplace(fn(s)); };
    if (!*this) return make_error(storage_errc::not_run, "no storage actor");
    if (auto err = run_storage_job(*system, actor, job, timeout)) return err;
    if (!*out)
      return make_error(storage_errc::not_run, "the storage actor answered without running it");
    return std::move(**out);
  }

  /// call() that throws StorageError instead of returning an error.
  template <class T, class F>
  T call_or_throw(F fn) const {
    auto result = call<T>(std::move(fn));
    if (!result)
      throw StorageError(storage_code(result.error()), storage_error_text(result.error()));
    return std::move(*result);
  }
};

/// A BackendRunner (RecoveryEnv::backend) over run_storage_job: runs each piece of work as a
/// job of `storage` and throws StorageError when it did not succeed. For blocking callers only
/// (recovery actors, HTTP handlers, tests).
BackendRunner storage_backend_runner(caf::actor_system& sys, storage_actor storage,
                                     std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace orc::actors
