#pragma once
// State shared by CLI commands: the parsed flags, a lazily opened backend session and a
// lazily read topology snapshot (the same model the API serves, so answers match).

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "model/cli_args.hpp"
#include "model/config.hpp"
#include "model/node_identity.hpp"
#include "model/snapshot.hpp"

namespace soci {
class session;
}

namespace orc::app {

/// A user-facing CLI failure: printed as one line on stderr, exit code 1.
struct CliError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CliContext {
 public:
  CliContext(const model::Config& cfg, const model::CliArgs& args);
  ~CliContext();

  const model::Config& cfg;
  const model::CliArgs& args;
  /// This CLI process's identity: registered in node_health ('CLIMode') when the backend is
  /// first used, so locks it takes are not expired as belonging to a dead node.
  const model::NodeIdentity node;

  /// The backend session; the schema is deployed on first use unless configured otherwise.
  soci::session& db();
  /// Every instance and cluster, read once per command.
  const model::TopologySnapshot& snapshot();
  /// Drops the cached snapshot after a write.
  void invalidate() { snapshot_.reset(); }

  /// The key given with `flag` (-i, -d, -s); throws CliError when absent or malformed.
  model::InstanceKey key_arg(const std::string& flag = "i") const;
  /// An instance that must be known to the backend.
  const model::Instance& known_instance(const std::string& flag = "i");
  /// --owner, else the name of the OS user running the command, else "orchestrator".
  std::string owner() const;
  /// The cluster named by -alias, or by -i (name, alias or member key); throws if unknown.
  std::string cluster_arg();

 private:
  std::unique_ptr<soci::session> session_;
  std::optional<model::TopologySnapshot> snapshot_;
};

}  // namespace orc::app
