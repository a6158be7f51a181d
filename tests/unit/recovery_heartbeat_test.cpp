// The heartbeat of a running recovery: it beats through the backend runner it was given, keeps
// beating when a beat fails, and stop() ends it at once, whatever the interval.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "actors/recovery_heartbeat.hpp"

using namespace orc::actors;

namespace {

/// Counts the beats; the work itself needs a session and is not run.
struct CountingBackend {
  std::shared_ptr<std::atomic<int>> beats = std::make_shared<std::atomic<int>>(0);
  bool fail = false;
  BackendRunner runner() const {
    auto counter = beats;
    bool failing = fail;
    return [counter, failing](const std::function<void(soci::session&)>&) {
      ++*counter;
      if (failing) throw std::runtime_error("backend down");
    };
  }
};

/// Polls until `n` beats were counted (bounded by the test runner's timeout, never by time).
bool wait_for_beats(const CountingBackend& b, int n) {
  for (int i = 0; i < 100000 && b.beats->load() < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return b.beats->load() >= n;
}

}  // namespace

TEST_CASE("a recovery heartbeat beats every interval until stopped") {
  CountingBackend backend;
  RecoveryHeartbeat heartbeat(backend.runner(), 42, std::chrono::milliseconds(2));
  CHECK(wait_for_beats(backend, 3));
  heartbeat.stop();
  int after_stop = backend.beats->load();
  heartbeat.stop();                            // idempotent
  CHECK(backend.beats->load() == after_stop);  // joined: no beat can follow
}

TEST_CASE("a failing beat does not end the heartbeat") {
  CountingBackend backend;
  backend.fail = true;
  RecoveryHeartbeat heartbeat(backend.runner(), 42, std::chrono::milliseconds(2));
  CHECK(wait_for_beats(backend, 3));
}

TEST_CASE("stopping does not wait for the next beat") {
  CountingBackend backend;
  {
    // An hour between beats: stop() (here the destructor) must wake the thread, not wait.
    RecoveryHeartbeat heartbeat(backend.runner(), 42, std::chrono::hours(1));
  }
  CHECK(backend.beats->load() == 0);
}
