#include "storage/mysql_tls_config.hpp"

namespace orc::storage {

namespace {

/// Upstream turns TLS on with MySQL*UseMutualTLS only; a configured CA, client certificate or
/// SkipVerify makes no sense without TLS, so each of them asks for it too.
bool tls_wanted(bool mutual, const std::string& ca, const std::string& cert, const std::string& key,
                bool skip_verify) {
  return mutual || !ca.empty() || !cert.empty() || !key.empty() || skip_verify;
}

MysqlTls with_files(TlsMode mode, const std::string& ca, const std::string& cert,
                    const std::string& key, bool skip_verify, const char* prefix) {
  MysqlTls tls;
  tls.mode = mode;
  tls.ca_file = ca;
  tls.cert_file = cert;
  tls.key_file = key;
  tls.verify = !skip_verify;
  tls.config_prefix = prefix;
  return tls;
}

}  // namespace

MysqlTls backend_tls(const model::Config& c) {
  const bool wanted = tls_wanted(
      c.MySQLOrchestratorUseMutualTLS, c.MySQLOrchestratorSSLCAFile, c.MySQLOrchestratorSSLCertFile,
      c.MySQLOrchestratorSSLPrivateKeyFile, c.MySQLOrchestratorSSLSkipVerify);
  return with_files(wanted ? TlsMode::required : TlsMode::off, c.MySQLOrchestratorSSLCAFile,
                    c.MySQLOrchestratorSSLCertFile, c.MySQLOrchestratorSSLPrivateKeyFile,
                    c.MySQLOrchestratorSSLSkipVerify, "MySQLOrchestrator");
}

MysqlTls topology_tls(const model::Config& c) {
  TlsMode mode = TlsMode::off;
  if (c.MySQLTopologyUseMutualTLS) {
    mode = TlsMode::required;
  } else if (tls_wanted(false, c.MySQLTopologySSLCAFile, c.MySQLTopologySSLCertFile,
                        c.MySQLTopologySSLPrivateKeyFile, c.MySQLTopologySSLSkipVerify)) {
    mode = c.MySQLTopologyUseMixedTLS ? TlsMode::preferred : TlsMode::required;
  }
  return with_files(mode, c.MySQLTopologySSLCAFile, c.MySQLTopologySSLCertFile,
                    c.MySQLTopologySSLPrivateKeyFile, c.MySQLTopologySSLSkipVerify,
                    "MySQLTopology");
}

}  // namespace orc::storage
