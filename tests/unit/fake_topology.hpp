#pragma once
// A simulated replication topology behind actors::RecoveryServers, for executor tests without
// MariaDB: every server has a master, IO/SQL threads, read_only and a position (the sequence
// number of the last transaction applied from one GTID stream). Actions change that state as
// the real statements would; failures and frozen servers are injected per test.

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "actors/recovery_executor.hpp"

namespace orc::test {

struct FakeServer {
  model::InstanceKey master;  ///< invalid: not a replica
  bool io = true;
  bool read_only = true;
  int seq = 0;
  bool frozen = false;  ///< SIGSTOP: nothing it is asked completes
  std::string rule = "neutral";
};

class FakeTopology : public actors::RecoveryServers {
 public:
  static model::InstanceKey key(int i) { return {"db" + std::to_string(i), 3306}; }

  /// Server 0 the master (dead unless said otherwise), 1..n replicas of it at `seqs`.
  explicit FakeTopology(const std::vector<int>& seqs) {
    servers[key(0)].read_only = false;
    servers[key(0)].io = false;
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      auto& s = servers[key(static_cast<int>(i) + 1)];
      s.master = key(0);
      s.seq = seqs[i];
    }
  }

  std::map<model::InstanceKey, FakeServer> servers;
  /// Actions that fail ("kind:target"), e.g. fail(Kind::Promote, key(1)).
  void fail(model::ServerAction::Kind kind, const model::InstanceKey& target) {
    failing_.insert({kind, target});
  }
  /// Called after every drain and action (under no lock), to fence a node mid-way.
  std::function<void(const std::string&)> on_event = [](const std::string&) {};
  std::vector<std::string> log;

  Drained drain(const model::InstanceKey& k, std::chrono::milliseconds) override {
    Drained d;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& s = servers.at(k);
      log.push_back("drain " + k.str());
      if (s.frozen) {
        d.problem = "timed out: the server does not answer";
      } else {
        s.io = false;
        d.io_stopped = true;
        d.applied = true;
        d.fresh = instance(k, s);
      }
    }
    on_event("drain " + k.str());
    return d;
  }

  bool wait_relay_log(const model::InstanceKey&, std::chrono::milliseconds) override {
    return true;
  }

  std::string run(const model::ServerAction& a) override {
    std::string error;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      log.push_back(a.describe());
      error = apply(a);
    }
    on_event(a.describe());
    return error;
  }

  /// Replicating from `master` with the IO thread running.
  bool under(int i, int master) const {
    const auto& s = servers.at(key(i));
    return s.master == key(master) && s.io;
  }
  bool writable_master(int i) const {
    const auto& s = servers.at(key(i));
    return !s.master.valid() && !s.read_only;
  }

 private:
  static model::Instance instance(const model::InstanceKey& k, const FakeServer& s) {
    model::Instance i;
    i.key = k;
    i.server_id = static_cast<uint32_t>(std::stoi(k.hostname.substr(2)) + 1);
    i.master_key = s.master;
    i.flavor = model::Flavor::MariaDB;
    i.major_version = "10.11";
    i.version = "10.11.6";
    i.log_bin_enabled = true;
    i.log_slave_updates_enabled = true;
    i.binlog_format = "ROW";
    i.is_last_check_valid = true;
    i.using_mariadb_gtid = true;
    i.mariadb_gtid_slave_pos = "0-1-" + std::to_string(s.seq);
    i.executed_gtid_set = i.mariadb_gtid_slave_pos;
    i.read_only = s.read_only;
    i.promotion_rule = s.rule;
    return i;
  }

  std::string apply(const model::ServerAction& a) {
    using Kind = model::ServerAction::Kind;
    if (failing_.count({a.kind, a.target})) return "injected failure";
    auto& t = servers.at(a.target);
    if (t.frozen) return "timed out: the server does not answer";
    switch (a.kind) {
      case Kind::StartIoThread:
        if (!t.master.valid()) return "no master configured";
        t.io = true;
        break;
      case Kind::PointAt:
        t.master = a.source;
        t.io = !a.flag;
        break;
      case Kind::CatchUp: {
        const auto& src = servers.at(a.source);
        if (t.master != a.source) return "not replicating from " + a.source.str();
        if (src.frozen) return "timed out waiting";
        t.seq = std::max(t.seq, src.seq);
        break;
      }
      case Kind::Promote:
        t.master = {};
        t.io = false;
        t.read_only = false;
        break;
      case Kind::SetReadOnly:
        t.read_only = a.flag;
        break;
      case Kind::Detach:
        break;
    }
    return "";
  }

  std::mutex mutex_;
  std::set<std::pair<model::ServerAction::Kind, model::InstanceKey>> failing_;
};

}  // namespace orc::test
