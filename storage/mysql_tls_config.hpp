#pragma once
// The TLS settings of MySQL connections as the configuration asks for them: which config keys
// turn TLS on, and whether it is required or only used where a server offers it. Kept apart
// from backend.hpp, which knows nothing of the config struct.

#include "model/config.hpp"
#include "storage/backend.hpp"

namespace orc::storage {

/// TLS to the backend: off without any MySQLOrchestratorSSL* setting; otherwise required
/// (MySQLOrchestratorUseMutualTLS, or a CA, client certificate or SkipVerify configured). The
/// backend is one known server, so a configured CA is never bypassed by a plain fallback.
MysqlTls backend_tls(const model::Config& cfg);

/// TLS to topology servers: required with MySQLTopologyUseMutualTLS; with only a CA, client
/// certificate or SkipVerify configured, TLS where a server offers it and plain elsewhere
/// (MySQLTopologyUseMixedTLS, the default) or required (mixed off); off without any setting.
MysqlTls topology_tls(const model::Config& cfg);

}  // namespace orc::storage
