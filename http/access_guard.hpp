#pragma once
// The gate in front of every route handler: authentication (401), the client certificate's OU
// under mutual TLS, and for mutations ReadOnly, write permission, cross-site refusal and a
// bounded number of concurrent operations. Connections beyond HTTPMaxConnections get only
// health routes. One object per server, shared by all handler threads.

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "http/auth.hpp"
#include "http/route_access.hpp"
#include "model/config.hpp"

namespace orc::http {

/// At most N holders at once; others wait up to a deadline. Bounds concurrent mutations.
class SlotGate {
 public:
  explicit SlotGate(int slots) : free_(slots) {}
  /// A slot, released when the returned pointer dies; nullptr when none freed up in time.
  std::shared_ptr<void> acquire(std::chrono::milliseconds wait);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int free_;
};

class AccessGuard {
 public:
  /// `config` must outlive the guard.
  explicit AccessGuard(const model::Config& config);

  /// Decides on one request for a route of class `access`: nullptr when it answered (refused)
  /// the request, else a ticket to hold while the handler runs.
  std::shared_ptr<void> admit(Access access, const httplib::Request& req, httplib::Response& res);

  /// How long a mutation waits for a free slot before it is refused.
  static constexpr std::chrono::seconds kSlotWait{10};

 private:
  bool client_certificate_ok(Access access, const httplib::Request& req) const;

  const model::Config& config_;
  Authenticator auth_;
  SlotGate mutations_;
};

/// The organisational units of the TLS peer's verified certificate (empty without one).
std::vector<std::string> peer_certificate_ous(const httplib::Request& req);

}  // namespace orc::http
