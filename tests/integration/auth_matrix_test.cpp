// Upstream's authentication rules, cell by cell, against real orchestrator processes:
// {no auth, basic, multi, proxy, ReadOnly} x {read route, mutation, health/leader-check} x
// {no credentials, good, bad, read-only user}. A refused mutation must also leave the backend
// unchanged, so each mutation cell is judged by the global recovery switch it tried to flip.

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "tests/integration/orchestrator_client.hpp"
#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

namespace {

struct Caller {
  const char* label;
  HttpOptions options;
};

HttpOptions basic(const std::string& user, const std::string& password) {
  HttpOptions o;
  o.user = user;
  o.password = password;
  return o;
}

HttpOptions proxy_user(const std::string& user) {
  HttpOptions o;
  o.headers["X-Forwarded-User"] = user;
  return o;
}

const std::string kAdmin = "admin";
const std::string kPassword = "s3cret-Pa55";

/// One node on `backend` with `extra` config; `ready` is how the readiness probe gets in.
std::unique_ptr<OrchestratorNode> start_node(const Sandbox& backend,
                                             std::map<std::string, std::string> extra,
                                             const HttpOptions& ready) {
  const int port = free_port();
  return std::make_unique<OrchestratorNode>(node_config_json(backend.port(), port, extra), port,
                                            ready);
}

/// Config members of a node with `method` ("basic" or "multi") for kAdmin/kPassword.
std::map<std::string, std::string> password_auth(const std::string& method) {
  return {{"AuthenticationMethod", "\"" + method + "\""},
          {"HTTPAuthUser", "\"" + kAdmin + "\""},
          {"HTTPAuthPassword", "\"" + kPassword + "\""}};
}

/// The global recovery switch as the backend holds it (the judge of mutation cells).
bool recoveries_disabled(Sandbox& backend) {
  return backend.sql(0, "SELECT COUNT(*) FROM orchestrator.global_recovery_disable") != "0";
}

/// Tries the mutation as `who`, returns the HTTP status; when it took effect, undoes it.
int try_mutation(OrchestratorNode& node, Sandbox& backend, const HttpOptions& who,
                 const HttpOptions& admin, bool* took_effect) {
  const auto reply = http_request(node.port(), "/api/disable-global-recoveries", who);
  *took_effect = recoveries_disabled(backend);
  if (*took_effect)
    REQUIRE(http_request(node.port(), "/api/enable-global-recoveries", admin).status == 200);
  return reply.status;
}

/// Health answers 200 (healthy) and leader-check 200 once elected; both polled, as a node
/// needs a moment to register and to win the election.
bool health_answers(OrchestratorNode& node, const HttpOptions& who, int expected) {
  return wait_until(
      [&] {
        return http_request(node.port(), "/api/health", who).status == expected &&
               http_request(node.port(), "/api/leader-check", who).status == expected;
      },
      std::chrono::seconds(10));
}

struct Cell {
  const char* caller;
  HttpOptions who;
  int read;      ///< status of /api/clusters-info
  int mutation;  ///< status of /api/disable-global-recoveries
  bool writes;   ///< whether the mutation took effect
  int health;    ///< status of /api/health and /api/leader-check
};

void check_matrix(Sandbox& backend, OrchestratorNode& node, const HttpOptions& admin,
                  const std::vector<Cell>& cells) {
  for (const auto& cell : cells) {
    CAPTURE(cell.caller);
    CHECK(http_request(node.port(), "/api/clusters-info", cell.who).status == cell.read);
    bool took_effect = false;
    CHECK(try_mutation(node, backend, cell.who, admin, &took_effect) == cell.mutation);
    CHECK(took_effect == cell.writes);
    CHECK(health_answers(node, cell.who, cell.health));
  }
}

}  // namespace

TEST_CASE("auth matrix: no authentication lets everyone read and write") {
  auto backend = Sandbox::backend();
  auto node = start_node(backend, {}, {});
  check_matrix(backend, *node, {},
               {{"no credentials", {}, 200, 200, true, 200},
                {"any credentials", basic("x", "y"), 200, 200, true, 200}});
}

TEST_CASE("auth matrix: basic asks every route for the one user, health checks included") {
  auto backend = Sandbox::backend();
  const auto admin = basic(kAdmin, kPassword);
  auto node = start_node(backend, password_auth("basic"), admin);
  check_matrix(backend, *node, admin,
               {{"no credentials", {}, 401, 401, false, 401},
                {"good", admin, 200, 200, true, 200},
                {"bad password", basic(kAdmin, "wrong"), 401, 401, false, 401},
                {"readonly user", basic("readonly", "x"), 401, 401, false, 401}});
  const auto challenge = http_request(node->port(), "/api/clusters-info", {});
  CHECK(challenge.status == 401);
}

