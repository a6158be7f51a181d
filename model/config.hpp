#pragma once
// Orchestrator's configuration: the JSON keys upstream orchestrator reads (same names, same
// defaults), the few keys this project adds, and the loader that layers, checks and redacts them.
//
// Members are named exactly like upstream's JSON keys (PascalCase on purpose): an operator's
// existing orchestrator.conf.json must load unchanged, and code, docs and config files then all
// use one spelling. docs/configuration.md has the full table; keep it in step with this file
// (a unit test compares the two).

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace orc::model {

/// Every configurable setting. A default-constructed Config holds upstream's defaults.
struct Config {
  // ---- HTTP service ----
  std::string ListenAddress = ":3000";  ///< "[host]:port" the HTTP API listens on
  std::string URLPrefix;                ///< path prefix when served behind a proxy; "" or "/x"
  std::string StatusEndpoint = "/api/status";  ///< extra path answering like /api/status
  /// "", "basic", "multi" (any password for user "readonly", who may only read) or "proxy"
  /// (user from AuthUserHeader). Upstream's "token" and "oauth" are refused at start.
  std::string AuthenticationMethod;
  std::string HTTPAuthUser;
  std::string HTTPAuthPassword;                     ///< secret; ${ENV} is expanded
  std::string AuthUserHeader = "X-Forwarded-User";  ///< header carrying the user in proxy mode
  std::vector<std::string> PowerAuthUsers = {"*"};  ///< proxy-mode users allowed to write
  std::vector<std::string> PowerAuthGroups;  ///< proxy mode: members of these OS groups may write
  // ---- HTTPS ----
  bool UseSSL = false;            ///< serve HTTPS with SSLCertFile/SSLPrivateKeyFile
  bool SSLSkipVerify = false;     ///< do not verify peer certificates (client side of TLS)
  std::string SSLPrivateKeyFile;  ///< PEM private key of the HTTPS server
  std::string SSLCertFile;        ///< PEM certificate (chain) of the HTTPS server
  std::string SSLCAFile;          ///< CA bundle verifying client certificates (mutual TLS)
  bool UseMutualTLS = false;      ///< require a client certificate signed by SSLCAFile
  std::vector<std::string> SSLValidOUs;  ///< mutual TLS: client certificate OUs accepted
  bool StatusOUVerify = false;  ///< mutual TLS: also check the OU on the status endpoints
  bool ReadOnly = false;                            ///< refuse every mutating API call
  bool Debug = false;                               ///< debug-level logging

  // ---- backend database (shared by every orchestrator node) ----
  std::string BackendDB = "mysql";  ///< only "mysql" is supported (MySQL or MariaDB)
  /// Must stay false: this implementation coordinates nodes through one shared backend.
  bool RaftEnabled = false;
  bool SkipOrchestratorDatabaseUpdate = false;  ///< do not create/migrate the schema at startup
  bool PanicIfDifferentDatabaseDeploy = false;  ///< refuse to start if another version deployed it
  std::string MySQLOrchestratorHost;
  int MySQLOrchestratorPort = 3306;
  std::string MySQLOrchestratorDatabase;
  std::string MySQLOrchestratorUser;
  std::string MySQLOrchestratorPassword;  ///< secret; ${ENV} is expanded
  /// my.cnf-style file whose [client] user/password override the two keys above.
  std::string MySQLOrchestratorCredentialsConfigFile;
  int MySQLOrchestratorMaxPoolConnections = 128;
  int MySQLOrchestratorReadTimeoutSeconds = 30;
  /// Fail backend writes on a read-only server (helps when the backend itself fails over).
  bool MySQLOrchestratorRejectReadOnly = false;
  int MySQLConnectTimeoutSeconds = 2;  ///< connect timeout, backend and topology
  std::string MySQLOrchestratorSSLPrivateKeyFile;  ///< client key for TLS to the backend
  std::string MySQLOrchestratorSSLCertFile;        ///< client certificate for TLS to the backend
  std::string MySQLOrchestratorSSLCAFile;          ///< CA verifying the backend; set = TLS on
  bool MySQLOrchestratorSSLSkipVerify = false;     ///< TLS without verifying the backend
  bool MySQLOrchestratorUseMutualTLS = false;      ///< TLS to the backend (with client cert)

  // ---- topology servers (the MySQL/MariaDB servers being managed) ----
  std::string MySQLTopologyUser;
  std::string MySQLTopologyPassword;               ///< secret; ${ENV} is expanded
  std::string MySQLTopologyCredentialsConfigFile;  ///< my.cnf-style, overrides the two above
  int MySQLTopologyMaxPoolConnections = 3;         ///< connections kept per topology server
  int MySQLDiscoveryReadTimeoutSeconds = 10;       ///< read timeout of discovery probes
  int MySQLTopologyReadTimeoutSeconds = 600;       ///< read timeout of topology operations
  int DefaultInstancePort = 3306;                  ///< port assumed when "host" has none
  /// Query returning (user, password) for repointing replicas; "" = read them from the server.
  std::string ReplicationCredentialsQuery;
  /// Project key. Replication account used when CHANGE MASTER needs credentials that cannot
  /// be read back from the server (MariaDB keeps them in master.info, not in a table).
  std::string MySQLReplicationUser;
  std::string MySQLReplicationPassword;  ///< project key; secret; ${ENV} is expanded
  bool UseSuperReadOnly = false;         ///< also toggle super_read_only (MySQL only)
  std::string MySQLTopologySSLPrivateKeyFile;  ///< client key for TLS to topology servers
  std::string MySQLTopologySSLCertFile;        ///< client certificate for TLS to topology servers
  std::string MySQLTopologySSLCAFile;          ///< CA verifying topology servers
  bool MySQLTopologySSLSkipVerify = false;     ///< TLS without verifying topology servers
  bool MySQLTopologyUseMutualTLS = false;      ///< TLS to topology servers (with client cert)
  bool MySQLTopologyUseMixedTLS = true;        ///< try TLS, fall back to plain per server

  // ---- discovery ----
  int InstancePollSeconds = 5;             ///< probe interval per instance
  int ReasonableInstanceCheckSeconds = 1;  ///< grace before a probe counts as hung
  int DiscoveryMaxConcurrency = 300;       ///< concurrent probes
  int DiscoveryQueueCapacity = 100000;
  bool BufferInstanceWrites = false;  ///< batch backend writes of probe results
  int InstanceWriteBufferSize = 100;
  int InstanceFlushIntervalMilliseconds = 100;
  bool DiscoverByShowSlaveHosts = false;    ///< find replicas with SHOW SLAVE HOSTS first
  std::vector<std::string> DiscoverySeeds;  ///< "host[:port]" probed at startup
  bool SkipMaxScaleCheck = true;
  std::string HostnameResolveMethod = "default";  ///< "default", "cname", "ip" or "none"
  /// "@@hostname", "@@report_host" or "none" (upstream's spellings "default", "hostname",
  /// "report_host" are normalised to these when loading).
  std::string MySQLHostnameResolveMethod = "@@hostname";
  std::vector<std::string> DiscoveryIgnoreHostnameFilters;         ///< regexes never probed
  std::vector<std::string> DiscoveryIgnoreReplicaHostnameFilters;  ///< replicas not followed
  std::vector<std::string> DiscoveryIgnoreMasterHostnameFilters;   ///< masters not followed
  int UnseenInstanceForgetHours = 240;
  std::string ReplicationLagQuery;           ///< heartbeat lag query; "" = Seconds_Behind_Master
  int ReasonableReplicationLagSeconds = 10;  ///< "lagging" threshold in analysis
  int ReasonableMaintenanceReplicationLagSeconds = 20;  ///< max lag for refactoring/takeover
  /// Project key. Cap of the exponential probe back-off for unreachable servers, so dead hosts
  /// do not hold discovery workers for a connect timeout every poll.
  int DeadInstanceBackoffMaxSeconds = 32;

  // ---- classification ----
  std::map<std::string, std::string> ClusterNameToAlias;  ///< cluster name (regex) -> alias
  std::string DetectClusterAliasQuery;
  std::string DetectClusterDomainQuery;
  std::string DetectInstanceAliasQuery;
  std::string DetectPromotionRuleQuery;
  std::string DetectSemiSyncEnforcedQuery;
  std::string DetectDataCenterQuery;
  std::string DetectRegionQuery;
  std::string DetectPhysicalEnvironmentQuery;
  std::string DataCenterPattern;  ///< regex with one capture group applied to the hostname
  std::string RegionPattern;
  std::string PhysicalEnvironmentPattern;
  int CandidateInstanceExpireMinutes = 60;  ///< lifetime of register-candidate

  // ---- failure detection ----
  bool ReduceReplicationAnalysisCount = true;   ///< leave healthy leaves out of the analysis
  int FailureDetectionPeriodBlockMinutes = 60;  ///< OnFailureDetectionProcesses dedupe window
  std::vector<std::string> RecoveryIgnoreHostnameFilters;  ///< regexes dropped from analysis
  /// Seconds a semi-sync master's position must stay frozen to be "locked"; 0 means
  /// ReasonableReplicationLagSeconds (resolved when loading).
  int ReasonableLockedSemiSyncMasterSeconds = 0;
  bool EnforceExactSemiSyncReplicas = false;
  bool RecoverLockedSemiSyncMaster = false;
  bool RecoverNonWriteableMaster = false;

  // ---- recovery ----
  std::vector<std::string> RecoverMasterClusterFilters;  ///< clusters that auto-recover; "*" = all
  std::vector<std::string> RecoverIntermediateMasterClusterFilters;
  int RecoveryPeriodBlockSeconds = 3600;                    ///< anti-flapping window per cluster
  std::vector<std::string> PromotionIgnoreHostnameFilters;  ///< regexes never promoted
  bool ApplyMySQLPromotionAfterMasterFailover = true;       ///< RESET SLAVE ALL + read_only=0
  bool PreventCrossDataCenterMasterFailover = false;
  bool PreventCrossRegionMasterFailover = false;
  int FailMasterPromotionOnLagMinutes = 0;  ///< 0 = off; needs ReplicationLagQuery
  bool FailMasterPromotionIfSQLThreadNotUpToDate = false;
  bool DelayMasterPromotionIfSQLThreadNotUpToDate = false;
  bool DetachLostReplicasAfterMasterFailover = true;
  bool MasterFailoverDetachReplicaMasterHost = false;
  int MasterFailoverLostInstancesDowntimeMinutes = 0;
  int PostponeReplicaRecoveryOnLagMinutes = 0;
  bool CoMasterRecoveryMustPromoteOtherCoMaster = true;
  int InstanceBulkOperationsWaitTimeoutSeconds = 10;
  int MaxConcurrentReplicaOperations = 5;

  // ---- hooks ----
  std::string ProcessesShellCommand = "bash";
  std::vector<std::string> OnFailureDetectionProcesses;
  std::vector<std::string> PreGracefulTakeoverProcesses;
  std::vector<std::string> PreFailoverProcesses;
  std::vector<std::string> PostMasterFailoverProcesses;
  std::vector<std::string> PostIntermediateMasterFailoverProcesses;
  std::vector<std::string> PostFailoverProcesses;
  std::vector<std::string> PostUnsuccessfulFailoverProcesses;
  std::vector<std::string> PostGracefulTakeoverProcesses;
  std::vector<std::string> PostTakeMasterProcesses;
  /// Project key. Upstream waits forever for a hook; a hung hook would stall a failover.
  int HookTimeoutSeconds = 60;

  // ---- key-value stores (master discovery for clients) ----
  std::string KVClusterMasterPrefix = "mysql/master";
  std::string ConsulAddress;
  std::string ConsulScheme = "http";
  std::string ConsulAclToken;  ///< secret; ${ENV} is expanded
  bool ConsulCrossDataCenterDistribution = false;
  std::string ConsulKVStoreProvider = "consul";
  std::string ZkAddress;

  // ---- audit ----
  std::string AuditLogFile;
  bool AuditToBackendDB = false;
  bool AuditToSyslog = false;
  int AuditPurgeDays = 7;

  // ---- project keys: leader election and service ----
  /// How often the leader renews its lease (upstream: fixed 1 s). Must be below the lease.
  int ElectionRenewIntervalMilliseconds = 250;
  /// Lease length after which another node takes over (upstream: fixed 5 s). 1.5 s keeps a
  /// leader takeover under 2 s.
  int ElectionLeaseMilliseconds = 1200;
  /// Requests that may run long operations (mutations) at once; more wait briefly, then get
  /// an error. Reads and health checks never wait for these slots.
  int HTTPThreads = 8;
  /// Open HTTP connections served at once (each holds a thread while open, keep-alive
  /// included). Beyond it only health, leader-check and lb-check are answered.
  int HTTPMaxConnections = 256;
  bool MetricsEnabled = true;  ///< serve Prometheus metrics
};

/// One configuration key: its JSON name and the Config member it fills. The loader, the dumper
/// and the docs test all walk one table, so a key cannot be loadable but missing from the dump.
struct ConfigKey {
  using Member = std::variant<bool Config::*, int Config::*, std::string Config::*,
                              std::vector<std::string> Config::*,
                              std::map<std::string, std::string> Config::*>;
  const char* name;
  Member member;
  /// Passwords and tokens: ${ENV} expanded on load, redacted in dumps, never echoed in messages.
  bool secret;
};

/// Every key of Config, grouped as in the struct.
const std::vector<ConfigKey>& config_keys();

/// Outcome of loading: `ok` false means `error` says why (one line, several problems joined by
/// "; "). Warnings (unknown keys, synonyms overridden, ...) do not stop loading.
struct ConfigLoadResult {
  bool ok = false;
  Config config;
  std::vector<std::string> warnings;
  std::string error;
};

/// Applies one JSON document on top of `base`, then resolves credentials files and derived
/// defaults and validates. `source_name` (normally the file path) prefixes messages.
ConfigLoadResult load_config_text(const std::string& json, const std::string& source_name,
                                  Config base = {});

/// Loads files in order, later files overriding earlier ones key by key (upstream layering),
/// then finalises and validates once. An empty list validates the bare defaults, which fails
/// because the backend (MySQLOrchestratorHost/Database) must be configured.
ConfigLoadResult load_config_files(const std::vector<std::string>& paths);

/// First existing file of /etc/orchestrator.conf.json, conf/orchestrator.conf.json,
/// orchestrator.conf.json (relative paths against the working directory), as upstream.
std::optional<std::string> find_default_config_file();

/// Pretty-printed JSON object (no trailing newline) of every key with its value; non-empty
/// secrets as "********".
std::string dump_config_json(const Config& config);

/// Range and consistency checks; one message per problem, empty when the config is usable.
std::vector<std::string> validate_config(const Config& config);

namespace detail {
/// Parses `json` and assigns the keys it contains onto `config` (no finalisation). Problems are
/// appended to `errors` ("FILE:LINE:COLUMN: ...") and `warnings`. Lives in config_json.cpp so
/// RapidJSON stays out of everything else.
void apply_config_json(const std::string& json, const std::string& source_name, Config& config,
                       std::vector<std::string>& warnings, std::vector<std::string>& errors);
}  // namespace detail

}  // namespace orc::model
