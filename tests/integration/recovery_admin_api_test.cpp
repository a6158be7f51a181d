// Recovery administration end to end: a real node's API (acknowledgements, the audit, the
// global switch, register-candidate) and the CLI, over recoveries written with the DAO into the
// node's own backend.

#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <soci/soci.h>

#include <fstream>
#include <memory>
#include <string>

#include "storage/backend.hpp"
#include "storage/recovery_dao.hpp"
#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;
using orc::model::InstanceKey;
using namespace orc::storage;

namespace {

const InstanceKey db1{"db-1.test", 3306}, db2{"db-2.test", 3306}, db3{"db-3.test", 3307};
const orc::model::NodeIdentity node_a{"orc-a", std::string(64, 'a')};

/// A backend with a session to it. The instances are rows only: checked far in the future so
/// that no node probes them. db1 and db2 are cluster db-1.test:3306 (alias "prod"), db3 is
/// its own cluster. node_a, which "runs" the recoveries, reports health in the future too, so
/// the leader never acknowledges them as crashed.
struct Backend {
  Sandbox sandbox = Sandbox::backend();
  std::unique_ptr<soci::session> session;

  /// Connects and adds the rows above; the schema must exist (a node or the CLI deploys it).
  void connect() {
    MysqlEndpoint ep;
    ep.host = "127.0.0.1";
    ep.port = sandbox.port();
    ep.user = "orc_backend";
    ep.password = "orc_backend_pass";
    ep.database = "orchestrator";
    session = open_session(ep);
    auto& s = *session;
    for (const auto& [key, cluster] : {std::make_pair(db1, std::string("db-1.test:3306")),
                                       std::make_pair(db2, std::string("db-1.test:3306")),
                                       std::make_pair(db3, std::string("db-3.test:3307"))})
      s << "INSERT IGNORE INTO database_instance (hostname, port, cluster_name, last_seen, "
           "last_checked, last_attempted_check) VALUES (:h, :p, :c, NOW() + INTERVAL 1 DAY, "
           "NOW() + INTERVAL 1 DAY, NOW() + INTERVAL 1 DAY)",
          soci::use(key.hostname), soci::use(key.port), soci::use(cluster);
    s << "REPLACE INTO cluster_alias_override (cluster_name, alias) VALUES ('db-1.test:3306', "
         "'prod')";
    s << "REPLACE INTO node_health (hostname, token, last_seen_active, extra_info, command) "
         "VALUES (:h, :t, NOW() + INTERVAL 1 DAY, 'HttpMode', '')",
        soci::use(node_a.hostname), soci::use(node_a.token);
  }

  /// A recovery of `key` registered by node_a; `finished` resolves it (no successor).
  int64_t recovery(const InstanceKey& key, const std::string& cluster, const std::string& uid,
                   bool finished = true) {
    RecoveryRegistration r;
    r.failed = key;
    r.analysis = "DeadMaster";
    r.cluster_name = cluster;
    r.cluster_alias = cluster == "db-1.test:3306" ? "prod" : cluster;
    r.node = node_a;
    r.uid = uid;
    auto id = register_recovery(*session, r);
    REQUIRE(id);
    if (finished) {
      RecoveryResolution res;
      res.recovery_id = *id;
      resolve_recovery(*session, res);
    }
    return *id;
  }

  std::string value(const std::string& sql) {
    std::string v;
    *session << sql, soci::into(v);
    return v;
  }
};

HttpOptions admin_client() {
  HttpOptions o;
  o.user = "admin";
  o.password = "secret";
  return o;
}

/// A node on the backend, with proxy or basic authentication so acknowledgements name a user.
struct Fixture {
  Backend backend;
  const bool basic;
  int http_port = free_port();
  OrchestratorNode node;
  explicit Fixture(const std::string& auth = "proxy")
      : basic(auth == "basic"),
        node(node_config_json(backend.sandbox.port(), http_port,
                              {{"AuthenticationMethod", "\"" + auth + "\""},
                               {"HTTPAuthUser", "\"admin\""},
                               {"HTTPAuthPassword", "\"secret\""},
                               {"InstancePollSeconds", "1"}}),
             http_port, basic ? admin_client() : HttpOptions{}) {
    backend.connect();
  }

