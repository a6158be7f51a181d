// Key table, file layering, credentials files, derived defaults and validation of Config.
// JSON parsing and dumping live in config_json.cpp.

#include "model/config.hpp"
#include "model/text.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "model/instance_key.hpp"

namespace orc::model {

// clang-format off
#define ORC_KEY(name) ConfigKey{#name, &Config::name, false}
#define ORC_SECRET(name) ConfigKey{#name, &Config::name, true}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      // HTTP service
      ORC_KEY(ListenAddress), ORC_KEY(URLPrefix), ORC_KEY(StatusEndpoint),
      ORC_KEY(AuthenticationMethod), ORC_KEY(HTTPAuthUser), ORC_SECRET(HTTPAuthPassword),
      ORC_KEY(AuthUserHeader), ORC_KEY(PowerAuthUsers), ORC_KEY(PowerAuthGroups),
      ORC_KEY(ReadOnly), ORC_KEY(Debug),
      ORC_KEY(UseSSL), ORC_KEY(SSLSkipVerify), ORC_KEY(SSLPrivateKeyFile), ORC_KEY(SSLCertFile),
      ORC_KEY(SSLCAFile), ORC_KEY(UseMutualTLS), ORC_KEY(SSLValidOUs), ORC_KEY(StatusOUVerify),
      // backend
      ORC_KEY(BackendDB), ORC_KEY(RaftEnabled), ORC_KEY(SkipOrchestratorDatabaseUpdate),
      ORC_KEY(PanicIfDifferentDatabaseDeploy), ORC_KEY(MySQLOrchestratorHost),
      ORC_KEY(MySQLOrchestratorPort), ORC_KEY(MySQLOrchestratorDatabase),
      ORC_KEY(MySQLOrchestratorUser), ORC_SECRET(MySQLOrchestratorPassword),
      ORC_KEY(MySQLOrchestratorCredentialsConfigFile), ORC_KEY(MySQLOrchestratorMaxPoolConnections),
      ORC_KEY(MySQLOrchestratorReadTimeoutSeconds), ORC_KEY(MySQLOrchestratorRejectReadOnly),
      ORC_KEY(MySQLConnectTimeoutSeconds),
      ORC_KEY(MySQLOrchestratorSSLPrivateKeyFile), ORC_KEY(MySQLOrchestratorSSLCertFile),
      ORC_KEY(MySQLOrchestratorSSLCAFile), ORC_KEY(MySQLOrchestratorSSLSkipVerify),
      ORC_KEY(MySQLOrchestratorUseMutualTLS),
      // topology
      ORC_KEY(MySQLTopologyUser), ORC_SECRET(MySQLTopologyPassword),
      ORC_KEY(MySQLTopologyCredentialsConfigFile), ORC_KEY(MySQLTopologyMaxPoolConnections),
      ORC_KEY(MySQLDiscoveryReadTimeoutSeconds), ORC_KEY(MySQLTopologyReadTimeoutSeconds),
      ORC_KEY(DefaultInstancePort), ORC_KEY(ReplicationCredentialsQuery),
      ORC_KEY(MySQLReplicationUser), ORC_SECRET(MySQLReplicationPassword),
      ORC_KEY(UseSuperReadOnly),
      ORC_KEY(MySQLTopologySSLPrivateKeyFile), ORC_KEY(MySQLTopologySSLCertFile),
      ORC_KEY(MySQLTopologySSLCAFile), ORC_KEY(MySQLTopologySSLSkipVerify),
      ORC_KEY(MySQLTopologyUseMutualTLS), ORC_KEY(MySQLTopologyUseMixedTLS),
      // discovery
      ORC_KEY(InstancePollSeconds), ORC_KEY(ReasonableInstanceCheckSeconds),
      ORC_KEY(DiscoveryMaxConcurrency), ORC_KEY(DiscoveryQueueCapacity),
      ORC_KEY(BufferInstanceWrites), ORC_KEY(InstanceWriteBufferSize),
      ORC_KEY(InstanceFlushIntervalMilliseconds), ORC_KEY(DiscoverByShowSlaveHosts),
      ORC_KEY(DiscoverySeeds), ORC_KEY(SkipMaxScaleCheck), ORC_KEY(HostnameResolveMethod),
      ORC_KEY(MySQLHostnameResolveMethod), ORC_KEY(DiscoveryIgnoreHostnameFilters),
      ORC_KEY(DiscoveryIgnoreReplicaHostnameFilters), ORC_KEY(DiscoveryIgnoreMasterHostnameFilters),
      ORC_KEY(UnseenInstanceForgetHours), ORC_KEY(ReplicationLagQuery),
      ORC_KEY(ReasonableReplicationLagSeconds), ORC_KEY(ReasonableMaintenanceReplicationLagSeconds),
      ORC_KEY(DeadInstanceBackoffMaxSeconds),
      // classification
      ORC_KEY(ClusterNameToAlias), ORC_KEY(DetectClusterAliasQuery),
      ORC_KEY(DetectClusterDomainQuery), ORC_KEY(DetectInstanceAliasQuery),
      ORC_KEY(DetectPromotionRuleQuery), ORC_KEY(DetectSemiSyncEnforcedQuery),
      ORC_KEY(DetectDataCenterQuery), ORC_KEY(DetectRegionQuery),
      ORC_KEY(DetectPhysicalEnvironmentQuery), ORC_KEY(DataCenterPattern), ORC_KEY(RegionPattern),
      ORC_KEY(PhysicalEnvironmentPattern), ORC_KEY(CandidateInstanceExpireMinutes),
      // failure detection
      ORC_KEY(ReduceReplicationAnalysisCount), ORC_KEY(FailureDetectionPeriodBlockMinutes),
      ORC_KEY(RecoveryIgnoreHostnameFilters), ORC_KEY(ReasonableLockedSemiSyncMasterSeconds),
      ORC_KEY(EnforceExactSemiSyncReplicas), ORC_KEY(RecoverLockedSemiSyncMaster),
      ORC_KEY(RecoverNonWriteableMaster),
      // recovery
      ORC_KEY(RecoverMasterClusterFilters), ORC_KEY(RecoverIntermediateMasterClusterFilters),
      ORC_KEY(RecoveryPeriodBlockSeconds), ORC_KEY(PromotionIgnoreHostnameFilters),
      ORC_KEY(ApplyMySQLPromotionAfterMasterFailover),
      ORC_KEY(PreventCrossDataCenterMasterFailover), ORC_KEY(PreventCrossRegionMasterFailover),
      ORC_KEY(FailMasterPromotionOnLagMinutes), ORC_KEY(FailMasterPromotionIfSQLThreadNotUpToDate),
      ORC_KEY(DelayMasterPromotionIfSQLThreadNotUpToDate),
      ORC_KEY(DetachLostReplicasAfterMasterFailover),
      ORC_KEY(MasterFailoverDetachReplicaMasterHost),
      ORC_KEY(MasterFailoverLostInstancesDowntimeMinutes),
      ORC_KEY(PostponeReplicaRecoveryOnLagMinutes),
      ORC_KEY(CoMasterRecoveryMustPromoteOtherCoMaster),
      ORC_KEY(InstanceBulkOperationsWaitTimeoutSeconds), ORC_KEY(MaxConcurrentReplicaOperations),
      // hooks
      ORC_KEY(ProcessesShellCommand), ORC_KEY(OnFailureDetectionProcesses),
      ORC_KEY(PreGracefulTakeoverProcesses), ORC_KEY(PreFailoverProcesses),
      ORC_KEY(PostMasterFailoverProcesses), ORC_KEY(PostIntermediateMasterFailoverProcesses),
      ORC_KEY(PostFailoverProcesses), ORC_KEY(PostUnsuccessfulFailoverProcesses),
      ORC_KEY(PostGracefulTakeoverProcesses), ORC_KEY(PostTakeMasterProcesses),
      ORC_KEY(HookTimeoutSeconds),
      // key-value stores
      ORC_KEY(KVClusterMasterPrefix), ORC_KEY(ConsulAddress), ORC_KEY(ConsulScheme),
      ORC_SECRET(ConsulAclToken), ORC_KEY(ConsulCrossDataCenterDistribution),
      ORC_KEY(ConsulKVStoreProvider), ORC_KEY(ZkAddress),
      // audit
      ORC_KEY(AuditLogFile), ORC_KEY(AuditToBackendDB), ORC_KEY(AuditToSyslog),
      ORC_KEY(AuditPurgeDays),
      // project keys
      ORC_KEY(ElectionRenewIntervalMilliseconds), ORC_KEY(ElectionLeaseMilliseconds),
      ORC_KEY(HTTPThreads), ORC_KEY(HTTPMaxConnections), ORC_KEY(MetricsEnabled),
  };
  return keys;
}
// clang-format on

