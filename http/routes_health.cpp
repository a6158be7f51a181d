// Health and leadership endpoints (contract §A.4). None of them touches the backend: they
// read what the election actor last published, so a proxy's health checks cost nothing and
// an unreachable backend is reported within two seconds.

#include "http/json_encode.hpp"
#include "http/routes.hpp"

namespace orc::http {

namespace {

void write_node(JsonWriter& w, const storage::NodeHealthRow& n) {
  w.StartObject();
  w.Key("Hostname");
  write_string(w, n.hostname);
  w.Key("Token");
  write_string(w, n.token);
  w.Key("AppVersion");
  write_string(w, n.app_version);
  w.Key("FirstSeenActive");
  write_string(w, n.first_seen_active);
  w.Key("LastSeenActive");
  write_string(w, n.last_seen_active);
  w.Key("ExtraInfo");
  write_string(w, n.extra_info);
  w.Key("Command");
  write_string(w, n.command);
  w.Key("DBBackend");
  write_string(w, n.db_backend);
  w.Key("LastReported");
  write_string(w, "0001-01-01T00:00:00Z");
  w.EndObject();
}

/// Upstream's HealthStatus object.
std::string health_status_json(const ApiContext& ctx, const actors::HealthFacts& facts,
                               bool healthy, const std::string& error) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Healthy");
  w.Bool(healthy);
  w.Key("Hostname");
  write_string(w, ctx.node.hostname);
  w.Key("Token");
  write_string(w, ctx.node.token);
  w.Key("IsActiveNode");
  w.Bool(ctx.leadership->is_leader());
  w.Key("ActiveNode");
  write_node(w, facts.active_node.value_or(storage::NodeHealthRow{}));
  w.Key("Error");
  if (error.empty())
    w.Null();
  else
    write_string(w, error);
  w.Key("AvailableNodes");
  w.StartArray();
  for (const auto& n : facts.available_nodes) write_node(w, n);
  w.EndArray();
  w.Key("RaftLeader");
  write_string(w, "");
  w.Key("IsRaftLeader");
  w.Bool(false);
  w.Key("RaftLeaderURI");
  write_string(w, "");
  w.Key("RaftAdvertise");
  write_string(w, "");
  w.Key("RaftHealthyMembers");
  w.Null();
  w.EndObject();
  return buf.GetString();
}

void health(const ApiContext& ctx, httplib::Response& res) {
  auto facts = ctx.health->get();
  auto age = std::chrono::steady_clock::now() - facts.last_success;
  // Unhealthy as soon as a backend round trip fails (renewals run every 250 ms), or when
  // the last successful registration is older than upstream's 2 s.
  bool healthy = facts.error.empty() && facts.last_success.time_since_epoch().count() != 0 &&
                 age <= std::chrono::seconds(2);
  std::string error =
      healthy ? "" : (facts.error.empty() ? "no recent backend contact" : facts.error);
  auto details = health_status_json(ctx, facts, healthy, error);
  if (healthy) return respond_ok(res, "Application node is healthy", details);
  res.status = 500;
  std::string message = "Application node is unhealthy: " + error;
  res.set_content(api_response_json(false, message, &details), "application/json");
}

void leader_check(const ApiContext& ctx, int not_leader_status, httplib::Response& res) {
  if (ctx.leadership->is_leader()) return respond_json(res, json_string("OK"));
  respond_json(res, json_string("Not leader"), not_leader_status);
}

}  // namespace

void register_health_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  auto h = [&ctx](const httplib::Request&, httplib::Response& res) { health(ctx, res); };
  srv.Get(api + "/health", h);
  srv.Get(api + "/status", h);
  if (!ctx.config->StatusEndpoint.empty() && ctx.config->StatusEndpoint != "/api/status")
    srv.Get(ctx.config->URLPrefix + ctx.config->StatusEndpoint, h, "status");

  auto lc = [&ctx](const httplib::Request&, httplib::Response& res) {
    leader_check(ctx, 404, res);
  };
  srv.Get(api + "/leader-check", lc);
  srv.Get(api + "/routed-leader-check", lc);
  srv.Get(api + "/leader-check/" + kSegment, [&ctx](const httplib::Request& req,
                                                    httplib::Response& res) {
    auto code = model::parse_port(req.matches[1].str());  // 1..65535: reuse the digit parser
    if (!code || *code < 100 || *code > 599)
      return respond_error(res, "Invalid HTTP status code: " + req.matches[1].str());
    leader_check(ctx, *code, res);
  });

  // A grab answers once this node leads, which may take up to one lease (the previous
  // holder's must run out first): the wait allows for that plus a slow backend.
  auto ask = [&ctx](auto atom, const std::string& done, httplib::Response& res) {
    std::string error;
    caf::scoped_actor self{*ctx.system};
    auto lease = std::chrono::milliseconds(ctx.config->ElectionLeaseMilliseconds);
    self->request(ctx.election, std::chrono::seconds(10) + 2 * lease, atom)
        .receive([&](const std::string& e) { error = e; },
                 [&](caf::error& e) { error = to_string(e); });
    if (!error.empty()) return respond_error(res, error);
    respond_ok(res, done);
  };
  srv.Get(api + "/reelect", [ask](const httplib::Request&, httplib::Response& res) {
    ask(actors::reelect_atom::value, "Set re-elections", res);
  });
  srv.Get(api + "/grab-election", [ask](const httplib::Request&, httplib::Response& res) {
    ask(actors::grab_atom::value, "Node elected as leader", res);
  });
}

}  // namespace orc::http
