// The pure recovery plan and its state machine: which actions, in which order, and which ways
// back are taken on each kind of failure.

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "model/recovery_plan.hpp"

using orc::model::InstanceKey;
using orc::model::PlannedAction;
using orc::model::PlanRun;
using orc::model::ServerAction;
using Kind = orc::model::ServerAction::Kind;

namespace {

InstanceKey key(int i) {
  return {"db" + std::to_string(i), 3306};
}

orc::model::Instance replica(int i, int seq, const std::string& rule = "neutral") {
  orc::model::Instance r;
  r.key = key(i);
  r.server_id = static_cast<uint32_t>(i + 1);
  r.master_key = key(0);
  r.flavor = orc::model::Flavor::MariaDB;
  r.major_version = "10.11";
  r.log_bin_enabled = r.log_slave_updates_enabled = r.is_last_check_valid = true;
  r.binlog_format = "ROW";
  r.using_mariadb_gtid = true;
  r.mariadb_gtid_slave_pos = "0-1-" + std::to_string(seq);
  r.promotion_rule = rule;
  return r;
}

orc::model::MasterRecoveryInput input(std::vector<orc::model::Instance> drained) {
  orc::model::MasterRecoveryInput in;
  in.failed_master.key = key(0);
  in.drained = std::move(drained);
  return in;
}

ServerAction act(Kind kind, int target, int source = -1) {
  ServerAction a;
  a.kind = kind;
  a.target = key(target);
  if (source >= 0) a.source = key(source);
  return a;
}

std::vector<ServerAction> forward_actions(const orc::model::RecoveryPlan& p) {
  std::vector<ServerAction> out;
  for (const auto& a : p.actions) out.push_back(a.action);
  return out;
}

/// Runs `run` to its end, failing the forward actions for which `fails` says so.
std::vector<ServerAction> drive(PlanRun& run, const std::function<bool(const ServerAction&)>& fails,
                                std::vector<ServerAction>* undone = nullptr) {
  std::vector<ServerAction> done;
  for (auto step = run.next(); step.phase != PlanRun::Phase::Done; step = run.next()) {
    std::vector<std::string> errors;
    for (const auto& a : step.actions) {
      bool fail = step.phase == PlanRun::Phase::Forward && fails(a);
      errors.push_back(fail ? "boom" : "");
      if (step.phase == PlanRun::Phase::Undo && undone) undone->push_back(a);
      if (!fail && step.phase == PlanRun::Phase::Forward) done.push_back(a);
    }
    run.report(errors);
  }
  return done;
}

std::vector<ServerAction> drain_undos(std::initializer_list<int> replicas) {
  std::vector<ServerAction> out;
  for (int r : replicas) out.push_back(act(Kind::StartIoThread, r));
  return out;
}

}  // namespace

TEST_CASE("the plan promotes first, then repoints the followers in one parallel group") {
  auto plan = orc::model::plan_master_recovery(input({replica(1, 10), replica(2, 12)}));
  REQUIRE(plan.new_master);
  CHECK(*plan.new_master == key(2));
  auto actions = forward_actions(plan);
  REQUIRE(actions.size() == 2);
  CHECK(actions[0] == act(Kind::Promote, 2));
  CHECK(actions[1] == act(Kind::PointAt, 1, 2));
  CHECK(plan.actions[0].commits);
  CHECK(plan.actions[1].parallel_group != 0);
  CHECK_FALSE(plan.actions[1].critical);
}

TEST_CASE("a catch-up from a must_not replica ahead comes before the promotion") {
  auto plan = orc::model::plan_master_recovery(input({replica(1, 12, "must_not"), replica(2, 10)}));
  REQUIRE(plan.new_master);
  CHECK(*plan.new_master == key(2));
  auto actions = forward_actions(plan);
  REQUIRE(actions.size() == 4);
  CHECK(actions[0] == act(Kind::PointAt, 2, 1));
  CHECK(actions[1] == act(Kind::CatchUp, 2, 1));
  CHECK(actions[2] == act(Kind::Promote, 2));
  CHECK(actions[3] == act(Kind::PointAt, 1, 2));
  CHECK(plan.lost.empty());
}

TEST_CASE("a prefer replica behind the most advanced one catches up and takes its place") {
  auto plan = orc::model::plan_master_recovery(
      input({replica(1, 12), replica(2, 10, "prefer"), replica(3, 12)}));
  REQUIRE(plan.new_master);
  CHECK(*plan.new_master == key(2));
  REQUIRE(plan.replaced);
  CHECK(*plan.replaced == key(1));
  auto actions = forward_actions(plan);
  REQUIRE(actions.size() >= 3);
  CHECK(actions[0] == act(Kind::PointAt, 2, 1));
  CHECK(actions[1] == act(Kind::CatchUp, 2, 1));
  CHECK(actions[2] == act(Kind::Promote, 2));
}

TEST_CASE("a prefer replica among equals is promoted directly") {
  auto plan = orc::model::plan_master_recovery(
      input({replica(1, 12), replica(2, 12, "prefer"), replica(3, 12)}));
  REQUIRE(plan.new_master);
  CHECK(*plan.new_master == key(2));
  CHECK(forward_actions(plan)[0] == act(Kind::Promote, 2));
}

