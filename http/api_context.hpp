#pragma once
// What every route handler needs: the actor handles, the read snapshot, the config, and the
// helpers that turn results into upstream's responses ({Code, Message, Details} envelope,
// HTTP 500 for every error as upstream does).

#include <httplib.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "actors/actors.hpp"
#include "actors/analysis_board.hpp"
#include "actors/election.hpp"
#include "actors/health_board.hpp"
#include "actors/leadership.hpp"
#include "actors/snapshot_store.hpp"
#include "actors/storage_client.hpp"
#include "model/config.hpp"
#include "model/node_identity.hpp"
#include "storage/backend.hpp"
#include "storage/instance_probe.hpp"

namespace orc::http {

struct ApiContext {
  caf::actor_system* system = nullptr;
  /// Main storage lane: snapshot refreshes, API reads and commands (shared with probe flushes).
  actors::storage_actor storage;
  /// Control lane: manual recoveries, acknowledgements, operation locks; so that they never
  /// queue behind a flush or a refresh. Unset (tests): the main lane is used instead.
  actors::storage_actor control;
  actors::discovery_actor discovery;
  std::shared_ptr<actors::SnapshotStore> snapshots;
  std::shared_ptr<const model::Config> config;
  actors::election_actor election;
  /// Written by the election actor; read by /api/leader-check without any I/O.
  std::shared_ptr<const actors::Leadership> leadership;
  /// Node-health facts published by the election actor once a second.
  std::shared_ptr<const actors::HealthBoard> health;
  model::NodeIdentity node;
  std::string app_version;
  /// The leader's live analysis (published by the detector); followers analyse backend rows.
  std::shared_ptr<const actors::AnalysisBoard> analysis;
  /// Credentials and timeouts for managed servers (host and port set per operation).
  storage::MysqlEndpoint topology;
  /// How manual recoveries probe the servers they act on.
  storage::ProbeOptions probe_options;
  /// Set once the backend schema is deployed: /api/lb-check answers 200 only from then on,
  /// so load balancers (and tests) send traffic to nodes that can serve it.
  std::shared_ptr<const std::atomic<bool>> ready;

  /// The current snapshot, refreshed first when older than `max_age_ms` or dirty.
  /// Returns nullptr when the backend cannot be read and no snapshot exists.
  std::shared_ptr<const model::TopologySnapshot> snapshot(int64_t max_age_ms = 250) const;

  /// Runs `fn` on the main lane's backend session; returns "" or the error text. `fn` may
  /// capture by reference: actors::run_storage_job returns only once the job finished or can
  /// never run (see actors/storage_client.hpp).
  std::string run_storage_job(std::function<void(soci::session&)> fn) const;
  /// The same on the control lane (recovery bookkeeping, acknowledgements, lock rows).
  std::string run_control_job(std::function<void(soci::session&)> fn) const;

  /// The lanes as blocking callers see them (typed errors, results by value).
  actors::StorageLane main_lane() const { return {system, storage}; }
  actors::StorageLane control_lane() const { return {system, control ? control : storage}; }

  /// Runs `fn(session) -> T` on the main lane and returns its value or the error.
  template <class T, class F>
  caf::expected<T> run_storage(F fn) const {
    return main_lane().call<T>(std::move(fn));
  }
};

/// Writes `{"Code":"OK","Message":...,"Details":<details_json>}` with HTTP 200.
void respond_ok(httplib::Response& res, const std::string& message,
                const std::string& details_json = "null");
/// Writes `{"Code":"ERROR","Message":...,"Details":null}` with HTTP 500 (upstream's status).
void respond_error(httplib::Response& res, const std::string& message, int status = 500);
/// Writes a bare JSON body with HTTP 200 (read endpoints return their object directly).
void respond_json(httplib::Response& res, const std::string& json, int status = 200);

/// Parses the `host` and `port` path segments; on failure writes the error and returns nullopt.
std::optional<model::InstanceKey> instance_key_from_path(const std::string& host,
                                                         const std::string& port,
                                                         httplib::Response& res);

/// Upstream's clusterHint: name, alias or host[:port] of a member; on failure writes the error.
std::optional<std::string> cluster_from_hint(const ApiContext& ctx,
                                             const model::TopologySnapshot& snap,
                                             const std::string& hint, httplib::Response& res);

}  // namespace orc::http
