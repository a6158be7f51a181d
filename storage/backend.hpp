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
};

/// The SOCI mysql-backend connection string. Values that are empty or contain spaces, quotes
/// or backslashes are single-quoted with \ escapes (SOCI's parser rule), so any password works.
/// Empty user/password/database are left out. Contains the password: never log it.
std::string soci_connection_string(const MysqlEndpoint& endpoint);

/// "user@host:port/db" (or "user@host:port" without a database): safe for logs and errors,
/// it never contains the password.
std::string describe_endpoint(const MysqlEndpoint& endpoint);

/// Opens a session with the statically linked mysql backend (soci::mysql, no dlopen).
/// On failure throws soci::mysql_soci_error (a std::runtime_error) that keeps the MySQL error
/// code for is_connection_error and friends, but whose message is sanitized: it names the
/// endpoint via describe_endpoint and never contains the password, even if SOCI's did.
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