TEST_CASE("auth matrix: multi lets user readonly read with any password, not write") {
  auto backend = Sandbox::backend();
  const auto admin = basic(kAdmin, kPassword);
  auto node = start_node(backend, password_auth("multi"), admin);
  check_matrix(backend, *node, admin,
               {{"no credentials", {}, 401, 401, false, 401},
                {"good", admin, 200, 200, true, 200},
                {"bad password", basic(kAdmin, "wrong"), 401, 401, false, 401},
                {"readonly user", basic("readonly", "anything"), 200, 500, false, 200}});
  const auto refused =
      http_request(node->port(), "/api/disable-global-recoveries", basic("readonly", "anything"));
  CHECK(refused.body == R"({"Code":"ERROR","Message":"Unauthorized","Details":null})");
}

TEST_CASE("auth matrix: proxy trusts the user header and lets PowerAuthUsers write") {
  auto backend = Sandbox::backend();
  const auto alice = proxy_user("alice");
  auto node = start_node(
      backend, {{"AuthenticationMethod", "\"proxy\""}, {"PowerAuthUsers", "[\"alice\"]"}}, {});
  check_matrix(backend, *node, alice,
               {{"no user header", {}, 200, 500, false, 200},
                {"power user", alice, 200, 200, true, 200},
                {"other user", proxy_user("bob"), 200, 500, false, 200},
                {"readonly user", proxy_user("readonly"), 200, 500, false, 200}});
}

TEST_CASE("auth matrix: ReadOnly refuses every mutation, even with good credentials") {
  auto backend = Sandbox::backend();
  const auto admin = basic(kAdmin, kPassword);
  auto node = start_node(
      backend,
      [] {
        auto c = password_auth("basic");
        c["ReadOnly"] = "true";
        return c;
      }(),
      admin);
  check_matrix(
      backend, *node, admin,
      {{"good", admin, 200, 500, false, 200}, {"no credentials", {}, 401, 401, false, 401}});
}

TEST_CASE("a cross-site browser request cannot change anything - the same page can read") {
  auto backend = Sandbox::backend();
  auto node = start_node(backend, {}, {});
  HttpOptions cross;
  cross.headers["Sec-Fetch-Site"] = "cross-site";
  bool took_effect = false;
  CHECK(try_mutation(*node, backend, cross, {}, &took_effect) == 403);
  CHECK_FALSE(took_effect);
  HttpOptions evil_origin;
  evil_origin.headers["Origin"] = "http://evil.example";
  CHECK(try_mutation(*node, backend, evil_origin, {}, &took_effect) == 403);
  CHECK_FALSE(took_effect);
  CHECK(http_request(node->port(), "/api/clusters-info", cross).status == 200);
  HttpOptions own;
  own.headers["Origin"] = "http://127.0.0.1:" + std::to_string(node->port());
  own.headers["Sec-Fetch-Site"] = "same-origin";
  CHECK(try_mutation(*node, backend, own, {}, &took_effect) == 200);
  CHECK(took_effect);
}

TEST_CASE("orchestrator-client sends ORCHESTRATOR_AUTH_USER/PASSWORD to a basic node") {
  auto backend = Sandbox::backend();
  const auto admin = basic(kAdmin, kPassword);
  auto node = start_node(backend, password_auth("basic"), admin);
  REQUIRE(health_answers(*node, admin, 200));
  const auto api = "http://127.0.0.1:" + std::to_string(node->port()) + "/api";
  const std::string good =
      "ORCHESTRATOR_AUTH_USER=" + kAdmin + " ORCHESTRATOR_AUTH_PASSWORD=" + kPassword;
  auto r = run_client(api, "-c disable-global-recoveries", good);
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(recoveries_disabled(backend));
  CHECK(run_client(api, "-c check-global-recoveries", good).out == "disabled\n");
  auto bad = run_client(api, "-c enable-global-recoveries",
                        "ORCHESTRATOR_AUTH_USER=" + kAdmin + " ORCHESTRATOR_AUTH_PASSWORD=nope");
  CHECK(bad.code != 0);
  CHECK(recoveries_disabled(backend));
  auto none = run_client(api, "-c enable-global-recoveries");
  CHECK(none.code != 0);
  CHECK(recoveries_disabled(backend));
  // The password never shows on the client's command line (it goes to curl on stdin).
  CHECK(node->log().find(kPassword) == std::string::npos);
}
