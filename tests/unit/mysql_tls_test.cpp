// TLS of MySQL connections without a server: which config turns TLS on, the Connector/C
// connection string carrying the options, the PEM checks, and the error texts.

#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "model/config.hpp"
#include "storage/backend.hpp"
#include "storage/mysql_tls_config.hpp"

using orc::model::Config;
using orc::storage::MysqlEndpoint;
using orc::storage::MysqlTls;
using orc::storage::TlsMode;

namespace {

/// A temporary directory with PEM-looking (and not PEM-looking) files; removed at the end.
struct TlsFiles {
  std::string dir;
  TlsFiles() {
    char tmpl[] = "/tmp/orc-tls-unit-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    write("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
    write("garbage.pem", "this is not PEM\n");
  }
  ~TlsFiles() { std::system(("rm -rf '" + dir + "'").c_str()); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir + "/" + name) << text;
  }
  std::string path(const std::string& name) const { return dir + "/" + name; }
};

MysqlEndpoint endpoint() {
  MysqlEndpoint ep;
  ep.host = "db1.example";
  ep.port = 3307;
  ep.user = "orc";
  ep.password = "s3cret pass";
  return ep;
}

MysqlTls tls(TlsMode mode, std::string ca, bool verify = true) {
  MysqlTls t;
  t.mode = mode;
  t.ca_file = std::move(ca);
  t.verify = verify;
  t.config_prefix = "MySQLTopology";
  return t;
}

}  // namespace

TEST_CASE("TLS off leaves the connection string as it always was") {
  auto ep = endpoint();
  CHECK(orc::storage::tls_host_value(ep) == "db1.example");
  CHECK(orc::storage::soci_connection_string(ep).rfind("host=db1.example port=3307 ", 0) == 0);
  CHECK(orc::storage::soci_connection_string(ep).find("ssl") == std::string::npos);
  CHECK(orc::storage::describe_tls(ep.tls) == "TLS off");
}

TEST_CASE("TLS with a CA verifies the chain and the host name through Connector/C options") {
  auto ep = endpoint();
  ep.tls = tls(TlsMode::required, "/etc/orc/ca.pem");
  ep.tls.cert_file = "/etc/orc/client.pem";
  ep.tls.key_file = "/etc/orc/client-key.pem";
  CHECK(orc::storage::tls_host_value(ep) ==
        "host=db1.example;ssl-enforce=1;ssl-ca={/etc/orc/ca.pem};ssl-verify-server-cert=1;"
        "ssl-cert={/etc/orc/client.pem};ssl-key={/etc/orc/client-key.pem}");
  // SOCI gets it as its host value; the keys SOCI would read itself (sslca...) are not used.
  const auto cs = orc::storage::soci_connection_string(ep);
  CHECK(cs.rfind("host=host=db1.example;ssl-enforce=1;", 0) == 0);
  CHECK(cs.find(" sslca=") == std::string::npos);
}

TEST_CASE("SkipVerify asks for TLS without a CA (Connector/C verifies whenever it has one)") {
  auto ep = endpoint();
  ep.tls = tls(TlsMode::preferred, "/etc/orc/ca.pem", false);
  CHECK(orc::storage::tls_host_value(ep) == "host=db1.example;ssl-enforce=1");
  CHECK(orc::storage::describe_tls(ep.tls) ==
        "TLS preferred, server certificate not verified (SkipVerify)");
}

TEST_CASE("TLS without a CA but with verification uses the system CAs") {
  auto ep = endpoint();
  ep.tls = tls(TlsMode::required, "");
  CHECK(orc::storage::tls_host_value(ep) ==
        "host=db1.example;ssl-enforce=1;ssl-verify-server-cert=1");
  CHECK(orc::storage::describe_tls(ep.tls) ==
        "TLS required, verifying the server with the system CAs");
}

TEST_CASE("TLS file paths with spaces and semicolons are braced, then quoted for SOCI") {
  auto ep = endpoint();
  ep.tls = tls(TlsMode::required, "/my certs/ca;1.pem");
  CHECK(orc::storage::tls_host_value(ep) ==
        "host=db1.example;ssl-enforce=1;ssl-ca={/my certs/ca;1.pem};ssl-verify-server-cert=1");
  CHECK(orc::storage::soci_connection_string(ep).rfind(
            "host='host=db1.example;ssl-enforce=1;ssl-ca={/my certs/ca;1.pem};"
            "ssl-verify-server-cert=1' ",
            0) == 0);
  ep.tls.ca_file = "/odd}name.pem";
  CHECK_THROWS_AS(orc::storage::tls_host_value(ep), std::invalid_argument);
}

TEST_CASE("describe_tls names the config keys of the files") {
  MysqlTls t = tls(TlsMode::required, "/ca.pem");
  t.cert_file = "/c.pem";
  t.key_file = "/k.pem";
  CHECK(orc::storage::describe_tls(t) ==
        "TLS required, verifying the server's certificate and host name with CA "
        "MySQLTopologySSLCAFile=/ca.pem, client certificate MySQLTopologySSLCertFile=/c.pem, key "
        "MySQLTopologySSLPrivateKeyFile=/k.pem");
  t.config_prefix.clear();
  CHECK(orc::storage::describe_tls(t).find("CA /ca.pem,") != std::string::npos);
}

