#pragma once
// Runs tools/orchestrator-client (the upstream-compatible shell client) for integration tests.

#include <string>

namespace orc::test {

struct ClientResult {
  int code = -1;
  std::string out;
  std::string err;
};

/// Runs the client with ORCHESTRATOR_API=APIS and ARGS (already shell-quoted where needed);
/// ENV holds more "NAME=value" assignments (shell-quoted), e.g. ORCHESTRATOR_AUTH_USER=x.
ClientResult run_client(const std::string& apis, const std::string& args,
                        const std::string& env = "");

}  // namespace orc::test
