// DetectPromotionRuleQuery: the rule each server reports becomes its candidate row, which the
// API shows and recovery uses.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

namespace {

std::string promotion_rule(const OrchestratorNode& node, int port) {
  rapidjson::Document d;
  d.Parse(node.get("/api/instance/127.0.0.1/" + std::to_string(port)).body.c_str());
  if (!d.IsObject() || !d.HasMember("PromotionRule") || !d["PromotionRule"].IsString()) return "";
  return d["PromotionRule"].GetString();
}

}  // namespace

TEST_CASE("the promotion rule a server reports through DetectPromotionRuleQuery is stored") {
  auto backend = Sandbox::backend();
  auto topo = Sandbox::topology("replicas", 2);
  int http_port = free_port();
  std::string query = "\"SELECT IF(@@port = " + std::to_string(topo.port(1)) +
                      ", 'prefer', IF(@@port = " + std::to_string(topo.port(2)) +
                      ", 'must_not', 'neutral'))\"";
  OrchestratorNode node(
      node_config_json(backend.port(), http_port,
                       {{"InstancePollSeconds", "1"}, {"DetectPromotionRuleQuery", query}}),
      http_port);
  REQUIRE_MESSAGE(wait_leader(node), node.log());  // only the leader discovers and probes
  REQUIRE(node.get("/api/discover/127.0.0.1/" + std::to_string(topo.port(0))).status == 200);
  wait_until(
      [&] {
        return promotion_rule(node, topo.port(1)) == "prefer" &&
               promotion_rule(node, topo.port(2)) == "must_not";
      },
      std::chrono::seconds(10));
  CHECK(promotion_rule(node, topo.port(1)) == "prefer");
  CHECK(promotion_rule(node, topo.port(2)) == "must_not");
  CHECK(promotion_rule(node, topo.port(0)) == "neutral");
}
