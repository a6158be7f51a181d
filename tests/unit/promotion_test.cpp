#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "model/promotion.hpp"

using orc::model::Flavor;
using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::IntermediateRecoveryPlan;
using orc::model::IntermediateRecoverySettings;
using orc::model::plan_intermediate_recovery;
using orc::model::ReplacementSettings;
using orc::model::ReplacementSuggestion;
using orc::model::suggest_replacement;
using orc::model::ThreadState;
using Kind = IntermediateRecoveryPlan::Kind;

namespace {

const std::string kUuidA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const std::string kUuidB = "4e11fa47-71ca-11e1-9e33-c80aa9429562";

InstanceKey key(int port) {
  return {"db" + std::to_string(port) + ".example", port};
}

/// A healthy replicating server in dc1/prod/eu.
Instance server(int port, Flavor flavor = Flavor::MariaDB) {
  Instance i;
  i.key = key(port);
  i.server_id = static_cast<uint32_t>(port);
  i.flavor = flavor;
  i.major_version = flavor == Flavor::MariaDB ? "10.11" : "8.0";
  i.version = i.major_version + ".5";
  i.log_bin_enabled = true;
  i.log_slave_updates_enabled = true;
  i.binlog_format = "ROW";
  i.is_last_check_valid = true;
  i.sql_thread_state = i.io_thread_state = ThreadState::Running;
  i.using_mariadb_gtid = flavor == Flavor::MariaDB;
  i.data_center = "dc1";
  i.physical_environment = "prod";
  i.region = "eu";
  return i;
}

/// MariaDB replica of `master_port` that applied `pos` (and holds it in its binary log).
Instance maria(int port, int master_port, const std::string& pos) {
  Instance i = server(port);
  i.master_key = key(master_port);
  i.mariadb_gtid_slave_pos = i.mariadb_gtid_binlog_pos = i.executed_gtid_set = pos;
  return i;
}

/// MySQL replica of `master_port` with gtid_mode=ON and the given executed set.
Instance oracle(int port, int master_port, const std::string& executed) {
  Instance i = server(port, Flavor::MySQL);
  i.master_key = key(master_port);
  i.gtid_mode = "ON";
  i.using_oracle_gtid = true;
  i.executed_gtid_set = executed;
  return i;
}

bool contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

bool has_reason(const std::vector<std::string>& reasons, const std::string& fragment) {
  return std::any_of(reasons.begin(), reasons.end(),
                     [&](const std::string& r) { return contains(r, fragment); });
}

// ---- suggest_replacement: the dead master is 3306, the promoted replica is 1 ----

const int kDead = 3306;
const int kPromoted = 1;

Instance dead_master() {
  return server(kDead);
}

/// Where an instance is and what rule it has; `port` is ignored for the promoted one.
struct Spec {
  int port;
  std::string rule, dc, env = "prod", region = "eu", pos = "0-3306-20";
};

Instance promoted_from(const Spec& s) {
  Instance i = maria(kPromoted, kDead, s.pos);
  i.promotion_rule = s.rule;
  i.data_center = s.dc;
  i.physical_environment = s.env;
  i.region = s.region;
  return i;
}

Instance under_promoted(const Spec& s) {
  Instance i = maria(s.port, kPromoted, s.pos);
  i.promotion_rule = s.rule;
  i.data_center = s.dc;
  i.physical_environment = s.env;
  i.region = s.region;
  return i;
}

/// The port suggested (0 = keep the promoted one), checking the reason names the outcome.
int suggested_port(const Instance& promoted, const std::vector<Instance>& candidates,
                   const ReplacementSettings& settings, std::string* reason = nullptr) {
  ReplacementSuggestion s = suggest_replacement(dead_master(), promoted, candidates, settings);
  if (reason) *reason = s.reason;
  INFO(s.reason);
  if (!s.replacement) {
    CHECK(contains(s.reason, "keeping " + promoted.key.str()));
    return 0;
  }
  CHECK(contains(s.reason, "with " + s.replacement->str()));
  return s.replacement->port;
}

}  // namespace

