#pragma once
// A sandbox backend server with the orchestrator schema deployed and an open session to it:
// the fixture of the DAO tests.

#include <memory>
#include <string>

#include <soci/soci.h>

#include "tests/integration/sandbox.hpp"

namespace orc::test {

struct DeployedBackend {
  Sandbox sandbox = Sandbox::backend();
  std::unique_ptr<soci::session> session;
  /// Connects as orc_backend and deploys the schema, recording `version` as deployed.
  explicit DeployedBackend(const std::string& version);
};

}  // namespace orc::test
