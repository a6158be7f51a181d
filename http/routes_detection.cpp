// audit-failure-detection: the detections registered in topology_failure_detection, newest
// first, in upstream's TopologyRecovery-shaped JSON.

#include "http/json_encode.hpp"
#include "http/json_recovery.hpp"
#include "http/routes.hpp"
#include "storage/failure_detection_dao.hpp"

namespace orc::http {

namespace {

constexpr int kPageSize = 50;  // upstream's AuditPageSize

std::string detections_json(const std::vector<storage::FailureDetection>& rows) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& d : rows) {
    w.StartObject();
    w.Key("Id");
    w.Int64(d.id);
    w.Key("AnalysisEntry");
    w.StartObject();
    write_failure_fields(w, d.key, d.analysis, d.cluster_name, d.cluster_alias,
                         d.count_affected_slaves, d.slave_hosts);
    w.Key("IsActionableRecovery");
    w.Bool(d.is_actionable);
    w.EndObject();
    w.Key("IsActive");
    w.Bool(d.in_active_period);
    w.Key("RecoveryStartTimestamp");
    write_string(w, d.start_active_period);
    w.Key("ProcessingNodeHostname");
    write_string(w, d.processing_node_hostname);
    w.Key("ProcessingNodeToken");
    write_string(w, d.processing_node_token);
    w.Key("RelatedRecoveryId");
    w.Int64(d.related_recovery_id);
    w.EndObject();
  }
  w.EndArray();
  return buf.GetString();
}

void audit(const ApiContext& ctx, int page, std::optional<std::string> cluster,
           httplib::Response& res) {
  std::vector<storage::FailureDetection> rows;
  auto error = ctx.run_storage_job([&](soci::session& s) {
    rows = storage::read_failure_detections(s, kPageSize, page * kPageSize, cluster);
  });
  if (!error.empty()) return respond_error(res, "Cannot read failure detections: " + error);
  respond_json(res, detections_json(rows));
}

}  // namespace

void register_detection_routes(Router& srv, const ApiContext& ctx,
                               const std::string& api) {
  srv.Get(api + "/audit-failure-detection",
          [&ctx](const httplib::Request&, httplib::Response& res) {
            audit(ctx, 0, std::nullopt, res);
          });
  srv.Get(api + "/audit-failure-detection/" + kSegment,
          [&ctx](const httplib::Request& req, httplib::Response& res) {
            const auto text = req.matches[1].str();
            if (text.empty() || text.size() > 6 ||
                text.find_first_not_of("0123456789") != std::string::npos)
              return respond_error(res, "Invalid page: " + text);
            audit(ctx, std::stoi(text), std::nullopt, res);
          });
  auto by_cluster = [&ctx](const httplib::Request& req, httplib::Response& res) {
    audit(ctx, 0, req.matches[1].str(), res);
  };
  srv.Get(api + "/audit-failure-detection/cluster/" + kSegment, by_cluster);
  srv.Get(api + "/audit-failure-detection/alias/" + kSegment, by_cluster);
}

}  // namespace orc::http
