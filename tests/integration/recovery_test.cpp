// Acceptance tests of automated and manual recovery (issue #5) on real MariaDB topologies with
// real orchestrator nodes. Every outcome is judged from the servers themselves (read_only,
// SHOW SLAVE STATUS, rows present) and from the backend's bookkeeping, never from what the
// engine says it did.

#include <dirent.h>
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/recovery_fixture.hpp"

using namespace orc::test;
using namespace std::chrono_literals;

namespace {

/// The member at PATH (objects only), or null when any step is missing.
const rapidjson::Value* at(const rapidjson::Value& v, std::initializer_list<const char*> path) {
  const rapidjson::Value* cur = &v;
  for (const char* k : path) {
    if (!cur->IsObject() || !cur->HasMember(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}

std::string string_at(const rapidjson::Value& v, std::initializer_list<const char*> path) {
  const auto* p = at(v, path);
  return p && p->IsString() ? p->GetString() : "";
}

int int_at(const rapidjson::Value& v, std::initializer_list<const char*> path) {
  const auto* p = at(v, path);
  return p && p->IsInt() ? p->GetInt() : 0;
}

bool true_at(const rapidjson::Value& v, std::initializer_list<const char*> path) {
  const auto* p = at(v, path);
  return p && p->IsBool() && p->GetBool();
}

/// A private temporary directory for hook output and CLI files, removed at the end.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/orc-recovery-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() { run_command("rm -rf " + shell_quote(path)); }
  std::string read(const std::string& name) const {
    std::ifstream in(path + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

std::vector<int> all_but(std::vector<int> indices, int excluded) {
  indices.erase(std::remove(indices.begin(), indices.end(), excluded), indices.end());
  return indices;
}

/// Waits until exactly one of `candidates` is a writable standalone server and every other
/// candidate replicates from it (both threads running). Returns its index, -1 on timeout.
int wait_failover(RecoveryFixture& f, const std::vector<int>& candidates,
                  std::chrono::milliseconds timeout = 15s) {
  int promoted = -1;
  bool done = wait_until(
      [&] {
        promoted = f.writable_master_among(candidates);
        if (promoted < 0) return false;
        for (int r : all_but(candidates, promoted))
          if (!f.replicates_from(r, promoted)) return false;
        return true;
      },
      timeout);
  return done ? promoted : -1;
}

/// Waits until the backend has `count` recoveries and all of them ended.
bool wait_recoveries_ended(RecoveryFixture& f, std::size_t count,
                           std::chrono::milliseconds timeout = 15s) {
  return wait_until(
      [&] {
        auto rows = f.recoveries();
        if (rows.size() < count) return false;
        for (const auto& r : rows)
          if (!r.ended) return false;
        return true;
      },
      timeout);
}

/// Pids of live processes whose command line contains `marker` (zombies have none).
std::vector<int> processes_with(const std::string& marker) {
  std::vector<int> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (auto* e = readdir(proc)) {
    std::string name = e->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in("/proc/" + name + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) out.push_back(std::stoi(name));
  }
  closedir(proc);
  return out;
}

std::string describe(const std::set<int>& ids, std::size_t max = 10) {
  std::string out;
  std::size_t n = 0;
  for (int id : ids) {
    if (n++ == max) return out + " ...(" + std::to_string(ids.size()) + " in all)";
    out += (out.empty() ? "" : ",") + std::to_string(id);
  }
  return out;
}

std::set<int> minus(const std::set<int>& a, const std::set<int>& b) {
  std::set<int> out;
  for (int x : a)
    if (!b.count(x)) out.insert(x);
  return out;
}

}  // namespace

TEST_CASE("kill -9 of a master watched by three nodes promotes one replica and repoints the rest") {
  RecoveryFixture f({"replicas", 3, 3, {}});
  f.topo.kill(0);
  const auto killed = std::chrono::steady_clock::now();
  int promoted = wait_failover(f, {1, 2, 3});
  REQUIRE_MESSAGE(promoted > 0, f.logs());
  MESSAGE("servers recovered " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - killed)
                                      .count()
                               << " ms after the kill (as sampled)");
  auto followers = all_but({1, 2, 3}, promoted);
  CHECK(f.write_reaches(promoted, followers));

  REQUIRE(wait_recoveries_ended(f, 1));
  // Later analyses, on any of the nodes, add nothing: the leader probes the three live servers
  // for three more rounds (each probe followed by an analysis) before the rows are read.
  REQUIRE_MESSAGE(wait_more_probes(f.leader(), 3 * 3), f.logs());
  auto rows = f.recoveries();
  REQUIRE_MESSAGE(rows.size() == 1, f.logs());
  CHECK(rows[0].failed_port == f.port(0));
  CHECK(rows[0].analysis == "DeadMaster");
  CHECK(rows[0].successful);
  CHECK(rows[0].successor_port == f.port(promoted));
  CHECK_MESSAGE(rows[0].all_errors.empty(), rows[0].all_errors);
  CHECK(f.downtime_reason(0) == "lost-in-recovery");
  CHECK(f.downtime_reason(promoted).empty());
  for (int r : followers) CHECK(f.downtime_reason(r).empty());

  auto audit = f.api("audit-recovery");
  REQUIRE_MESSAGE((audit.IsArray() && audit.Size() == 1), f.last_body);
  CHECK(int_at(audit[0], {"SuccessorKey", "Port"}) == f.port(promoted));
  CHECK(int_at(audit[0], {"AnalysisEntry", "AnalyzedInstanceKey", "Port"}) == f.port(0));
  CHECK(true_at(audit[0], {"IsSuccessful"}));
  CHECK(string_at(audit[0], {"UID"}) == rows[0].uid);
  auto steps = f.api("audit-recovery-steps/" + rows[0].uid);
  CHECK_MESSAGE((steps.IsArray() && steps.Size() > 1), f.last_body);
}

TEST_CASE("after kill -9 under continuous writes the new master holds every row any survivor has") {
  RecoveryFixture f;
  BackgroundWriter writer(f.topo, 0);
  REQUIRE(wait_until([&] { return writer.committed_count() >= 300; }, 10s));
  f.topo.kill(0);
  int promoted = wait_failover(f, {1, 2, 3});
  writer.stop();
  REQUIRE_MESSAGE(promoted > 0, f.logs());
  auto followers = all_but({1, 2, 3}, promoted);
  REQUIRE(f.write_reaches(promoted, followers));  // followers applied what they will get

  auto on_master = f.writer_ids(promoted);
  REQUIRE(!on_master.empty());
  for (int r : followers) {
    auto missing = minus(f.writer_ids(r), on_master);
    CHECK_MESSAGE(missing.empty(), "rows on " << f.key(r) << " but not on the new master "
                                              << f.key(promoted) << ": " << describe(missing));
  }
  // Replication applies in commit order, so the new master has no hole below its last row.
  auto committed = writer.committed();
  std::set<int> holes;
  for (int id : committed)
    if (id <= *on_master.rbegin() && !on_master.count(id)) holes.insert(id);
  CHECK_MESSAGE(holes.empty(), "committed rows missing on the new master: " << describe(holes));
  CHECK(*on_master.rbegin() >= 300);
  MESSAGE(committed.size() << " rows committed on the old master, " << on_master.size()
                           << " on the new one");
}

TEST_CASE("a prefer candidate becomes master after catching up from a must_not replica ahead") {
  RecoveryFixture f;
  // Without rules replica 1 would win (most advanced), and without `prefer` on 3, replica 2
  // would (equal positions, then key order): only both rules together give replica 3.
  for (auto [i, rule] : {std::pair<int, const char*>{3, "prefer"}, {1, "must_not"}}) {
    auto d = f.api("register-candidate/" + f.key_path(i) + "/" + rule);
    REQUIRE_MESSAGE(string_at(d, {"Code"}) == "OK", f.last_body);
  }
  f.topo.sql(2, "STOP SLAVE IO_THREAD");
  f.topo.sql(3, "STOP SLAVE IO_THREAD");
  f.topo.sql(0, "CREATE TABLE app.ahead (id INT PRIMARY KEY); INSERT INTO app.ahead VALUES (1)");
  REQUIRE(wait_until(
      [&] {
        try {
          return f.topo.sql(1, "SELECT COUNT(*) FROM app.ahead") == "1";
        } catch (const std::runtime_error&) {
          return false;
        }
      },
      5s));
  REQUIRE(wait_until(
      [&] {
        return string_at(f.api("instance/" + f.key_path(3)), {"PromotionRule"}) == "prefer" &&
               string_at(f.api("instance/" + f.key_path(1)), {"PromotionRule"}) == "must_not";
      },
      5s));

  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_recoveries_ended(f, 1), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK_MESSAGE(rows[0].successor_port == f.port(3), f.steps(rows[0].uid));
  CHECK(f.is_standalone_writable(3));
  CHECK(wait_until([&] { return f.replicates_from(2, 3); }, 5s));
  CHECK(f.topo.sql(3, "SELECT COUNT(*) FROM app.ahead") == "1");  // nothing lost
  CHECK(wait_until([&] { return f.replicates_from(1, 3); }, 5s));
  CHECK(f.replication(1).read_only);
  CHECK(f.downtime_reason(1).empty());
}

TEST_CASE("a second failure in the block period is blocked until the cluster is acknowledged") {
  RecoveryFixture f;
  f.topo.kill(0);
  int first = wait_failover(f, {1, 2, 3});
  REQUIRE_MESSAGE(first > 0, f.logs());
  REQUIRE(wait_recoveries_ended(f, 1));
  const auto first_id = f.recoveries()[0].id;
  auto rest = all_but({1, 2, 3}, first);

  // The new master dies once orchestrator knows it as the master of its own cluster; killing it
  // before that is the case of the next test.
  REQUIRE(wait_until(
      [&] {
        return string_at(f.api("instance/" + f.key_path(first)), {"ClusterName"}) == f.key(first);
      },
      5s));
  f.topo.kill(first);
  const std::string blocked_where =
      "FROM blocked_topology_recovery WHERE hostname = '127.0.0.1' "
      "AND port = " +
      std::to_string(f.port(first));
  REQUIRE_MESSAGE(
      wait_until([&] { return f.backend_sql("SELECT COUNT(*) " + blocked_where) == "1"; }, 10s),
      f.logs());
  CHECK(f.backend_sql("SELECT blocking_recovery_id " + blocked_where) == std::to_string(first_id));
  auto blocked = f.api("blocked-recoveries");
  REQUIRE_MESSAGE(blocked.IsArray(), f.last_body);
  int listed = 0;
  for (const auto& b : blocked.GetArray())
    listed += int_at(b, {"FailedInstanceKey", "Port"}) == f.port(first);
  CHECK_MESSAGE(listed == 1, f.last_body);
  // Several more analyses of the dead master: the leader probes the two live replicas for three
  // more rounds (each probe followed by an analysis) before the rows are read.
  REQUIRE_MESSAGE(wait_more_probes(f.leader(), 3 * 2), f.logs());
  CHECK(f.recoveries().size() == 1);
  for (int r : rest) {
    CHECK_FALSE(f.is_standalone_writable(r));
    CHECK(f.replication(r).master_port == f.port(first));
  }

  auto ack = f.api("ack-recovery/cluster/" + f.key(first) + "?comment=r4-test");
  REQUIRE_MESSAGE(string_at(ack, {"Code"}) == "OK", f.last_body);
  CHECK_MESSAGE(int_at(ack, {"Details"}) == 1, f.last_body);  // the recovery that blocked
  int second = wait_failover(f, rest);
  REQUIRE_MESSAGE(second > 0, f.logs());
  REQUIRE(wait_recoveries_ended(f, 2));
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].acknowledged);
  CHECK_FALSE(rows[0].active);
  CHECK(rows[1].failed_port == f.port(first));
  CHECK(rows[1].successful);
  CHECK(rows[1].successor_port == f.port(second));
  CHECK(f.write_reaches(second, all_but(rest, second)));
}

TEST_CASE("a master killed right after its promotion is analysed as the dead master it is") {
  RecoveryFixture f;
  f.topo.kill(0);
  int first = wait_failover(f, {1, 2, 3});
  REQUIRE_MESSAGE(first > 0, f.logs());
  REQUIRE(wait_recoveries_ended(f, 1));
  f.topo.kill(first);  // before the next regular poll: only the post-recovery re-probe saw it
  std::string analysis, cluster;
  bool dead = wait_until(
      [&] {
        auto d = f.api("replication-analysis");
        const auto* rows = at(d, {"Details"});
        if (!rows || !rows->IsArray()) return false;
        for (const auto& r : rows->GetArray())
          if (int_at(r, {"AnalyzedInstanceKey", "Port"}) == f.port(first)) {
            analysis = string_at(r, {"Analysis"});
            cluster = string_at(r, {"ClusterDetails", "ClusterName"});
            return analysis.rfind("Dead", 0) == 0;
          }
        return false;
      },
      5s);
  REQUIRE_MESSAGE(dead, f.logs());
  CHECK_MESSAGE(analysis == "DeadMaster", f.logs());
  CHECK(cluster == f.key(first));
}

TEST_CASE("a PreFailoverProcesses hook exiting 1 aborts the recovery before any change") {
  TempDir tmp;
  const std::string hook = "echo ran {failedPort} >> " + tmp.path + "/pre.txt; exit 1";
  RecoveryFixture f({"replicas", 3, 1, {{"PreFailoverProcesses", "[\"" + hook + "\"]"}}});
  f.topo.kill(0);
  REQUIRE_MESSAGE(wait_recoveries_ended(f, 1), f.logs());
  // Nothing else is attempted meanwhile: the leader probes the three live replicas for three
  // more rounds (each probe followed by an analysis still finding the DeadMaster) first.
  REQUIRE_MESSAGE(wait_more_probes(f.leader(), 3 * 3), f.logs());
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK_FALSE(rows[0].successful);
  CHECK(rows[0].successor_port == 0);
  CHECK_MESSAGE(rows[0].all_errors.find("PreFailoverProcesses") != std::string::npos,
                rows[0].all_errors);
  CHECK_MESSAGE(f.steps(rows[0].uid).find("PreFailoverProcesses") != std::string::npos,
                f.steps(rows[0].uid));
  CHECK(tmp.read("pre.txt") == "ran " + std::to_string(f.port(0)) + "\n");
  for (int r : {1, 2, 3}) {
    auto rep = f.replication(r);
    CHECK(rep.read_only);
    CHECK(rep.master_port == f.port(0));
  }
}

TEST_CASE("a PreFailoverProcesses hook past HookTimeoutSeconds is killed with its children") {
  std::mt19937 rng{std::random_device{}()};
  // A fractional sleep argument unique to this run: it identifies the hook's processes.
  const std::string marker = "30." + std::to_string(100000 + rng() % 900000);
  const std::string hook = "sleep " + marker + " & sleep " + marker;
  RecoveryFixture f(
      {"replicas",
       3,
       1,
       {{"HookTimeoutSeconds", "1"}, {"PreFailoverProcesses", "[\"" + hook + "\"]"}}});
  f.topo.kill(0);
  // Seen running (so the /proc scan does find them) ...
  CHECK_MESSAGE(wait_until([&] { return processes_with(marker).size() >= 2; }, 10s), f.logs());
  REQUIRE_MESSAGE(wait_recoveries_ended(f, 1), f.logs());
  // ... and gone once the recovery gave up on the hook.
  auto left = processes_with(marker);
  CHECK_MESSAGE(left.empty(), left.size() << " hook processes left");
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK_FALSE(rows[0].successful);
  CHECK_MESSAGE(rows[0].all_errors.find("timed out") != std::string::npos, rows[0].all_errors);
  auto steps = f.steps(rows[0].uid);
  CHECK_MESSAGE(steps.find("PreFailoverProcesses") != std::string::npos, steps);
  CHECK_MESSAGE(steps.find("timed out") != std::string::npos, steps);
  for (int r : {1, 2, 3}) CHECK_FALSE(f.is_standalone_writable(r));
}

TEST_CASE("graceful-master-takeover-auto swaps master and replica without losing a commit") {
  RecoveryFixture f(
      {"replicas",
       3,
       1,
       {{"MySQLReplicationUser", "\"repl\""}, {"MySQLReplicationPassword", "\"repl_pass\""}}});
  BackgroundWriter writer(f.topo, 0);
  REQUIRE(wait_until([&] { return writer.committed_count() >= 200; }, 10s));
  auto d = f.api("graceful-master-takeover-auto/" + f.key(0));
  writer.stop();
  REQUIRE_MESSAGE(string_at(d, {"Code"}) == "OK", f.last_body << "\n" << f.logs());
  int promoted = f.index_of_port(int_at(d, {"Details", "SuccessorKey", "Port"}));
  REQUIRE_MESSAGE(promoted > 0, f.last_body);

  CHECK(f.is_standalone_writable(promoted));
  CHECK(wait_until([&] { return f.replicates_from(0, promoted); }, 5s));
  CHECK(f.replication(0).read_only);
  auto others = all_but({1, 2, 3}, promoted);
  for (int r : others) CHECK(wait_until([&] { return f.replicates_from(r, promoted); }, 5s));
  auto targets = others;
  targets.push_back(0);
  CHECK(f.write_reaches(promoted, targets));

  auto committed = writer.committed();
  auto missing_new = minus(committed, f.writer_ids(promoted));
  auto missing_old = minus(committed, f.writer_ids(0));
  CHECK_MESSAGE(missing_new.empty(), "missing on the new master: " << describe(missing_new));
  CHECK_MESSAGE(missing_old.empty(), "missing on the old master: " << describe(missing_old));
  MESSAGE(committed.size() << " rows committed, " << writer.failures()
                           << " INSERTs refused after read_only");

  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].successful);
  CHECK(rows[0].successor_port == f.port(promoted));
  CHECK(f.downtime_reason(0).empty());  // alive and replicating: not lost
}

