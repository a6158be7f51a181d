#include "actors/recovery_executor.hpp"

#include <algorithm>
#include <exception>
#include <map>

#include "actors/recovery_run.hpp"

namespace orc::actors {

namespace {

using model::PlanRun;
using model::ServerAction;

std::string run_one(RecoveryServers& servers, const ServerAction& action) {
  try {
    return servers.run(action);
  } catch (const std::exception& e) {  // implementations should not throw; never let one escape
    return e.what();
  }
}

/// Runs a step's actions (several at once for a parallel group) and returns their errors.
std::vector<std::string> run_step(const PlanRun::Step& step, RecoveryServers& servers,
                                  const ExecutionContext& ctx) {
  std::vector<std::string> errors(step.actions.size());
  if (step.actions.size() == 1) {
    errors[0] = run_one(servers, step.actions[0]);
    return errors;
  }
  for_each_parallel(step.actions.size(), ctx.parallelism,
                    [&](std::size_t i) { errors[i] = run_one(servers, step.actions[i]); });
  return errors;
}

void audit_step(const PlanRun::Step& step, const std::vector<std::string>& errors,
                const ExecutionContext& ctx) {
  for (std::size_t i = 0; i < step.actions.size(); ++i) {
    const auto what =
        (step.phase == PlanRun::Phase::Undo ? "way back: " : "") + step.actions[i].describe();
    ctx.audit(errors[i].empty() ? what : what + ": failed: " + errors[i]);
    if (errors[i].empty()) ctx.done(step.actions[i]);
  }
}

}  // namespace

bool execute_plan(PlanRun& plan, RecoveryServers& servers, const ExecutionContext& ctx) {
  bool fenced = false;
  for (;;) {
    auto step = plan.next();
    if (step.phase == PlanRun::Phase::Done) break;
    if (step.phase == PlanRun::Phase::Forward && !ctx.may_act()) {
      fenced = true;
      plan.abandon("this node may no longer act (fenced out)");
      continue;
    }
    auto errors = run_step(step, servers, ctx);
    audit_step(step, errors, ctx);
    plan.report(errors);
  }
  return fenced;
}

DrainOutcome drain_replicas(RecoveryServers& servers, const std::vector<model::InstanceKey>& keys,
                            std::chrono::milliseconds wait, const ExecutionContext& ctx) {
  std::vector<RecoveryServers::Drained> results(keys.size());
  for_each_parallel(keys.size(), std::max<int>(1, keys.size()), [&](std::size_t i) {
    if (!ctx.may_act()) return;
    results[i] = servers.drain(keys[i], wait);
  });
  DrainOutcome out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& r = results[i];
    if (!r.problem.empty()) ctx.audit(keys[i].str() + ": " + r.problem);
    if (r.io_stopped) {
      ServerAction start;
      start.kind = ServerAction::Kind::StartIoThread;
      start.target = keys[i];
      out.undos.push_back(start);
    }
    if (r.fresh) {
      out.drained.push_back(*r.fresh);
      out.applied[keys[i]] = r.applied;
    } else {
      out.undrained.push_back(keys[i]);
    }
  }
  return out;
}

namespace {

/// Whether the new master may be promoted with relay log left to apply; waits when told to.
std::string relay_log_verdict(RecoveryServers& servers, const MasterRecoveryRequest& rq,
                              const DrainOutcome& drain, const model::InstanceKey& master,
                              const ExecutionContext& ctx) {
  auto it = drain.applied.find(master);
  if (it == drain.applied.end() || it->second) return "";
  if (rq.fail_if_relay_log_pending)
    return master.str() +
           " has not applied its relay log (FailMasterPromotionIfSQLThreadNotUpToDate)";
  if (rq.delay_if_relay_log_pending) {
    ctx.audit("waiting for " + master.str() + " to apply its relay log");
    if (!servers.wait_relay_log(master, rq.delay_wait))
      ctx.audit("error: " + master.str() + " still has not applied its relay log");
  } else {
    ctx.audit("error: promoting " + master.str() + " before its relay log was applied");
  }
  return "";
}

/// True when the plan stopped at a catch-up or hand-over (before its commit point) for a
/// reason of the servers, not of this node: worth one more try without them.
bool worth_simpler_retry(const PlanRun& run, const model::RecoveryPlan& plan, bool fenced) {
  if (fenced || run.committed() || !run.failed_action()) return false;
  const auto kind = run.failed_action()->kind;
  bool moving = kind == ServerAction::Kind::CatchUp || kind == ServerAction::Kind::PointAt;
  return moving && (plan.catch_up_from || plan.replaced);
}

}  // namespace

