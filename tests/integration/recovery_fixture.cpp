#include "tests/integration/recovery_fixture.hpp"

#include <soci/soci.h>

#include <sstream>
#include <stdexcept>

#include "storage/backend.hpp"

namespace orc::test {

namespace {

constexpr int kApiTimeoutMs = 30000;  // graceful takeovers answer after the whole operation

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

/// The value of FIELD in vertical (\G) output, "" when absent.
std::string vertical_field(const std::string& text, const std::string& field) {
  for (const auto& line : split(text, '\n')) {
    auto start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    if (line.compare(start, field.size() + 2, field + ": ") == 0)
      return line.substr(start + field.size() + 2);
  }
  return "";
}

}  // namespace

// ---- RecoveryFixture ----

RecoveryFixture::RecoveryFixture(const RecoverySetup& setup)
    : backend(Sandbox::backend(setup.tls)),
      topo(Sandbox::topology(setup.kind, setup.n, setup.tls)) {
  config = {{"InstancePollSeconds", "1"},
            {"RecoverMasterClusterFilters", "[\"*\"]"},
            {"RecoverIntermediateMasterClusterFilters", "[\"*\"]"}};
  if (setup.tls != SandboxTls::off) {
    auto quoted = [](const std::string& path) { return "\"" + path + "\""; };
    for (const auto& [prefix, sb] :
         {std::pair{"MySQLOrchestrator", &backend}, {"MySQLTopology", &topo}}) {
      const std::string p = prefix;
      config[p + "SSLCAFile"] = quoted(sb->ca_file());
      config[p + "SSLCertFile"] = quoted(sb->client_cert_file());
      config[p + "SSLPrivateKeyFile"] = quoted(sb->client_key_file());
      config[p + "UseMutualTLS"] = "true";
    }
  }
  for (const auto& [k, v] : setup.extra) config[k] = v;
  for (int i = 0; i < setup.nodes; ++i) {
    int http_port = free_port();
    nodes.push_back(std::make_unique<OrchestratorNode>(
        node_config_json(backend.port(), http_port, config), http_port));
  }
  auto& lead = leader();
  auto reply = lead.get("/api/discover/" + key_path(0));
  if (reply.status != 200) throw std::runtime_error("discover failed: " + reply.body);
  // Discovered = the leader lists every server of the topology in the cluster, each with a
  // valid last check.
  bool discovered = wait_until(
      [&] {
        auto d = api("cluster/" + key(0), &lead);
        if (!d.IsArray() || static_cast<int>(d.Size()) != topo.size()) return false;
        for (const auto& inst : d.GetArray())
          if (!inst.HasMember("IsLastCheckValid") || !inst["IsLastCheckValid"].GetBool())
            return false;
        return true;
      },
      std::chrono::seconds(15));
  if (!discovered)
    throw std::runtime_error("the leader did not discover the topology: " + last_body + "\n" +
                             logs());
}

std::string RecoveryFixture::key(int i) const {
  return "127.0.0.1:" + std::to_string(port(i));
}

std::string RecoveryFixture::key_path(int i) const {
  return "127.0.0.1/" + std::to_string(port(i));
}

int RecoveryFixture::index_of_port(int p) const {
  for (int i = 0; i < topo.size(); ++i)
    if (port(i) == p) return i;
  return -1;
}

OrchestratorNode& RecoveryFixture::leader() {
  OrchestratorNode* found = nullptr;
  wait_until(
      [&] {
        for (auto& n : nodes)
          if (n && http_get(n->port(), "/api/leader-check", 300).status == 200) {
            found = n.get();
            return true;
          }
        return false;
      },
      std::chrono::seconds(5));
  if (!found) throw std::runtime_error("no orchestrator node leads: " + logs());
  return *found;
}

rapidjson::Document RecoveryFixture::api(const std::string& path, const OrchestratorNode* node) {
  if (!node) node = &leader();
  last_body = http_get(node->port(), "/api/" + path, kApiTimeoutMs).body;
  rapidjson::Document d;
  d.Parse(last_body.c_str());
  return d;
}

std::string RecoveryFixture::logs() const {
  std::string out;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i]) out += "--- node " + std::to_string(i) + " log tail:\n" + nodes[i]->log() + "\n";
  return out;
}

std::string RecoveryFixture::backend_sql(const std::string& sql) {
  return backend.sql(0, "USE orchestrator; " + sql);
}

std::vector<RecoveryRow> RecoveryFixture::recoveries() {
  auto text = backend_sql(
      "SELECT recovery_id, port, IFNULL(successor_port, 0), is_successful, in_active_period, "
      "acknowledged, end_recovery IS NOT NULL, analysis, uid, "
      "REPLACE(IFNULL(all_errors, ''), '\\n', ' | ') FROM topology_recovery "
      "ORDER BY recovery_id");
  std::vector<RecoveryRow> rows;
  for (const auto& line : split(text, '\n')) {
    auto f = split(line, '\t');
    if (f.size() < 9) continue;
    RecoveryRow r;
    r.id = std::stoll(f[0]);
    r.failed_port = std::stoi(f[1]);
    r.successor_port = std::stoi(f[2]);
    r.successful = f[3] == "1";
    r.active = f[4] == "1";
    r.acknowledged = f[5] == "1";
    r.ended = f[6] == "1";
    r.analysis = f[7];
    r.uid = f[8];
    r.all_errors = f.size() > 9 ? f[9] : "";
    rows.push_back(r);
  }
  return rows;
}

