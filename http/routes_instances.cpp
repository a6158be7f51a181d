#include <spdlog/spdlog.h>

#include "http/json_encode.hpp"
#include "http/routes.hpp"
#include "storage/instance_dao.hpp"

namespace orc::http {

namespace {

/// Asks the discovery actor to probe `key` now; nullptr (and the error written) on failure.
actors::ProbeResultPtr probe_via_discovery(const ApiContext& ctx, const model::InstanceKey& key,
                                           httplib::Response& res) {
  actors::ProbeResultPtr report;
  std::string error;
  caf::scoped_actor self{*ctx.system};
  self->request(ctx.discovery, std::chrono::seconds(60), actors::discover_atom::value, key)
      .receive([&](const actors::ProbeResultPtr& r) { report = r; },
               [&](caf::error& err) { error = to_string(err); });
  if (!report) {
    respond_error(res, "Cannot discover " + key.str() + ": " + error);
    return nullptr;
  }
  if (!report->result.ok) {
    respond_error(res, "Cannot read instance " + key.str() + ": " + report->result.error);
    return nullptr;
  }
  ctx.snapshots->mark_dirty();
  return report;
}

}  // namespace

void register_instance_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  const std::string hp = std::string("/") + kSegment + "/" + kSegment;

  srv.Get(api + "/discover" + hp, [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    if (auto report = probe_via_discovery(ctx, *key, res))
      respond_ok(res, "Instance discovered: " + key->str(), instance_json(report->result.instance));
  });

  srv.Get(api + "/async-discover" + hp, [&ctx](const httplib::Request& req,
                                               httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    caf::anon_send(ctx.discovery, actors::discover_atom::value, *key);
    respond_ok(res, "Asynchronous discovery initiated for Instance: " + key->str(), key_json(*key));
  });

  srv.Get(api + "/refresh" + hp, [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    if (auto report = probe_via_discovery(ctx, *key, res))
      respond_ok(res, "Instance refreshed: " + key->str(), instance_json(report->result.instance));
  });

  srv.Get(api + "/forget" + hp, [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    caf::scoped_actor self{*ctx.system};
    self->request(ctx.discovery, std::chrono::seconds(10), actors::forget_atom::value, *key)
        .receive([](bool) {}, [](caf::error&) {});
    bool existed = false;
    auto error =
        ctx.run_storage_job([&](soci::session& s) { existed = storage::forget_instance(s, *key); });
    if (!error.empty()) return respond_error(res, "Cannot forget " + key->str() + ": " + error);
    ctx.snapshots->mark_dirty();
    if (!existed) return respond_error(res, "Instance not found: " + key->str());
    respond_ok(res, "Instance forgotten: " + key->str(), key_json(*key));
  });

  srv.Get(api + "/instance" + hp, [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    const auto* inst = snap->find(*key);
    if (!inst) return respond_error(res, "Instance not found: " + key->str());
    respond_json(res, instance_json(*inst));
  });

  auto replicas = [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    if (!snap->find(*key)) return respond_error(res, "Instance not found: " + key->str());
    std::vector<model::Instance> found;
    for (const auto* r : snap->replicas_of(*key)) found.push_back(*r);
    respond_json(res, instances_json(found));
  };
  srv.Get(api + "/instance-replicas" + hp, replicas);
  srv.Get(api + "/instance-slaves" + hp, replicas);

  auto search = [&ctx](const std::string& pattern, httplib::Response& res) {
    if (pattern.empty()) return respond_error(res, "Expected search string (?s=...)");
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    std::vector<model::Instance> found;
    for (const auto* i : snap->search(pattern)) found.push_back(*i);
    respond_json(res, instances_json(found));
  };
  srv.Get(api + "/search", [search](const httplib::Request& req, httplib::Response& res) {
    search(req.get_param_value("s"), res);
  });
  srv.Get(api + "/search/" + kSegment,
          [search](const httplib::Request& req, httplib::Response& res) {
            search(req.matches[1], res);
          });
}

}  // namespace orc::http
