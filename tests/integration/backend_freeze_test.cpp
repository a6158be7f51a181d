// A frozen backend during operator commands (actors/storage_client.hpp): the BACKEND mariadbd
// is stopped with SIGSTOP for 40 s while a manual failover, an acknowledgement and a locked
// replication command wait on the control lane, then resumed. Their callers give up (30 s)
// while jobs are queued behind statements that hang until the read timeout (30 s): those jobs
// must never run later against freed stacks (tools/run-asan-tests runs this under ASan), and no
// recovery row or lock row may be left behind to block the instance.

#include <doctest/doctest.h>

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <vector>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

constexpr int kSlowRequestMs = 180000;  // a command may wait out several backend timeouts

HttpReply slow_get(const OrchestratorNode& node, const std::string& path) {
  HttpOptions options;
  options.timeout_ms = kSlowRequestMs;
  return http_request(node.port(), path, options);
}

bool answers_ok(const HttpReply& reply) {
  return reply.status == 200 && reply.body.find("\"Code\":\"ERROR\"") == std::string::npos;
}

/// True while `pid` runs (a crashed child stays a zombie until reaped: kill(pid, 0) is not enough).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

/// Signs of memory errors or a crash in a node's log.
bool log_is_clean(const std::string& log) {
  for (const char* bad : {"AddressSanitizer", "runtime error:", "LeakSanitizer", "terminate called",
                          "Segmentation fault"})
    if (log.find(bad) != std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("a backend frozen for 40 s under manual commands: no crash, no stuck recovery or lock") {
  RecoverySetup setup;
  setup.extra = {{"RecoverMasterClusterFilters", "[]"},
                 {"RecoverIntermediateMasterClusterFilters", "[]"}};
  RecoveryFixture f(setup);
  auto& node = f.leader();
  // Both lanes hold an open session, so that the frozen backend makes statements hang until
  // the read timeout instead of failing at connect.
  REQUIRE(answers_ok(node.get("/api/check-global-recoveries")));
  REQUIRE(node.get("/api/clusters").status == 200);

  f.backend.freeze(0);
  auto failover = std::async(
      std::launch::async, [&] { return slow_get(node, "/api/force-master-failover/" + f.key(0)); });
  auto ack = std::async(std::launch::async,
                        [&] { return slow_get(node, "/api/ack-all-recoveries?comment=freeze"); });
  // read_only on a replica that already is: harmless if it runs, but it takes a lock row.
  auto locked = std::async(std::launch::async,
                           [&] { return slow_get(node, "/api/set-read-only/" + f.key_path(1)); });
  // The node keeps serving what needs no backend while the backend is frozen.
  CHECK(node.get("/api/leader-check").status != 0);
  // The scenario is a 40 s freeze: the commands' callers give up (30 s) meanwhile, with jobs
  // still queued. The node must stay alive all along.
  auto frozen_until = std::chrono::steady_clock::now() + 40s;
  bool alive = true;
  while (alive && std::chrono::steady_clock::now() < frozen_until) {
    alive = running(node.pid());
    ack.wait_for(100ms);
  }
  f.backend.thaw(0);
  REQUIRE_MESSAGE(alive, f.logs());

  auto failover_reply = failover.get();
  auto ack_reply = ack.get();
  auto locked_reply = locked.get();
  INFO("failover: " << failover_reply.status << " " << failover_reply.body);
  INFO("ack: " << ack_reply.status << " " << ack_reply.body);
  INFO("set-read-only: " << locked_reply.status << " " << locked_reply.body);
  INFO(f.logs());
  // What happened, for the record: which commands failed and whether a lane skipped abandoned
  // jobs (either outcome is correct; the invariants below are what is tested).
  MESSAGE(
      "failover " << failover_reply.status << ", ack " << ack_reply.status << ", set-read-only "
                  << locked_reply.status << "; abandoned jobs skipped: "
                  << (node.log().find("skipped a job its caller abandoned") != std::string::npos));
  // Every command got an answer (success or the error envelope) and the node is alive.
  CHECK(failover_reply.status != 0);
  CHECK(ack_reply.status != 0);
  CHECK(locked_reply.status != 0);
  REQUIRE(running(node.pid()));
  CHECK(wait_until([&] { return node.get("/api/clusters").status == 200; }, 30s));
  CHECK(wait_until([&] { return node.get("/api/health").status == 200; }, 30s));

  // Every registered recovery was resolved; none is left active without an end.
  CHECK(wait_until(
      [&] {
        for (const auto& r : f.recoveries())
          if (r.active && !r.ended) return false;
        return true;
      },
      30s));
  // No operation lock outlives its command.
  CHECK(wait_until(
      [&] {
        return f.backend_sql(
                   "SELECT COUNT(*) FROM database_instance_maintenance "
                   "WHERE maintenance_active = 1") == "0";
      },
      30s));

  // Nothing blocks the instance: if the failover did not happen, it can now.
  if (!answers_ok(failover_reply)) {
    auto again = slow_get(node, "/api/force-master-failover/" + f.key(0));
    INFO("failover after thaw: " << again.status << " " << again.body);
    CHECK(answers_ok(again));
  }
  for (const auto& r : f.recoveries()) CHECK(r.ended);
  CHECK(log_is_clean(node.log()));
}
