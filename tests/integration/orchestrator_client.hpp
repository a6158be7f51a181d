#pragma once
// Runs tools/orchestrator-client (the upstream-compatible shell client) for integration tests.

#include <string>

namespace orc::test {

struct ClientResult {
  int code = -1;
  std::string out;
  std::string err;
};

/// Runs the client with ORCHESTRATOR_API=APIS and ARGS (already shell-quoted where needed).
ClientResult run_client(const std::string& apis, const std::string& args);

}  // namespace orc::test
