// Manual recoveries over the API (contract §C.3, §C.4): recover, recover-lite,
// force-master-failover, force-master-takeover, graceful-master-takeover[-auto], and
// automated-recovery-filters. Any node may run them; the topology_recovery row keeps two
// nodes (or a node and the leader's automated recovery) from recovering one instance at once.

#include "actors/manual_recovery.hpp"
#include "actors/storage_client.hpp"
#include "http/json_encode.hpp"
#include "http/json_recovery.hpp"
#include "http/routes.hpp"

namespace orc::http {

namespace {

actors::RecoveryEnv recovery_env(const ApiContext& ctx) {
  actors::RecoveryEnv env;
  env.config = ctx.config;
  env.node = ctx.node;
  env.topology = ctx.topology;
  env.probe_options = ctx.probe_options;
  // Registration, steps and resolution go to the control lane (never behind a flush).
  env.backend = actors::storage_backend_runner(*ctx.system, ctx.control_lane().actor);
  env.instances = [&ctx] {
    auto snap = ctx.snapshot(0);
    if (!snap) throw std::runtime_error("cannot read the instances from the backend");
    return snap->instances;
  };
  auto discovery = ctx.discovery;
  env.reprobe = [discovery](const std::vector<model::InstanceKey>& keys) {
    caf::anon_send(discovery, actors::reprobe_atom::value,
                   actors::KeysPtr(std::make_shared<const std::vector<model::InstanceKey>>(keys)));
  };
  return env;
}

/// Runs a recovery command and answers with upstream's envelope: OK with the recovery (or,
/// for recover, the promoted key) as Details; ERROR with the reason otherwise.
void respond_recovery(const ApiContext& ctx, httplib::Response& res, const std::string& what,
                      const std::function<actors::RecoveryOutcome()>& run, bool key_details) {
  actors::RecoveryOutcome out;
  try {
    out = run();
  } catch (const std::exception& e) {
    return respond_error(res, what + ": " + e.what());
  }
  if (!out.attempted) return respond_error(res, what + ": not attempted: " + out.message);
  if (!out.successful) return respond_error(res, what + ": " + out.message);
  if (key_details) return respond_ok(res, what + ": " + out.message, key_json(*out.successor));
  // Upstream answers with the TopologyRecovery (orchestrator-client reads .Details.SuccessorKey):
  // the row as resolved in the backend, so the answer and the audit can never disagree.
  std::vector<storage::TopologyRecoveryRow> rows;
  storage::RecoveryScope scope;
  scope.id = out.recovery_id;
  ctx.run_storage_job(
      [&](soci::session& s) { rows = storage::read_recoveries(s, scope, false, 1, 0); });
  respond_ok(res, what + ": successor promoted",
             rows.empty() ? "null" : recovery_json(rows.front()));
}

std::optional<std::string> cluster_of(const ApiContext& ctx, const std::string& hint,
                                      httplib::Response& res) {
  auto snap = ctx.snapshot();
  if (!snap) {
    respond_error(res, "Cannot read from the backend database");
    return std::nullopt;
  }
  return cluster_from_hint(ctx, *snap, hint, res);
}

void recover(const ApiContext& ctx, const httplib::Request& req, httplib::Response& res, bool lite,
             bool with_candidate) {
  auto key = instance_key_from_path(req.matches[1].str(), req.matches[2].str(), res);
  if (!key) return;
  std::optional<model::InstanceKey> candidate;
  if (with_candidate) {
    candidate = instance_key_from_path(req.matches[3].str(), req.matches[4].str(), res);
    if (!candidate) return;
  }
  auto rows = current_analysis(ctx, res);
  if (!rows) return;
  respond_recovery(
      ctx, res, "Recovery of " + key->str(),
      [&] { return actors::recover_instance(recovery_env(ctx), *rows, *key, candidate, !lite); },
      true);
}

void force_failover(const ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                    bool takeover) {
  auto cluster = cluster_of(ctx, req.matches[1].str(), res);
  if (!cluster) return;
  std::optional<model::InstanceKey> designated;
  if (takeover) {
    designated = instance_key_from_path(req.matches[2].str(), req.matches[3].str(), res);
    if (!designated) return;
  }
  respond_recovery(
      ctx, res, takeover ? "force-master-takeover" : "force-master-failover",
      [&] { return actors::force_master_failover(recovery_env(ctx), *cluster, designated); },
      false);
}

void graceful(const ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
              bool auto_variant, bool with_designated) {
  auto cluster = cluster_of(ctx, req.matches[1].str(), res);
  if (!cluster) return;
  std::optional<model::InstanceKey> designated;
  if (with_designated) {
    designated = instance_key_from_path(req.matches[2].str(), req.matches[3].str(), res);
    if (!designated) return;
  }
  respond_recovery(
      ctx, res, auto_variant ? "graceful-master-takeover-auto" : "graceful-master-takeover",
      [&] {
        return actors::graceful_master_takeover(recovery_env(ctx), *cluster, designated,
                                                auto_variant);
      },
      false);
}

std::string filters_json(const model::Config& cfg) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  auto list = [&](const char* name, const std::vector<std::string>& values) {
    w.Key(name);
    w.StartArray();
    for (const auto& v : values) write_string(w, v);
    w.EndArray();
  };
  w.StartObject();
  list("RecoverMasterClusterFilters", cfg.RecoverMasterClusterFilters);
  list("RecoverIntermediateMasterClusterFilters", cfg.RecoverIntermediateMasterClusterFilters);
  list("RecoveryIgnoreHostnameFilters", cfg.RecoveryIgnoreHostnameFilters);
  w.EndObject();
  return buf.GetString();
}

}  // namespace

void register_recovery_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  const std::string seg = kSegment;
  const std::string key = seg + "/" + seg;
  for (const char* name : {"recover", "recover-lite"}) {
    bool lite = std::string(name) == "recover-lite";
    srv.Get(api + "/" + name + "/" + key,
            [&ctx, lite](const httplib::Request& req, httplib::Response& res) {
              recover(ctx, req, res, lite, false);
            });
    srv.Get(api + "/" + name + "/" + key + "/" + key,
            [&ctx, lite](const httplib::Request& req, httplib::Response& res) {
              recover(ctx, req, res, lite, true);
            });
  }
  srv.Get(api + "/force-master-failover/" + seg,
          [&ctx](const httplib::Request& req, httplib::Response& res) {
            force_failover(ctx, req, res, false);
          });
  srv.Get(api + "/force-master-takeover/" + seg + "/" + key,
          [&ctx](const httplib::Request& req, httplib::Response& res) {
            force_failover(ctx, req, res, true);
          });
  for (const char* name : {"graceful-master-takeover", "graceful-master-takeover-auto"}) {
    bool auto_variant = std::string(name) == "graceful-master-takeover-auto";
    srv.Get(api + "/" + name + "/" + seg,
            [&ctx, auto_variant](const httplib::Request& req, httplib::Response& res) {
              graceful(ctx, req, res, auto_variant, false);
            });
    srv.Get(api + "/" + name + "/" + seg + "/" + key,
            [&ctx, auto_variant](const httplib::Request& req, httplib::Response& res) {
              graceful(ctx, req, res, auto_variant, true);
            });
  }
  srv.Get(api + "/automated-recovery-filters",
          [&ctx](const httplib::Request&, httplib::Response& res) {
            respond_ok(res, "Automated recovery configuration details", filters_json(*ctx.config));
          });
}

}  // namespace orc::http
