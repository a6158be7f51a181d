// The storage job protocol and its one runner (actors/storage_client.hpp), on a real actor
// system with a stand-in storage lane that runs jobs through the same execute_storage_job as
// the real storage actor, on an unconnected session. Jobs block on latches the tests open, so
// every ordering is forced rather than hoped for; no fixed sleeps.

#include <doctest/doctest.h>

#include <soci/soci.h>
#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "actors/storage_client.hpp"

using namespace orc::actors;
using namespace std::chrono_literals;

namespace {

/// A one-shot gate: wait() blocks until open().
class Latch {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(m_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
};

/// Polls `pred` every millisecond until it holds or `timeout` passed.
bool poll_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

/// A storage lane without a backend: jobs run on an unconnected session, with the protocol of
/// the real storage actor.
storage_actor::behavior_type stand_in_lane(storage_actor::pointer) {
  auto session = std::make_shared<soci::session>();
  return {
      [](persist_atom, const PersistBatchPtr&) {},
      [](caf::flush_atom) {},
      [session](job_atom, const StorageJobPtr& job) -> std::string {
        auto error = execute_storage_job(*job, [session]() -> soci::session& { return *session; });
        return error ? *error : "not run: abandoned by its caller";
      },
      [](refresh_atom, int64_t) { return false; },
      [](stats_atom) { return StorageStatsPtr(std::make_shared<const StorageStats>()); },
  };
}

struct Fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  storage_actor lane_actor;

  Fixture() {
    cfg.set("logger.console", caf::atom("none"));
    register_storage_errors(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    lane_actor = sys->spawn<caf::detached>(stand_in_lane);
  }
  ~Fixture() {
    caf::anon_send_exit(lane_actor, caf::exit_reason::user_shutdown);
    lane_actor = nullptr;
    sys.reset();
  }
  StorageLane lane(std::chrono::milliseconds timeout = 10s) {
    return {sys.get(), lane_actor, timeout};
  }
};

}  // namespace

TEST_CASE("storage job states are queued then running then done or queued then abandoned") {
  StorageJob job;
  CHECK(job.state() == StorageJob::State::queued);
  CHECK(job.start());
  CHECK_FALSE(job.abandon());  // running: the caller must wait instead
  job.finish("boom");
  CHECK(job.wait_done() == "boom");
  CHECK(job.state() == StorageJob::State::done);

  StorageJob late;
  CHECK(late.abandon());
  CHECK_FALSE(late.start());  // the actor skips it
  CHECK(late.state() == StorageJob::State::abandoned);
}

TEST_CASE("a job still queued at its caller's deadline is abandoned and never runs") {
  Fixture f;
  Latch started, release;
  caf::error blocker_error;
  std::thread blocker([&] {
    blocker_error = f.lane().run([&](soci::session&) {
      started.open();
      release.wait();
    });
  });
  started.wait();  // the lane is busy: the next job stays queued

  auto ran = std::make_shared<std::atomic<bool>>(false);
  auto job = std::make_shared<StorageJob>();
  job->run = [ran](soci::session&) { ran->store(true); };
  auto error = run_storage_job(*f.sys, f.lane_actor, job, 50ms);
  CHECK(storage_code(error) == storage_errc::not_run);
  CHECK(storage_error_text(error).find("not run") != std::string::npos);
  CHECK(job->state() == StorageJob::State::abandoned);

  release.open();
  blocker.join();
  CHECK_FALSE(blocker_error);
  // Mailboxes are FIFO: once a later job ran, the abandoned one was reached and skipped.
  CHECK_FALSE(f.lane().run([](soci::session&) {}));
  CHECK_FALSE(ran->load());
  CHECK(job->state() == StorageJob::State::abandoned);
}

TEST_CASE("a job running at its caller's deadline is waited for and its captures stay valid") {
  Fixture f;
  Latch started, release;
  int value = 0;  // on this stack, written by the job through a reference
  std::atomic<bool> returned{false};
  caf::error error;
  auto job = std::make_shared<StorageJob>();
  job->run = [&](soci::session&) {
    started.open();
    release.wait();
    value = 7;
  };
  std::thread caller([&] {
    error = run_storage_job(*f.sys, f.lane_actor, job, 20ms);
    returned = true;
  });
  started.wait();
  // The runner saw its deadline pass with the job running, and keeps waiting.
  REQUIRE(poll_until([&] { return job->overran(); }, 10s));
  CHECK_FALSE(returned.load());
  CHECK(job->state() == StorageJob::State::running);
  release.open();
  caller.join();
  CHECK_FALSE(error);  // finished late but fine: the caller gets the real outcome
  CHECK(value == 7);
  CHECK(job->state() == StorageJob::State::done);
}

TEST_CASE("a job that overran its deadline and then failed is timed_out_running") {
  Fixture f;
  Latch started, release;
  auto job = std::make_shared<StorageJob>();
  job->run = [&](soci::session&) {
    started.open();
    release.wait();
    throw std::runtime_error("Lost connection to server during query");
  };
  caf::error error;
  std::thread caller([&] { error = run_storage_job(*f.sys, f.lane_actor, job, 20ms); });
  started.wait();
  REQUIRE(poll_until([&] { return job->overran(); }, 10s));
  release.open();
  caller.join();
  CHECK(storage_code(error) == storage_errc::timed_out_running);
  CHECK(storage_error_text(error).find("Lost connection") != std::string::npos);
}

TEST_CASE("results come back by value and backend errors are typed with their text") {
  Fixture f;
  auto lane = f.lane();
  auto answer = lane.call<int>([](soci::session&) { return 42; });
  REQUIRE(answer);
  CHECK(*answer == 42);

  auto failed = lane.call<int>([](soci::session&) -> int { throw std::runtime_error("boom"); });
  REQUIRE_FALSE(failed);
  CHECK(storage_code(failed.error()) == storage_errc::backend_error);
  CHECK(storage_error_text(failed.error()) == "boom");
  CHECK(f.sys->render(failed.error()).find("backend_error") != std::string::npos);

  CHECK_THROWS_AS(
      lane.call_or_throw<int>([](soci::session&) -> int { throw std::logic_error("x"); }),
      StorageError);
}

TEST_CASE("a lane that is gone runs nothing and the BackendRunner throws") {
  Fixture f;
  auto lane = f.lane(2s);
  caf::scoped_actor self{*f.sys};
  self->monitor(f.lane_actor);
  caf::anon_send_exit(f.lane_actor, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});

  auto ran = std::make_shared<std::atomic<bool>>(false);
  auto error = lane.run([ran](soci::session&) { ran->store(true); });
  CHECK(storage_code(error) == storage_errc::not_run);
  CHECK_FALSE(ran->load());

  auto runner = storage_backend_runner(*f.sys, f.lane_actor, 2s);
  try {
    runner([](soci::session&) {});
    FAIL("the runner did not throw");
  } catch (const StorageError& e) {
    CHECK(e.code == storage_errc::not_run);
  }
  CHECK(storage_code(StorageLane{}.run([](soci::session&) {})) == storage_errc::not_run);
}