MasterRecoveryResult recover_master(RecoveryServers& servers, MasterRecoveryRequest rq,
                                    const ExecutionContext& ctx) {
  MasterRecoveryResult result;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ctx.audit("draining " + std::to_string(rq.replicas.size()) + " replicas (IO threads stopped)");
    auto drain = drain_replicas(servers, rq.replicas, rq.drain_wait, ctx);
    auto undos = rq.prior_undos;
    undos.insert(undos.end(), drain.undos.begin(), drain.undos.end());
    rq.input.drained = drain.drained;
    rq.input.undrained = drain.undrained;
    auto plan = model::plan_master_recovery(rq.input);
    for (const auto& reason : plan.reasons) ctx.audit(reason);
    std::string refusal = plan.new_master
                              ? relay_log_verdict(servers, rq, drain, *plan.new_master, ctx)
                              : "no replica can be promoted: " + plan.error;
    PlanRun run(refusal.empty() ? plan.actions : std::vector<model::PlannedAction>{}, undos);
    if (!refusal.empty()) {
      result.errors.push_back(refusal);
      ctx.audit("error: " + refusal);
      run.abandon(refusal);
    }
    result.fenced_out = execute_plan(run, servers, ctx);
    for (const auto& e : run.errors())
      if (e.rfind("abandoned: ", 0) != 0) result.errors.push_back(e);
    result.plan = plan;
    if (refusal.empty() && (run.succeeded() || run.committed())) {
      result.successor = plan.new_master;
      result.lost = plan.lost;
      result.lost.insert(result.lost.end(), run.lost().begin(), run.lost().end());
      return result;
    }
    // A graceful takeover's old master was made writable again by the ways back: no retry.
    if (attempt == 2 || rq.input.graceful || !worth_simpler_retry(run, plan, result.fenced_out))
      return result;
    ctx.audit("trying again without catch-up or hand-over");
    rq.input.candidate.catch_up_from_ahead = false;
    rq.input.second_phase = false;
  }
  return result;
}

namespace {

std::vector<model::PlannedAction> demotion_plan(const GracefulTakeoverRequest& g) {
  model::PlannedAction read_only;
  read_only.action.kind = ServerAction::Kind::SetReadOnly;
  read_only.action.target = g.old_master;
  read_only.action.flag = true;
  read_only.undo = read_only.action;
  read_only.undo->flag = false;
  model::PlannedAction catch_up;
  catch_up.action.kind = ServerAction::Kind::CatchUp;
  catch_up.action.target = g.designated;
  catch_up.action.source = g.old_master;
  catch_up.action.wait_seconds = g.catch_up_wait_seconds;
  return {read_only, catch_up};
}

}  // namespace

MasterRecoveryResult graceful_takeover(RecoveryServers& servers, GracefulTakeoverRequest g,
                                       const ExecutionContext& ctx) {
  MasterRecoveryResult result;
  PlanRun demotion(demotion_plan(g), {});
  result.fenced_out = execute_plan(demotion, servers, ctx);
  if (!demotion.succeeded()) {
    for (const auto& e : demotion.errors()) result.errors.push_back(e);
    result.errors.push_back("takeover aborted: " + g.old_master.str() +
                            " is the writable master again");
    return result;
  }
  bool proceed = false;
  try {
    proceed = g.before_failover();
  } catch (const std::exception& e) {
    result.errors.push_back(std::string("before the failover: ") + e.what());
  }
  if (!proceed) {
    PlanRun back({}, demotion.pending_undos());
    back.abandon("PreFailoverProcesses failed");
    execute_plan(back, servers, ctx);
    result.errors.push_back("takeover aborted before the promotion: " + g.old_master.str() +
                            " is the writable master again");
    return result;
  }
  g.master.prior_undos = demotion.pending_undos();
  g.master.input.graceful = true;
  g.master.input.designated = g.designated;
  return recover_master(servers, std::move(g.master), ctx);
}

}  // namespace orc::actors