TEST_CASE("kill -9 of an intermediate master moves its replicas under a live server") {
  RecoveryFixture f({"chain", 2, 1, {}});  // 0 -> 1 -> 2, 3
  REQUIRE(f.replicates_from(2, 1));
  f.topo.kill(1);
  bool moved = wait_until([&] { return f.replicates_from(2, 0) && f.replicates_from(3, 0); }, 15s);
  REQUIRE_MESSAGE(moved, f.logs());
  CHECK(f.is_standalone_writable(0));
  CHECK(f.write_reaches(0, {2, 3}));
  REQUIRE(wait_recoveries_ended(f, 1));
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].failed_port == f.port(1));
  CHECK(rows[0].analysis.rfind("DeadIntermediateMaster", 0) == 0);
  CHECK(rows[0].successful);
  CHECK(rows[0].successor_port == f.port(0));
}

TEST_CASE(
    "graceful-master-takeover needs replication credentials on MariaDB and then sets up "
    "the old master without starting it") {
  RecoveryFixture f;
  auto refused = f.api("graceful-master-takeover/" + f.key(0) + "/" + f.key_path(1));
  CHECK_MESSAGE(string_at(refused, {"Code"}) == "ERROR", f.last_body);
  CHECK_MESSAGE(string_at(refused, {"Message"}).find("MySQLReplicationUser") != std::string::npos,
                f.last_body);
  // Nothing changed.
  CHECK(f.is_standalone_writable(0));
  for (int r : {1, 2, 3}) CHECK(f.replicates_from(r, 0));
  CHECK(f.recoveries().empty());
  CHECK(f.write_reaches(0, {1, 2, 3}));

  // The CLI with the credentials configured.
  TempDir tmp;
  auto config = f.config;
  config["MySQLReplicationUser"] = "\"repl\"";
  config["MySQLReplicationPassword"] = "\"repl_pass\"";
  const std::string config_path = tmp.path + "/cli.conf.json";
  std::ofstream(config_path) << node_config_json(f.backend.port(), free_port(), config);
  int code = -1;
  auto out = run_command(std::string(ORC_BINARY) + " --config " + shell_quote(config_path) +
                             " -c graceful-master-takeover -i " + f.key(0) + " -d " + f.key(1) +
                             " 2>" + shell_quote(tmp.path + "/cli.err"),
                         &code);
  REQUIRE_MESSAGE(code == 0, tmp.read("cli.err"));
  CHECK(out == f.key(1) + "\n");
  CHECK(tmp.read("cli.err").find("repl_pass") == std::string::npos);

  CHECK(f.is_standalone_writable(1));
  auto old_master = f.replication(0);
  CHECK(old_master.read_only);
  CHECK(old_master.is_replica);
  CHECK(old_master.master_port == f.port(1));
  CHECK(old_master.io_running == "No");
  CHECK(old_master.sql_running == "No");
  for (int r : {2, 3}) CHECK(wait_until([&] { return f.replicates_from(r, 1); }, 5s));
  CHECK(f.write_reaches(1, {2, 3}));
  auto rows = f.recoveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].successful);
  CHECK(rows[0].successor_port == f.port(1));

  // Started by hand, the old master catches up from the new one with those credentials.
  f.topo.sql(0, "START SLAVE");
  CHECK(wait_until([&] { return f.replicates_from(0, 1); }, 5s));
  CHECK(f.write_reaches(1, {0}));
}
