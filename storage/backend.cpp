#include "storage/backend.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

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

}  // namespace

std::string soci_connection_string(const MysqlEndpoint& endpoint) {
  std::string cs;
  append_option(cs, "host", endpoint.host);
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
  try {
    return std::make_unique<soci::session>(soci::mysql, soci_connection_string(endpoint));
  } catch (const soci::soci_error& e) {
    const std::string message = "cannot connect to " + describe_endpoint(endpoint) + ": " +
                                redact(e.get_error_message(), endpoint.password);
    throw soci::mysql_soci_error(message, mysql_error_code(e));
  }
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