#undef ORC_KEY
#undef ORC_SECRET

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

/// Reads a whole file; on failure returns nullopt and puts the OS reason in `why`.
std::optional<std::string> read_file(const std::string& path, std::string* why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *why = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *why = "read error";
    return std::nullopt;
  }
  return buf.str();
}

/// Undoes the escapes MySQL option files allow in values (\n \t \r \b \s \\ \" \').
std::string unescape_option_value(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char c = v[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 's':
        out += ' ';
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

struct ClientCredentials {
  std::optional<std::string> user;
  std::optional<std::string> password;
};

/// Parses the [client] section of a my.cnf-style file. Messages quote line numbers only, never
/// line contents, because those lines hold passwords.
std::optional<ClientCredentials> read_client_credentials(const std::string& key,
                                                         const std::string& path,
                                                         std::vector<std::string>& errors) {
  std::string why;
  const auto text = read_file(path, &why);
  if (!text) {
    errors.push_back("cannot read " + key + " \"" + path + "\": " + why);
    return std::nullopt;
  }
  ClientCredentials creds;
  std::istringstream lines(*text);
  std::string line;
  bool in_client = false;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '!') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        errors.push_back(path + ":" + std::to_string(number) + ": malformed section header");
        return std::nullopt;
      }
      in_client = to_lower(trim(line.substr(1, line.size() - 2))) == "client";
      continue;
    }
    if (!in_client) continue;
    const auto eq = line.find('=');
    const std::string name = to_lower(trim(line.substr(0, eq)));
    if (name != "user" && name != "password") continue;
    if (eq == std::string::npos) {
      errors.push_back(path + ":" + std::to_string(number) + ": \"" + name + "\" has no value");
      return std::nullopt;
    }
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      const char quote = value.front();
      std::size_t end = 1;
      while (end < value.size() && value[end] != quote) end += value[end] == '\\' ? 2 : 1;
      if (end >= value.size()) {
        errors.push_back(path + ":" + std::to_string(number) + ": unterminated quote");
        return std::nullopt;
      }
      value = value.substr(1, end - 1);
    } else {
      value = trim(value.substr(0, value.find('#')));  // MySQL: '#' starts a comment
    }
    (name == "user" ? creds.user : creds.password) = unescape_option_value(value);
  }
  if (!creds.user && !creds.password) {
    errors.push_back(key + " \"" + path + "\" has no user or password in a [client] section");
    return std::nullopt;
  }
  return creds;
}