  /// GET /api/PATH as `user` (proxy header, or basic auth with the configured password).
  rapidjson::Document get(const std::string& path, const std::string& user = "") {
    httplib::Client cli("127.0.0.1", http_port);
    cli.set_read_timeout(5, 0);
    httplib::Headers headers;
    if (!user.empty() && basic) cli.set_basic_auth(user.c_str(), "secret");
    if (!user.empty() && !basic) headers.emplace("X-Forwarded-User", user);
    auto res = cli.Get(("/api/" + path).c_str(), headers);
    rapidjson::Document d;
    REQUIRE_MESSAGE(res, path);
    d.Parse(res->body.c_str());
    REQUIRE_MESSAGE(!d.HasParseError(), (path + ": " + res->body));
    if (d.IsObject() && d.HasMember("Code"))
      CHECK_MESSAGE(res->status == (std::string(d["Code"].GetString()) == "OK" ? 200 : 500), path);
    return d;
  }
};

std::string code(const rapidjson::Document& d) {
  return d.IsObject() && d.HasMember("Code") ? d["Code"].GetString() : "";
}
std::string message(const rapidjson::Document& d) {
  return d["Message"].GetString();
}
std::string str(const rapidjson::Value& v) {
  return v.IsString() ? v.GetString() : "<not a string>";
}

}  // namespace

TEST_CASE("the API acknowledges recoveries by id, uid, instance, cluster, alias and all") {
  Fixture f;
  auto& b = f.backend;
  auto r1 = b.recovery(db1, "db-1.test:3306", "uid-1");
  b.recovery(db2, "db-1.test:3306", "uid-2");
  b.recovery(db3, "db-3.test:3307", "uid-3");
  const auto id1 = std::to_string(r1);

  auto missing = f.get("ack-recovery/" + id1);
  CHECK(code(missing) == "ERROR");
  CHECK(message(missing) == "No acknowledge comment given");
  CHECK(code(f.get("ack-recovery/" + id1 + "?comment=%20%20")) == "ERROR");  // blank
  auto bad_id = f.get("ack-recovery/12x?comment=x");
  CHECK(code(bad_id) == "ERROR");
  CHECK(message(bad_id).find("Invalid recovery id") != std::string::npos);

  auto by_id = f.get("ack-recovery/" + id1 + "?comment=by%20id");
  CHECK(code(by_id) == "OK");
  CHECK(by_id["Details"].GetInt() == 1);
  CHECK(b.value("SELECT CONCAT(acknowledged_by, '|', acknowledge_comment) FROM topology_recovery "
                "WHERE recovery_id = " +
                id1) == "orchestrator|by id");
  auto by_uid = f.get("ack-recovery/uid/uid-2?comment=x", "alice");
  CHECK(by_uid["Details"].GetInt() == 1);
  CHECK(b.value("SELECT acknowledged_by FROM topology_recovery WHERE uid = 'uid-2'") == "alice");
  CHECK(f.get("ack-recovery/instance/db-3.test/3307?comment=x")["Details"].GetInt() == 1);
  CHECK(code(f.get("ack-recovery/instance/db-3.test/port?comment=x")) == "ERROR");

  b.recovery(db1, "db-1.test:3306", "uid-4");
  CHECK(f.get("ack-recovery/cluster/alias/prod?comment=x")["Details"].GetInt() == 1);
  b.recovery(db2, "db-1.test:3306", "uid-5");
  // Any member's key names the cluster.
  CHECK(f.get("ack-recovery/cluster/db-2.test:3306?comment=x")["Details"].GetInt() == 1);
  auto unknown = f.get("ack-recovery/cluster/nosuch?comment=x");
  CHECK(code(unknown) == "ERROR");
  CHECK(message(unknown) == "Unable to determine cluster name for nosuch");

  b.recovery(db1, "db-1.test:3306", "uid-6");
  b.recovery(db3, "db-3.test:3307", "uid-7");
  CHECK(code(f.get("ack-all-recoveries")) == "ERROR");
  CHECK(f.get("ack-all-recoveries?comment=x")["Details"].GetInt() == 2);
  CHECK(b.value("SELECT COUNT(*) FROM topology_recovery WHERE acknowledged = 0") == "0");
}

TEST_CASE("with basic authentication the acknowledging user is the basic-auth user") {
  Fixture f("basic");
  f.backend.recovery(db1, "db-1.test:3306", "uid-1");
  CHECK(f.get("ack-recovery/uid/uid-1?comment=x", "admin")["Details"].GetInt() == 1);
  CHECK(f.backend.value("SELECT acknowledged_by FROM topology_recovery") == "admin");
}

