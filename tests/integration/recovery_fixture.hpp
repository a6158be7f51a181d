#pragma once
// The shared set-up of the recovery acceptance tests (issue #5): a backend, a real topology and
// orchestrator nodes with automated recovery enabled, plus what the tests need to judge a
// recovery from the outside: the replication state as the servers themselves report it (never
// orchestrator's own view, which is what is under test), the backend's recovery bookkeeping,
// and a writer that commits rows on a master and remembers which commits it saw succeed.

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/sandbox.hpp"

namespace orc::test {

// wait_until, metric, wait_leader and wait_more_probes are in orchestrator_node.hpp.

/// Replication of one server as it reports it itself (SELECT @@read_only, SHOW SLAVE STATUS).
struct ServerReplication {
  bool reachable = false;  ///< false when the server did not answer (dead, frozen)
  bool read_only = false;
  bool is_replica = false;  ///< SHOW SLAVE STATUS returned a row
  int master_port = 0;
  std::string io_running, sql_running;  ///< "Yes", "No", "Connecting"; "" when not a replica
};

/// What a fixture starts.
struct RecoverySetup {
  std::string kind = "replicas";  ///< sandbox topology kind
  int n = 3;                      ///< replicas (or leaves for "chain")
  int nodes = 1;                  ///< orchestrator nodes on the backend
  /// Extra config members for every node ("\"Key\": value"); they override the defaults
  /// (InstancePollSeconds 1, Recover*ClusterFilters ["*"]).
  std::map<std::string, std::string> extra;
  /// TLS of the backend and topology sandboxes. When on, nodes get mutual TLS to both (each
  /// sandbox's CA, client certificate and key), unless `extra` says otherwise.
  SandboxTls tls = SandboxTls::off;
};

/// One topology_recovery row, as the backend holds it.
struct RecoveryRow {
  int64_t id = 0;
  int failed_port = 0;
  int successor_port = 0;  ///< 0 when none
  bool successful = false;
  bool active = false;  ///< in_active_period
  bool acknowledged = false;
  bool ended = false;                     ///< end_recovery IS NOT NULL
  std::string analysis, uid, all_errors;  ///< all_errors with its lines joined by " | "
};

/// Backend + topology + `nodes` orchestrator nodes, the leader having discovered the whole
/// topology. Every process is stopped when the fixture goes away; the members are declared so
/// that the nodes go first and no recovery runs while the servers are being destroyed.
class RecoveryFixture {
 public:
  explicit RecoveryFixture(const RecoverySetup& setup = {});
  RecoveryFixture(const RecoveryFixture&) = delete;
  RecoveryFixture& operator=(const RecoveryFixture&) = delete;

  Sandbox backend;
  Sandbox topo;
  std::vector<std::unique_ptr<OrchestratorNode>> nodes;
  /// The extra config members every node got (defaults merged with RecoverySetup::extra), for
  /// tests that start another node or run the CLI with a variant of them.
  std::map<std::string, std::string> config;

  int port(int i) const { return topo.port(i); }
  /// "127.0.0.1:PORT" of instance i: its key and, for a master, its cluster's name.
  std::string key(int i) const;
  /// "127.0.0.1/PORT" of instance i, for API paths.
  std::string key_path(int i) const;
  /// The topology index of `port`; -1 if it is not one of ours.
  int index_of_port(int port) const;

  /// The node answering 200 on /api/leader-check (waits up to 5 s; throws if none).
  OrchestratorNode& leader();
  /// GET /api/PATH on `node` (the leader when null), parsed. A body that is not JSON gives a
  /// document that is neither object nor array; the raw reply is kept in `last_body`.
  rapidjson::Document api(const std::string& path, const OrchestratorNode* node = nullptr);
  std::string last_body;
  /// The logs of every node, for failure messages.
  std::string logs() const;

  /// SQL on the backend's `orchestrator` database as root (tab-separated, no header).
  std::string backend_sql(const std::string& sql);
  /// Every topology_recovery row, oldest first.
  std::vector<RecoveryRow> recoveries();
  /// The messages of topology_recovery_steps of `uid`, oldest first, joined by " | ".
  std::string steps(const std::string& uid);
  /// database_instance_downtime.reason of instance i ("" when not downtimed).
  std::string downtime_reason(int i);

  ServerReplication replication(int i);
  /// Writable and without replication configured: a promoted master.
  bool is_standalone_writable(int i);
  /// Both threads running with Master_Port = port(master).
  bool replicates_from(int i, int master);
  /// Index of the single instance among `candidates` that is standalone and writable; -1 when
  /// none or several are.
  int writable_master_among(const std::vector<int>& candidates);
  /// Inserts a fresh marker row on `master` (as root, table app.recovery_marker) and waits up
  /// to `timeout` until every one of `replicas` has it.
  bool write_reaches(int master, const std::vector<int>& replicas,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// The ids in app.recovery_writer on instance i.
  std::set<int> writer_ids(int i);

 private:
  int marker_ = 0;
};

/// Commits rows with increasing ids into app.recovery_writer on one server through the `app`
/// account, on a thread of its own, and records which INSERTs returned success: those rows
/// were committed on that server. A failed INSERT (read-only, connection lost) is not retried
/// and its id never reused; after a connection error it reconnects.
class BackgroundWriter {
 public:
  /// Creates the table on instance `i` of `topo` (as root) and starts writing.
  BackgroundWriter(Sandbox& topo, int i);
  ~BackgroundWriter();  ///< stop()
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  void stop();  ///< Joins the thread; idempotent.
  std::set<int> committed() const;
  int committed_count() const;
  int failures() const { return failures_.load(); }

 private:
  void run(int port);

  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0};
  mutable std::mutex mutex_;
  std::set<int> committed_;
  std::thread thread_;
};

}  // namespace orc::test
