#pragma once
// Identity of a MySQL/MariaDB server: (hostname, port), as in every backend table.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orc::model {

/// A server's identity. Hostnames compare case-insensitively, like the backend's
/// ascii_general_ci collation, so "HostA:3306" and "hosta:3306" are one instance.
struct InstanceKey {
  std::string hostname;
  int port = 0;

  /// True when both parts are set: an empty hostname or a zero port means "no instance".
  bool valid() const { return !hostname.empty() && port > 0 && port < 65536; }
  /// "host:port", the form used in cluster_name, comma lists and the CLI.
  std::string str() const;
  /// Lower-cased hostname: the key used for maps and equality.
  std::string normalized_host() const;

  bool operator==(const InstanceKey& o) const;
  bool operator!=(const InstanceKey& o) const { return !(*this == o); }
  bool operator<(const InstanceKey& o) const;
};

/// Longest hostname or alias accepted (DNS names are at most 253 bytes).
inline constexpr std::size_t kMaxHostnameLength = 255;

/// Whether `host` may name a server. Hostnames come from what servers report about themselves
/// (report_host, Master_Host, SHOW SLAVE HOSTS, the processlist) and end up in shell hooks,
/// SQL statements and logs, so only the characters of DNS names, IPv4 and IPv6 addresses are
/// accepted: letters, digits, '.', '-', '_' (common in internal names), ':' (IPv6) and '%'
/// (an IPv6 zone, "fe80::1%eth0", only in a name that has a ':'). 1..255 bytes, not starting
/// with '-' (it would read as an option to a hook script). No shell metacharacter, quote,
/// backslash, whitespace or control character can pass. On false, `why` says what is wrong.
bool valid_hostname(std::string_view host, std::string* why = nullptr);

/// Whether `alias` may be a cluster or instance alias (DetectClusterAliasQuery,
/// DetectInstanceAliasQuery results). A bit wider than hostnames, still without shell
/// metacharacters, quotes, backslash, whitespace or control characters: letters, digits and
/// `. - _ : % @ / + = ,`, 1..255 bytes, not starting with '-'. "" (no alias) is valid.
bool valid_alias(std::string_view alias, std::string* why = nullptr);

/// `text` made safe to put in a log line or an error message: printable ASCII kept, anything
/// else as \xNN, cut at `max` bytes with "...". For reporting refused server-supplied names.
std::string printable(std::string_view text, std::size_t max = 80);

/// Parses "host", "host:port" or "[v6addr]:port". A missing port becomes `default_port`.
/// Returns nullopt (with a reason in `error` when given) for an empty host, a host that is not
/// valid_hostname(), a non-numeric or out-of-range port.
std::optional<InstanceKey> parse_instance_key(std::string_view text, int default_port,
                                              std::string* error = nullptr);

/// Parses a port given on its own (API path segment); nullopt unless 1..65535.
std::optional<int> parse_port(std::string_view text);

/// Hash so InstanceKey can key unordered containers (case-insensitive, like operator==).
struct InstanceKeyHash {
  std::size_t operator()(const InstanceKey& k) const;
};

/// Comma-joined "host:port" list (topology_recovery style).
std::string join_keys(const std::vector<InstanceKey>& keys, std::string_view sep = ",");
/// The reverse of join_keys: parses a comma-delimited "host:port" list as the backend stores it
/// (slave_hosts, lost_slaves, participating_instances), skipping entries that do not parse.
std::vector<InstanceKey> parse_key_list(std::string_view text, int default_port = 3306);

}  // namespace orc::model
