#pragma once
// Test helper for the analysis tests: builds small topologies by name ("m", "r1", ...) and
// runs analyze() over them. Every instance starts healthy: check valid, binlog + log_slave_updates
// in ROW format, MariaDB GTID, and a replica's IO/SQL threads running with no lag.

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/analysis.hpp"
#include "model/topology.hpp"

namespace analysis_test {

using orc::model::AnalysisCode;
using orc::model::Instance;
using orc::model::InstanceKey;
using orc::model::ReplicationAnalysis;
using orc::model::ThreadState;

constexpr int kPort = 3306;

/// MySQL 5.7's wording; the tests of the newer wordings use their own texts.
inline const char* kConnectError =
    "error reconnecting to master 'repl@m:3306' - retry-time: 60  retries: 1";

inline InstanceKey key(const std::string& name) {
  return {name, kPort};
}

/// Unreachable by orchestrator: the check failed and not even the first query succeeded.
inline void dead(Instance& i) {
  i.is_last_check_valid = false;
  i.last_check_partial_success = false;
}

/// Both replication threads stopped (STOP SLAVE), no error.
inline void stopped(Instance& i) {
  i.io_thread_state = ThreadState::Stopped;
  i.sql_thread_state = ThreadState::Stopped;
}

/// IO thread retrying the connection to its master, SQL thread idle but running.
inline void failing(Instance& i, const std::string& error = kConnectError) {
  i.io_thread_state = ThreadState::Other;
  i.sql_thread_state = ThreadState::Running;
  i.last_io_error = error;
  i.seconds_behind_master.reset();
  i.replication_lag_seconds.reset();
}

inline void lagging(Instance& i, int64_t seconds) {
  i.seconds_behind_master = seconds;
  i.replication_lag_seconds = seconds;
}

struct Topology {
  std::map<std::string, Instance> nodes;
  std::vector<std::string> order;
  orc::model::AnalysisInput input;  ///< everything but `instances`, filled by run()
  orc::model::AnalysisSettings settings;
  orc::model::AnalysisHints hints;
  /// Off to analyse hand-set cluster attributes (e.g. stale backend rows).
  bool derive_clusters = true;

  /// Adds a healthy instance named `name`, replicating from `master` when given.
  Instance& add(const std::string& name, const std::string& master = "") {
    Instance i;
    i.key = key(name);
    i.server_uuid = "uuid-" + name;
    i.is_last_check_valid = true;
    i.last_check_partial_success = true;
    i.log_bin_enabled = true;
    i.log_slave_updates_enabled = true;
    i.binlog_format = "ROW";
    i.major_version = "10.11";
    i.self_binlog_coordinates = {"mysql-bin.000001", 1234, 0};
    if (!master.empty()) {
      i.master_key = key(master);
      i.io_thread_state = ThreadState::Running;
      i.sql_thread_state = ThreadState::Running;
      i.using_mariadb_gtid = true;
      lagging(i, 0);
    }
    order.push_back(name);
    return nodes[name] = i;
  }

  Instance& operator[](const std::string& name) {
    auto it = nodes.find(name);
    REQUIRE_MESSAGE(it != nodes.end(), "no instance ", name);
    return it->second;
  }

  /// Derives cluster names and depths (model/topology.hpp) unless told not to, then analyses.
  std::vector<ReplicationAnalysis> run() const {
    orc::model::AnalysisInput in = input;
    for (const auto& name : order) in.instances.push_back(nodes.at(name));
    if (derive_clusters) orc::model::derive_cluster_attributes(in.instances);
    return orc::model::analyze(in, settings, hints);
  }

  /// The row of `name`, or nullopt when the analysis left it out.
  std::optional<ReplicationAnalysis> row(const std::string& name) const {
    for (auto& r : run()) {
      if (r.analyzed_instance_key == key(name)) return r;
    }
    return std::nullopt;
  }

  /// The code of `name`; NoProblem when there is no row.
  AnalysisCode code(const std::string& name) const {
    auto r = row(name);
    return r ? r->analysis : AnalysisCode::NoProblem;
  }
};

/// A row of the code tables: `build` makes a topology in which `subject` is classified
/// `code`; `near_miss` changes one fact of it, after which `subject` gets `near_miss_code`.
struct CodeCase {
  const char* what;
  AnalysisCode code;
  const char* subject;
  std::function<void(Topology&)> build;
  std::function<void(Topology&)> near_miss;
  AnalysisCode near_miss_code;
};

/// The cases of analysis_master_test.cpp and analysis_topology_test.cpp, so that one test can
/// check that every code has both a positive and a near-miss case.
const std::vector<CodeCase>& master_code_cases();
const std::vector<CodeCase>& topology_code_cases();

/// Runs the positive and the near-miss topology of every case.
inline void check_code_cases(const std::vector<CodeCase>& cases) {
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Topology t;
    c.build(t);
    CHECK(orc::model::analysis_code_name(t.code(c.subject)) ==
          std::string(orc::model::analysis_code_name(c.code)));
    Topology miss;
    c.build(miss);
    c.near_miss(miss);
    CHECK(orc::model::analysis_code_name(miss.code(c.subject)) ==
          std::string(orc::model::analysis_code_name(c.near_miss_code)));
    CHECK(c.near_miss_code != c.code);
  }
}

}  // namespace analysis_test
