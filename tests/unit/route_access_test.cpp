// The route table: every registered route has an access class from the one table in
// http/route_access.cpp, state-changing verbs are mutations, and the table has no stale names.

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "http/router.hpp"
#include "http/server.hpp"

using orc::http::Access;
using orc::http::Router;

namespace {

/// Every route of the API, registered as a node registers them (without serving).
Router all_routes(const std::string& url_prefix = "") {
  orc::model::Config config;
  config.URLPrefix = url_prefix;
  config.StatusEndpoint = "/my-status";
  orc::http::ApiContext ctx;
  ctx.config = std::make_shared<const orc::model::Config>(config);
  Router router(nullptr, url_prefix);
  orc::http::register_all_routes(router, ctx);
  return router;
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

/// Independent of the table: verbs that by their name change something.
bool mutating_verb(const std::string& name) {
  for (const char* p :
       {"begin-",   "end-",     "recover",        "ack-",     "force-",    "graceful-", "disable-",
        "enable-",  "stop-",    "start-",         "restart-", "reset-",    "set-",      "detach",
        "reattach", "discover", "async-discover", "forget",   "register-", "grab-",     "reelect",
        "flush-",   "refresh",  "relocate",       "move-",    "repoint",   "take-",     "make-",
        "regroup",  "tag",      "untag",          "purge-",   "skip-",     "kill-"})
    if (starts_with(name, p)) return true;
  return false;
}

}  // namespace

TEST_CASE("every registered route has an access class, and mutating verbs are mutations") {
  const auto router = all_routes();
  REQUIRE(router.routes().size() > 80);
  for (const auto& route : router.routes()) {
    CAPTURE(route.pattern);
    CHECK(orc::http::route_access(route.name) == route.access);
    if (mutating_verb(route.name)) CHECK(route.access == Access::Mutation);
    if (route.access == Access::Mutation) CHECK(route.method == "GET");  // upstream's clients
  }
}

TEST_CASE("the access table names only routes that exist") {
  const auto router = all_routes();
  std::set<std::string> registered;
  for (const auto& route : router.routes()) registered.insert(route.name);
  for (const auto& [name, access] : orc::http::route_access_table()) {
    CAPTURE(name);
    CHECK(registered.count(name) == 1);
  }
}

TEST_CASE("health, leader-check and lb-check are health routes - the custom status path too") {
  const auto router = all_routes();
  for (const char* path : {"/api/health", "/api/status", "/api/leader-check",
                           "/api/leader-check/503", "/api/lb-check", "/my-status"}) {
    CAPTURE(path);
    const auto* route = router.find("GET", path);
    REQUIRE(route != nullptr);
    CHECK(route->access == Access::Health);
  }
}

TEST_CASE("routes are found under URLPrefix and classified like without it") {
  const auto router = all_routes("/orc");
  const auto* r = router.find("GET", "/orc/api/disable-global-recoveries");
  REQUIRE(r != nullptr);
  CHECK(r->access == Access::Mutation);
  r = router.find("GET", "/orc/api/instance/db1/3306");
  REQUIRE(r != nullptr);
  CHECK(r->access == Access::Read);
  r = router.find("GET", "/orc/api/no-such-route/x");
  REQUIRE(r != nullptr);
  CHECK(r->name == ".*");
  CHECK(router.find("GET", "/api/health") == nullptr);
}

TEST_CASE("a route the table does not know cannot be registered") {
  Router router(nullptr, "");
  CHECK_THROWS_AS(router.Get("/api/brand-new-route/([^/]+)", [](auto&, auto&) {}),
                  std::logic_error);
  CHECK(router.routes().empty());
}

TEST_CASE("route_name takes the first segment after /api") {
  using orc::http::route_name;
  CHECK(route_name("/api/relocate/h/1/h2/2") == "relocate");
  CHECK(route_name("/api/health") == "health");
  CHECK(route_name("/metrics") == "metrics");
  CHECK(route_name("/") == "");
  CHECK(route_name("") == "");
  CHECK(route_name("/api/") == "");
}
