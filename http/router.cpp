#include "http/router.hpp"

#include <stdexcept>

namespace orc::http {

Router::Router(httplib::Server* srv, std::string url_prefix, Guard guard)
    : srv_(srv), url_prefix_(std::move(url_prefix)), guard_(std::move(guard)) {}

void Router::Get(const std::string& pattern, Handler handler, const std::string& name) {
  add("GET", pattern, std::move(handler), name);
}

void Router::Post(const std::string& pattern, Handler handler, const std::string& name) {
  add("POST", pattern, std::move(handler), name);
}

void Router::add(const char* method, const std::string& pattern, Handler handler,
                 const std::string& name) {
  std::string_view relative = pattern;
  if (relative.substr(0, url_prefix_.size()) == url_prefix_)
    relative.remove_prefix(url_prefix_.size());
  const std::string route = name.empty() ? std::string(route_name(relative)) : name;
  const auto access = route_access(route);
  if (!access)
    throw std::logic_error("route " + pattern + " (\"" + route +
                           "\") has no access class in http/route_access.cpp");
  routes_.push_back(Route{method, pattern, route, *access, std::regex(pattern)});
  if (!srv_) return;
  auto wrapped = [guard = guard_, a = *access, h = std::move(handler)](const httplib::Request& req,
                                                                       httplib::Response& res) {
    std::shared_ptr<void> ticket;
    if (guard && !(ticket = guard(a, req, res))) return;
    h(req, res);
  };
  if (std::string(method) == "GET")
    srv_->Get(pattern, std::move(wrapped));
  else
    srv_->Post(pattern, std::move(wrapped));
}

const Router::Route* Router::find(const std::string& method, const std::string& path) const {
  for (const auto& r : routes_)
    if (r.method == method && std::regex_match(path, r.regex)) return &r;
  return nullptr;
}

}  // namespace orc::http
