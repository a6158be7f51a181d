#pragma once
// The HTTP API server: binds ListenAddress, serves upstream's routes under URLPrefix/api,
// and turns any handler exception into the ERROR envelope instead of a crash.

#include <memory>
#include <string>
#include <thread>

#include "http/access_guard.hpp"
#include "http/api_context.hpp"
#include "http/router.hpp"

namespace orc::http {

class ApiServer {
 public:
  explicit ApiServer(ApiContext ctx);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds the listen address (":3000", "127.0.0.1:3000", "host:0" for any port) and starts
  /// serving on a background thread. Returns false with `error` set when it cannot bind.
  bool start(const std::string& listen_address, std::string& error);
  /// The bound port (useful with port 0).
  int port() const { return port_; }
  void stop();

 private:
  ApiContext ctx_;
  std::unique_ptr<AccessGuard> guard_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

/// Registers every route of the API on `srv`. Throws std::logic_error for a route whose access
/// class http/route_access.cpp does not define.
void register_all_routes(Router& srv, const ApiContext& ctx);

/// Splits ListenAddress into host and port: ":3000" -> ("0.0.0.0", 3000).
bool parse_listen_address(const std::string& address, std::string& host, int& port);

}  // namespace orc::http
