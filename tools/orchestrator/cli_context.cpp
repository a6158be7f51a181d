#include "tools/orchestrator/cli_context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <soci/soci.h>

#include <algorithm>

#include "storage/cluster_dao.hpp"
#include "storage/election_dao.hpp"
#include "storage/instance_dao.hpp"
#include "storage/schema_deploy.hpp"
#include "tools/orchestrator/app.hpp"

namespace orc::app {

CliContext::CliContext(const model::Config& c, const model::CliArgs& a)
    : cfg(c), args(a), node(model::make_node_identity()) {}
CliContext::~CliContext() = default;

soci::session& CliContext::db() {
  if (!session_) {
    auto ep = backend_endpoint(cfg);
    try {
      session_ = storage::open_session(ep);
    } catch (const std::exception& e) {
      throw CliError("cannot connect to the backend " + storage::describe_endpoint(ep) + ": " +
                     e.what());
    }
    if (!cfg.SkipOrchestratorDatabaseUpdate)
      storage::deploy_schema(*session_, app_version(), false);
    storage::register_node_health(*session_, node, "CLIMode", args.get("c"), app_version(),
                                  ep.host + ":" + std::to_string(ep.port));
  }
  return *session_;
}

const model::TopologySnapshot& CliContext::snapshot() {
  if (!snapshot_) {
    model::TopologySnapshot snap;
    storage::ReadOptions opt;
    opt.instance_poll_seconds = cfg.InstancePollSeconds;
    snap.instances = storage::read_all_instances(db(), opt);
    std::sort(snap.instances.begin(), snap.instances.end(),
              [](const model::Instance& a, const model::Instance& b) { return a.key < b.key; });
    snap.clusters = storage::read_clusters_info(db());
    snapshot_ = std::move(snap);
  }
  return *snapshot_;
}

model::InstanceKey CliContext::key_arg(const std::string& flag) const {
  if (!args.has(flag)) throw CliError("this command needs -" + flag + " host[:port]");
  std::string why;
  auto key = model::parse_instance_key(args.get(flag), cfg.DefaultInstancePort, &why);
  if (!key) throw CliError("invalid -" + flag + " '" + args.get(flag) + "': " + why);
  return *key;
}

const model::Instance& CliContext::known_instance(const std::string& flag) {
  auto key = key_arg(flag);
  const auto* inst = snapshot().find(key);
  if (!inst) throw CliError("instance not found: " + key.str());
  return *inst;
}

std::string CliContext::owner() const {
  if (!args.get("owner").empty()) return args.get("owner");
  struct passwd pw;
  struct passwd* found = nullptr;
  char buf[4096];
  if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_name &&
      *found->pw_name)
    return found->pw_name;
  return "orchestrator";
}

std::string CliContext::cluster_arg() {
  std::string hint = args.has("alias") ? args.get("alias") : args.get("i");
  if (hint.empty()) throw CliError("this command needs -i instance or -alias cluster");
  auto cluster = snapshot().resolve_cluster(hint, cfg.DefaultInstancePort);
  if (!cluster) throw CliError("unable to determine cluster for " + hint);
  return *cluster;
}

}  // namespace orc::app
