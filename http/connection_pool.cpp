#include "http/connection_pool.hpp"

#include <chrono>
#include <thread>

namespace orc::http {

namespace {
thread_local bool t_overflow = false;
constexpr auto kIdleRetire = std::chrono::seconds(60);
}  // namespace

ConnectionPool::ConnectionPool(std::size_t max_connections, std::size_t overflow_threads)
    : max_connections_(max_connections), overflow_threads_(overflow_threads) {}

ConnectionPool::~ConnectionPool() {
  shutdown();
}

bool ConnectionPool::on_overflow_thread() {
  return t_overflow;
}

void ConnectionPool::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool regular = regular_.idle > regular_.jobs.size() || regular_.threads < max_connections_;
  Lane& lane = regular ? regular_ : overflow_;
  lane.jobs.push_back(std::move(fn));
  if (lane.idle < lane.jobs.size() &&
      lane.threads < (regular ? max_connections_ : overflow_threads_))
    spawn(lane, !regular);
  jobs_cv_.notify_all();
}

void ConnectionPool::spawn(Lane& lane, bool overflow) {
  ++lane.threads;
  std::thread([this, &lane, overflow] { work(lane, overflow); }).detach();
}

void ConnectionPool::work(Lane& lane, bool overflow) {
  t_overflow = overflow;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++lane.idle;
    const bool woke =
        jobs_cv_.wait_for(lock, kIdleRetire, [&] { return stopping_ || !lane.jobs.empty(); });
    --lane.idle;
    if (lane.jobs.empty() && (stopping_ || !woke)) break;
    auto job = std::move(lane.jobs.front());
    lane.jobs.pop_front();
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
  }
  --lane.threads;
  done_cv_.notify_all();
}

void ConnectionPool::shutdown() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  jobs_cv_.notify_all();
  done_cv_.wait(lock, [&] { return regular_.threads == 0 && overflow_.threads == 0; });
}

std::size_t ConnectionPool::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return regular_.threads + overflow_.threads;
}

std::size_t ConnectionPool::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return regular_.threads - regular_.idle + overflow_.threads - overflow_.idle;
}

}  // namespace orc::http
