// The HTTP route table (http/router, http/route_access): every route a node registers, matched
// against arbitrary request targets the way httplib dispatches them (percent-decoded path, query
// cut off, HEAD served by GET routes). A matched route must be the one its access class was
// decided for (route_name of the path names the route), and its host/port segments must parse
// into a valid key or an ERROR envelope. The first byte picks method and URLPrefix.
// Built only when tools/run-fuzz is given a normal build of the project (its liborc_*.a).

#include <httplib.h>
#include <rapidjson/document.h>

#include <memory>
#include <regex>
#include <string>

#include "http/router.hpp"
#include "http/server.hpp"
#include "model/instance_key.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using orc::http::Router;

/// Every route of the API under `url_prefix`, registered as a node registers them.
std::unique_ptr<Router> all_routes(const std::string& url_prefix) {
  orc::model::Config config;
  config.URLPrefix = url_prefix;
  config.StatusEndpoint = "/my-status";
  orc::http::ApiContext ctx;
  ctx.config = std::make_shared<const orc::model::Config>(config);
  auto router = std::make_unique<Router>(nullptr, url_prefix);
  orc::http::register_all_routes(*router, ctx);
  return router;
}

bool error_envelope(const std::string& body) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str(), body.size());
  return !d.HasParseError() && d.IsObject() && d.HasMember("Code") && d["Code"].IsString() &&
         std::string(d["Code"].GetString()) == "ERROR";
}

/// Adjacent captures as (host, port): a key only when both parts are valid, else an error.
void check_key_segments(const std::smatch& m) {
  for (std::size_t i = 1; i + 1 < m.size(); ++i) {
    httplib::Response res;
    auto key = orc::http::instance_key_from_path(m[i].str(), m[i + 1].str(), res);
    if (key) {
      FUZZ_CHECK(key->valid() && orc::model::valid_hostname(key->hostname));
      FUZZ_CHECK(orc::model::parse_port(m[i + 1].str()) == key->port);
    } else {
      FUZZ_CHECK(res.status >= 400 && error_envelope(res.body));
    }
  }
}

void check_route(const Router& router, const std::string& prefix, const std::string& method,
                 const std::string& path) {
  const std::string relative =
      path.compare(0, prefix.size(), prefix) == 0 ? path.substr(prefix.size()) : path;
  const auto name = orc::http::route_name(relative);
  FUZZ_CHECK(name.find('/') == std::string_view::npos);
  const auto* route = router.find(method == "HEAD" ? "GET" : method, path);
  if (!route) return;
  FUZZ_CHECK(orc::http::route_access(route->name) == route->access);
  // The access class was decided by the route's name; the path must name the same route, or a
  // request could reach a mutation while being classified as something else.
  const std::string pattern = route->pattern.substr(prefix.size());  // route_name returns a view
  const auto pattern_name = orc::http::route_name(pattern);
  if (route->name != ".*" && pattern_name == route->name) FUZZ_CHECK(name == route->name);
  std::smatch m;
  FUZZ_CHECK(std::regex_match(path, m, route->regex));
  check_key_segments(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const auto plain = all_routes("");
  static const auto prefixed = all_routes("/orc");
  static const char* const methods[] = {"GET", "HEAD", "POST", "PUT"};
  orc::fuzz::Bytes in(data, size);
  const uint8_t selector = in.byte();
  const std::string method = methods[selector % 4];
  const bool use_prefix = selector & 4;
  const std::string target(in.rest());
  const std::string path = httplib::detail::decode_url(target.substr(0, target.find('?')), false);
  check_route(use_prefix ? *prefixed : *plain, use_prefix ? "/orc" : "", method, path);
  return 0;
}
