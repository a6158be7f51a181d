// Downtime and maintenance routes. Writes go through the storage actor's session
// (ctx.run_storage_job) and mark the snapshot dirty, so the next read shows them.

#include "http/routes_maintenance.hpp"

#include <climits>

#include "http/json_encode.hpp"
#include "model/duration.hpp"
#include "storage/downtime_dao.hpp"
#include "storage/maintenance_dao.hpp"

namespace orc::http {

namespace {

const char* kSeg = "([^/]+)";

/// Upstream's Maintenance JSON: MaintenanceId, Key, BeginTimestamp, SecondsElapsed, IsActive,
/// Owner, Reason.
std::string maintenance_json(const std::vector<storage::MaintenanceLock>& locks) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const auto& m : locks) {
    w.StartObject();
    w.Key("MaintenanceId");
    w.Int64(m.id);
    w.Key("Key");
    write_key(w, m.key);
    w.Key("BeginTimestamp");
    write_string(w, m.begin_timestamp);
    w.Key("SecondsElapsed");
    w.Int64(std::max<int64_t>(0, m.seconds_elapsed));
    w.Key("IsActive");
    w.Bool(m.active);
    w.Key("Owner");
    write_string(w, m.owner);
    w.Key("Reason");
    write_string(w, m.reason);
    w.EndObject();
  }
  w.EndArray();
  return buffer.GetString();
}

/// Seconds of an optional duration segment; nullopt (error written) when it does not parse.
std::optional<int> duration_seconds(const std::string& text, httplib::Response& res) {
  if (text.empty()) return 0;
  auto d = model::parse_duration(text);
  if (!d) {
    respond_error(res, "Invalid duration: " + text + " (expected e.g. 30s, 10m, 1h, 2d, 1w)");
    return std::nullopt;
  }
  return static_cast<int>(std::min<long long>(d->count(), INT_MAX));
}

}  // namespace

void register_maintenance_routes(Router& srv, const ApiContext& ctx,
                                 const std::string& api, model::NodeIdentity node) {
  const std::string hp = std::string("/") + kSeg + "/" + kSeg;

  auto begin_downtime = [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    const std::string owner = req.matches[3], reason = req.matches[4];
    auto seconds = duration_seconds(req.matches.size() > 5 ? req.matches[5].str() : "", res);
    if (!seconds) return;
    auto error = ctx.run_storage_job(
        [&](soci::session& s) { storage::begin_downtime(s, *key, owner, reason, *seconds); });
    if (!error.empty()) return respond_error(res, "Cannot begin downtime: " + error);
    ctx.snapshots->mark_dirty();
    respond_ok(res, "Downtime begun: " + key->str(), key_json(*key));
  };
  srv.Get(api + "/begin-downtime" + hp + "/" + kSeg + "/" + kSeg, begin_downtime);
  srv.Get(api + "/begin-downtime" + hp + "/" + kSeg + "/" + kSeg + "/" + kSeg, begin_downtime);

  srv.Get(api + "/end-downtime" + hp, [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    auto error = ctx.run_storage_job([&](soci::session& s) { storage::end_downtime(s, *key); });
    if (!error.empty()) return respond_error(res, "Cannot end downtime: " + error);
    ctx.snapshots->mark_dirty();
    respond_ok(res, "Downtime ended: " + key->str(), key_json(*key));
  });

  auto downtimed = [&ctx](const std::string& hint, httplib::Response& res) {
    auto snap = ctx.snapshot();
    if (!snap) return respond_error(res, "Cannot read from the backend database");
    std::optional<std::string> cluster;
    if (!hint.empty()) {
      cluster = cluster_from_hint(ctx, *snap, hint, res);
      if (!cluster) return;
    }
    std::vector<model::Instance> found;
    for (const auto& inst : snap->instances)
      if (inst.is_downtimed && (!cluster || inst.cluster_name == *cluster)) found.push_back(inst);
    respond_json(res, instances_json(found));
  };
  srv.Get(api + "/downtimed",
          [downtimed](const httplib::Request&, httplib::Response& res) { downtimed("", res); });
  srv.Get(api + "/downtimed/" + kSeg,
          [downtimed](const httplib::Request& req, httplib::Response& res) {
            downtimed(req.matches[1], res);
          });

  srv.Get(api + "/begin-maintenance" + hp + "/" + kSeg + "/" + kSeg,
          [&ctx, node](const httplib::Request& req, httplib::Response& res) {
            auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
            if (!key) return;
            const std::string owner = req.matches[3], reason = req.matches[4];
            storage::BeginMaintenanceResult result;
            auto error = ctx.run_storage_job([&](soci::session& s) {
              result = storage::begin_maintenance(s, *key, owner, reason, 0, node, true);
            });
            if (!error.empty()) return respond_error(res, "Cannot begin maintenance: " + error);
            if (!result.acquired) return respond_error(res, result.refusal_message(*key));
            ctx.snapshots->mark_dirty();
            respond_ok(res,
                       "Maintenance begun: " + key->str() + " (maintenance key " +
                           std::to_string(result.token) + ")",
                       key_json(*key));
          });

  srv.Get(api + "/end-maintenance" + hp, [&ctx](const httplib::Request& req,
                                                httplib::Response& res) {
    auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
    if (!key) return;
    auto error = ctx.run_storage_job([&](soci::session& s) { storage::end_maintenance(s, *key); });
    if (!error.empty()) return respond_error(res, "Cannot end maintenance: " + error);
    ctx.snapshots->mark_dirty();
    respond_ok(res, "Maintenance ended: " + key->str(), key_json(*key));
  });

  srv.Get(api + "/end-maintenance/" + kSeg, [&ctx](const httplib::Request& req,
                                                   httplib::Response& res) {
    const std::string text = req.matches[1];
    long long id = 0;
    try {
      std::size_t used = 0;
      id = std::stoll(text, &used);
      if (used != text.size() || id <= 0) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      return respond_error(res, "Invalid maintenance key: " + text);
    }
    auto error =
        ctx.run_storage_job([&](soci::session& s) { storage::end_maintenance_by_id(s, id); });
    if (!error.empty()) return respond_error(res, "Cannot end maintenance: " + error);
    ctx.snapshots->mark_dirty();
    respond_ok(res, "Maintenance ended: " + std::to_string(id), std::to_string(id));
  });

  srv.Get(api + "/in-maintenance" + hp,
          [&ctx](const httplib::Request& req, httplib::Response& res) {
            auto key = instance_key_from_path(req.matches[1], req.matches[2], res);
            if (!key) return;
            bool in_maintenance = false;
            auto error = ctx.run_storage_job([&](soci::session& s) {
              in_maintenance = storage::active_maintenance(s, *key).has_value();
            });
            if (!error.empty()) return respond_error(res, "Cannot read maintenance: " + error);
            // As upstream: the message is the instance key when it is in maintenance, else empty.
            respond_ok(res, in_maintenance ? key->str() : "", in_maintenance ? "true" : "false");
          });

  srv.Get(api + "/maintenance", [&ctx](const httplib::Request&, httplib::Response& res) {
    std::vector<storage::MaintenanceLock> locks;
    auto error =
        ctx.run_storage_job([&](soci::session& s) { locks = storage::read_active_maintenance(s); });
    if (!error.empty()) return respond_error(res, "Cannot read maintenance: " + error);
    respond_json(res, maintenance_json(locks));
  });
}

}  // namespace orc::http
