#include "actors/recovery_heartbeat.hpp"

#include <spdlog/spdlog.h>

#include "storage/recovery_dao.hpp"

namespace orc::actors {

RecoveryHeartbeat::RecoveryHeartbeat(BackendRunner backend, int64_t recovery_id,
                                     std::chrono::milliseconds interval)
    : shared_(std::make_shared<Shared>()) {
  thread_ =
      std::thread(&RecoveryHeartbeat::run, shared_, std::move(backend), recovery_id, interval);
}

RecoveryHeartbeat::~RecoveryHeartbeat() {
  stop();
}

void RecoveryHeartbeat::stop() {
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->stopped = true;
  }
  shared_->wake.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RecoveryHeartbeat::run(std::shared_ptr<Shared> shared, BackendRunner backend,
                            int64_t recovery_id, std::chrono::milliseconds interval) {
  int failures = 0;
  std::unique_lock<std::mutex> lock(shared->mutex);
  while (!shared->wake.wait_for(lock, interval, [&] { return shared->stopped; })) {
    lock.unlock();  // stop() must not wait for the backend to take the flag
    try {
      backend([recovery_id](soci::session& s) { storage::heartbeat_recovery(s, recovery_id); });
      failures = 0;
    } catch (const std::exception& e) {
      // Once per streak: a backend that is away is reported by everything else too.
      if (failures++ == 0) spdlog::warn("recovery {}: heartbeat failed: {}", recovery_id, e.what());
    }
    lock.lock();
  }
}

}  // namespace orc::actors
