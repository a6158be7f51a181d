// The StorageJob protocol (state transitions under one mutex) and the one blocking runner.

#include "actors/storage_client.hpp"

#include <spdlog/spdlog.h>

namespace orc::actors {

// ---- StorageJob ----

bool StorageJob::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != State::queued) return false;
  state_ = State::running;
  return true;
}

void StorageJob::finish(std::string error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::move(error);
    state_ = State::done;
  }
  done_cv_.notify_all();
}

bool StorageJob::abandon() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != State::queued) return false;
  state_ = State::abandoned;
  return true;
}

void StorageJob::mark_overran() {
  std::lock_guard<std::mutex> lock(mutex_);
  overran_ = true;
}

std::string StorageJob::wait_done() {
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(lock, [this] { return state_ == State::done; });
  return error_;
}

bool StorageJob::wait_done_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return done_cv_.wait_for(lock, timeout, [this] { return state_ == State::done; });
}

StorageJob::State StorageJob::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

bool StorageJob::overran() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return overran_;
}

// ---- errors ----

std::string to_string(storage_errc code) {
  switch (code) {
    case storage_errc::none:
      return "none";
    case storage_errc::not_run:
      return "not_run";
    case storage_errc::timed_out_running:
      return "timed_out_running";
    case storage_errc::backend_error:
      return "backend_error";
  }
  return "unknown";
}

caf::error make_error(storage_errc code, std::string text) {
  return caf::error(static_cast<uint8_t>(code), kStorageErrorCategory,
                    caf::make_message(std::move(text)));
}

storage_errc storage_code(const caf::error& err) {
  if (!err || err.category() != kStorageErrorCategory) return storage_errc::none;
  return static_cast<storage_errc>(err.code());
}

std::string storage_error_text(const caf::error& err) {
  if (!err) return "";
  if (err.category() == kStorageErrorCategory) {
    const auto& ctx = err.context();
    if (ctx.match_elements<std::string>()) return ctx.get_as<std::string>(0);
    return to_string(static_cast<storage_errc>(err.code()));
  }
  return to_string(err);
}

void register_storage_errors(caf::actor_system_config& cfg) {
  cfg.add_error_category(
      kStorageErrorCategory, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
        std::string text = "storage: " + to_string(static_cast<storage_errc>(code));
        if (ctx.match_elements<std::string>()) text += " (" + ctx.get_as<std::string>(0) + ")";
        return text;
      });
}

// ---- the runner ----

namespace {

/// Waits for a job that was running at the caller's deadline; logs while it keeps running.
std::string wait_overrunning(StorageJob& job, std::chrono::milliseconds timeout) {
  job.mark_overran();
  const auto period = std::max(timeout, std::chrono::milliseconds(1000));
  while (!job.wait_done_for(period))
    spdlog::warn("still waiting for a backend job running past its caller's deadline");
  return job.wait_done();
}

}  // namespace

caf::error run_storage_job(caf::actor_system& sys, const storage_actor& lane,
                           const StorageJobPtr& job, std::chrono::milliseconds timeout) {
  if (!lane) return make_error(storage_errc::not_run, "no storage actor");
  std::optional<std::string> reply;
  caf::error request_error;
  {
    caf::scoped_actor self{sys};
    self->request(lane, timeout, job_atom::value, job)
        .receive([&](const std::string& error) { reply = error; },
                 [&](caf::error& err) { request_error = std::move(err); });
  }
  if (job->abandon()) {
    // Never started, and now never will: nothing of the caller's can be touched any more.
    if (reply)  // a stand-in storage actor that answers without running jobs
      return reply->empty() ? caf::error{} : make_error(storage_errc::backend_error, *reply);
    if (request_error == caf::sec::request_timeout)
      return make_error(storage_errc::not_run, "the backend did not take the job within " +
                                                   std::to_string(timeout.count()) +
                                                   " ms (not run)");
    return make_error(storage_errc::not_run,
                      "backend request failed (not run): " + sys.render(request_error));
  }
  // Started: wait for it whatever the deadline said, so that its captures stay valid.
  const bool late = !reply;
  std::string error = late ? wait_overrunning(*job, timeout) : job->wait_done();
  if (error.empty()) return {};
  if (late)
    return make_error(storage_errc::timed_out_running,
                      "ran past its caller's deadline and failed: " + error);
  return make_error(storage_errc::backend_error, std::move(error));
}

std::optional<std::string> execute_storage_job(
    StorageJob& job, const std::function<soci::session&()>& session,
    const std::function<void(const std::exception&)>& on_error) {
  if (!job.start()) return std::nullopt;
  std::string error;
  try {
    job.run(session());
  } catch (const std::exception& e) {
    if (on_error) on_error(e);
    error = e.what();
    if (error.empty()) error = "backend job failed";
  } catch (...) {
    error = "backend job failed with an unknown exception";
  }
  job.finish(error);
  return error;
}

// ---- lanes ----

caf::error StorageLane::run(std::function<void(soci::session&)> fn) const {
  if (!*this) return make_error(storage_errc::not_run, "no storage actor");
  auto job = std::make_shared<StorageJob>();
  job->run = std::move(fn);
  return run_storage_job(*system, actor, job, timeout);
}

BackendRunner storage_backend_runner(caf::actor_system& sys, storage_actor storage,
                                     std::chrono::seconds timeout) {
  StorageLane lane{&sys, std::move(storage), timeout};
  return [lane](const std::function<void(soci::session&)>& fn) {
    // `fn` usually captures the recovery's stack by reference: safe, the runner returns only
    // once the job finished or can never run.
    if (auto err = lane.run(fn)) throw StorageError(storage_code(err), storage_error_text(err));
  };
}

}  // namespace orc::actors
