#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include "http/routes.hpp"
#include "http/routes_maintenance.hpp"
#include "http/routes_operations.hpp"

namespace orc::http {

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
  server_ = std::make_unique<httplib::Server>();
  auto& srv = *server_;
  int threads = std::max(2, ctx_.config->HTTPThreads);
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_timeout(5);
  srv.set_read_timeout(10);
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
  const std::string api = ctx_.config->URLPrefix + "/api";
  register_instance_routes(srv, ctx_, api);
  register_cluster_routes(srv, ctx_, api);
  register_health_routes(srv, ctx_, api);
  register_analysis_routes(srv, ctx_, api);
  register_detection_routes(srv, ctx_, api);
  register_recovery_admin_routes(srv, ctx_, api);
  register_recovery_routes(srv, ctx_, api);
  register_maintenance_routes(srv, ctx_, api, ctx_.node);
  register_operation_routes(srv, ctx_, api, ctx_.node, ctx_.topology);
  register_metrics_routes(srv, ctx_);
  register_misc_routes(srv, ctx_, api);

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
  spdlog::info("HTTP API listening on {}:{}{}", host, port_, api);
  return true;
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace orc::http