TEST_CASE("the replacement search follows upstream's order of steps") {
  struct Row {
    const char* name;
    Spec promoted;
    std::vector<Spec> candidates;
    int expected;
  };
  const Row rows[] = {
      {"a candidate promoted in the dead master's DC+env stays",
       {0, "prefer", "dc1"},
       {{2, "must", "dc1"}},
       0},
      {"a candidate in the dead master's DC+env replaces a neutral promoted one",
       {0, "neutral", "dc1"},
       {{2, "prefer", "dc1"}},
       2},
      {"the dead master's DC+env comes before the promoted one's",
       {0, "neutral", "dc2"},
       {{2, "prefer", "dc2"}, {3, "prefer", "dc1"}},
       3},
      {"a candidate in the dead master's DC+env replaces a candidate promoted elsewhere",
       {0, "prefer", "dc2"},
       {{2, "prefer", "dc1"}},
       2},
      {"a candidate promoted elsewhere within the constraints stays",
       {0, "prefer", "dc2"},
       {{2, "prefer", "dc3"}},
       0},
      {"the physical environment counts as well as the data center",
       {0, "neutral", "dc1", "staging"},
       {{2, "prefer", "dc1", "staging"}, {3, "prefer", "dc1", "prod"}},
       3},
      {"a candidate in the promoted one's DC+env comes before one elsewhere",
       {0, "neutral", "dc2"},
       {{2, "prefer", "dc3"}, {3, "prefer", "dc2"}},
       3},
      {"any candidate replaces a neutral promoted one",
       {0, "neutral", "dc2"},
       {{2, "prefer", "dc3"}},
       2},
      {"a neutral instance never replaces a neutral promoted one",
       {0, "neutral", "dc2"},
       {{2, "neutral", "dc1"}},
       0},
      {"a prefer_not promoted one goes to a neutral in the dead master's DC+env first",
       {0, "prefer_not", "dc2"},
       {{2, "neutral", "dc2"}, {3, "neutral", "dc1"}},
       3},
      {"a prefer_not promoted one goes next to a neutral in its own DC+env",
       {0, "prefer_not", "dc2"},
       {{2, "neutral", "dc3"}, {3, "neutral", "dc2"}},
       3},
      {"a prefer_not promoted one goes last to any neutral",
       {0, "prefer_not", "dc2"},
       {{2, "neutral", "dc3"}},
       2},
      {"a candidate anywhere comes before a neutral in the dead master's DC+env",
       {0, "prefer_not", "dc1"},
       {{2, "neutral", "dc1"}, {3, "prefer", "dc3"}},
       3},
      {"a must_not promoted one is treated like prefer_not",
       {0, "must_not", "dc1"},
       {{2, "neutral", "dc1"}},
       2},
      {"within one step must comes before prefer",
       {0, "neutral", "dc1"},
       {{2, "prefer", "dc1"}, {3, "must", "dc1"}},
       3},
      {"within one step the most advanced comes before the smaller key",
       {0, "neutral", "dc1"},
       {{2, "prefer", "dc1", "prod", "eu", "0-3306-18"},
        {3, "prefer", "dc1", "prod", "eu", "0-3306-19"}},
       3},
      {"within one step equal positions go to the smaller key",
       {0, "neutral", "dc1"},
       {{3, "prefer", "dc1"}, {2, "prefer", "dc1"}},
       2},
      {"no candidates and a neutral promoted one: nothing to do", {0, "neutral", "dc1"}, {}, 0},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    std::vector<Instance> candidates;
    for (const auto& c : row.candidates) candidates.push_back(under_promoted(c));
    CHECK(suggested_port(promoted_from(row.promoted), candidates, {}) == row.expected);
  }
}

