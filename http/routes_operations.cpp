// Replication control routes: lock, act on the server, re-probe, record, unlock.

#include "http/routes_operations.hpp"

#include "actors/operation_lock.hpp"
#include "actors/prober.hpp"
#include "http/json_encode.hpp"
#include "model/topology.hpp"
#include "storage/instance_dao.hpp"
#include "storage/instance_operations.hpp"

namespace orc::http {

namespace {

const char* kSeg = "([^/]+)";

struct OperationRoute {
  const ApiContext* ctx;
  model::NodeIdentity node;
  storage::MysqlEndpoint topology;
  const storage::OperationSpec* spec;

  void operator()(const httplib::Request& req, httplib::Response& res) const {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    const std::string& command = spec->names.front();

    // Lock rows go to the control lane: never behind a probe flush or a snapshot refresh.
    int64_t token = 0;
    try {
      token = actors::take_operation_lock(ctx->control_lane(), *key, node, command);
    } catch (const actors::OperationRefused& e) {
      return respond_error(res, e.what());
    } catch (const std::exception& e) {
      return respond_error(res, "Cannot take the operation lock: " + std::string(e.what()));
    }

    std::string failure;
    storage::OperationSettings settings;
    settings.use_super_read_only = ctx->config->UseSuperReadOnly;
    try {
      storage::run_operation_on(topology, *key, *spec, settings);
    } catch (const std::exception& e) {
      failure = e.what();
    }

    storage::ProbeResult probe;
    if (failure.empty()) {
      actors::ProberSettings prober;
      prober.endpoint = topology;
      prober.probe_options.discover_by_show_slave_hosts = ctx->config->DiscoverByShowSlaveHosts;
      prober.probe_options.lag_query = ctx->config->ReplicationLagQuery;
      probe = actors::probe_once(*key, prober);
    }

    // Always release, also after a failure; record the new state when it could be read.
    auto error = ctx->run_control_job([&](soci::session& s) {
      actors::release_operation_lock(s, token);
      if (!probe.ok) return;
      std::optional<model::Instance> master;
      if (probe.instance.master_key.valid())
        master = storage::read_instance(s, probe.instance.master_key);
      model::inherit_cluster_attributes(probe.instance, master ? &*master : nullptr);
      storage::write_instances(s, {probe.instance});
    });
    ctx->snapshots->mark_dirty();

    if (!failure.empty()) return respond_error(res, command + " " + key->str() + ": " + failure);
    if (!error.empty())
      return respond_error(
          res, spec->done + ": " + key->str() + ", but the backend could not record it: " + error);
    if (!probe.ok)
      return respond_error(res, spec->done + ": " + key->str() +
                                    ", but the instance cannot be read: " + probe.error);
    respond_ok(res, spec->done + ": " + key->str(), instance_json(probe.instance));
  }
};

}  // namespace

void register_operation_routes(Router& srv, const ApiContext& ctx, const std::string& api,
                               model::NodeIdentity node, storage::MysqlEndpoint topology_endpoint) {
  for (const auto& spec : storage::replication_operations()) {
    OperationRoute route{&ctx, node, topology_endpoint, &spec};
    for (const auto& name : spec.names) srv.Get(api + "/" + name + "/" + kSeg + "/" + kSeg, route);
  }
}

}  // namespace orc::http
