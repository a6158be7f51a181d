#include "tests/integration/orchestrator_node.hpp"

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/integration/sandbox.hpp"

namespace orc::test {

int free_port() {
  return std::stoi(run_command(std::string(ORC_SANDBOX) + " free-port 1"));
}

HttpReply http_get(int port, const std::string& path, int timeout_ms) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(0, timeout_ms * 1000);
  cli.set_read_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
  HttpReply out;
  if (auto res = cli.Get(path.c_str())) {
    out.status = res->status;
    out.body = res->body;
  }
  return out;
}

HttpReply http_request(int port, const std::string& path, const HttpOptions& options) {
  std::unique_ptr<httplib::ClientImpl> cli;
  if (options.tls) {
    auto ssl = std::make_unique<httplib::SSLClient>("127.0.0.1", port, options.cert_file,
                                                    options.key_file);
    if (options.ca_file.empty()) {
      ssl->enable_server_certificate_verification(false);
    } else {
      ssl->set_ca_cert_path(options.ca_file.c_str());
      ssl->enable_server_certificate_verification(true);
    }
    cli = std::move(ssl);
  } else {
    cli = std::make_unique<httplib::ClientImpl>("127.0.0.1", port);
  }
  cli->set_connection_timeout(0, options.timeout_ms * 1000);
  cli->set_read_timeout(options.timeout_ms / 1000, (options.timeout_ms % 1000) * 1000);
  if (!options.user.empty()) cli->set_basic_auth(options.user.c_str(), options.password.c_str());
  httplib::Headers headers(options.headers.begin(), options.headers.end());
  HttpReply out;
  if (auto res = cli->Get(path.c_str(), headers)) {
    out.status = res->status;
    out.body = res->body;
  }
  return out;
}

std::string node_config_json(int backend_port, int http_port,
                             const std::map<std::string, std::string>& extra) {
  std::ostringstream o;
  o << "{\n"
    << "  \"ListenAddress\": \"127.0.0.1:" << http_port << "\",\n"
    << "  \"MySQLOrchestratorHost\": \"127.0.0.1\",\n"
    << "  \"MySQLOrchestratorPort\": " << backend_port << ",\n"
    << "  \"MySQLOrchestratorDatabase\": \"orchestrator\",\n"
    << "  \"MySQLOrchestratorUser\": \"orc_backend\",\n"
    << "  \"MySQLOrchestratorPassword\": \"orc_backend_pass\",\n"
    << "  \"MySQLTopologyUser\": \"orc\",\n"
    << "  \"MySQLTopologyPassword\": \"orc_pass\",\n"
    << "  \"DiscoverByShowSlaveHosts\": true";
  for (const auto& [key, value] : extra) o << ",\n  \"" << key << "\": " << value;
  o << "\n}\n";
  return o.str();
}

OrchestratorNode::OrchestratorNode(const std::string& config_json, int http_port,
                                   HttpOptions client)
    : port_(http_port), client_(std::move(client)) {
  char tmpl[] = "/tmp/orc-node-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  config_path_ = dir_ + "/orchestrator.conf.json";
  std::ofstream(config_path_) << config_json;
  std::string log_path = dir_ + "/node.log";
  pid_ = fork();
  if (pid_ == 0) {
    FILE* log = std::fopen(log_path.c_str(), "w");
    if (log) {
      dup2(fileno(log), 1);
      dup2(fileno(log), 2);
    }
    execl(ORC_BINARY, ORC_BINARY, "--config", config_path_.c_str(), "http",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  bool exited = false;
  auto answering = [&] {
    auto probe = client_;
    probe.timeout_ms = 200;
    if (http_request(port_, "/api/lb-check", probe).status == 200) return true;
    int status = 0;
    exited = waitpid(pid_, &status, WNOHANG) == pid_;
    return exited;
  };
  if (seconds_until(answering, std::chrono::seconds(10)) >= 0 && !exited) return;
  if (exited) {
    pid_ = -1;
    throw std::runtime_error("orchestrator exited at start: " + log());
  }
  throw std::runtime_error("orchestrator did not answer within 10 s: " + log());
}

OrchestratorNode::~OrchestratorNode() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (seconds_until([&] { return waitpid(pid_, nullptr, WNOHANG) == pid_; },
                      std::chrono::seconds(3), std::chrono::milliseconds(10)) >= 0)
      pid_ = -1;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (!dir_.empty()) run_command("rm -rf " + shell_quote(dir_));
}

double seconds_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                     std::chrono::milliseconds every) {
  const auto start = std::chrono::steady_clock::now();
  auto took = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (std::chrono::steady_clock::now() - start < timeout) {
    if (pred()) return took();
    std::this_thread::sleep_for(every);
  }
  return pred() ? took() : -1;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  return seconds_until(pred, timeout, std::chrono::milliseconds(50)) >= 0;
}

double metric(const OrchestratorNode& node, const std::string& name) {
  auto reply = node.get("/metrics");
  if (reply.status != 200) return -1;
  auto pos = reply.body.find("\n" + name + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(reply.body.substr(pos + name.size() + 2));
}

bool wait_leader(const OrchestratorNode& node, std::chrono::milliseconds timeout) {
  return wait_until([&] { return node.get("/api/leader-check").status == 200; }, timeout);
}

bool wait_more_probes(const OrchestratorNode& node, int n, std::chrono::milliseconds timeout) {
  double start = -1;
  if (!wait_until([&] { return (start = metric(node, "orchestrator_probes_total")) >= 0; },
                  timeout))
    return false;
  return wait_until([&] { return metric(node, "orchestrator_probes_total") >= start + n; },
                    timeout);
}

void OrchestratorNode::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string OrchestratorNode::log() const {
  std::ifstream in(dir_ + "/node.log");
  std::stringstream ss;
  ss << in.rdbuf();
  auto text = ss.str();
  return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
}

std::string run_cli(const std::string& config_path, const std::string& args, int* exit_code) {
  return run_command(std::string(ORC_BINARY) + " --config " + shell_quote(config_path) + " " +
                         args + " 2>/dev/null",
                     exit_code);
}

}  // namespace orc::test