TEST_CASE("the API audits recoveries, steps, active, recent and blocked ones") {
  Fixture f;
  auto& b = f.backend;
  auto r1 = b.recovery(db1, "db-1.test:3306", "uid-1", false);
  add_recovery_step(*b.session, "uid-1", "promoting db-2");
  add_recovery_step(*b.session, "uid-1", "done");
  RecoveryResolution res;
  res.recovery_id = r1;
  res.is_successful = true;
  res.successor = db2;
  res.lost_replicas = {db3};
  res.errors = {"one error"};
  resolve_recovery(*b.session, res);
  auto r2 = b.recovery(db3, "db-3.test:3307", "uid-2", false);  // still running
  record_blocked_recovery(*b.session, db2, "db-1.test:3306", "DeadMaster", r1);

  auto all = f.get("audit-recovery");
  REQUIRE(all.IsArray());
  REQUIRE(all.Size() == 2);
  CHECK(all[0]["Id"].GetInt64() == r2);
  CHECK(all[0]["SuccessorKey"].IsNull());
  CHECK(str(all[0]["RecoveryEndTimestamp"]).empty());
  const auto& one = all[1];
  CHECK(one["Id"].GetInt64() == r1);
  CHECK(str(one["UID"]) == "uid-1");
  CHECK(str(one["AnalysisEntry"]["AnalyzedInstanceKey"]["Hostname"]) == "db-1.test");
  CHECK(str(one["AnalysisEntry"]["Analysis"]) == "DeadMaster");
  CHECK(str(one["AnalysisEntry"]["ClusterDetails"]["ClusterAlias"]) == "prod");
  CHECK(str(one["SuccessorKey"]["Hostname"]) == "db-2.test");
  CHECK(one["IsSuccessful"].GetBool());
  CHECK(one["IsActive"].GetBool());
  CHECK(one["LostReplicas"][0]["Port"].GetInt() == 3307);
  CHECK(str(one["AllErrors"][0]) == "one error");
  CHECK(str(one["RecoveryEndTimestamp"]).size() == 19);
  CHECK(str(one["ProcessingNodeHostname"]) == "orc-a");
  CHECK_FALSE(one["Acknowledged"].GetBool());

  CHECK(f.get("audit-recovery/1").Size() == 0);  // the second page
  CHECK(code(f.get("audit-recovery/first")) == "ERROR");
  CHECK(f.get("audit-recovery/id/" + std::to_string(r1)).Size() == 1);
  CHECK(code(f.get("audit-recovery/id/x")) == "ERROR");
  CHECK(f.get("audit-recovery/uid/uid-2")[0]["Id"].GetInt64() == r2);
  auto by_cluster = f.get("audit-recovery/cluster/db-2.test:3306");
  REQUIRE(by_cluster.Size() == 1);
  CHECK(by_cluster[0]["Id"].GetInt64() == r1);
  CHECK(f.get("audit-recovery/cluster/db-2.test:3306/1").Size() == 0);
  CHECK(f.get("audit-recovery/alias/prod")[0]["Id"].GetInt64() == r1);
  CHECK(code(f.get("audit-recovery/cluster/nosuch")) == "ERROR");

  auto steps = f.get("audit-recovery-steps/uid-1");
  REQUIRE(steps.Size() == 2);
  CHECK(str(steps[0]["Message"]) == "promoting db-2");
  CHECK(str(steps[1]["RecoveryUID"]) == "uid-1");
  CHECK(str(steps[1]["AuditAt"]).size() == 19);
  CHECK(steps[0]["Id"].GetInt64() < steps[1]["Id"].GetInt64());

  auto active = f.get("active-cluster-recovery/db-3.test:3307");
  REQUIRE(active.Size() == 1);
  CHECK(active[0]["Id"].GetInt64() == r2);
  CHECK(f.get("active-cluster-recovery/prod").Size() == 0);  // r1 has ended
  CHECK(f.get("recently-active-cluster-recovery/prod")[0]["Id"].GetInt64() == r1);
  CHECK(f.get("recently-active-instance-recovery/db-2.test/3306")[0]["Id"].GetInt64() == r1);
  CHECK(f.get("recently-active-instance-recovery/db-3.test/3307").Size() == 0);

  auto blocked = f.get("blocked-recoveries");
  REQUIRE(blocked.Size() == 1);
  CHECK(str(blocked[0]["FailedInstanceKey"]["Hostname"]) == "db-2.test");
  CHECK(blocked[0]["BlockingRecoveryId"].GetInt64() == r1);
  CHECK(str(blocked[0]["Analysis"]) == "DeadMaster");
  CHECK(f.get("blocked-recoveries/cluster/prod").Size() == 1);
  CHECK(f.get("blocked-recoveries/cluster/db-3.test:3307").Size() == 0);
}

