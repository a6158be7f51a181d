#include "http/routes.hpp"

#include <sstream>

namespace orc::http {

namespace {

template <class Ptr, class Atom, class Handle>
Ptr ask_stats(const ApiContext& ctx, const Handle& h) {
  Ptr out;
  caf::scoped_actor self{*ctx.system};
  self->request(h, std::chrono::seconds(2), Atom::value)
      .receive([&](const Ptr& p) { out = p; }, [](caf::error&) {});
  return out;
}

void metric(std::ostringstream& o, const char* name, const char* type, const char* help,
            double value) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
    << name << " " << value << "\n";
}

}  // namespace

void register_metrics_routes(Router& srv, const ApiContext& ctx) {
  srv.Get(ctx.config->URLPrefix + "/metrics", [&ctx](const httplib::Request&,
                                                     httplib::Response& res) {
    std::ostringstream o;
    auto d = ask_stats<actors::DiscoveryStatsPtr, actors::stats_atom>(ctx, ctx.discovery);
    auto s = ask_stats<actors::StorageStatsPtr, actors::stats_atom>(ctx, ctx.storage);
    if (d) {
      metric(o, "orchestrator_probes_total", "counter", "Instance probes completed.",
             static_cast<double>(d->probes));
      metric(o, "orchestrator_probe_failures_total", "counter", "Instance probes that failed.",
             static_cast<double>(d->probe_failures));
      metric(o, "orchestrator_probe_cpu_seconds_total", "counter",
             "CPU time spent by prober threads.", static_cast<double>(d->probe_cpu_ns) / 1e9);
      metric(o, "orchestrator_instance_full_writes_total", "counter",
             "Instance rows written because their state changed.",
             static_cast<double>(d->full_writes));
      metric(o, "orchestrator_instance_touches_total", "counter",
             "Instance rows whose timestamps only were refreshed.",
             static_cast<double>(d->touches));
      metric(o, "orchestrator_watched_instances", "gauge",
             "Instances this node probes (leader only).",
             static_cast<double>(d->watched_instances));
    }
    if (s) {
      metric(o, "orchestrator_backend_write_statements_total", "counter",
             "Statements sent to the backend by probe-result flushes.",
             static_cast<double>(s->statements));
      metric(o, "orchestrator_backend_flushes_total", "counter",
             "Probe-result flushes to the backend.", static_cast<double>(s->flushes));
      metric(o, "orchestrator_snapshot_refreshes_total", "counter",
             "Reads of the whole topology from the backend.",
             static_cast<double>(s->snapshot_refreshes));
      metric(o, "orchestrator_backend_jobs_total", "counter",
             "Other backend operations (API reads and commands).", static_cast<double>(s->jobs));
    }
    metric(o, "orchestrator_is_leader", "gauge", "1 when this node is the leader.",
           ctx.leadership && ctx.leadership->is_leader() ? 1 : 0);
    res.set_content(o.str(), "text/plain; version=0.0.4");
  });
}

}  // namespace orc::http
