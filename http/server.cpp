#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include "http/access_guard.hpp"
#include "http/connection_pool.hpp"
#include "http/routes.hpp"
#include "http/routes_maintenance.hpp"
#include "http/routes_operations.hpp"
#include "http/tls_server.hpp"

namespace orc::http {

namespace {
// Limits of the HTTP layer. Requests are small GETs; a slow or silent client is dropped after
// the read timeout; a keep-alive connection is closed after this idle time.
constexpr time_t kKeepAliveSeconds = 5;
constexpr std::size_t kKeepAliveMaxRequests = 1000;
constexpr time_t kReadTimeoutSeconds = 5;
constexpr time_t kWriteTimeoutSeconds = 5;
constexpr std::size_t kMaxBodyBytes = 64 * 1024;
constexpr std::size_t kOverflowThreads = 4;
}  // namespace

bool parse_listen_address(const std::string& address, std::string& host, int& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  host = address.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port_text = address.substr(colon + 1);
  if (port_text == "0") {
    port = 0;
    return true;
  }
  auto p = model::parse_port(port_text);
  if (!p) return false;
  port = *p;
  return true;
}

void register_all_routes(Router& srv, const ApiContext& ctx) {
  const std::string api = ctx.config->URLPrefix + "/api";
  register_instance_routes(srv, ctx, api);
  register_cluster_routes(srv, ctx, api);
  register_health_routes(srv, ctx, api);
  register_analysis_routes(srv, ctx, api);
  register_detection_routes(srv, ctx, api);
  register_recovery_admin_routes(srv, ctx, api);
  register_recovery_routes(srv, ctx, api);
  register_maintenance_routes(srv, ctx, api, ctx.node);
  register_operation_routes(srv, ctx, api, ctx.node, ctx.topology);
  register_metrics_routes(srv, ctx);
  // Last: its catch-all must not shadow the routes above.
  register_misc_routes(srv, ctx, api);
}

ApiServer::ApiServer(ApiContext ctx) : ctx_(std::move(ctx)) {}

ApiServer::~ApiServer() {
  stop();
}

bool ApiServer::start(const std::string& listen_address, std::string& error) {
  std::string host;
  int port = 0;
  if (!parse_listen_address(listen_address, host, port)) {
    error = "invalid ListenAddress: " + listen_address;
    return false;
  }
  server_ = make_http_server(*ctx_.config, error);
  if (!server_) return false;
  auto& srv = *server_;
  const auto& cfg = *ctx_.config;
  srv.new_task_queue = [max = static_cast<std::size_t>(cfg.HTTPMaxConnections)] {
    return new ConnectionPool(max, kOverflowThreads);
  };
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_timeout(kKeepAliveSeconds);
  srv.set_keep_alive_max_count(kKeepAliveMaxRequests);
  srv.set_read_timeout(kReadTimeoutSeconds);
  srv.set_write_timeout(kWriteTimeoutSeconds);
  srv.set_payload_max_length(kMaxBodyBytes);
  srv.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("{} {}: {}", req.method, req.path, what);
        respond_error(res, "Internal error: " + what);
      });
  guard_ = std::make_unique<AccessGuard>(cfg);
  Router router(&srv, cfg.URLPrefix,
                [g = guard_.get()](Access a, const httplib::Request& req, httplib::Response& res) {
                  return g->admit(a, req, res);
                });
  try {
    register_all_routes(router, ctx_);
  } catch (const std::logic_error& e) {
    error = e.what();
    return false;
  }
  const std::string api = cfg.URLPrefix + "/api";

  if (port == 0) {
    port_ = srv.bind_to_any_port(host);
    if (port_ <= 0) {
      error = "cannot bind " + listen_address;
      return false;
    }
  } else {
    if (!srv.bind_to_port(host, port)) {
      error = "cannot bind " + listen_address;
      return false;
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("HTTP API listening on {}://{}:{}{} (authentication: {}{})",
               cfg.UseSSL ? "https" : "http", host, port_, api,
               cfg.AuthenticationMethod.empty() ? "none" : cfg.AuthenticationMethod,
               cfg.ReadOnly ? ", read-only" : "");
  return true;
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace orc::http
