#pragma once
// Connections to MySQL/MariaDB servers, both orchestrator's own backend and the managed
// topology servers. Independent of the config struct: the caller fills a MysqlEndpoint.

#include <memory>
#include <string>

namespace soci {
class session;
class soci_error;
}  // namespace soci

namespace orc::storage {

/// Whether a connection uses TLS. MariaDB Connector/C on its own never refuses a server without
/// TLS (it silently falls back to plain), so `required` is enforced by open_session itself.
enum class TlsMode {
  off,        ///< plain connections (no TLS settings configured)
  preferred,  ///< TLS when the server offers it, plain otherwise (per server: mixed TLS)
  required,   ///< TLS only: a server without TLS is refused
};

/// TLS settings of the connections to one kind of server (the backend, or topology servers).
struct MysqlTls {
  TlsMode mode = TlsMode::off;
  std::string ca_file;    ///< PEM CA the server's certificate must chain to; empty: system CAs
  std::string cert_file;  ///< PEM client certificate (mutual TLS); empty: none sent
  std::string key_file;   ///< PEM private key of cert_file
  /// Check the server's certificate (chain to ca_file and host name), as upstream does unless
  /// SSLSkipVerify. False: encryption only, ca_file is not used.
  bool verify = true;
  /// Config key prefix ("MySQLTopology", "MySQLOrchestrator") so that errors can name the key
  /// to fix (e.g. MySQLTopologySSLCAFile); empty when the settings do not come from a config.
  std::string config_prefix;
};

struct MysqlEndpoint {
  std::string host;
  int port = 3306;
  std::string user;
  std::string password;
  /// Default database; empty for none (topology servers).
  std::string database;
  int connect_timeout_s = 2;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  MysqlTls tls;
};

/// The SOCI mysql-backend connection string. Values that are empty or contain spaces, quotes
/// or backslashes are single-quoted with \ escapes (SOCI's parser rule), so any password works.
/// Empty user/password/database are left out. Contains the password: never log it.
/// With TLS on, `host` is a Connector/C connection string ("host=H;ssl-enforce=1;ssl-ca={F}..."):
/// SOCI's own `sslca` key cannot ask for TLS without a CA (skip-verify) nor for host name
/// verification, Connector/C 3.3's mysql_real_connect can (see tls_host_value).
std::string soci_connection_string(const MysqlEndpoint& endpoint);

/// The `host` value SOCI passes to mysql_real_connect: the plain host with TLS off, else a
/// Connector/C connection string carrying the TLS options. Throws std::invalid_argument for a
/// file path that cannot be expressed there (a '}' in it).
std::string tls_host_value(const MysqlEndpoint& endpoint);

/// "TLS off", "TLS required, verifying with CA MySQLTopologySSLCAFile=/x, client certificate
/// ...": what a TLS error message needs to tell which setting to look at. No secrets.
std::string describe_tls(const MysqlTls& tls);

/// Checks that the TLS files of `tls` (when TLS is on) are readable and look like PEM of the
/// right kind (a certificate, a private key); returns "" or a message naming the config key.
/// Cheap (reads a few KB), so it runs before every TLS connection and at start.
std::string check_tls_files(const MysqlTls& tls);

/// "user@host:port/db" (or "user@host:port" without a database): safe for logs and errors,
/// it never contains the password.
std::string describe_endpoint(const MysqlEndpoint& endpoint);

/// Opens a session with the statically linked mysql backend (soci::mysql, no dlopen).
/// On failure throws soci::mysql_soci_error (a std::runtime_error) that keeps the MySQL error
/// code for is_connection_error and friends, but whose message is sanitized: it names the
/// endpoint via describe_endpoint and never contains the password, even if SOCI's did. TLS
/// errors (bad files, unverifiable server, required TLS not offered) come as code 2026
/// (CR_SSL_CONNECTION_ERROR) with describe_tls in the message.
std::unique_ptr<soci::session> open_session(const MysqlEndpoint& endpoint);

/// The MySQL error number of a soci::mysql_soci_error (its err_num_), else 0.
int mysql_error_code(const soci::soci_error& e);

/// True when the error means the server could not be reached or the connection broke
/// (2002/2003/2006/2013/..., server shutting down, connection killed, too many connections):
/// the server may be down. False for SQL errors and for authentication errors (1045), which
/// mean the server is up and answering.
bool is_connection_error(const soci::soci_error& e);

/// True for errors a transaction can simply retry: deadlock (1213), lock wait timeout (1205),
/// and Galera certification/replication conflicts (1180, and WSREP errors such as 1047 "WSREP
/// has not yet prepared node for application use").
bool is_retryable_conflict(const soci::soci_error& e);

}  // namespace orc::storage
