#include "actors/prober.hpp"

#include <soci/soci.h>
#include <time.h>

#include <algorithm>

namespace orc::actors {

namespace {

uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

struct prober_state {
  static inline const char* name = "prober";
  model::InstanceKey key;
  std::shared_ptr<const ProberSettings> settings;
  caf::actor parent;
  std::unique_ptr<soci::session> session;
  int consecutive_failures = 0;

  ProbeResultPtr probe() {
    auto report = std::make_shared<ProbeReport>();
    auto cpu_start = thread_cpu_ns();
    auto started = std::chrono::steady_clock::now();
    try {
      if (!session) {
        auto ep = settings->endpoint;
        ep.host = key.hostname;
        ep.port = key.port;
        session = storage::open_session(ep);
      }
      report->result = storage::probe_instance(*session, key, settings->probe_options);
    } catch (const std::exception& e) {
      report->result.ok = false;
      report->result.instance.key = key;
      report->result.error = e.what();
      report->result.latency = std::chrono::steady_clock::now() - started;
    }
    if (!report->result.ok) {
      session.reset();  // reconnect next time; the server may have restarted
      consecutive_failures++;
    } else {
      consecutive_failures = 0;
    }
    report->cpu_ns = thread_cpu_ns() - cpu_start;
    return report;
  }

  /// Live hosts are probed on wall-clock multiples of the poll interval, so that the probes
  /// of all instances land in the same storage flush (one touch statement for all of them).
  std::chrono::milliseconds next_delay() const {
    auto poll = settings->poll_interval;
    if (consecutive_failures == 0) {
      auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      auto delay = poll.count() - now_ms % poll.count();
      return std::chrono::milliseconds(delay < poll.count() / 2 ? delay + poll.count() : delay);
    }
    if (consecutive_failures == 1) return poll;
    auto factor = 1LL << std::min(consecutive_failures - 1, 10);
    return std::min<std::chrono::milliseconds>(poll * factor,
                                               std::max(settings->backoff_max, poll));
  }
};

prober_actor::behavior_type prober_behavior(prober_actor::stateful_pointer<prober_state> self,
                                            model::InstanceKey key,
                                            std::shared_ptr<const ProberSettings> settings,
                                            caf::actor parent) {
  self->state.key = std::move(key);
  self->state.settings = std::move(settings);
  self->state.parent = std::move(parent);
  return {
      [=](caf::tick_atom) {
        const auto& leadership = self->state.settings->leadership;
        if (leadership && !leadership->is_leader()) return;  // discovery stops us shortly
        auto report = self->state.probe();
        self->send(caf::actor_cast<discovery_actor>(self->state.parent), probed_atom::value,
                   report);
        self->delayed_send(self, self->state.next_delay(), caf::tick_atom_v);
      },
      [=](probe_atom) { return self->state.probe(); },
  };
}

}  // namespace

prober_actor spawn_prober(caf::actor_system& sys, const model::InstanceKey& key,
                          std::shared_ptr<const ProberSettings> settings, caf::actor parent) {
  return sys.spawn<caf::detached>(prober_behavior, key, std::move(settings), std::move(parent));
}

storage::ProbeResult probe_once(const model::InstanceKey& key, const ProberSettings& settings) {
  storage::ProbeResult result;
  result.instance.key = key;
  try {
    auto ep = settings.endpoint;
    ep.host = key.hostname;
    ep.port = key.port;
    auto session = storage::open_session(ep);
    return storage::probe_instance(*session, key, settings.probe_options);
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = e.what();
  }
  return result;
}

}  // namespace orc::actors
