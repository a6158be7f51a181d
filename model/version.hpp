#pragma once
// Server version and flavour, parsed from @@version and @@version_comment. Statement choice
// (SHOW SLAVE vs SHOW REPLICA STATUS, ...) depends on it, so it must be numeric: comparing
// version strings mis-orders "8.10" and "10.x".

#include <optional>
#include <string>
#include <string_view>

#include "model/instance.hpp"

namespace orc::model {

/// A parsed server version. Numbers are compared numerically; the flavour is kept beside them
/// because MariaDB 10.x must never be routed to MySQL 8.x logic by number alone.
struct ServerVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  Flavor flavor = Flavor::Unknown;
  /// Build suffix after the first '-', e.g. "MariaDB-0+deb12u1-log", "28", "log"; "" if none.
  std::string suffix;

  /// "10.11", "8.0": the major_version column of database_instance.
  std::string major_version_string() const;
  /// "10.11.19"
  std::string number_string() const;
  /// Numeric comparison of (major, minor, patch) only; callers check the flavour themselves.
  bool at_least(int maj, int min = 0, int pat = 0) const;
  bool is_mariadb() const { return flavor == Flavor::MariaDB; }
  /// Oracle MySQL or Percona Server: both follow Oracle's statement and variable names.
  bool is_mysql_family() const { return flavor == Flavor::MySQL || flavor == Flavor::Percona; }
};

/// Orders by (major, minor, patch) only.
bool operator<(const ServerVersion& a, const ServerVersion& b);
/// Equal numbers and flavour (the suffix is ignored).
bool operator==(const ServerVersion& a, const ServerVersion& b);
inline bool operator!=(const ServerVersion& a, const ServerVersion& b) {
  return !(a == b);
}

/// Parses @@version (or a raw handshake string) plus @@version_comment:
/// - a leading "5.5.5-" is dropped when the rest mentions MariaDB (10.x handshake prefix);
/// - up to three dot-separated integers are read ("8.0" gives patch 0);
/// - the flavour is MariaDB when @@version contains "MariaDB", else Percona when the comment
///   contains "Percona", else MySQL.
/// Returns nullopt when the text does not start with a number.
std::optional<ServerVersion> parse_server_version(std::string_view version,
                                                  std::string_view version_comment = {});

}  // namespace orc::model
