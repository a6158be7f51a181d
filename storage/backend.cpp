#include "storage/backend.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace orc::storage {

namespace {

/// SOCI's mysql parser reads a value up to the next space unless it starts with a single quote;
/// inside quotes, a backslash takes the next character literally.
bool needs_quoting(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\'' || c == '"' || c == '\\') {
      return true;
    }
  }
  return false;
}

std::string connection_value(std::string_view value) {
  if (!needs_quoting(value)) return std::string(value);
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

void append_option(std::string& cs, const char* key, std::string_view value) {
  if (!cs.empty()) cs += ' ';
  cs += key;
  cs += '=';
  cs += connection_value(value);
}

/// Replaces every occurrence of `secret` in `text` (a no-op for an empty secret).
std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  const std::string mask = "<redacted>";
  for (auto pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + mask.size())) {
    text.replace(pos, secret.size(), mask);
  }
  return text;
}

constexpr int kSslConnectionError = 2026;  // CR_SSL_CONNECTION_ERROR

/// "MySQLTopologySSLCAFile=/x" when the settings come from the config, else "/x".
std::string named_file(const MysqlTls& tls, const char* key_suffix, const std::string& path) {
  if (tls.config_prefix.empty()) return path;
  return tls.config_prefix + key_suffix + "=" + path;
}

/// One option of a Connector/C connection string holding a path: in braces, so that ';', '='
/// and spaces in the path are taken literally (Connector/C has no escape for '}').
std::string braced_option(const char* option, const std::string& path) {
  if (path.find('}') != std::string::npos) {
    throw std::invalid_argument(std::string("the MySQL client library cannot take a TLS file path "
                                            "containing '}' (") +
                                option + "): " + path);
  }
  return std::string(";") + option + "={" + path + "}";
}

/// "" when PATH is readable and contains MARKER, else what is wrong with it.
std::string pem_problem(const std::string& path, const char* marker, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read the file";
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find(marker) == std::string::npos)
    return std::string("not a PEM ") + what + " (no \"" + marker + "\" line)";
  return "";
}

[[noreturn]] void throw_tls_error(const MysqlEndpoint& endpoint, const std::string& what) {
  throw soci::mysql_soci_error("cannot connect to " + describe_endpoint(endpoint) +
                                   " over TLS: " + what + " [" + describe_tls(endpoint.tls) + "]",
                               kSslConnectionError);
}

/// MariaDB answers a plain connection to a server with require_secure_transport=ON with the
/// same "Access denied" (1045) as a wrong password, so say what else it may mean.
std::string plain_access_denied_hint(const MysqlEndpoint& endpoint) {
  const std::string keys = endpoint.tls.config_prefix.empty()
                               ? std::string("TLS settings")
                               : endpoint.tls.config_prefix + "SSLCAFile (or " +
                                     endpoint.tls.config_prefix + "SSLSkipVerify, " +
                                     endpoint.tls.config_prefix + "UseMutualTLS)";
  return " (this connection does not use TLS: a server with require_secure_transport=ON refuses "
         "plain connections with this same error; if it does, set " +
         keys + ")";
}

/// Without ssl-verify-server-cert (SkipVerify) Connector/C 3.3 falls back to plain on a server
/// that does not offer TLS, ssl-enforce=1 notwithstanding (measured against MariaDB 10.11): with
/// TLS required the session is checked here, without a round trip (mysql_get_ssl_cipher is NULL
/// on a plain connection), and refused.
void require_tls(const MysqlEndpoint& endpoint, soci::session& session) {
  if (endpoint.tls.mode != TlsMode::required) return;
  // Always the mysql backend (open_session uses soci::mysql); static_cast needs no typeinfo,
  // which libsoci_mysql does not export.
  auto* backend = static_cast<soci::mysql_session_backend*>(session.get_backend());
  if (backend && mysql_get_ssl_cipher(backend->conn_) != nullptr) return;
  throw_tls_error(endpoint,
                  "TLS is required but the server does not offer it (a plain "
                  "connection was made and closed)");
}

}  // namespace

std::string tls_host_value(const MysqlEndpoint& endpoint) {
  const MysqlTls& tls = endpoint.tls;
  if (tls.mode == TlsMode::off) return endpoint.host;
  // What Connector/C 3.3 does with these options (measured against MariaDB 10.11):
  // - ssl-enforce=1 asks for TLS, also without a CA (SOCI's sslca cannot), but still falls back
  //   to plain when the server has no TLS;
  // - ssl-ca makes it verify the chain (always: the CA is left out to skip verification);
  // - ssl-verify-server-cert=1 also checks the host name (IP SANs too), uses the system CAs
  //   without ssl-ca, and refuses a server without TLS: so only when TLS is required.
  std::string value = "host=" + endpoint.host + ";ssl-enforce=1";
  if (tls.verify) {
    if (!tls.ca_file.empty()) value += braced_option("ssl-ca", tls.ca_file);
    if (tls.mode == TlsMode::required) value += ";ssl-verify-server-cert=1";
  }
  if (!tls.cert_file.empty()) value += braced_option("ssl-cert", tls.cert_file);
  if (!tls.key_file.empty()) value += braced_option("ssl-key", tls.key_file);
  return value;
}

