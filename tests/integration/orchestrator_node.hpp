#pragma once
// Runs real `orchestrator ... http` processes for integration tests, each with its own config
// file, and talks to them over HTTP. Processes are stopped by PID when the object dies.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace orc::test {

struct HttpReply {
  int status = 0;  ///< 0 when the request failed (connection refused, timeout)
  std::string body;
};

/// A free TCP port on 127.0.0.1 (from the sandbox tool's free-port).
int free_port();

/// GET http://127.0.0.1:PORT/PATH with a short timeout.
HttpReply http_get(int port, const std::string& path, int timeout_ms = 2000);

/// How a test client talks to a node: credentials, extra headers, HTTPS with client
/// certificates.
struct HttpOptions {
  std::string user;  ///< basic authentication when non-empty
  std::string password;
  std::map<std::string, std::string> headers;
  bool tls = false;       ///< https://
  std::string ca_file;    ///< verifies the server when set (else no verification)
  std::string cert_file;  ///< client certificate (mutual TLS)
  std::string key_file;
  int timeout_ms = 2000;
};

/// GET https?://127.0.0.1:PORT/PATH with `options`.
HttpReply http_request(int port, const std::string& path, const HttpOptions& options);

/// Builds a config JSON for a node: backend on `backend_port`, topology user orc/orc_pass,
/// ListenAddress 127.0.0.1:`http_port`, plus `extra` raw JSON members ("\"Key\": value").
std::string node_config_json(int backend_port, int http_port,
                             const std::map<std::string, std::string>& extra = {});

/// Runs ORC_BINARY with a config file and captures its output in a log file.
class OrchestratorNode {
 public:
  /// Writes the config and starts `orchestrator --config F http`; waits until /api/lb-check
  /// answers (throws std::runtime_error with the log's tail if it does not within 10 s).
  /// `client` is how the readiness probe and get() reach the node (credentials, TLS).
  OrchestratorNode(const std::string& config_json, int http_port, HttpOptions client = {});
  ~OrchestratorNode();  ///< SIGTERM, then SIGKILL after 3 s; removes the temp files.
  OrchestratorNode(const OrchestratorNode&) = delete;
  OrchestratorNode& operator=(const OrchestratorNode&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& config_path() const { return config_path_; }
  std::string log() const;
  HttpReply get(const std::string& path) const { return http_request(port_, path, client_); }
  /// kill -9 (the destructor then only cleans up).
  void kill9();

 private:
  int port_;
  HttpOptions client_;
  pid_t pid_ = -1;
  std::string dir_;
  std::string config_path_;
};

/// Polls `pred` every 50 ms until it holds or `timeout` passed; returns its last value. Used
/// instead of fixed sleeps so that a test waits only as long as the engine needs; the timeout
/// only bounds a failing test.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
/// Polls `pred` every `every` until it holds or `timeout` passed; returns the seconds it took,
/// or -1. The one polling loop of the tests: a test waits for a condition, never for a time.
double seconds_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                     std::chrono::milliseconds every = std::chrono::milliseconds(20));

/// The value of NAME on `node`'s GET /metrics; -1 when absent or the node did not answer.
double metric(const OrchestratorNode& node, const std::string& name);

/// Waits up to `timeout` until `node` answers 200 on /api/leader-check (it leads: it may
/// discover, probes, analyses and recovers).
bool wait_leader(const OrchestratorNode& node,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// Evidence that a leader went on working: waits up to `timeout` until `node` completed `n`
/// more probes (orchestrator_probes_total, failed probes included) than when called. Each probe
/// result is followed by an analysis of the whole topology, so a test that must show that
/// something does NOT happen waits for this instead of sleeping a fixed time. Pass
/// rounds x instances probed at InstancePollSeconds for "that many poll rounds".
bool wait_more_probes(const OrchestratorNode& node, int n,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Runs `orchestrator --config F -c COMMAND ARGS...`, returning stdout; exit code optional.
std::string run_cli(const std::string& config_path, const std::string& args,
                    int* exit_code = nullptr);

}  // namespace orc::test