TEST_CASE("the API toggles global recoveries and registers candidates") {
  Fixture f;
  auto& b = f.backend;
  CHECK(str(f.get("check-global-recoveries")["Details"]) == "enabled");
  auto disabled = f.get("disable-global-recoveries");
  CHECK(code(disabled) == "OK");
  CHECK(str(disabled["Details"]) == "disabled");
  CHECK(b.value("SELECT COUNT(*) FROM global_recovery_disable") == "1");
  CHECK(str(f.get("check-global-recoveries")["Details"]) == "disabled");
  CHECK(str(f.get("enable-global-recoveries")["Details"]) == "enabled");
  CHECK(str(f.get("check-global-recoveries")["Details"]) == "enabled");

  auto registered = f.get("register-candidate/db-1.test/3306/prefer_not");
  CHECK(code(registered) == "OK");
  CHECK(str(registered["Details"]["Hostname"]) == "db-1.test");
  CHECK(b.value("SELECT promotion_rule FROM candidate_database_instance") == "prefer_not");
  auto must = f.get("register-candidate/db-1.test/3306/must");
  CHECK(code(must) == "ERROR");
  CHECK(message(must).find("not supported yet") != std::string::npos);
  auto bogus = f.get("register-candidate/db-1.test/3306/always");
  CHECK(code(bogus) == "ERROR");
  CHECK(message(bogus).find("prefer, neutral, prefer_not, must_not") != std::string::npos);
  CHECK(code(f.get("register-candidate/db-1.test/0/prefer")) == "ERROR");
  CHECK(b.value("SELECT promotion_rule FROM candidate_database_instance") == "prefer_not");
  // The instance API shows the rule.
  auto inst = f.get("instance/db-1.test/3306");
  CHECK(str(inst["PromotionRule"]) == "prefer_not");
}

TEST_CASE("the CLI acknowledges with a required reason, toggles recoveries and registers") {
  Backend b;
  const std::string config = b.sandbox.dir() + "/cli.conf.json";
  std::ofstream(config) << node_config_json(b.sandbox.port(), free_port());  // not listened on
  auto cli = [&config](const std::string& args, int* exit_code, std::string* err = nullptr) {
    const std::string err_file = config + ".err";
    auto out = run_command(std::string(ORC_BINARY) + " --config " + shell_quote(config) + " " +
                               args + " 2>" + shell_quote(err_file),
                           exit_code);
    if (err) *err = run_command("cat " + shell_quote(err_file));
    return out;
  };
  int rc = -1;
  std::string err;
  CHECK(cli("-c check-global-recoveries", &rc) == "enabled\n");  // deploys the schema
  REQUIRE(rc == 0);
  b.connect();

  CHECK(cli("-c ack-all-recoveries", &rc, &err).empty());
  CHECK(rc != 0);
  CHECK(err.find("--reason option required (comment your ack)") != std::string::npos);

  auto r1 = b.recovery(db1, "db-1.test:3306", "uid-1");
  CHECK(cli("-c ack-instance-recoveries -i db-1.test:3306 --reason r --owner bob", &rc) == "1\n");
  CHECK(rc == 0);
  CHECK(b.value("SELECT CONCAT(acknowledged_by, '|', acknowledge_comment) FROM topology_recovery "
                "WHERE recovery_id = " +
                std::to_string(r1)) == "bob|r");
  b.recovery(db2, "db-1.test:3306", "uid-2");
  b.recovery(db3, "db-3.test:3307", "uid-3");
  CHECK(cli("-c ack-cluster-recoveries -alias prod --reason r", &rc) == "1\n");
  CHECK(cli("-c ack-cluster-recoveries -alias nosuch --reason r", &rc).empty());
  CHECK(rc != 0);
  CHECK(cli("-c ack-all-recoveries --reason r", &rc) == "1\n");
  CHECK(cli("-c ack-all-recoveries --reason r", &rc) == "0\n");

  CHECK(cli("-c disable-global-recoveries", &rc) == "disabled\n");
  CHECK(cli("-c check-global-recoveries", &rc) == "disabled\n");
  CHECK(b.value("SELECT COUNT(*) FROM global_recovery_disable") == "1");
  CHECK(cli("-c enable-global-recoveries", &rc) == "enabled\n");
  CHECK(cli("-c check-global-recoveries", &rc) == "enabled\n");

  CHECK(cli("-c register-candidate -i db-2.test:3306 --promotion-rule must_not", &rc) ==
        "db-2.test:3306\n");
  CHECK(cli("-c register-candidate -i db-3.test:3307", &rc) == "db-3.test:3307\n");
  CHECK(b.value("SELECT GROUP_CONCAT(promotion_rule ORDER BY hostname) FROM "
                "candidate_database_instance") == "must_not,prefer");
  CHECK(cli("-c register-candidate -i db-1.test --promotion-rule must", &rc, &err).empty());
  CHECK(rc != 0);
  CHECK(err.find("not supported yet") != std::string::npos);
}
