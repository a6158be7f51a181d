// Recovery administration with upstream's paths (go/http/api.go): acknowledgements, the global
// recovery switch, the recovery audit (recoveries, their steps, blocked recoveries) and
// register-candidate. Everything runs on the storage actor's backend session; cluster hints are
// resolved against the backend (storage::resolve_cluster) in the same job.

#include <soci/soci.h>

#include <cctype>
#include <functional>
#include <stdexcept>

#include "http/auth.hpp"
#include "http/json_encode.hpp"
#include "http/json_recovery.hpp"
#include "http/routes.hpp"
#include "storage/candidate_dao.hpp"
#include "storage/cluster_dao.hpp"
#include "storage/recovery_dao.hpp"

namespace orc::http {

namespace {

constexpr int kPageSize = 50;  // upstream's audit page size, as audit-failure-detection

using storage::RecoveryScope;
using storage::TopologyRecoveryRow;

// ------------------------------------------------------------------------------ JSON

/// Upstream's TopologyRecoveryStep: Id, RecoveryUID, AuditAt, Message.
std::string steps_json(const std::vector<storage::RecoveryStepRow>& steps) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& s : steps) {
    w.StartObject();
    w.Key("Id");
    w.Int64(s.id);
    w.Key("RecoveryUID");
    write_string(w, s.uid);
    w.Key("AuditAt");
    write_string(w, s.audit_at);
    w.Key("Message");
    write_string(w, s.message);
    w.EndObject();
  }
  w.EndArray();
  return buf.GetString();
}

/// Upstream's BlockedTopologyRecovery: FailedInstanceKey, ClusterName, Analysis,
/// LastBlockedTimestamp, BlockingRecoveryId.
std::string blocked_json(const std::vector<storage::BlockedRecoveryRow>& rows) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& b : rows) {
    w.StartObject();
    w.Key("FailedInstanceKey");
    write_key(w, b.key);
    w.Key("ClusterName");
    write_string(w, b.cluster_name);
    w.Key("Analysis");
    write_string(w, b.analysis);
    w.Key("LastBlockedTimestamp");
    write_string(w, b.last_blocked_timestamp);
    w.Key("BlockingRecoveryId");
    w.Int64(b.blocking_recovery_id);
    w.EndObject();
  }
  w.EndArray();
  return buf.GetString();
}

// ------------------------------------------------------------------------------ input

/// A non-negative decimal of at most 18 digits; nullopt otherwise.
std::optional<int64_t> parse_number(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

/// The cluster a hint names, resolved in the backend; nullopt with `why` set when unknown.
std::optional<std::string> resolve(const ApiContext& ctx, soci::session& s, const std::string& hint,
                                   std::string& why) {
  auto cluster = storage::resolve_cluster(s, hint, ctx.config->DefaultInstancePort);
  if (!cluster) why = "Unable to determine cluster name for " + hint;
  return cluster;
}

/// Runs `fn` in a storage job. `fn` sets `why` for a refusal (bad input found in the backend);
/// returns false after writing the error envelope, for backend errors too.
bool run(const ApiContext& ctx, httplib::Response& res, const std::string& what,
         const std::function<void(soci::session&, std::string& why)>& fn) {
  std::string why;
  // Control lane: acknowledgements and the recovery switch never wait behind probe flushes.
  auto error = ctx.run_control_job([&](soci::session& s) { fn(s, why); });
  if (!error.empty()) {
    respond_error(res, "Cannot " + what + ": " + error);
    return false;
  }
  if (!why.empty()) {
    respond_error(res, why);
    return false;
  }
  return true;
}

// ------------------------------------------------------------------------------ handlers

using ScopeFn = std::function<std::optional<RecoveryScope>(soci::session&, std::string& why)>;

/// Acknowledges the recoveries `scope_of` names; Details = how many.
void acknowledge(const ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                 const ScopeFn& scope_of) {
  const auto comment = trimmed(req.get_param_value("comment"));
  if (comment.empty()) return respond_error(res, "No acknowledge comment given");
  const auto by = request_user(*ctx.config, req);
  int count = 0;
  if (!run(ctx, res, "acknowledge recoveries", [&](soci::session& s, std::string& why) {
        if (auto scope = scope_of(s, why))
          count = storage::acknowledge_recoveries(s, *scope, by, comment);
      }))
    return;
  respond_ok(res, "Acknowledged " + std::to_string(count) + " recoveries", std::to_string(count));
}

ScopeFn cluster_scope(const ApiContext& ctx, std::string hint) {
  return [&ctx, hint](soci::session& s, std::string& why) -> std::optional<RecoveryScope> {
    auto cluster = resolve(ctx, s, hint, why);
    if (!cluster) return std::nullopt;
    return storage::cluster_recovery_scope(s, *cluster);
  };
}

/// Answers the recoveries `read` returns as a bare JSON array.
void audit(
    const ApiContext& ctx, httplib::Response& res,
    const std::function<std::vector<TopologyRecoveryRow>(soci::session&, std::string&)>& read) {
  std::vector<TopologyRecoveryRow> rows;
  if (!run(ctx, res, "read recoveries",
           [&](soci::session& s, std::string& why) { rows = read(s, why); }))
    return;
  respond_json(res, recoveries_json(rows));
}

/// audit-recovery pages: `cluster_hint` resolved, or `alias` matched as recorded.
void audit_page(const ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                const std::string& page_text, std::optional<std::string> cluster_hint,
                std::optional<std::string> alias) {
  auto page = page_text.empty() ? std::optional<int64_t>(0) : parse_number(page_text);
  if (!page || *page > 100000) return respond_error(res, "Invalid page: " + page_text);
  RecoveryScope scope;
  scope.unacknowledged_only = req.get_param_value("unacknowledged") == "true";
  scope.cluster_alias = alias;
  audit(ctx, res, [&](soci::session& s, std::string& why) {
    if (cluster_hint) {
      scope.cluster_name = resolve(ctx, s, *cluster_hint, why);
      if (!scope.cluster_name) return std::vector<TopologyRecoveryRow>{};
    }
    return storage::read_recoveries(s, scope, false, kPageSize,
                                    static_cast<int>(*page) * kPageSize);
  });
}

}  // namespace