TEST_CASE("geographic constraints bound every replacement") {
  struct Row {
    const char* name;
    bool prevent_dc, prevent_region;
    Spec promoted;
    std::vector<Spec> candidates;
    int expected;
    const char* fragment;
  };
  const Row rows[] = {
      {"a promoted one in another data center is replaced by a neutral in the dead master's",
       true,
       false,
       {0, "neutral", "dc2"},
       {{2, "neutral", "dc2"}, {3, "neutral", "dc1"}},
       3,
       "PreventCrossDataCenterMasterFailover"},
      {"a candidate in another data center is never suggested",
       true,
       false,
       {0, "prefer", "dc2"},
       {{2, "prefer", "dc2"}},
       0,
       "PreventCrossDataCenterMasterFailover"},
      {"without the setting the same candidate is suggested",
       false,
       false,
       {0, "neutral", "dc2"},
       {{2, "prefer", "dc2"}},
       2,
       "candidate"},
      {"a promoted one in another region is replaced by a neutral in the dead master's region",
       false,
       true,
       {0, "neutral", "dc2", "prod", "us"},
       {{2, "neutral", "dc3", "prod", "us"}, {3, "neutral", "dc3", "prod", "eu"}},
       3,
       "PreventCrossRegionMasterFailover"},
      {"with nothing in the dead master's region the promoted one stays",
       false,
       true,
       {0, "neutral", "dc2", "prod", "us"},
       {{2, "neutral", "dc3", "prod", "us"}},
       0,
       "although PreventCrossRegionMasterFailover"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    ReplacementSettings s;
    s.prevent_cross_data_center = row.prevent_dc;
    s.prevent_cross_region = row.prevent_region;
    std::vector<Instance> candidates;
    for (const auto& c : row.candidates) candidates.push_back(under_promoted(c));
    std::string reason;
    CHECK(suggested_port(promoted_from(row.promoted), candidates, s, &reason) == row.expected);
    CHECK(contains(reason, row.fragment));
  }
}

TEST_CASE("a candidate unfit to be master is never suggested, and the reason says why") {
  struct Row {
    const char* name;
    std::function<void(Instance&, ReplacementSettings&)> spoil;
    const char* fragment;
  };
  const Row rows[] = {
      {"last check invalid", [](Instance& c, auto&) { c.is_last_check_valid = false; },
       "last check"},
      {"no binary log", [](Instance& c, auto&) { c.log_bin_enabled = false; }, "binary logs"},
      {"no log_slave_updates", [](Instance& c, auto&) { c.log_slave_updates_enabled = false; },
       "log_slave_updates"},
      {"binlog server", [](Instance& c, auto&) { c.binlog_server = true; }, "binlog server"},
      {"must_not", [](Instance& c, auto&) { c.promotion_rule = "must_not"; }, "must_not"},
      {"prefer_not", [](Instance& c, auto&) { c.promotion_rule = "prefer_not"; }, "prefer_not"},
      {"ignored hostname",
       [](Instance&, ReplacementSettings& s) { s.promotion_ignore_hostname_filters = {"^db2\\."}; },
       "PromotionIgnoreHostnameFilters"},
      {"not a replica of the promoted one", [](Instance& c, auto&) { c.master_key = key(kDead); },
       "does not replicate from"},
      {"the promoted one could not replicate from it (newer version)",
       [](Instance& c, auto&) {
         c.major_version = "11.4";
         c.version = "11.4.2";
       },
       "could not replicate from it"},
      {"diverged GTID position",
       [](Instance& c, auto&) { c.mariadb_gtid_slave_pos = "0-3306-18,1-3306-9"; }, "diverged"},
      {"unknown GTID position", [](Instance& c, auto&) { c.mariadb_gtid_slave_pos = "0-x"; },
       "unparseable"},
  };
  const Instance promoted =
      promoted_from({0, "neutral", "dc1", "prod", "eu", "0-3306-20,1-3306-5"});
  const Instance fit = under_promoted({2, "prefer", "dc1", "prod", "eu", "0-3306-20,1-3306-5"});
  REQUIRE(suggested_port(promoted, {fit}, {}) == 2);
  for (const auto& row : rows) {
    INFO(row.name);
    Instance c = fit;
    ReplacementSettings s;
    row.spoil(c, s);
    std::string reason;
    CHECK(suggested_port(promoted, {c}, s, &reason) == 0);
    CHECK(contains(reason, "skipped: " + key(2).str()));
    CHECK(contains(reason, row.fragment));
  }
}

TEST_CASE("a replacement behind the promoted one is suggested with a catch-up warning") {
  std::string reason;
  auto behind = under_promoted({2, "prefer", "dc1", "prod", "eu", "0-3306-15"});
  CHECK(suggested_port(promoted_from({0, "neutral", "dc1"}), {behind}, {}, &reason) == 2);
  CHECK(contains(reason, "must catch up"));
  auto level = under_promoted({2, "prefer", "dc1"});
  CHECK(suggested_port(promoted_from({0, "neutral", "dc1"}), {level}, {}, &reason) == 2);
  CHECK_FALSE(contains(reason, "catch up"));
}

TEST_CASE("a promoted one with an unknown position cannot be replaced safely") {
  auto promoted = promoted_from({0, "neutral", "dc1"});
  promoted.mariadb_gtid_slave_pos = "bogus";
  std::string reason;
  CHECK(suggested_port(promoted, {under_promoted({2, "prefer", "dc1"})}, {}, &reason) == 0);
  CHECK(contains(reason, "cannot be compared"));
}

TEST_CASE("MySQL replacements compare executed sets without errant transactions") {
  auto promoted = oracle(kPromoted, kDead, kUuidA + ":1-20");
  auto c = oracle(2, kPromoted, kUuidA + ":1-18," + kUuidB + ":1-2");
  c.promotion_rule = "prefer";
  std::string reason;
  CHECK(suggested_port(promoted, {c}, {}, &reason) == 0);
  CHECK(contains(reason, "diverged"));
  c.gtid_errant = kUuidB + ":1-2";
  CHECK(suggested_port(promoted, {c}, {}, &reason) == 2);
  CHECK(contains(reason, "must catch up"));
}

// ---- plan_intermediate_recovery: master 3306 -> dead IM 1 -> orphans 11, 12; siblings 2.. ----

namespace {

const int kIm = 1;

Instance top_master() {
  Instance m = server(kDead);
  m.mariadb_gtid_binlog_pos = m.executed_gtid_set = "0-3306-50";
  m.mariadb_gtid_slave_pos = "0-3306-5";  // stale: it was a replica long ago
  m.sql_thread_state = m.io_thread_state = ThreadState::None;
  return m;
}

Instance dead_im() {
  Instance i = maria(kIm, kDead, "0-3306-40");
  i.is_last_check_valid = false;
  return i;
}

Instance orphan(int port, const std::string& pos = "0-3306-40") {
  Instance o = maria(port, kIm, pos);
  o.io_thread_state = ThreadState::Other;
  return o;
}

Instance sibling(int port, const std::string& pos = "0-3306-45",
                 const std::string& rule = "neutral", const std::string& dc = "dc1") {
  Instance s = maria(port, kDead, pos);
  s.promotion_rule = rule;
  s.data_center = dc;
  return s;
}

IntermediateRecoveryPlan plan(const std::vector<Instance>& siblings,
                              const std::optional<Instance>& master = top_master(),
                              const std::vector<Instance>& orphans = {orphan(11), orphan(12)},
                              const IntermediateRecoverySettings& settings = {}) {
  return plan_intermediate_recovery(dead_im(), orphans, siblings, master, settings);
}

std::string all(const IntermediateRecoveryPlan& p) {
  std::string out;
  for (const auto& r : p.reasons) out += r + "\n";
  return out;
}

}  // namespace

TEST_CASE("orphans go under the sibling the upstream order prefers") {
  struct Row {
    const char* name;
    std::vector<Instance> siblings;
    int expected;
    const char* plan;
  };
  Instance busy = sibling(3);
  busy.replicas = {key(31), key(32)};
  const Row rows[] = {
      {"a sibling in the same DC+env before one elsewhere",
       {sibling(2, "0-3306-45", "neutral", "dc2"), sibling(3)},
       3,
       "plan A"},
      {"a sibling elsewhere when it is the only one",
       {sibling(2, "0-3306-45", "neutral", "dc2")},
       2,
       "plan C"},
      {"a candidate elsewhere before a neutral in the same DC+env",
       {sibling(2), sibling(3, "0-3306-45", "prefer", "dc2")},
       3,
       "plan C"},
      {"a candidate in the same DC+env before a candidate elsewhere",
       {sibling(2, "0-3306-45", "prefer", "dc2"), sibling(3, "0-3306-45", "prefer")},
       3,
       "plan A"},
      {"the sibling with more replicas first", {sibling(2), busy}, 3, "plan A"},
      {"the smaller key among equals", {sibling(3), sibling(2)}, 2, "plan A"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    auto p = plan(row.siblings);
    INFO(all(p));
    CHECK(p.kind == Kind::RelocateUnderSibling);
    REQUIRE(p.target);
    CHECK(p.target->port == row.expected);
    CHECK(p.movable == std::vector<InstanceKey>{key(11), key(12)});
    CHECK(p.lost.empty());
    CHECK(contains(p.reasons.front(), row.plan));
  }
}

TEST_CASE("a sibling unfit to replace the dead intermediate master is skipped for the master") {
  struct Row {
    const char* name;
    std::function<void(Instance&, IntermediateRecoverySettings&)> spoil;
    std::string fragment;
  };
  const Row rows[] = {
      {"last check invalid", [](Instance& s, auto&) { s.is_last_check_valid = false; },
       "last check"},
      {"no binary log", [](Instance& s, auto&) { s.log_bin_enabled = false; }, "binary logs"},
      {"no log_slave_updates", [](Instance& s, auto&) { s.log_slave_updates_enabled = false; },
       "log_slave_updates"},
      {"not replicating", [](Instance& s, auto&) { s.io_thread_state = ThreadState::Stopped; },
       "not replicating"},
      {"binlog server", [](Instance& s, auto&) { s.binlog_server = true; }, "binlog server"},
      {"must_not", [](Instance& s, auto&) { s.promotion_rule = "must_not"; }, "must_not"},
      {"ignored hostname",
       [](Instance&, IntermediateRecoverySettings& st) {
         st.promotion_ignore_hostname_filters = {"^db2\\."};
       },
       "PromotionIgnoreHostnameFilters"},
      {"replication filters differ", [](Instance& s, auto&) { s.has_replication_filters = true; },
       "replication filters"},
      {"not a sibling", [](Instance& s, auto&) { s.master_key = key(9); }, "does not replicate"},
      {"behind an orphan",
       [](Instance& s, auto&) {
         s.mariadb_gtid_slave_pos = s.mariadb_gtid_binlog_pos = s.executed_gtid_set = "0-3306-39";
       },
       "is ahead of " + key(2).str()},
      {"diverged from an orphan",
       [](Instance& s, auto&) { s.mariadb_gtid_binlog_pos = "0-3306-39,1-3306-1"; },
       "diverged from"},
      {"an orphan cannot replicate from it (newer version)",
       [](Instance& s, auto&) {
         s.major_version = "11.4";
         s.version = "11.4.2";
       },
       "lower than"},
  };
  REQUIRE(plan({sibling(2)}).kind == Kind::RelocateUnderSibling);
  for (const auto& row : rows) {
    INFO(row.name);
    Instance s = sibling(2);
    IntermediateRecoverySettings settings;
    row.spoil(s, settings);
    auto p = plan({s}, top_master(), {orphan(11), orphan(12)}, settings);
    INFO(all(p));
    CHECK(p.kind == Kind::RelocateUnderMaster);
    CHECK(p.target == key(kDead));
    CHECK(p.movable == std::vector<InstanceKey>{key(11), key(12)});
    CHECK(contains(p.reasons.front(), "plan D"));
    CHECK(has_reason(p.reasons, key(2).str() + ": sibling"));
    CHECK(has_reason(p.reasons, row.fragment));
  }
}

TEST_CASE("with no siblings the orphans go under the master, judged by its binary log") {
  // The master's stale gtid_slave_pos (0-3306-5) would make every orphan look ahead of it.
  auto p = plan({});
  INFO(all(p));
  CHECK(p.kind == Kind::RelocateUnderMaster);
  CHECK(p.target == key(kDead));
  CHECK(p.movable.size() == 2);
}

TEST_CASE("an orphan ahead of the master or diverged from it is lost, the others move") {
  auto p =
      plan({}, top_master(), {orphan(11, "0-3306-60"), orphan(12), orphan(13, "0-3306-40,2-7-1")});
  INFO(all(p));
  CHECK(p.kind == Kind::RelocateUnderMaster);
  CHECK(p.movable == std::vector<InstanceKey>{key(12)});
  CHECK(p.lost == std::vector<InstanceKey>{key(11), key(13)});
  CHECK(has_reason(p.reasons, key(11).str() + ": lost: GTID position 0-3306-60 is ahead of"));
  CHECK(has_reason(p.reasons, key(13).str() + ": lost:"));
}

TEST_CASE("an orphan with an unknown position is lost while the others move") {
  auto p = plan({sibling(2)}, top_master(), {orphan(11), orphan(12, "not-a-gtid")});
  INFO(all(p));
  CHECK(p.kind == Kind::RelocateUnderSibling);
  CHECK(p.movable == std::vector<InstanceKey>{key(11)});
  CHECK(p.lost == std::vector<InstanceKey>{key(12)});
  CHECK(has_reason(p.reasons, key(12).str() + ": lost: unparseable"));
}

TEST_CASE("with no usable sibling nor master nothing is planned and every orphan is lost") {
  Instance stopped = sibling(2);
  stopped.sql_thread_state = ThreadState::Stopped;
  Instance invalid_master = top_master();
  invalid_master.is_last_check_valid = false;
  for (const auto& master : {std::optional<Instance>{}, std::optional<Instance>{invalid_master}}) {
    auto p = plan({stopped}, master);
    INFO(all(p));
    CHECK(p.kind == Kind::None);
    CHECK_FALSE(p.target);
    CHECK(p.movable.empty());
    CHECK(p.lost == std::vector<InstanceKey>{key(11), key(12)});
    CHECK(contains(p.reasons.front(), "no sibling nor master"));
  }
  auto unknown = plan({sibling(2)}, top_master(), {orphan(11, "?")});
  CHECK(unknown.kind == Kind::None);
  CHECK(unknown.lost == std::vector<InstanceKey>{key(11)});
  CHECK(plan({sibling(2)}, top_master(), {}).kind == Kind::None);
}

TEST_CASE("without a master a sibling that takes only some orphans is still used") {
  auto p = plan({sibling(2)}, std::nullopt, {orphan(11), orphan(12, "0-3306-46")});
  INFO(all(p));
  CHECK(p.kind == Kind::RelocateUnderSibling);
  CHECK(p.target == key(2));
  CHECK(p.movable == std::vector<InstanceKey>{key(11)});
  CHECK(p.lost == std::vector<InstanceKey>{key(12)});
  // With the master known, the master takes both instead.
  CHECK(plan({sibling(2)}, top_master(), {orphan(11), orphan(12, "0-3306-46")}).kind ==
        Kind::RelocateUnderMaster);
}

TEST_CASE("MySQL orphans move under a sibling containing their non-errant transactions") {
  auto mysql_sibling = [](const std::string& executed) { return oracle(2, kDead, executed); };
  auto o = oracle(11, kIm, kUuidA + ":1-40," + kUuidB + ":1-2");
  o.gtid_errant = kUuidB + ":1-2";
  auto m = oracle(kDead, 0, kUuidA + ":1-50");
  m.master_key = {};
  auto p = plan_intermediate_recovery(dead_im(), {o}, {mysql_sibling(kUuidA + ":1-45")}, m);
  INFO(all(p));
  CHECK(p.kind == Kind::RelocateUnderSibling);
  CHECK(p.movable == std::vector<InstanceKey>{key(11)});
  p = plan_intermediate_recovery(dead_im(), {o}, {mysql_sibling(kUuidA + ":1-30")}, m);
  CHECK(p.kind == Kind::RelocateUnderMaster);
  CHECK(has_reason(p.reasons, "is ahead of " + key(2).str()));
}
