#include "actors/watcher.hpp"

#include <soci/soci.h>

namespace orc::actors {

namespace {

struct watcher_state {
  static inline const char* name = "watcher";
  model::InstanceKey key;
  storage::MysqlEndpoint endpoint;
  caf::actor discovery;
  std::unique_ptr<soci::session> session;
  bool reported = false;  ///< an outage was reported and the server has not been back since
};

watcher_actor::behavior_type watcher_behavior(watcher_actor::stateful_pointer<watcher_state> self,
                                              model::InstanceKey key,
                                              storage::MysqlEndpoint endpoint,
                                              caf::actor discovery) {
  auto& st = self->state;
  st.key = std::move(key);
  st.endpoint = std::move(endpoint);
  st.endpoint.host = st.key.hostname;
  st.endpoint.port = st.key.port;
  st.endpoint.read_timeout_s = 3;  // longer than the sleep: a frozen server is the prober's job
  st.discovery = std::move(discovery);
  self->send(self, watch_atom::value);
  return {
      [=](watch_atom) {
        auto& st = self->state;
        try {
          if (!st.session) st.session = storage::open_session(st.endpoint);
          int slept = 0;
          *st.session << "SELECT SLEEP(1)", soci::into(slept);
          st.reported = false;
          self->send(self, watch_atom::value);
        } catch (const std::exception&) {
          st.session.reset();
          if (!st.reported) {
            st.reported = true;
            auto keys = std::make_shared<const std::vector<model::InstanceKey>>(
                std::vector<model::InstanceKey>{st.key});
            self->send(caf::actor_cast<discovery_actor>(st.discovery), reprobe_atom::value,
                       KeysPtr(keys));
          }
          self->delayed_send(self, std::chrono::seconds(1), watch_atom::value);
        }
      },
  };
}

}  // namespace

watcher_actor spawn_watcher(caf::actor_system& sys, const model::InstanceKey& key,
                            storage::MysqlEndpoint endpoint, caf::actor discovery) {
  return sys.spawn<caf::detached>(watcher_behavior, key, std::move(endpoint), std::move(discovery));
}

}  // namespace orc::actors