TEST_CASE("mixed TLS verifies the chain only: checking the host name would refuse plain servers") {
  auto ep = endpoint();
  ep.tls = tls(TlsMode::preferred, "/ca.pem");
  CHECK(orc::storage::tls_host_value(ep) == "host=db1.example;ssl-enforce=1;ssl-ca={/ca.pem}");
  CHECK(orc::storage::describe_tls(ep.tls) ==
        "TLS preferred, verifying the server's certificate (not its host name) with CA "
        "MySQLTopologySSLCAFile=/ca.pem");
  ep.tls.ca_file.clear();
  CHECK(orc::storage::tls_host_value(ep) == "host=db1.example;ssl-enforce=1");
  CHECK(orc::storage::describe_tls(ep.tls) ==
        "TLS preferred, server certificate not verified (no CA)");
}

TEST_CASE("check_tls_files accepts PEM and names the key of a file that is not") {
  TlsFiles f;
  MysqlTls t = tls(TlsMode::required, f.path("ca.pem"));
  t.cert_file = f.path("cert.pem");
  t.key_file = f.path("key.pem");
  CHECK(orc::storage::check_tls_files(t) == "");

  t.cert_file = f.path("garbage.pem");
  CHECK(orc::storage::check_tls_files(t) ==
        "MySQLTopologySSLCertFile=" + f.path("garbage.pem") +
            ": not a PEM certificate (no \"-----BEGIN CERTIFICATE-----\" line)");
  t.cert_file = f.path("cert.pem");
  t.key_file = f.path("cert.pem");  // a certificate where the key should be
  CHECK(orc::storage::check_tls_files(t).rfind("MySQLTopologySSLPrivateKeyFile=", 0) == 0);
  t.key_file = f.path("key.pem");
  t.ca_file = f.path("missing.pem");
  CHECK(orc::storage::check_tls_files(t) ==
        "MySQLTopologySSLCAFile=" + f.path("missing.pem") + ": cannot read the file");

  SUBCASE("a CA that is not used is not checked") {
    t.verify = false;
    CHECK(orc::storage::check_tls_files(t) == "");
  }
  SUBCASE("nothing is checked with TLS off") {
    t.mode = TlsMode::off;
    t.cert_file = f.path("garbage.pem");
    CHECK(orc::storage::check_tls_files(t) == "");
  }
}

TEST_CASE("open_session refuses bad TLS files before connecting, naming key and endpoint") {
  TlsFiles f;
  auto ep = endpoint();
  ep.port = 1;  // nothing listens: the error must come from the file check
  ep.tls = tls(TlsMode::required, f.path("garbage.pem"));
  try {
    orc::storage::open_session(ep);
    FAIL("open_session succeeded");
  } catch (const soci::mysql_soci_error& e) {
    const std::string what = e.what();
    CHECK(e.err_num_ == 2026);
    CHECK(what.find("orc@db1.example:1") != std::string::npos);
    CHECK(what.find("MySQLTopologySSLCAFile=" + f.path("garbage.pem") + ": not a PEM") !=
          std::string::npos);
    CHECK(what.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("backend TLS: off without settings, required with any of them") {
  Config c;
  CHECK(orc::storage::backend_tls(c).mode == TlsMode::off);
  c.MySQLOrchestratorSSLCAFile = "/ca.pem";
  auto t = orc::storage::backend_tls(c);
  CHECK(t.mode == TlsMode::required);
  CHECK(t.verify);
  CHECK(t.ca_file == "/ca.pem");
  CHECK(t.config_prefix == "MySQLOrchestrator");
  c = Config{};
  c.MySQLOrchestratorSSLSkipVerify = true;
  CHECK(orc::storage::backend_tls(c).mode == TlsMode::required);
  CHECK_FALSE(orc::storage::backend_tls(c).verify);
  c = Config{};
  c.MySQLOrchestratorUseMutualTLS = true;
  CHECK(orc::storage::backend_tls(c).mode == TlsMode::required);
}

TEST_CASE("topology TLS: mutual requires it, other settings are mixed unless mixed is off") {
  Config c;
  CHECK(c.MySQLTopologyUseMixedTLS);  // the default
  CHECK(orc::storage::topology_tls(c).mode == TlsMode::off);
  c.MySQLTopologySSLCAFile = "/ca.pem";
  CHECK(orc::storage::topology_tls(c).mode == TlsMode::preferred);
  c.MySQLTopologyUseMixedTLS = false;
  CHECK(orc::storage::topology_tls(c).mode == TlsMode::required);
  c.MySQLTopologyUseMixedTLS = true;
  c.MySQLTopologyUseMutualTLS = true;
  CHECK(orc::storage::topology_tls(c).mode == TlsMode::required);
  c = Config{};
  c.MySQLTopologySSLCertFile = "/c.pem";
  c.MySQLTopologySSLPrivateKeyFile = "/k.pem";
  auto t = orc::storage::topology_tls(c);
  CHECK(t.mode == TlsMode::preferred);
  CHECK(t.cert_file == "/c.pem");
  CHECK(t.key_file == "/k.pem");
  CHECK(t.config_prefix == "MySQLTopology");
}
