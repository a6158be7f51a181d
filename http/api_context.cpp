#include "http/api_context.hpp"

#include "http/json_encode.hpp"

namespace orc::http {

std::shared_ptr<const model::TopologySnapshot> ApiContext::snapshot(int64_t max_age_ms) const {
  if (snapshots->stale(std::chrono::milliseconds(max_age_ms))) {
    caf::scoped_actor self{*system};
    self->request(storage, std::chrono::seconds(10), actors::refresh_atom::value, max_age_ms)
        .receive([](bool) {}, [](caf::error&) {});
  }
  return snapshots->get();
}

std::string ApiContext::run_storage_job(std::function<void(soci::session&)> fn) const {
  return actors::storage_error_text(main_lane().run(std::move(fn)));
}

std::string ApiContext::run_control_job(std::function<void(soci::session&)> fn) const {
  return actors::storage_error_text(control_lane().run(std::move(fn)));
}

void respond_ok(httplib::Response& res, const std::string& message,
                const std::string& details_json) {
  res.status = 200;
  res.set_content(api_response_json(true, message, &details_json), "application/json");
}

void respond_error(httplib::Response& res, const std::string& message, int status) {
  res.status = status;
  res.set_content(api_response_json(false, message, nullptr), "application/json");
}

void respond_json(httplib::Response& res, const std::string& json, int status) {
  res.status = status;
  res.set_content(json, "application/json");
}

std::optional<model::InstanceKey> instance_key_from_path(const std::string& host,
                                                         const std::string& port,
                                                         httplib::Response& res) {
  auto p = model::parse_port(port);
  if (host.empty() || !p || !model::valid_hostname(host)) {
    respond_error(res, "Invalid instance key: " + host + ":" + port);
    return std::nullopt;
  }
  return model::InstanceKey{host, *p};
}

std::optional<std::string> cluster_from_hint(const ApiContext& ctx,
                                             const model::TopologySnapshot& snap,
                                             const std::string& hint, httplib::Response& res) {
  auto cluster = snap.resolve_cluster(hint, ctx.config->DefaultInstancePort);
  if (!cluster) respond_error(res, "Unable to determine cluster name for " + hint);
  return cluster;
}

}  // namespace orc::http
