#include "tests/integration/deployed_backend.hpp"

#include "storage/backend.hpp"
#include "storage/schema_deploy.hpp"

namespace orc::test {

DeployedBackend::DeployedBackend(const std::string& version) {
  storage::MysqlEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = sandbox.port();
  ep.user = "orc_backend";
  ep.password = "orc_backend_pass";
  ep.database = "orchestrator";
  session = storage::open_session(ep);
  storage::deploy_schema(*session, version, false);
}

}  // namespace orc::test