void apply_credentials_file(const std::string& key, const std::string& path, std::string& user,
                            std::string& password, std::vector<std::string>& errors) {
  if (path.empty()) return;
  if (auto creds = read_client_credentials(key, path, errors)) {
    if (creds->user) user = *creds->user;
    if (creds->password) password = *creds->password;
  }
}

/// Post-load adjustments upstream makes in postReadAdjustments(), plus spelling normalisation so
/// consumers compare against one canonical value.
void finalize_config(Config& c, std::vector<std::string>& errors) {
  apply_credentials_file("MySQLOrchestratorCredentialsConfigFile",
                         c.MySQLOrchestratorCredentialsConfigFile, c.MySQLOrchestratorUser,
                         c.MySQLOrchestratorPassword, errors);
  apply_credentials_file("MySQLTopologyCredentialsConfigFile", c.MySQLTopologyCredentialsConfigFile,
                         c.MySQLTopologyUser, c.MySQLTopologyPassword, errors);
  if (c.ReasonableLockedSemiSyncMasterSeconds == 0)
    c.ReasonableLockedSemiSyncMasterSeconds = c.ReasonableReplicationLagSeconds;
  if (!c.URLPrefix.empty()) {
    const auto b = c.URLPrefix.find_first_not_of('/');
    const auto e = c.URLPrefix.find_last_not_of('/');
    c.URLPrefix = b == std::string::npos ? "" : "/" + c.URLPrefix.substr(b, e - b + 1);
  }
  c.HostnameResolveMethod = to_lower(c.HostnameResolveMethod);
  c.MySQLHostnameResolveMethod = to_lower(c.MySQLHostnameResolveMethod);
  if (c.MySQLHostnameResolveMethod == "default" || c.MySQLHostnameResolveMethod == "hostname")
    c.MySQLHostnameResolveMethod = "@@hostname";
  if (c.MySQLHostnameResolveMethod == "report_host") c.MySQLHostnameResolveMethod = "@@report_host";
  c.BackendDB = to_lower(c.BackendDB);
  c.AuthenticationMethod = to_lower(c.AuthenticationMethod);
}

