#pragma once
// The CLI command table: each command writes its result to stdout and returns an exit code;
// it throws CliError for user-facing failures.

#include <functional>
#include <map>
#include <string>

#include "tools/orchestrator/cli_context.hpp"

namespace orc::app {

struct CliCommand {
  std::function<int(CliContext&)> run;
  std::string help;
};
using CliCommandTable = std::map<std::string, CliCommand>;

/// Information commands (clusters, topology, which-*, instance-status, search, ...).
void add_information_commands(CliCommandTable& table);
/// Tag commands (tags, tag, untag, untag-all, tagged, tag-value).
void add_tag_commands(CliCommandTable& table);
/// Instance management and meta commands (discover, forget, redeploy-internal-db, dump-config).
void add_meta_commands(CliCommandTable& table);

/// Prints one key per line.
void print_keys(const std::vector<model::InstanceKey>& keys);

}  // namespace orc::app
