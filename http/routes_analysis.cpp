// replication-analysis and problems: the failure analysis of the current snapshot.

#include <set>

#include "http/json_analysis.hpp"
#include "http/json_encode.hpp"
#include "http/routes.hpp"
#include "model/analysis_setup.hpp"
#include "storage/maintenance_dao.hpp"

namespace orc::http {

std::optional<std::vector<model::ReplicationAnalysis>> current_analysis(
    const ApiContext& ctx, httplib::Response& res,
    std::shared_ptr<const model::TopologySnapshot>* snap_out) {
  // On the leader: the detector's analysis of live probe state, no backend round trip.
  if (ctx.analysis && ctx.leadership && ctx.leadership->is_leader() && !snap_out)
    if (auto rows = ctx.analysis->get(std::chrono::seconds(3))) return *rows;
  auto snap = ctx.snapshot();
  if (!snap) {
    respond_error(res, "Cannot read from the backend database");
    return std::nullopt;
  }
  std::set<model::InstanceKey> maintenance;
  auto error = ctx.run_storage_job([&](soci::session& s) {
    for (const auto& lock : storage::read_active_maintenance(s)) maintenance.insert(lock.key);
  });
  if (!error.empty()) {
    respond_error(res, "Cannot read maintenance: " + error);
    return std::nullopt;
  }
  if (snap_out) *snap_out = snap;
  return model::analyze(model::analysis_input(*snap, maintenance),
                        model::analysis_settings(*ctx.config));
}

void register_analysis_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  srv.Get(api + "/replication-analysis", [&ctx](const httplib::Request&, httplib::Response& res) {
    if (auto rows = current_analysis(ctx, res)) respond_ok(res, "Analysis", analyses_json(*rows));
  });
  srv.Get(api + "/replication-analysis/instance/" + kSegment + "/" + kSegment,
          [&ctx](const httplib::Request& req, httplib::Response& res) {
            auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
            if (!key) return;
            if (auto rows = current_analysis(ctx, res))
              respond_ok(res, "Analysis", analyses_json(model::filter_by_instance(*rows, *key)));
          });
  srv.Get(api + "/replication-analysis/" + kSegment,
          [&ctx](const httplib::Request& req, httplib::Response& res) {
            std::shared_ptr<const model::TopologySnapshot> snap;
            auto rows = current_analysis(ctx, res, &snap);
            if (!rows) return;
            auto cluster = cluster_from_hint(ctx, *snap, req.matches[1], res);
            if (!cluster) return;
            respond_ok(res, "Analysis", analyses_json(model::filter_by_cluster(*rows, *cluster)));
          });

  auto problems = [&ctx](const std::string& hint, httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    std::optional<std::string> cluster;
    if (!hint.empty() && !(cluster = cluster_from_hint(ctx, *snap, hint, res))) return;
    std::vector<model::Instance> out;
    for (const auto& i : snap->instances)
      if (!i.problems.empty() && (!cluster || i.cluster_name == *cluster)) out.push_back(i);
    respond_json(res, instances_json(out));
  };
  srv.Get(api + "/problems",
          [problems](const httplib::Request&, httplib::Response& res) { problems("", res); });
  srv.Get(api + "/problems/" + kSegment,
          [problems](const httplib::Request& req, httplib::Response& res) {
            problems(req.matches[1], res);
          });
}

}  // namespace orc::http
