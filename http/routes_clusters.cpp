#include "http/json_encode.hpp"
#include "http/routes.hpp"
#include "model/topology_render.hpp"
#include "storage/tag_dao.hpp"

namespace orc::http {

namespace {

/// The snapshot's cluster info with the automated-recovery flags this node's filters give it.
model::ClusterInfo with_recovery_flags(model::ClusterInfo info, const model::Config& cfg) {
  model::apply_recovery_filters(info, cfg.RecoverMasterClusterFilters,
                                cfg.RecoverIntermediateMasterClusterFilters);
  return info;
}

std::vector<model::Instance> copy_out(const std::vector<const model::Instance*>& in) {
  std::vector<model::Instance> out;
  out.reserve(in.size());
  for (const auto* i : in) out.push_back(*i);
  return out;
}

/// Resolves the hint to a cluster and calls `fn(snapshot, cluster)`; errors are answered here.
template <class Fn>
void with_cluster(const ApiContext& ctx, const std::string& hint, httplib::Response& res, Fn fn) {
  auto snap = ctx.snapshot();
  if (!snap) return respond_error(res, "Cannot read from the backend database");
  auto cluster = cluster_from_hint(ctx, *snap, hint, res);
  if (!cluster) return;
  fn(*snap, *cluster);
}

model::RenderOptions render_options(const ApiContext& ctx) {
  model::RenderOptions opt;
  opt.reasonable_maintenance_replication_lag_seconds =
      ctx.config->ReasonableMaintenanceReplicationLagSeconds;
  return opt;
}

}  // namespace

void register_cluster_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  const std::string seg = std::string("/") + kSegment;

  srv.Get(api + "/cluster" + seg, [&ctx](const httplib::Request& req, httplib::Response& res) {
    with_cluster(ctx, req.matches[1], res, [&](const auto& snap, const std::string& c) {
      respond_json(res, instances_json(copy_out(snap.cluster_members(c))));
    });
  });
  srv.Get(api + "/cluster/alias" + seg, [&ctx](const httplib::Request& req,
                                               httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    for (const auto& c : snap->clusters)
      if (c.cluster_alias == req.matches[1].str())
        return respond_json(res, instances_json(copy_out(snap->cluster_members(c.cluster_name))));
    respond_error(res, "Unknown cluster alias: " + req.matches[1].str());
  });
  srv.Get(api + "/cluster-info" + seg, [&ctx](const httplib::Request& req, httplib::Response& res) {
    with_cluster(ctx, req.matches[1], res, [&](const auto& snap, const std::string& c) {
      const auto* info = snap.cluster_info(c);
      if (!info) return respond_error(res, "Unknown cluster: " + c);
      respond_json(res, cluster_info_json(with_recovery_flags(*info, *ctx.config)));
    });
  });
  srv.Get(api + "/clusters", [&ctx](const httplib::Request&, httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    std::vector<std::string> names;
    for (const auto& c : snap->clusters) names.push_back(c.cluster_name);
    respond_json(res, string_array_json(names));
  });
  srv.Get(api + "/clusters-info", [&ctx](const httplib::Request&, httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    std::vector<model::ClusterInfo> infos;
    for (const auto& c : snap->clusters) infos.push_back(with_recovery_flags(c, *ctx.config));
    respond_json(res, clusters_info_json(infos));
  });
  srv.Get(api + "/masters", [&ctx](const httplib::Request&, httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    respond_json(res, instances_json(copy_out(snap->cluster_masters())));
  });
  srv.Get(api + "/master" + seg, [&ctx](const httplib::Request& req, httplib::Response& res) {
    with_cluster(ctx, req.matches[1], res, [&](const auto& snap, const std::string& c) {
      for (const auto* m : snap.cluster_masters())
        if (m->cluster_name == c) return respond_json(res, instance_json(*m));
      respond_error(res, "Cannot find master of cluster " + c);
    });
  });
  srv.Get(api + "/all-instances", [&ctx](const httplib::Request&, httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    respond_json(res, instances_json(snap->instances));
  });

  auto topology = [&ctx](bool tabulated, bool tags) {
    return [&ctx, tabulated, tags](const httplib::Request& req, httplib::Response& res) {
      with_cluster(ctx, req.matches[1], res, [&](const auto& snap, const std::string& c) {
        auto members = copy_out(snap.cluster_members(c));
        auto opt = render_options(ctx);
        opt.tabulated = tabulated;
        opt.with_tags = tags;
        if (tags) {
          auto error = ctx.run_storage_job([&](soci::session& s) {
            for (const auto& m : members)
              for (const auto& [name, value] : storage::read_tags(s, m.key))
                opt.tags[m.key.str()].push_back(value.empty() ? name : name + "=" + value);
          });
          if (!error.empty()) return respond_error(res, "Cannot read tags: " + error);
        }
        respond_ok(res, "Topology for cluster " + c,
                   json_string(model::render_topology(members, opt)));
      });
    };
  };
  srv.Get(api + "/topology" + seg, topology(false, false));
  srv.Get(api + "/topology-tabulated" + seg, topology(true, false));
  srv.Get(api + "/topology-tags" + seg, topology(false, true));
}

void register_misc_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  auto ok = [&ctx](const httplib::Request&, httplib::Response& res) {
    if (ctx.ready && !ctx.ready->load())
      return respond_json(res, json_string("Not ready: deploying the backend schema"), 503);
    respond_json(res, json_string("OK"));
  };
  srv.Get(api + "/lb-check", ok);
  srv.Get(api + "/_ping", ok);
  auto unknown = [](const httplib::Request& req, httplib::Response& res) {
    respond_error(res, "Unknown API path: " + req.path, 404);
  };
  srv.Get(api + "/.*", unknown);
  srv.Post(api + "/.*", unknown);
}

}  // namespace orc::http