ConfigLoadResult finish(Config config, std::vector<std::string> warnings,
                        std::vector<std::string> errors) {
  if (errors.empty()) {
    finalize_config(config, errors);
    if (errors.empty()) errors = validate_config(config);
  }
  ConfigLoadResult r;
  r.ok = errors.empty();
  r.config = std::move(config);
  r.warnings = std::move(warnings);
  r.error = join(errors, "; ");
  return r;
}

// ---- validation helpers ----

void at_least(std::vector<std::string>& errs, const char* key, int value, int min) {
  if (value < min)
    errs.push_back(std::string(key) + " must be at least " + std::to_string(min) + " (is " +
                   std::to_string(value) + ")");
}

void port_range(std::vector<std::string>& errs, const char* key, int value) {
  if (value < 1 || value > 65535)
    errs.push_back(std::string(key) + " must be a port in 1..65535 (is " + std::to_string(value) +
                   ")");
}

void one_of(std::vector<std::string>& errs, const char* key, const std::string& value,
            std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
  }
  errs.push_back(std::string(key) + " must be one of " + list + " (is \"" + value + "\")");
}

/// Patterns are matched with std::regex (ECMAScript), the engine available to model/; compile
/// them here so a typo fails at startup instead of silently never matching.
std::optional<std::regex> compile(std::vector<std::string>& errs, const std::string& where,
                                  const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    errs.push_back(where + ": invalid regular expression \"" + pattern + "\": " + e.what());
    return std::nullopt;
  }
}

void regex_list(std::vector<std::string>& errs, const char* key,
                const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) compile(errs, key, p);
}

void capture_pattern(std::vector<std::string>& errs, const char* key, const std::string& p) {
  if (p.empty()) return;
  const auto re = compile(errs, key, p);
  if (re && re->mark_count() < 1)
    errs.push_back(std::string(key) + " must contain a capture group, e.g. \"^(\\w+)-\"");
}

/// Upstream filter forms: "*", "alias=NAME", "alias~=REGEX", otherwise a regex (or exact name).
void cluster_filters(std::vector<std::string>& errs, const char* key,
                     const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    if (f == "*" || f.rfind("alias=", 0) == 0) continue;
    compile(errs, key, f.rfind("alias~=", 0) == 0 ? f.substr(7) : f);
  }
}

/// A TLS key, certificate or CA file named by `key` must be a readable regular file: a wrong
/// path is reported at start, naming the key, not as a handshake failure later.
void readable_file(std::vector<std::string>& errs, const char* key, const std::string& path,
                   bool required) {
  if (path.empty()) {
    if (required) errs.push_back(std::string(key) + " must be set");
    return;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    errs.push_back(std::string(key) + ": \"" + path + "\" is not a readable file");
    return;
  }
  std::ifstream in(path);
  if (!in.good()) errs.push_back(std::string(key) + ": cannot read \"" + path + "\"");
}

/// HTTPS and MySQL TLS settings: files exist and combinations make sense.
void tls_settings(std::vector<std::string>& errs, const Config& c) {
  readable_file(errs, "SSLCertFile", c.SSLCertFile, c.UseSSL);
  readable_file(errs, "SSLPrivateKeyFile", c.SSLPrivateKeyFile, c.UseSSL);
  readable_file(errs, "SSLCAFile", c.SSLCAFile, c.UseMutualTLS);
  if (c.UseMutualTLS && !c.UseSSL) errs.push_back("UseMutualTLS needs UseSSL");
  readable_file(errs, "MySQLOrchestratorSSLCAFile", c.MySQLOrchestratorSSLCAFile, false);
  readable_file(errs, "MySQLOrchestratorSSLCertFile", c.MySQLOrchestratorSSLCertFile, false);
  readable_file(errs, "MySQLOrchestratorSSLPrivateKeyFile", c.MySQLOrchestratorSSLPrivateKeyFile,
                !c.MySQLOrchestratorSSLCertFile.empty());
  readable_file(errs, "MySQLTopologySSLCAFile", c.MySQLTopologySSLCAFile, false);
  readable_file(errs, "MySQLTopologySSLCertFile", c.MySQLTopologySSLCertFile, false);
  readable_file(errs, "MySQLTopologySSLPrivateKeyFile", c.MySQLTopologySSLPrivateKeyFile,
                !c.MySQLTopologySSLCertFile.empty());
}