std::string RecoveryFixture::steps(const std::string& uid) {
  auto out = backend_sql(
      "SELECT IFNULL(GROUP_CONCAT(message ORDER BY recovery_step_id SEPARATOR ' | '), '') "
      "FROM topology_recovery_steps WHERE recovery_uid = " +
      std::string("'") + uid + "'");
  return out;
}

std::string RecoveryFixture::downtime_reason(int i) {
  return backend_sql(
      "SELECT IFNULL(MAX(reason), '') FROM database_instance_downtime WHERE hostname = "
      "'127.0.0.1' AND port = " +
      std::to_string(port(i)) + " AND downtime_active = 1 AND end_timestamp > NOW()");
}

ServerReplication RecoveryFixture::replication(int i) {
  ServerReplication r;
  std::string text;
  try {
    text = topo.sql(i, "SELECT @@global.read_only AS Read_Only\\G SHOW SLAVE STATUS\\G");
  } catch (const std::runtime_error&) {
    return r;  // not answering
  }
  r.reachable = true;
  r.read_only = vertical_field(text, "Read_Only") == "1";
  auto master_port = vertical_field(text, "Master_Port");
  r.is_replica = !master_port.empty();
  if (r.is_replica) {
    r.master_port = std::stoi(master_port);
    r.io_running = vertical_field(text, "Slave_IO_Running");
    r.sql_running = vertical_field(text, "Slave_SQL_Running");
  }
  return r;
}

bool RecoveryFixture::is_standalone_writable(int i) {
  auto r = replication(i);
  return r.reachable && !r.read_only && !r.is_replica;
}

bool RecoveryFixture::replicates_from(int i, int master) {
  auto r = replication(i);
  return r.reachable && r.is_replica && r.master_port == port(master) && r.io_running == "Yes" &&
         r.sql_running == "Yes";
}

int RecoveryFixture::writable_master_among(const std::vector<int>& candidates) {
  int found = -1;
  for (int i : candidates) {
    if (!is_standalone_writable(i)) continue;
    if (found >= 0) return -1;
    found = i;
  }
  return found;
}

bool RecoveryFixture::write_reaches(int master, const std::vector<int>& replicas,
                                    std::chrono::milliseconds timeout) {
  const std::string id = std::to_string(++marker_);
  topo.sql(master,
           "CREATE TABLE IF NOT EXISTS app.recovery_marker (id INT PRIMARY KEY); "
           "INSERT INTO app.recovery_marker VALUES (" +
               id + ")");
  return wait_until(
      [&] {
        for (int r : replicas) {
          try {
            if (topo.sql(r, "SELECT COUNT(*) FROM app.recovery_marker WHERE id = " + id) != "1")
              return false;
          } catch (const std::runtime_error&) {
            return false;  // the table has not arrived yet
          }
        }
        return true;
      },
      timeout);
}

std::set<int> RecoveryFixture::writer_ids(int i) {
  std::set<int> ids;
  for (const auto& line : split(topo.sql(i, "SELECT id FROM app.recovery_writer"), '\n'))
    if (!line.empty()) ids.insert(std::stoi(line));
  return ids;
}

// ---- BackgroundWriter ----

BackgroundWriter::BackgroundWriter(Sandbox& topo, int i) {
  topo.sql(i, "CREATE TABLE IF NOT EXISTS app.recovery_writer (id INT PRIMARY KEY)");
  thread_ = std::thread([this, port = topo.port(i)] { run(port); });
}

BackgroundWriter::~BackgroundWriter() {
  stop();
}

void BackgroundWriter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::set<int> BackgroundWriter::committed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return committed_;
}

int BackgroundWriter::committed_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(committed_.size());
}

void BackgroundWriter::run(int port) {
  storage::MysqlEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.user = "app";
  ep.password = "app_pass";
  ep.database = "app";
  ep.connect_timeout_s = 1;
  ep.read_timeout_s = 2;
  ep.write_timeout_s = 2;
  std::unique_ptr<soci::session> session;
  for (int id = 1; !stop_; ++id) {
    try {
      if (!session) session = storage::open_session(ep);
      int value = id;
      *session << "INSERT INTO recovery_writer (id) VALUES (:id)", soci::use(value);
      std::lock_guard<std::mutex> lock(mutex_);
      committed_.insert(id);
    } catch (const soci::soci_error& e) {
      ++failures_;
      // Read-only refusals keep the session; a broken connection is reopened.
      if (storage::is_connection_error(e)) session.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } catch (const std::exception&) {
      ++failures_;
      session.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace orc::test