std::string describe_tls(const MysqlTls& tls) {
  if (tls.mode == TlsMode::off) return "TLS off";
  const bool required = tls.mode == TlsMode::required;
  std::string d = required ? "TLS required" : "TLS preferred";
  if (!tls.verify) {
    d += ", server certificate not verified (SkipVerify)";
  } else if (!tls.ca_file.empty()) {
    d += required ? ", verifying the server's certificate and host name with CA "
                  : ", verifying the server's certificate (not its host name) with CA ";
    d += named_file(tls, "SSLCAFile", tls.ca_file);
  } else {
    d += required ? ", verifying the server with the system CAs"
                  : ", server certificate not verified (no CA)";
  }
  if (!tls.cert_file.empty())
    d += ", client certificate " + named_file(tls, "SSLCertFile", tls.cert_file);
  if (!tls.key_file.empty()) d += ", key " + named_file(tls, "SSLPrivateKeyFile", tls.key_file);
  return d;
}

std::string check_tls_files(const MysqlTls& tls) {
  if (tls.mode == TlsMode::off) return "";
  struct File {
    const std::string& path;
    const char* key_suffix;
    const char* marker;
    const char* what;
    bool used;
  };
  const File files[] = {
      {tls.ca_file, "SSLCAFile", "-----BEGIN CERTIFICATE-----", "certificate", tls.verify},
      {tls.cert_file, "SSLCertFile", "-----BEGIN CERTIFICATE-----", "certificate", true},
      {tls.key_file, "SSLPrivateKeyFile", "PRIVATE KEY-----", "private key", true},
  };
  for (const File& f : files) {
    if (f.path.empty() || !f.used) continue;
    const std::string problem = pem_problem(f.path, f.marker, f.what);
    if (!problem.empty()) return named_file(tls, f.key_suffix, f.path) + ": " + problem;
  }
  return "";
}

std::string soci_connection_string(const MysqlEndpoint& endpoint) {
  std::string cs;
  append_option(cs, "host", tls_host_value(endpoint));
  append_option(cs, "port", std::to_string(endpoint.port));
  if (!endpoint.user.empty()) append_option(cs, "user", endpoint.user);
  if (!endpoint.password.empty()) append_option(cs, "password", endpoint.password);
  if (!endpoint.database.empty()) append_option(cs, "dbname", endpoint.database);
  append_option(cs, "connect_timeout", std::to_string(endpoint.connect_timeout_s));
  append_option(cs, "read_timeout", std::to_string(endpoint.read_timeout_s));
  append_option(cs, "write_timeout", std::to_string(endpoint.write_timeout_s));
  return cs;
}

std::string describe_endpoint(const MysqlEndpoint& endpoint) {
  std::string d = endpoint.user + "@" + endpoint.host + ":" + std::to_string(endpoint.port);
  if (!endpoint.database.empty()) d += "/" + endpoint.database;
  return d;
}

std::unique_ptr<soci::session> open_session(const MysqlEndpoint& endpoint) {
  std::string connection_string;
  try {
    connection_string = soci_connection_string(endpoint);
  } catch (const std::invalid_argument& e) {
    throw_tls_error(endpoint, e.what());
  }
  if (const std::string problem = check_tls_files(endpoint.tls); !problem.empty())
    throw_tls_error(endpoint, problem);
  std::unique_ptr<soci::session> session;
  try {
    session = std::make_unique<soci::session>(soci::mysql, connection_string);
  } catch (const soci::soci_error& e) {
    const int code = mysql_error_code(e);
    std::string message = "cannot connect to " + describe_endpoint(endpoint) + ": " +
                          redact(e.get_error_message(), endpoint.password);
    if (code == kSslConnectionError) message += " [" + describe_tls(endpoint.tls) + "]";
    if (code == 1045 && endpoint.tls.mode == TlsMode::off)
      message += plain_access_denied_hint(endpoint);
    throw soci::mysql_soci_error(message, code);
  }
  require_tls(endpoint, *session);
  return session;
}

int mysql_error_code(const soci::soci_error& e) {
  if (const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) {
    return static_cast<int>(m->err_num_);
  }
  return 0;
}

bool is_connection_error(const soci::soci_error& e) {
  switch (mysql_error_code(e)) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN: shutdown in progress
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 2001:  // CR_SOCKET_CREATE_ERROR
    case 2002:  // CR_CONNECTION_ERROR (also "Can't connect to server on host" over TCP)
    case 2003:  // CR_CONN_HOST_ERROR
    case 2004:  // CR_IPSOCK_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2011:  // CR_TCP_CONNECTION
    case 2012:  // CR_SERVER_HANDSHAKE_ERR
    case 2013:  // CR_SERVER_LOST
    case 2026:  // CR_SSL_CONNECTION_ERROR
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
      return true;
    default:
      return e.get_error_category() == soci::soci_error::connection_error;
  }
}

bool is_retryable_conflict(const soci::soci_error& e) {
  switch (mysql_error_code(e)) {
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK (also Galera certification failures)
    case 1180:  // ER_ERROR_DURING_COMMIT (Galera: "Got error 6 during COMMIT")
      return true;
    case 1047:  // ER_UNKNOWN_COM_ERROR, which Galera uses for "WSREP has not yet prepared node"
      return std::string_view(e.get_error_message()).find("WSREP") != std::string_view::npos;
    default:
      return false;
  }
}

}  // namespace orc::storage