void listen_address(std::vector<std::string>& errs, const std::string& addr) {
  const auto colon = addr.rfind(':');
  const std::string host = colon == std::string::npos ? "" : addr.substr(0, colon);
  const auto port = colon == std::string::npos ? std::nullopt : parse_port(addr.substr(colon + 1));
  const bool bad_host = host.find(':') != std::string::npos &&
                        !(host.size() > 2 && host.front() == '[' && host.back() == ']');
  if (!port || bad_host)
    errs.push_back(
        "ListenAddress must look like \":3000\", \"127.0.0.1:3000\" or \"[::1]:3000\" (is \"" +
        addr + "\")");
}

}  // namespace

std::vector<std::string> validate_config(const Config& c) {
  std::vector<std::string> errs;
  if (c.RaftEnabled) errs.push_back("raft is not supported; use a shared backend (RaftEnabled)");
  if (to_lower(c.BackendDB) != "mysql")
    errs.push_back("BackendDB \"" + c.BackendDB + "\" is not supported; use \"mysql\"");
  if (c.MySQLOrchestratorHost.empty()) errs.push_back("MySQLOrchestratorHost must be set");
  if (c.MySQLOrchestratorDatabase.empty()) errs.push_back("MySQLOrchestratorDatabase must be set");
  port_range(errs, "MySQLOrchestratorPort", c.MySQLOrchestratorPort);
  port_range(errs, "DefaultInstancePort", c.DefaultInstancePort);
  listen_address(errs, c.ListenAddress);
  if (c.StatusEndpoint.empty() || c.StatusEndpoint.front() != '/')
    errs.push_back("StatusEndpoint must start with \"/\" (is \"" + c.StatusEndpoint + "\")");

  one_of(errs, "AuthenticationMethod", to_lower(c.AuthenticationMethod),
         {"", "basic", "multi", "proxy"});
  const auto auth = to_lower(c.AuthenticationMethod);
  if ((auth == "basic" || auth == "multi") &&
      (c.HTTPAuthUser.empty() || c.HTTPAuthPassword.empty()))
    errs.push_back("AuthenticationMethod \"" + auth + "\" needs HTTPAuthUser and HTTPAuthPassword");
  if (auth == "multi" && c.HTTPAuthUser == "readonly")
    errs.push_back("AuthenticationMethod \"multi\": HTTPAuthUser cannot be \"readonly\" (that user only reads)");
  tls_settings(errs, c);
  if (auth == "proxy" && c.AuthUserHeader.empty())
    errs.push_back("AuthenticationMethod \"proxy\" needs AuthUserHeader");

  // Settings that must be positive: intervals, timeouts, pool and queue sizes.
  at_least(errs, "InstancePollSeconds", c.InstancePollSeconds, 1);
  at_least(errs, "MySQLConnectTimeoutSeconds", c.MySQLConnectTimeoutSeconds, 1);
  at_least(errs, "MySQLOrchestratorReadTimeoutSeconds", c.MySQLOrchestratorReadTimeoutSeconds, 1);
  at_least(errs, "MySQLDiscoveryReadTimeoutSeconds", c.MySQLDiscoveryReadTimeoutSeconds, 1);
  at_least(errs, "MySQLTopologyReadTimeoutSeconds", c.MySQLTopologyReadTimeoutSeconds, 1);
  at_least(errs, "MySQLOrchestratorMaxPoolConnections", c.MySQLOrchestratorMaxPoolConnections, 1);
  at_least(errs, "MySQLTopologyMaxPoolConnections", c.MySQLTopologyMaxPoolConnections, 1);
  at_least(errs, "DiscoveryMaxConcurrency", c.DiscoveryMaxConcurrency, 1);
  at_least(errs, "DiscoveryQueueCapacity", c.DiscoveryQueueCapacity, 1);
  at_least(errs, "InstanceWriteBufferSize", c.InstanceWriteBufferSize, 1);
  at_least(errs, "InstanceFlushIntervalMilliseconds", c.InstanceFlushIntervalMilliseconds, 1);
  at_least(errs, "UnseenInstanceForgetHours", c.UnseenInstanceForgetHours, 1);
  at_least(errs, "CandidateInstanceExpireMinutes", c.CandidateInstanceExpireMinutes, 1);
  at_least(errs, "InstanceBulkOperationsWaitTimeoutSeconds",
           c.InstanceBulkOperationsWaitTimeoutSeconds, 1);
  at_least(errs, "MaxConcurrentReplicaOperations", c.MaxConcurrentReplicaOperations, 1);
  at_least(errs, "HookTimeoutSeconds", c.HookTimeoutSeconds, 1);
  at_least(errs, "DeadInstanceBackoffMaxSeconds", c.DeadInstanceBackoffMaxSeconds, 1);
  at_least(errs, "HTTPThreads", c.HTTPThreads, 1);
  at_least(errs, "HTTPMaxConnections", c.HTTPMaxConnections, 8);
  at_least(errs, "ElectionRenewIntervalMilliseconds", c.ElectionRenewIntervalMilliseconds, 1);
  // Settings where 0 is meaningful (off / immediately) but negatives are not.
  at_least(errs, "ReasonableInstanceCheckSeconds", c.ReasonableInstanceCheckSeconds, 0);
  at_least(errs, "ReasonableReplicationLagSeconds", c.ReasonableReplicationLagSeconds, 0);
  at_least(errs, "ReasonableMaintenanceReplicationLagSeconds",
           c.ReasonableMaintenanceReplicationLagSeconds, 0);
  at_least(errs, "ReasonableLockedSemiSyncMasterSeconds", c.ReasonableLockedSemiSyncMasterSeconds,
           0);
  at_least(errs, "FailureDetectionPeriodBlockMinutes", c.FailureDetectionPeriodBlockMinutes, 0);
  at_least(errs, "RecoveryPeriodBlockSeconds", c.RecoveryPeriodBlockSeconds, 0);
  at_least(errs, "FailMasterPromotionOnLagMinutes", c.FailMasterPromotionOnLagMinutes, 0);
  at_least(errs, "MasterFailoverLostInstancesDowntimeMinutes",
           c.MasterFailoverLostInstancesDowntimeMinutes, 0);
  at_least(errs, "PostponeReplicaRecoveryOnLagMinutes", c.PostponeReplicaRecoveryOnLagMinutes, 0);
  at_least(errs, "AuditPurgeDays", c.AuditPurgeDays, 0);
  if (c.ElectionLeaseMilliseconds <= c.ElectionRenewIntervalMilliseconds)
    errs.push_back("ElectionLeaseMilliseconds (" + std::to_string(c.ElectionLeaseMilliseconds) +
                   ") must be greater than ElectionRenewIntervalMilliseconds (" +
                   std::to_string(c.ElectionRenewIntervalMilliseconds) + ")");

  one_of(errs, "HostnameResolveMethod", to_lower(c.HostnameResolveMethod),
         {"default", "cname", "ip", "none"});
  one_of(errs, "MySQLHostnameResolveMethod", c.MySQLHostnameResolveMethod,
         {"@@hostname", "@@report_host", "none"});
  one_of(errs, "ConsulScheme", c.ConsulScheme, {"http", "https"});
  one_of(errs, "ConsulKVStoreProvider", c.ConsulKVStoreProvider, {"consul", "consul-txn"});

  // Upstream's own consistency checks (postReadAdjustments).
  if (c.FailMasterPromotionIfSQLThreadNotUpToDate && c.DelayMasterPromotionIfSQLThreadNotUpToDate)
    errs.push_back(
        "FailMasterPromotionIfSQLThreadNotUpToDate and "
        "DelayMasterPromotionIfSQLThreadNotUpToDate cannot both be true");
  if (c.FailMasterPromotionOnLagMinutes > 0 && c.ReplicationLagQuery.empty())
    errs.push_back("FailMasterPromotionOnLagMinutes needs ReplicationLagQuery to be set");

  if (c.ProcessesShellCommand.empty()) errs.push_back("ProcessesShellCommand must be set");
  const std::pair<const char*, const std::vector<std::string>*> hooks[] = {
      {"OnFailureDetectionProcesses", &c.OnFailureDetectionProcesses},
      {"PreGracefulTakeoverProcesses", &c.PreGracefulTakeoverProcesses},
      {"PreFailoverProcesses", &c.PreFailoverProcesses},
      {"PostMasterFailoverProcesses", &c.PostMasterFailoverProcesses},
      {"PostIntermediateMasterFailoverProcesses", &c.PostIntermediateMasterFailoverProcesses},
      {"PostFailoverProcesses", &c.PostFailoverProcesses},
      {"PostUnsuccessfulFailoverProcesses", &c.PostUnsuccessfulFailoverProcesses},
      {"PostGracefulTakeoverProcesses", &c.PostGracefulTakeoverProcesses},
      {"PostTakeMasterProcesses", &c.PostTakeMasterProcesses},
  };
  for (const auto& [key, list] : hooks)
    for (const auto& cmd : *list)
      if (trim(cmd).empty()) errs.push_back(std::string(key) + " contains an empty command");

  for (const auto& seed : c.DiscoverySeeds) {
    std::string why;
    if (!parse_instance_key(seed, c.DefaultInstancePort, &why))
      errs.push_back("DiscoverySeeds entry \"" + seed + "\" is invalid: " + why);
  }
  regex_list(errs, "DiscoveryIgnoreHostnameFilters", c.DiscoveryIgnoreHostnameFilters);
  regex_list(errs, "DiscoveryIgnoreReplicaHostnameFilters",
             c.DiscoveryIgnoreReplicaHostnameFilters);
  regex_list(errs, "DiscoveryIgnoreMasterHostnameFilters", c.DiscoveryIgnoreMasterHostnameFilters);
  regex_list(errs, "RecoveryIgnoreHostnameFilters", c.RecoveryIgnoreHostnameFilters);
  regex_list(errs, "PromotionIgnoreHostnameFilters", c.PromotionIgnoreHostnameFilters);
  cluster_filters(errs, "RecoverMasterClusterFilters", c.RecoverMasterClusterFilters);
  cluster_filters(errs, "RecoverIntermediateMasterClusterFilters",
                  c.RecoverIntermediateMasterClusterFilters);
  for (const auto& [pattern, alias] : c.ClusterNameToAlias) {
    if (pattern.empty())
      errs.push_back("ClusterNameToAlias has an empty cluster name pattern");
    else
      compile(errs, "ClusterNameToAlias", pattern);
    if (alias.empty())
      errs.push_back("ClusterNameToAlias maps \"" + pattern + "\" to an empty alias");
  }
  capture_pattern(errs, "DataCenterPattern", c.DataCenterPattern);
  capture_pattern(errs, "RegionPattern", c.RegionPattern);
  capture_pattern(errs, "PhysicalEnvironmentPattern", c.PhysicalEnvironmentPattern);
  return errs;
}

ConfigLoadResult load_config_text(const std::string& json, const std::string& source_name,
                                  Config base) {
  std::vector<std::string> warnings, errors;
  detail::apply_config_json(json, source_name, base, warnings, errors);
  return finish(std::move(base), std::move(warnings), std::move(errors));
}

ConfigLoadResult load_config_files(const std::vector<std::string>& paths) {
  Config config;
  std::vector<std::string> warnings, errors;
  for (const auto& path : paths) {
    std::string why;
    const auto text = read_file(path, &why);
    if (!text) {
      errors.push_back("cannot read configuration file \"" + path + "\": " + why);
      continue;
    }
    detail::apply_config_json(*text, path, config, warnings, errors);
  }
  return finish(std::move(config), std::move(warnings), std::move(errors));
}

std::optional<std::string> find_default_config_file() {
  for (const char* candidate :
       {"/etc/orchestrator.conf.json", "conf/orchestrator.conf.json", "orchestrator.conf.json"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return std::string(candidate);
  }
  return std::nullopt;
}

}  // namespace orc::model