void register_recovery_admin_routes(Router& srv, const ApiContext& ctx, const std::string& api) {
  const std::string seg = kSegment;
  auto m = [](const httplib::Request& req, int i) { return req.matches[i].str(); };

  // ---- acknowledgements
  srv.Get(api + "/ack-recovery/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            auto id = parse_number(m(req, 1));
            if (!id) return respond_error(res, "Invalid recovery id: " + m(req, 1));
            acknowledge(ctx, req, res, [&](soci::session&, std::string&) {
              RecoveryScope scope;
              scope.id = *id;
              return std::optional<RecoveryScope>(scope);
            });
          });
  srv.Get(api + "/ack-recovery/uid/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            acknowledge(ctx, req, res, [&](soci::session&, std::string&) {
              RecoveryScope scope;
              scope.uid = m(req, 1);
              return std::optional<RecoveryScope>(scope);
            });
          });
  srv.Get(api + "/ack-recovery/instance/" + seg + "/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            auto key = instance_key_from_path(m(req, 1), m(req, 2), res);
            if (!key) return;
            acknowledge(ctx, req, res, [&](soci::session&, std::string&) {
              RecoveryScope scope;
              scope.key = *key;
              return std::optional<RecoveryScope>(scope);
            });
          });
  auto ack_cluster = [&ctx, m](const httplib::Request& req, httplib::Response& res) {
    acknowledge(ctx, req, res, cluster_scope(ctx, m(req, 1)));
  };
  srv.Get(api + "/ack-recovery/cluster/" + seg, ack_cluster);
  srv.Get(api + "/ack-recovery/cluster/alias/" + seg, ack_cluster);
  srv.Get(api + "/ack-all-recoveries", [&ctx](const httplib::Request& req, httplib::Response& res) {
    acknowledge(ctx, req, res, [](soci::session&, std::string&) {
      return std::optional<RecoveryScope>(RecoveryScope{});
    });
  });

  // ---- the global switch
  auto set_global = [&ctx](bool disabled, httplib::Response& res) {
    if (!run(ctx, res, "change global recoveries", [&](soci::session& s, std::string&) {
          storage::set_global_recovery_disabled(s, disabled);
        }))
      return;
    respond_ok(res, disabled ? "Globally disabled recoveries" : "Globally enabled recoveries",
               json_string(disabled ? "disabled" : "enabled"));
  };
  srv.Get(api + "/disable-global-recoveries",
          [set_global](const httplib::Request&, httplib::Response& res) { set_global(true, res); });
  srv.Get(
      api + "/enable-global-recoveries",
      [set_global](const httplib::Request&, httplib::Response& res) { set_global(false, res); });
  srv.Get(api + "/check-global-recoveries",
          [&ctx](const httplib::Request&, httplib::Response& res) {
            bool disabled = false;
            if (!run(ctx, res, "read global recoveries", [&](soci::session& s, std::string&) {
                  disabled = storage::is_global_recovery_disabled(s);
                }))
              return;
            const std::string state = disabled ? "disabled" : "enabled";
            respond_ok(res, "Global recoveries " + state, json_string(state));
          });

  // ---- audit
  srv.Get(api + "/audit-recovery", [&ctx](const httplib::Request& req, httplib::Response& res) {
    audit_page(ctx, req, res, "", std::nullopt, std::nullopt);
  });
  srv.Get(api + "/audit-recovery/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            audit_page(ctx, req, res, m(req, 1), std::nullopt, std::nullopt);
          });
  auto by_cluster = [&ctx, m](const httplib::Request& req, httplib::Response& res) {
    audit_page(ctx, req, res, req.matches.size() > 2 ? m(req, 2) : "", m(req, 1), std::nullopt);
  };
  srv.Get(api + "/audit-recovery/cluster/" + seg, by_cluster);
  srv.Get(api + "/audit-recovery/cluster/" + seg + "/" + seg, by_cluster);
  auto by_alias = [&ctx, m](const httplib::Request& req, httplib::Response& res) {
    audit_page(ctx, req, res, req.matches.size() > 2 ? m(req, 2) : "", std::nullopt, m(req, 1));
  };
  srv.Get(api + "/audit-recovery/alias/" + seg, by_alias);
  srv.Get(api + "/audit-recovery/alias/" + seg + "/" + seg, by_alias);
  srv.Get(api + "/audit-recovery/id/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            auto id = parse_number(m(req, 1));
            if (!id) return respond_error(res, "Invalid recovery id: " + m(req, 1));
            audit(ctx, res, [&](soci::session& s, std::string&) {
              RecoveryScope scope;
              scope.id = *id;
              return storage::read_recoveries(s, scope, false, 1, 0);
            });
          });
  srv.Get(api + "/audit-recovery/uid/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            audit(ctx, res, [&](soci::session& s, std::string&) {
              RecoveryScope scope;
              scope.uid = m(req, 1);
              return storage::read_recoveries(s, scope, false, kPageSize, 0);
            });
          });
  srv.Get(api + "/audit-recovery-steps/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            std::vector<storage::RecoveryStepRow> steps;
            if (!run(ctx, res, "read recovery steps", [&](soci::session& s, std::string&) {
                  steps = storage::read_recovery_steps(s, m(req, 1));
                }))
              return;
            respond_json(res, steps_json(steps));
          });
  using ClusterRead =
      std::vector<TopologyRecoveryRow> (*)(soci::session&, const std::string& cluster_name);
  auto cluster_read = [&ctx, m](ClusterRead read) {
    return [&ctx, m, read](const httplib::Request& req, httplib::Response& res) {
      audit(ctx, res, [&](soci::session& s, std::string& why) {
        auto cluster = resolve(ctx, s, m(req, 1), why);
        return cluster ? read(s, *cluster) : std::vector<TopologyRecoveryRow>{};
      });
    };
  };
  srv.Get(api + "/active-cluster-recovery/" + seg,
          cluster_read(&storage::read_active_cluster_recoveries));
  srv.Get(api + "/recently-active-cluster-recovery/" + seg,
          cluster_read(&storage::read_recently_active_cluster_recoveries));
  srv.Get(api + "/recently-active-instance-recovery/" + seg + "/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            auto key = instance_key_from_path(m(req, 1), m(req, 2), res);
            if (!key) return;
            audit(ctx, res, [&](soci::session& s, std::string&) {
              return storage::read_recently_active_instance_recoveries(s, *key);
            });
          });
  auto blocked = [&ctx](const std::optional<std::string>& hint, httplib::Response& res) {
    std::vector<storage::BlockedRecoveryRow> rows;
    if (!run(ctx, res, "read blocked recoveries", [&](soci::session& s, std::string& why) {
          std::optional<std::string> cluster;
          if (hint && !(cluster = resolve(ctx, s, *hint, why))) return;
          rows = storage::read_blocked_recoveries(s, cluster);
        }))
      return;
    respond_json(res, blocked_json(rows));
  };
  srv.Get(api + "/blocked-recoveries", [blocked](const httplib::Request&, httplib::Response& res) {
    blocked(std::nullopt, res);
  });
  srv.Get(api + "/blocked-recoveries/cluster/" + seg,
          [blocked, m](const httplib::Request& req, httplib::Response& res) {
            blocked(m(req, 1), res);
          });

  // ---- candidates
  srv.Get(api + "/register-candidate/" + seg + "/" + seg + "/" + seg,
          [&ctx, m](const httplib::Request& req, httplib::Response& res) {
            auto key = instance_key_from_path(m(req, 1), m(req, 2), res);
            if (!key) return;
            if (!run(ctx, res, "register candidate", [&](soci::session& s, std::string& why) {
                  try {
                    storage::register_candidate(s, *key, m(req, 3));
                  } catch (const std::invalid_argument& e) {
                    why = e.what();
                  }
                }))
              return;
            ctx.snapshots->mark_dirty();
            respond_ok(res, "Registered candidate", key_json(*key));
          });
}

}  // namespace orc::http
