#pragma once
// The access class of every HTTP route, kept in one table (route_access.cpp) rather than on each
// handler: the Router refuses to register a route whose name the table does not know, so a new
// route cannot be added without deciding whether it reads, changes state, or is a health probe.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orc::http {

/// What a route does, which decides who may call it.
enum class Access {
  /// Health, status, leader-check, lb-check: answered from their own capacity, and exempt from
  /// the client-certificate OU check unless StatusOUVerify (as upstream's status endpoint).
  Health,
  /// Reads: any authenticated user, ReadOnly nodes included.
  Read,
  /// Changes state (topology, backend rows, election): refused on ReadOnly nodes, to users
  /// without write permission, and to cross-site browser requests; bounded by HTTPThreads.
  Mutation,
};

/// "health", "read" or "mutation".
const char* to_string(Access access);

/// The class of the route named `name`: the first path segment after URLPrefix/api (e.g.
/// "relocate" for /api/relocate/h/p/h2/p2), or the first segment for non-API paths ("metrics").
/// nullopt for a name the table does not know.
std::optional<Access> route_access(std::string_view name);

/// The whole table, for tests and documentation.
const std::vector<std::pair<std::string, Access>>& route_access_table();

/// The route name of a request path relative to URLPrefix: "/api/instance/h/1" -> "instance",
/// "/metrics" -> "metrics", "/" -> "". Pure string work, safe on any input.
std::string_view route_name(std::string_view path);

}  // namespace orc::http
