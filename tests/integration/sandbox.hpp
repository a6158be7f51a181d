#pragma once
// RAII access to tools/sandbox/sandbox for integration tests: every Sandbox object owns one
// temporary directory with real MariaDB servers on free loopback ports, and removes both when
// it goes out of scope, so a failing test cannot leak servers into the next one.

#include <string>

namespace orc::test {

/// Quotes S for /bin/sh so that SQL and paths reach the script as one verbatim argument.
std::string shell_quote(const std::string& s);

/// Runs CMD with /bin/sh (popen) and returns everything it wrote to stdout; stderr is not
/// captured. With EXIT_CODE the exit status is stored there (128+N for a signal N) and never
/// throws for it; without, a non-zero status throws std::runtime_error, so failures cannot be
/// ignored by accident.
std::string run_command(const std::string& cmd, int* exit_code = nullptr);

/// TLS of a sandbox's servers (tools/sandbox/sandbox --tls / --tls-only).
enum class SandboxTls {
  off,   ///< plain only, as before
  on,    ///< TLS offered (own CA in DIR/tls), plain connections still accepted
  only,  ///< require_secure_transport=ON: plain TCP connections are refused with error 1045
};

/// One sandbox directory holding either a backend server or a replication topology. Instance I
/// listens on port(I) with server_id = port(I); accounts are listed in tools/sandbox/README.md.
/// Every failure throws std::runtime_error carrying the script's stderr.
class Sandbox {
 public:
  /// A standalone server with database `orchestrator` and user orc_backend/orc_backend_pass.
  static Sandbox backend();
  /// The same with TLS; replicas of TLS sandboxes replicate over verified TLS.
  static Sandbox backend(SandboxTls tls);
  /// The same backend as master 0 plus a GTID replica 1 (read_only): a backend whose master can
  /// be lost, for tests of orchestrator nodes sharing a replicated backend.
  static Sandbox backend_replicated();
  /// The same backend on a 3-node Galera cluster (every node writable); returns once all three
  /// are synced with wsrep_cluster_size=3. Takes 10-15 s. kill(i) + start(i) make a node rejoin.
  static Sandbox backend_galera();
  /// A started topology that already replicates: KIND is "replicas" (0 = master + N
  /// replicas), "chain" (0 -> 1 -> N leaves) or "comasters" (0 <-> 1 + N replicas of 0).
  static Sandbox topology(const std::string& kind, int n);
  static Sandbox topology(const std::string& kind, int n, SandboxTls tls);

  ~Sandbox();  ///< Stops every server by PID and deletes the directory; never throws.
  Sandbox(Sandbox&& other) noexcept;
  Sandbox& operator=(Sandbox&& other) noexcept;
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  /// Port of instance I; throws std::out_of_range for an index the sandbox does not have.
  int port(int i = 0) const;
  /// Number of servers in the sandbox.
  int size() const { return count_; }
  const std::string& dir() const { return dir_; }

  /// PEM files of a TLS sandbox (DIR/tls/): its own CA, which signed the servers' certificate
  /// (for 127.0.0.1 and localhost) and a client certificate. Two sandboxes never share a CA.
  std::string ca_file() const { return dir_ + "/tls/ca.pem"; }
  std::string client_cert_file() const { return dir_ + "/tls/client-cert.pem"; }
  std::string client_key_file() const { return dir_ + "/tls/client-key.pem"; }

  void kill(int i);    ///< kill -9: a crash; the pid file stays, data survives.
  void stop(int i);    ///< Clean shutdown; returns once the process has exited.
  void start(int i);   ///< Starts a stopped or killed server with its data; waits until ready.
  void freeze(int i);  ///< SIGSTOP: the port still accepts TCP, but nothing answers.
  void thaw(int i);    ///< SIGCONT after freeze.

  /// Runs SQL as root over instance I's socket. Rows are tab-separated without a header
  /// (vertical `\G` output keeps its labels), with trailing newlines removed, so a single
  /// value compares directly: sql(0, "SELECT 1") == "1".
  std::string sql(int i, const std::string& sql);

 private:
  Sandbox(std::string dir, int base_port, int count);
  /// COUNT servers on PORT_SPAN consecutive free ports (Galera needs 4 per server).
  /// OPTIONS ("--tls", "--tls-only" or "") go before the verb.
  static Sandbox create(int count, int port_span, const std::string& setup_args,
                        const std::string& options = "");
  /// Runs the script with ARGS (already shell-quoted); throws with its stderr on failure.
  std::string run(const std::string& args) const;
  std::string instance_arg(int i) const;

  std::string dir_;  ///< Empty once moved from: the destructor then does nothing.
  int base_port_ = 0;
  int count_ = 0;
};

}  // namespace orc::test
