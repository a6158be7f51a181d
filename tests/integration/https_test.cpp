// HTTPS and mutual TLS on the API, with certificates made by the test with openssl: a node
// with UseSSL serves only TLS, verifies client certificates and their OU under UseMutualTLS
// (health routes exempt, as upstream's status endpoint), and refuses to start on bad files.

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "tests/integration/orchestrator_node.hpp"
#include "tests/integration/recovery_fixture.hpp"
#include "tests/integration/sandbox.hpp"

using namespace orc::test;

namespace {

/// A CA, a server certificate for 127.0.0.1, and client certificates with chosen OUs, in a
/// temporary directory removed at the end.
class Pki {
 public:
  Pki() {
    char tmpl[] = "/tmp/orc-pki-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    ca("ca");
    ca("rogue-ca");
    sign("server", "ca", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
  }
  ~Pki() { run_command("rm -rf " + shell_quote(dir_)); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  /// A client certificate `name`.pem/.key signed by `ca` with organisational unit `ou`.
  void client(const std::string& name, const std::string& ou, const std::string& ca = "ca") {
    sign(name, ca, "/CN=" + name + "/OU=" + ou, "extendedKeyUsage=clientAuth");
  }

 private:
  void ca(const std::string& name) {
    run_command("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + name +
                " -keyout " + shell_quote(path(name + ".key")) + " -out " +
                shell_quote(path(name + ".pem")) + " 2>/dev/null");
  }
  void sign(const std::string& name, const std::string& ca, const std::string& subject,
            const std::string& ext) {
    const auto ext_file = path(name + ".ext");
    run_command("printf '%s\\n' " + shell_quote(ext) + " > " + shell_quote(ext_file));
    run_command("openssl req -newkey rsa:2048 -nodes -subj " + shell_quote(subject) + " -keyout " +
                shell_quote(path(name + ".key")) + " -out " + shell_quote(path(name + ".csr")) +
                " 2>/dev/null");
    run_command("openssl x509 -req -days 2 -in " + shell_quote(path(name + ".csr")) + " -CA " +
                shell_quote(path(ca + ".pem")) + " -CAkey " + shell_quote(path(ca + ".key")) +
                " -CAcreateserial -extfile " + shell_quote(ext_file) + " -out " +
                shell_quote(path(name + ".pem")) + " 2>/dev/null");
  }
  std::string dir_;
};

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::map<std::string, std::string> tls_config(const Pki& pki) {
  return {{"UseSSL", "true"},
          {"SSLCertFile", quoted(pki.path("server.pem"))},
          {"SSLPrivateKeyFile", quoted(pki.path("server.key"))}};
}

HttpOptions https(const Pki& pki, const std::string& client = "") {
  HttpOptions o;
  o.tls = true;
  o.ca_file = pki.path("ca.pem");
  if (!client.empty()) {
    o.cert_file = pki.path(client + ".pem");
    o.key_file = pki.path(client + ".key");
  }
  return o;
}

/// Runs `orchestrator --config F http` expecting it to refuse to start; returns its output.
std::string refused_start(const std::string& config_json) {
  char tmpl[] = "/tmp/orc-badtls-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl, config = dir + "/orc.json";
  run_command("printf '%s' " + shell_quote(config_json) + " > " + shell_quote(config));
  int code = 0;
  auto out = run_command(
      "timeout 20 " + std::string(ORC_BINARY) + " --config " + shell_quote(config) + " http 2>&1",
      &code);
  run_command("rm -rf " + shell_quote(dir));
  CHECK(code != 0);
  CHECK(code != 124);  // it exited by itself instead of running
  return out;
}

}  // namespace

TEST_CASE("UseSSL serves the API over HTTPS only, with the configured certificate") {
  Pki pki;
  auto backend = Sandbox::backend();
  const int port = free_port();
  OrchestratorNode node(node_config_json(backend.port(), port, tls_config(pki)), port, https(pki));
  CHECK(http_request(port, "/api/clusters-info", https(pki)).status == 200);
  CHECK(http_request(port, "/api/clusters-info", {}).status != 200);  // plain HTTP
  auto rogue = https(pki);
  rogue.ca_file = pki.path("rogue-ca.pem");  // the server's certificate does not verify
  CHECK(http_request(port, "/api/clusters-info", rogue).status == 0);
}

TEST_CASE("mutual TLS: a certificate from the CA with a valid OU is required, except for health") {
  Pki pki;
  pki.client("dba", "dba");
  pki.client("intern", "interns");
  pki.client("impostor", "dba", "rogue-ca");
  auto backend = Sandbox::backend();
  const int port = free_port();
  auto config = tls_config(pki);
  config["UseMutualTLS"] = "true";
  config["SSLCAFile"] = quoted(pki.path("ca.pem"));
  config["SSLValidOUs"] = "[\"dba\", \"ops\"]";
  OrchestratorNode node(node_config_json(backend.port(), port, config), port, https(pki));

  CHECK(http_request(port, "/api/clusters-info", https(pki, "dba")).status == 200);
  CHECK(http_request(port, "/api/disable-global-recoveries", https(pki, "dba")).status == 200);
  CHECK(http_request(port, "/api/clusters-info", https(pki, "intern")).status == 401);
  CHECK(http_request(port, "/api/enable-global-recoveries", https(pki, "intern")).status == 401);
  CHECK(http_request(port, "/api/clusters-info", https(pki)).status == 401);  // no certificate
  // A certificate from another CA fails the handshake itself.
  CHECK(http_request(port, "/api/clusters-info", https(pki, "impostor")).status == 0);
  // A proxy's health check needs no client certificate (StatusOUVerify is false).
  CHECK(wait_until([&] { return http_request(port, "/api/health", https(pki)).status == 200; },
                   std::chrono::seconds(10)));
  CHECK(http_request(port, "/api/lb-check", https(pki)).status == 200);
  CHECK(backend.sql(0, "SELECT COUNT(*) FROM orchestrator.global_recovery_disable") == "1");
}

TEST_CASE("StatusOUVerify extends the OU check to the health routes") {
  Pki pki;
  pki.client("dba", "dba");
  auto backend = Sandbox::backend();
  const int port = free_port();
  auto config = tls_config(pki);
  config["UseMutualTLS"] = "true";
  config["SSLCAFile"] = quoted(pki.path("ca.pem"));
  config["SSLValidOUs"] = "[\"dba\"]";
  config["StatusOUVerify"] = "true";
  OrchestratorNode node(node_config_json(backend.port(), port, config), port, https(pki, "dba"));
  CHECK(http_request(port, "/api/lb-check", https(pki)).status == 401);
  CHECK(http_request(port, "/api/lb-check", https(pki, "dba")).status == 200);
}

TEST_CASE("bad TLS files stop the node at start with a message naming the key") {
  Pki pki;
  auto backend = Sandbox::backend();
  const int port = free_port();

  auto missing = tls_config(pki);
  missing["SSLCertFile"] = quoted(pki.path("nope.pem"));
  auto out = refused_start(node_config_json(backend.port(), port, missing));
  CHECK_MESSAGE(out.find("SSLCertFile") != std::string::npos, out);

  auto garbage_path = pki.path("garbage.pem");
  run_command("echo 'not a certificate' > " + shell_quote(garbage_path));
  auto garbage = tls_config(pki);
  garbage["SSLCertFile"] = quoted(garbage_path);
  out = refused_start(node_config_json(backend.port(), port, garbage));
  CHECK_MESSAGE(out.find("SSLCertFile") != std::string::npos, out);

  auto mismatch = tls_config(pki);
  mismatch["SSLPrivateKeyFile"] = quoted(pki.path("ca.key"));
  out = refused_start(node_config_json(backend.port(), port, mismatch));
  CHECK_MESSAGE(out.find("SSLPrivateKeyFile") != std::string::npos, out);

  auto no_ca = tls_config(pki);
  no_ca["UseMutualTLS"] = "true";
  out = refused_start(node_config_json(backend.port(), port, no_ca));
  CHECK_MESSAGE(out.find("SSLCAFile") != std::string::npos, out);
}
