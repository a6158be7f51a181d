#pragma once
// httplib's task queue for this server. httplib runs each accepted connection, keep-alive
// included, as one task that holds a thread until the connection closes; with a fixed pool,
// idle keep-alive clients or slow operations would leave no thread for a proxy's health check.
// Here every connection gets a thread of its own at once, up to a cap; connections beyond
// the cap run on a small overflow pool that answers only health routes (see AccessGuard).

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace orc::http {

class ConnectionPool : public httplib::TaskQueue {
 public:
  /// `max_connections` threads at most for regular connections (spawned on demand, retired
  /// after a minute idle); `overflow_threads` more serve the connections beyond.
  ConnectionPool(std::size_t max_connections, std::size_t overflow_threads);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  /// Waits for every running connection task to end (httplib has closed the listener).
  void shutdown() override;

  /// True on a thread serving an over-capacity connection.
  static bool on_overflow_thread();

  std::size_t threads() const;
  std::size_t busy() const;

 private:
  struct Lane {
    std::deque<std::function<void()>> jobs;
    std::size_t threads = 0;
    std::size_t idle = 0;
  };
  void spawn(Lane& lane, bool overflow);
  void work(Lane& lane, bool overflow);

  const std::size_t max_connections_;
  const std::size_t overflow_threads_;
  mutable std::mutex mutex_;
  std::condition_variable jobs_cv_;
  std::condition_variable done_cv_;
  Lane regular_;
  Lane overflow_;
  bool stopping_ = false;
};

}  // namespace orc::http