TEST_CASE("a failure before the commit point takes every way back, newest first") {
  auto plan = orc::model::plan_master_recovery(input({replica(1, 12, "must_not"), replica(2, 10)}));
  PlanRun run(plan.actions, drain_undos({1, 2}));
  std::vector<ServerAction> undone;
  drive(
      run, [](const ServerAction& a) { return a.kind == Kind::Promote; }, &undone);
  CHECK_FALSE(run.succeeded());
  CHECK_FALSE(run.committed());
  REQUIRE(run.failed_action());
  CHECK(run.failed_action()->kind == Kind::Promote);
  // db2 was moved under db1, then its promotion failed: it goes back under the failed master;
  // db1 only had its IO thread stopped.
  REQUIRE(undone.size() == 2);
  CHECK(undone[0] == act(Kind::PointAt, 2, 0));
  CHECK(undone[1] == act(Kind::StartIoThread, 1));
}

TEST_CASE("abandoned after the commit point: only the followers not yet moved are restarted") {
  auto plan =
      orc::model::plan_master_recovery(input({replica(1, 10), replica(2, 12), replica(3, 11)}));
  PlanRun run(plan.actions, drain_undos({1, 2, 3}));
  auto step = run.next();
  REQUIRE(step.actions == std::vector<ServerAction>{act(Kind::Promote, 2)});
  run.report({""});
  CHECK(run.committed());
  run.abandon("fenced out");
  std::vector<ServerAction> undone;
  drive(
      run, [](const ServerAction&) { return false; }, &undone);
  CHECK(undone.size() == 2);
  CHECK(std::find(undone.begin(), undone.end(), act(Kind::StartIoThread, 1)) != undone.end());
  CHECK(std::find(undone.begin(), undone.end(), act(Kind::StartIoThread, 3)) != undone.end());
}

TEST_CASE("a failed follower repoint is lost and the plan goes on") {
  auto plan =
      orc::model::plan_master_recovery(input({replica(1, 10), replica(2, 12), replica(3, 11)}));
  PlanRun run(plan.actions, drain_undos({1, 2, 3}));
  drive(run, [](const ServerAction& a) { return a == act(Kind::PointAt, 1, 2); });
  CHECK(run.succeeded());
  CHECK(run.lost() == std::vector<InstanceKey>{key(1)});
}

TEST_CASE("no candidate: the plan is empty and says why") {
  auto plan = orc::model::plan_master_recovery(input({replica(1, 10, "must_not")}));
  CHECK_FALSE(plan.new_master);
  CHECK(plan.actions.empty());
  CHECK_FALSE(plan.error.empty());
}

TEST_CASE("a graceful plan ends with the old master under the new one, after the followers") {
  auto in = input({replica(1, 10), replica(2, 10)});
  in.graceful = true;
  in.designated = key(1);
  auto plan = orc::model::plan_master_recovery(in);
  auto actions = forward_actions(plan);
  REQUIRE(actions.size() == 3);
  CHECK(actions[0] == act(Kind::Promote, 1));
  CHECK(actions[1] == act(Kind::PointAt, 2, 1));
  auto old = act(Kind::PointAt, 0, 1);
  old.flag = true;  // the plain takeover leaves its replication stopped, as upstream
  CHECK(actions[2] == old);
  // The promotion settles the old master: its read_only is no longer undone.
  CHECK(std::find(plan.actions[0].settles.begin(), plan.actions[0].settles.end(), key(0)) !=
        plan.actions[0].settles.end());
}

TEST_CASE("PostponeReplicaRecoveryOnLagMinutes repoints lagging followers after the others") {
  auto lagging = replica(1, 10);
  lagging.replication_lag_seconds = 600;
  auto in = input({lagging, replica(2, 12), replica(3, 11)});
  in.postpone_lag_minutes = 5;
  auto plan = orc::model::plan_master_recovery(in);
  REQUIRE(plan.actions.size() == 3);
  CHECK(plan.actions[1].action == act(Kind::PointAt, 3, 2));
  CHECK(plan.actions[2].action == act(Kind::PointAt, 1, 2));
  CHECK(plan.actions[1].parallel_group != plan.actions[2].parallel_group);
  in.postpone_lag_minutes = 0;
  auto plain = orc::model::plan_master_recovery(in);
  CHECK(plain.actions[1].parallel_group == plain.actions[2].parallel_group);
}

TEST_CASE("without the promotion, MasterFailoverDetachReplicaMasterHost detaches the new master") {
  auto in = input({replica(1, 10), replica(2, 12)});
  in.apply_promotion = false;
  in.detach_new_master = true;
  auto actions = forward_actions(orc::model::plan_master_recovery(in));
  REQUIRE(actions.size() == 2);
  CHECK(actions[0] == act(Kind::Detach, 2));
  CHECK(actions[1] == act(Kind::PointAt, 1, 2));
  in.apply_promotion = true;
  CHECK(forward_actions(orc::model::plan_master_recovery(in))[0] == act(Kind::Promote, 2));
}
