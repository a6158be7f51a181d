// The real ElectionStore: storage/election_dao on the election actor's own backend session.

#include <soci/soci.h>

#include "actors/election.hpp"
#include "storage/election_dao.hpp"

namespace orc::actors {

namespace {

class BackendElectionStore : public ElectionStore {
 public:
  explicit BackendElectionStore(const ElectionSettings& s)
      : endpoint_(s.endpoint),
        node_(s.node),
        lease_ms_(static_cast<int>(s.lease.count())),
        app_version_(s.app_version),
        db_backend_(s.db_backend) {}

  storage::LeaseOutcome renew(bool holding) override {
    return storage::acquire_or_renew_lease(db(), node_, lease_ms_, holding);
  }
  storage::GrabOutcome grab() override { return storage::grab_lease(db(), node_, lease_ms_); }
  void expire() override { storage::expire_lease(db()); }
  void release() override { storage::release_lease(db(), node_); }
  NodeFacts register_health() override {
    auto& s = db();
    storage::register_node_health(s, node_, "HttpMode", "", app_version_, db_backend_);
    NodeFacts facts;
    facts.active = storage::read_active_node(s);
    facts.available = storage::read_available_nodes(s, 2, true);
    return facts;
  }
  void reset() override { session_.reset(); }

 private:
  soci::session& db() {
    if (!session_) session_ = storage::open_session(endpoint_);
    return *session_;
  }
  storage::MysqlEndpoint endpoint_;
  model::NodeIdentity node_;
  int lease_ms_;
  std::string app_version_;
  std::string db_backend_;
  std::unique_ptr<soci::session> session_;
};

}  // namespace

std::shared_ptr<ElectionStore> make_backend_election_store(const ElectionSettings& settings) {
  return std::make_shared<BackendElectionStore>(settings);
}

}  // namespace orc::actors
