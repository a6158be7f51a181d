#pragma once
// Registers every HTTP route: it looks up the route's access class in the one table of
// route_access.cpp (throwing for a route the table does not know, so a node with an
// unclassified route cannot start and the route-table test fails) and wraps the handler with the
// access guard of that class. It also records what it registered, for the route-table test and
// the fuzzer.

#include <httplib.h>

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "http/route_access.hpp"

namespace orc::http {

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  /// Runs before a route's handler with the route's class; returns nullptr when it has already
  /// answered (refused) the request, else a ticket held while the handler runs. Empty: every
  /// request goes through.
  using Guard =
      std::function<std::shared_ptr<void>(Access, const httplib::Request&, httplib::Response&)>;

  struct Route {
    std::string method;   ///< "GET" or "POST"
    std::string pattern;  ///< httplib regex, URLPrefix included
    std::string name;     ///< the table name the class was looked up by
    Access access;
    std::regex regex;  ///< compiled `pattern`, for lookups without a server
  };

  /// `srv` null records routes without serving them (tests, fuzzer). `url_prefix` is stripped
  /// from patterns to find the route name.
  Router(httplib::Server* srv, std::string url_prefix, Guard guard = {});

  /// Registers a GET route. `name` overrides the name taken from the pattern (for paths the
  /// user configures, such as StatusEndpoint). Throws std::logic_error for an unknown name.
  void Get(const std::string& pattern, Handler handler, const std::string& name = "");
  void Post(const std::string& pattern, Handler handler, const std::string& name = "");

  const std::vector<Route>& routes() const { return routes_; }

  /// The first registered route whose pattern matches `path` entirely (httplib's rule), or
  /// nullptr. `path` must not contain the query string.
  const Route* find(const std::string& method, const std::string& path) const;

 private:
  void add(const char* method, const std::string& pattern, Handler handler,
           const std::string& name);

  httplib::Server* srv_;
  std::string url_prefix_;
  Guard guard_;
  std::vector<Route> routes_;
};

}  // namespace orc::http
