#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "model/config.hpp"

using orc::model::Config;
using orc::model::config_keys;
using orc::model::dump_config_json;
using orc::model::load_config_files;
using orc::model::load_config_text;
using orc::model::validate_config;
namespace fs = std::filesystem;

namespace {

/// The two keys validation insists on, so each test only states what it is about.
const std::string kBackend =
    R"("MySQLOrchestratorHost": "127.0.0.1", "MySQLOrchestratorDatabase": "orchestrator")";

std::string with_backend(const std::string& members) {
  return "{" + kBackend + (members.empty() ? "" : ", " + members) + "}";
}

/// A fresh directory under /tmp, removed again at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("orc-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }
};

/// Sets an environment variable for the scope of a test.
struct ScopedEnv {
  std::string name;
  ScopedEnv(const char* n, const char* value) : name(n) { ::setenv(n, value, 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool any_contains(const std::vector<std::string>& items, const std::string& needle) {
  for (const auto& i : items)
    if (contains(i, needle)) return true;
  return false;
}

}  // namespace

TEST_CASE("a default config holds upstream's defaults and the project's own defaults") {
  const Config c;
  CHECK(c.ListenAddress == ":3000");
  CHECK(c.StatusEndpoint == "/api/status");
  CHECK(c.BackendDB == "mysql");
  CHECK(c.MySQLOrchestratorPort == 3306);
  CHECK(c.MySQLOrchestratorMaxPoolConnections == 128);
  CHECK(c.MySQLConnectTimeoutSeconds == 2);
  CHECK(c.MySQLDiscoveryReadTimeoutSeconds == 10);
  CHECK(c.MySQLTopologyReadTimeoutSeconds == 600);
  CHECK(c.InstancePollSeconds == 5);
  CHECK(c.DiscoveryMaxConcurrency == 300);
  CHECK(c.DiscoveryQueueCapacity == 100000);
  CHECK(c.UnseenInstanceForgetHours == 240);
  CHECK(c.ReasonableReplicationLagSeconds == 10);
  CHECK(c.ReasonableMaintenanceReplicationLagSeconds == 20);
  CHECK(c.RecoveryPeriodBlockSeconds == 3600);
  CHECK(c.FailureDetectionPeriodBlockMinutes == 60);
  CHECK(c.PowerAuthUsers == std::vector<std::string>{"*"});
  CHECK(c.RecoverMasterClusterFilters.empty());
  CHECK(c.DetachLostReplicasAfterMasterFailover);
  CHECK(c.ApplyMySQLPromotionAfterMasterFailover);
  CHECK(c.ProcessesShellCommand == "bash");
  CHECK(c.KVClusterMasterPrefix == "mysql/master");
  CHECK(c.AuditPurgeDays == 7);
  CHECK(c.ElectionRenewIntervalMilliseconds == 250);
  CHECK(c.ElectionLeaseMilliseconds == 1200);
  CHECK(c.HookTimeoutSeconds == 60);
  CHECK(c.DeadInstanceBackoffMaxSeconds == 32);
  CHECK(c.HTTPThreads == 8);
  CHECK(c.MetricsEnabled);
}

TEST_CASE("a minimal file keeps the defaults and derives the locked semi-sync threshold") {
  auto r = load_config_text(with_backend(R"("ReasonableReplicationLagSeconds": 7)"), "min.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.warnings.empty());
  CHECK(r.config.MySQLOrchestratorHost == "127.0.0.1");
  CHECK(r.config.InstancePollSeconds == 5);
  CHECK(r.config.ReasonableLockedSemiSyncMasterSeconds == 7);
  auto explicit_value =
      load_config_text(with_backend(R"("ReasonableLockedSemiSyncMasterSeconds": 3)"), "min.json");
  CHECK(explicit_value.config.ReasonableLockedSemiSyncMasterSeconds == 3);
}

TEST_CASE("spellings are normalised when loading") {
  auto r = load_config_text(with_backend(R"("URLPrefix": "orc/", "BackendDB": "MySQL",
      "MySQLHostnameResolveMethod": "report_host", "HostnameResolveMethod": "NONE")"),
                            "n.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.URLPrefix == "/orc");
  CHECK(r.config.BackendDB == "mysql");
  CHECK(r.config.MySQLHostnameResolveMethod == "@@report_host");
  CHECK(r.config.HostnameResolveMethod == "none");
}

TEST_CASE("later configuration files override earlier ones key by key") {
  TempDir dir;
  const auto base = dir.write("base.json", with_backend(R"("InstancePollSeconds": 7,
      "ListenAddress": ":3100", "RecoverMasterClusterFilters": ["a", "b"])"));
  const auto extra = dir.write("extra.json", R"({"InstancePollSeconds": 2,
      "RecoverMasterClusterFilters": ["*"]})");
  auto r = load_config_files({base, extra});
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.InstancePollSeconds == 2);
  CHECK(r.config.ListenAddress == ":3100");
  CHECK(r.config.MySQLOrchestratorDatabase == "orchestrator");
  CHECK(r.config.RecoverMasterClusterFilters == std::vector<std::string>{"*"});

  auto reversed = load_config_files({extra, base});
  REQUIRE(reversed.ok);
  CHECK(reversed.config.InstancePollSeconds == 7);
}

TEST_CASE("load_config_text applies a document on top of a given base") {
  Config base;
  base.MySQLOrchestratorHost = "db-backend";
  base.MySQLOrchestratorDatabase = "orc";
  base.InstancePollSeconds = 9;
  auto r = load_config_text(R"({"ListenAddress": "127.0.0.1:3300"})", "overlay", base);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.InstancePollSeconds == 9);
  CHECK(r.config.ListenAddress == "127.0.0.1:3300");
}

TEST_CASE("a missing configuration file is an error naming the file") {
  TempDir dir;
  auto r = load_config_files({(dir.path / "nope.json").string()});
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error, "nope.json"));
  CHECK(contains(r.error, "No such file"));
}

TEST_CASE("malformed JSON is reported as FILE:LINE:COLUMN with RapidJSON's message") {
  auto missing_colon = load_config_text(
      "{\n  \"InstancePollSeconds\": 5,\n  \"ListenAddress\" \":3000\"\n}", "bad.json");
  CHECK_FALSE(missing_colon.ok);
  CHECK(missing_colon.error == "bad.json:3:19: Missing a colon after a name of object member.");

  auto trailing_comma = load_config_text("{\"Debug\": true,\n}", "comma.json");
  CHECK(trailing_comma.error == "comma.json:2:1: Missing a name for object member.");

  // Columns count characters, not bytes: "é" is two bytes but one column.
  auto utf8 = load_config_text("{\"WebMessage\": \"é\" x}", "u.json");
  CHECK(utf8.error == "u.json:1:20: Missing a comma or '}' after an object member.");

  auto empty = load_config_text("", "empty.json");
  CHECK(empty.error == "empty.json:1:1: The document is empty.");
}

TEST_CASE("a configuration that is not a JSON object is rejected") {
  auto r = load_config_text("[1, 2]", "arr.json");
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error, "arr.json"));
  CHECK(contains(r.error, "must be a JSON object, found array"));
}

TEST_CASE("a value of the wrong type names the key, the expected and the found type") {
  const std::string text = "{\n" + kBackend + ",\n  \"InstancePollSeconds\": \"5\"\n}";
  auto r = load_config_text(text, "t.json");
  CHECK_FALSE(r.ok);
  CHECK(r.error ==
        "t.json:3:3: configuration key \"InstancePollSeconds\": expected integer, "
        "found string");

  struct Case {
    const char* members;
    const char* expected;
  };
  const Case cases[] = {
      {R"("ReadOnly": "true")", "\"ReadOnly\": expected boolean, found string"},
      {R"("InstancePollSeconds": 5.5)", "\"InstancePollSeconds\": expected integer, found number"},
      {R"("InstancePollSeconds": true)", "expected integer, found boolean"},
      {R"("InstancePollSeconds": 4294967296)", "\"InstancePollSeconds\": integer out of range"},
      {R"("ListenAddress": 3000)", "\"ListenAddress\": expected string, found integer"},
      {R"("DiscoverySeeds": "db1")", "\"DiscoverySeeds\": expected array of strings, found string"},
      {R"("DiscoverySeeds": ["db1", 3306])", "element 1: expected string, found integer"},
      {R"("ClusterNameToAlias": {"a": 1})", "value of \"a\": expected string, found integer"},
      {R"("ClusterNameToAlias": [])", "expected object of strings, found array"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.members);
    auto bad = load_config_text(with_backend(c.members), "t.json");
    CHECK_FALSE(bad.ok);
    CHECK(contains(bad.error, c.expected));
    CHECK(contains(bad.error, "t.json:1:"));
  }
}

TEST_CASE("every type error of a file is reported, each at its own position") {
  auto r = load_config_text("{\"ReadOnly\": 1,\n \"Debug\": \"no\"}", "two.json");
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error, "two.json:1:2: configuration key \"ReadOnly\""));
  CHECK(contains(r.error, "two.json:2:2: configuration key \"Debug\""));
}

TEST_CASE("unknown keys are warned about one by one and do not stop loading") {
  auto r =
      load_config_text(with_backend(R"("Foo": 1, "InstancePollSecond": 3, "Bar": [])"), "w.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  REQUIRE(r.warnings.size() == 3);
  CHECK(r.warnings[0] == "unknown configuration key \"Foo\" in w.json");
  CHECK(r.warnings[1] ==
        "unknown configuration key \"InstancePollSecond\" in w.json (did you mean "
        "\"InstancePollSeconds\"?)");
  CHECK(r.config.InstancePollSeconds == 5);
}

TEST_CASE("upstream keys for unsupported features get their own warning") {
  auto r = load_config_text(with_backend(R"("AutoPseudoGTID": true, "RaftBind": "x")"), "u.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  REQUIRE(r.warnings.size() == 2);
  CHECK(contains(r.warnings[0], "\"AutoPseudoGTID\" in u.json is an upstream feature"));
  CHECK_FALSE(contains(r.warnings[0], "unknown"));
}

TEST_CASE("keys match case-insensitively like upstream's JSON decoder, with a warning") {
  auto r = load_config_text(with_backend(R"("instancepollseconds": 3)"), "c.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.InstancePollSeconds == 3);
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "is taken as \"InstancePollSeconds\""));
}

TEST_CASE("a key given twice warns and the last value wins") {
  auto r = load_config_text(with_backend(R"("InstancePollSeconds": 3, "InstancePollSeconds": 4)"),
                            "d.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.InstancePollSeconds == 4);
  CHECK(any_contains(r.warnings, "appears more than once"));
}

TEST_CASE("null keeps a scalar's value and empties a list, as Go's decoder does") {
  auto r = load_config_text(with_backend(R"("InstancePollSeconds": null, "PowerAuthUsers": null)"),
                            "n.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.InstancePollSeconds == 5);
  CHECK(r.config.PowerAuthUsers.empty());
}

TEST_CASE("upstream's old key names set the new keys") {
  auto r = load_config_text(with_backend(R"("SlaveLagQuery": "select lag from hb",
      "DetachLostSlavesAfterMasterFailover": false, "MasterFailoverDetachSlaveMasterHost": true,
      "PostponeSlaveRecoveryOnLagMinutes": 3, "RecoveryPeriodBlockMinutes": 5)"),
                            "s.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.warnings.empty());
  CHECK(r.config.ReplicationLagQuery == "select lag from hb");
  CHECK_FALSE(r.config.DetachLostReplicasAfterMasterFailover);
  CHECK(r.config.MasterFailoverDetachReplicaMasterHost);
  CHECK(r.config.PostponeReplicaRecoveryOnLagMinutes == 3);
  CHECK(r.config.RecoveryPeriodBlockSeconds == 300);
}

TEST_CASE("the new key name wins over its old synonym in the same file") {
  auto r = load_config_text(
      with_backend(R"("RecoveryPeriodBlockMinutes": 5, "RecoveryPeriodBlockSeconds": 42)"),
      "s.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.RecoveryPeriodBlockSeconds == 42);
  CHECK(any_contains(r.warnings, "\"RecoveryPeriodBlockMinutes\" in s.json is ignored"));
}

TEST_CASE("a synonym in a later file overrides the new key from an earlier file") {
  TempDir dir;
  const auto a = dir.write("a.json", with_backend(R"("RecoveryPeriodBlockSeconds": 42)"));
  const auto b = dir.write("b.json", R"({"RecoveryPeriodBlockMinutes": 2})");
  auto r = load_config_files({a, b});
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.RecoveryPeriodBlockSeconds == 120);
}

TEST_CASE("${VAR} in password values is expanded from the environment") {
  ScopedEnv pw("ORC_CONFIG_TEST_PW", "s3cret-from-env");
  auto r = load_config_text(with_backend(R"("MySQLTopologyPassword": "${ORC_CONFIG_TEST_PW}",
      "MySQLOrchestratorPassword": "pre-${ORC_CONFIG_TEST_PW}-$HOME-${not valid}",
      "HTTPAuthPassword": "${ORC_CONFIG_TEST_PW}", "MySQLTopologyUser": "${ORC_CONFIG_TEST_PW}")"),
                            "e.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.MySQLTopologyPassword == "s3cret-from-env");
  CHECK(r.config.MySQLOrchestratorPassword == "pre-s3cret-from-env-$HOME-${not valid}");
  CHECK(r.config.HTTPAuthPassword == "s3cret-from-env");
  CHECK(r.config.MySQLTopologyUser == "${ORC_CONFIG_TEST_PW}");  // only secrets are expanded
}

TEST_CASE("an unset environment variable in a password is an error naming the variable") {
  ::unsetenv("ORC_CONFIG_TEST_UNSET");
  auto r = load_config_text(
      with_backend(R"("MySQLOrchestratorPassword": "x${ORC_CONFIG_TEST_UNSET}")"), "e.json");
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error, "e.json:1:"));
  CHECK(contains(r.error,
                 "\"MySQLOrchestratorPassword\" refers to environment variable "
                 "\"ORC_CONFIG_TEST_UNSET\", which is not set"));
}

TEST_CASE("credentials files override user and password from their [client] section") {
  TempDir dir;
  const auto cnf = dir.write("orc.cnf",
                             "# credentials\n[mysqld]\nuser = wrong\n\n[client]\n"
                             "user = cnf_user\npassword = \"p#ss word\"  # comment\n");
  const auto topo = dir.write("topo.cnf", "[client]\npassword=to\\spo#comment\n");
  auto r = load_config_text(with_backend(R"("MySQLOrchestratorUser": "json_user",
      "MySQLOrchestratorPassword": "json_pw", "MySQLOrchestratorCredentialsConfigFile": ")" +
                                         cnf + R"(", "MySQLTopologyUser": "json_topo",
      "MySQLTopologyCredentialsConfigFile": ")" +
                                         topo + "\""),
                            "c.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.config.MySQLOrchestratorUser == "cnf_user");
  CHECK(r.config.MySQLOrchestratorPassword == "p#ss word");
  CHECK(r.config.MySQLTopologyUser == "json_topo");  // no user in the file: JSON value stays
  CHECK(r.config.MySQLTopologyPassword == "to po");  // "\\s" is an escaped space
}

TEST_CASE("a missing or useless credentials file is an error") {
  TempDir dir;
  auto missing = load_config_text(
      with_backend(R"("MySQLTopologyCredentialsConfigFile": "/nonexistent/orc.cnf")"), "c.json");
  CHECK_FALSE(missing.ok);
  CHECK(contains(missing.error, "MySQLTopologyCredentialsConfigFile \"/nonexistent/orc.cnf\""));

  const auto empty = dir.write("empty.cnf", "[mysqld]\nuser=x\n");
  auto useless = load_config_text(
      with_backend(R"("MySQLTopologyCredentialsConfigFile": ")" + empty + "\""), "c.json");
  CHECK_FALSE(useless.ok);
  CHECK(contains(useless.error, "no user or password in a [client] section"));
}

TEST_CASE("RaftEnabled is refused because only a shared backend is supported") {
  auto r = load_config_text(with_backend(R"("RaftEnabled": true)"), "r.json");
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error, "raft is not supported; use a shared backend"));
  CHECK_FALSE(load_config_text(with_backend(R"("BackendDB": "sqlite")"), "r.json").ok);
}

TEST_CASE("validation names each out-of-range setting") {
  auto r =
      load_config_text(with_backend(R"("InstancePollSeconds": 0, "MySQLOrchestratorPort": 70000,
      "DefaultInstancePort": 0, "ElectionLeaseMilliseconds": 250, "HTTPThreads": -1,
      "RecoveryPeriodBlockSeconds": -5, "ListenAddress": "3000")"),
                       "v.json");
  CHECK_FALSE(r.ok);
  for (const char* expected :
       {"InstancePollSeconds must be at least 1 (is 0)",
        "MySQLOrchestratorPort must be a port in 1..65535 (is 70000)",
        "DefaultInstancePort must be a port in 1..65535 (is 0)",
        "ElectionLeaseMilliseconds (250) must be greater than ElectionRenewIntervalMilliseconds "
        "(250)",
        "HTTPThreads must be at least 1 (is -1)", "RecoveryPeriodBlockSeconds must be at least 0",
        "ListenAddress must look like"}) {
    CAPTURE(expected);
    CHECK(contains(r.error, expected));
  }
}

TEST_CASE("validation rejects bad patterns, seeds, enumerations and contradictions") {
  Config c;
  c.MySQLOrchestratorHost = "h";
  c.MySQLOrchestratorDatabase = "d";
  CHECK(validate_config(c).empty());
  c.DiscoveryIgnoreHostnameFilters = {"db[1"};
  c.RecoverMasterClusterFilters = {"*", "alias=prod", "alias~=(", "^db"};
  c.DataCenterPattern = "dc-[a-z]+";
  c.DiscoverySeeds = {"db1:99999"};
  c.MySQLHostnameResolveMethod = "@@weird";
  c.AuthenticationMethod = "basic";
  c.FailMasterPromotionIfSQLThreadNotUpToDate = true;
  c.DelayMasterPromotionIfSQLThreadNotUpToDate = true;
  c.FailMasterPromotionOnLagMinutes = 1;
  c.PreFailoverProcesses = {"  "};
  c.PromotionIgnoreHostnameFilters = {"^db", "(?i)^DB"};  // RE2 inline flags: not ECMAScript
  const auto errs = validate_config(c);
  CHECK(errs.size() == 10);
  CHECK(
      any_contains(errs, "PromotionIgnoreHostnameFilters: invalid regular expression \"(?i)^DB\""));
  CHECK(any_contains(errs, "DiscoveryIgnoreHostnameFilters: invalid regular expression \"db[1\""));
  CHECK(any_contains(errs, "RecoverMasterClusterFilters: invalid regular expression \"(\""));
  CHECK(any_contains(errs, "DataCenterPattern must contain a capture group"));
  CHECK(any_contains(errs, "DiscoverySeeds entry \"db1:99999\" is invalid"));
  CHECK(any_contains(errs, "MySQLHostnameResolveMethod must be one of"));
  CHECK(any_contains(errs, "needs HTTPAuthUser and HTTPAuthPassword"));
  CHECK(any_contains(errs, "cannot both be true"));
  CHECK(any_contains(errs, "FailMasterPromotionOnLagMinutes needs ReplicationLagQuery"));
  CHECK(any_contains(errs, "PreFailoverProcesses contains an empty command"));
}

TEST_CASE("the dump lists every key, redacts secrets and loads back to the same config") {
  const std::string pw = "Kn0wn-Pa55word";
  ScopedEnv env("ORC_CONFIG_TEST_DUMP_PW", pw.c_str());
  TempDir dir;
  const auto cnf = dir.write("b.cnf", "[client]\npassword=" + pw + "\n");
  auto r = load_config_text(with_backend(R"("MySQLTopologyPassword": ")" + pw + R"(",
      "HTTPAuthPassword": "${ORC_CONFIG_TEST_DUMP_PW}", "MySQLReplicationPassword": ")" +
                                         pw + R"(", "ConsulAclToken": ")" + pw + R"(",
      "MySQLOrchestratorCredentialsConfigFile": ")" +
                                         cnf + R"(",
      "ClusterNameToAlias": {"^db1": "main"}, "DiscoverySeeds": ["db1:3307"])"),
                            "d.json");
  REQUIRE_MESSAGE(r.ok, r.error);
  REQUIRE(r.config.MySQLOrchestratorPassword == pw);
  REQUIRE(r.config.HTTPAuthPassword == pw);
  const auto dump = dump_config_json(r.config);
  CHECK_FALSE(contains(dump, pw));
  CHECK(contains(dump, "\"MySQLTopologyPassword\": \"********\""));
  CHECK(contains(dump, "\"ConsulAclToken\": \"********\""));
  CHECK(contains(dump, "\"MySQLOrchestratorPassword\": \"********\""));

  rapidjson::Document doc;
  doc.Parse(dump.c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc.MemberCount() == config_keys().size());
  for (const auto& k : config_keys()) {
    CAPTURE(k.name);
    CHECK(doc.HasMember(k.name));
  }

  // Feeding the dump back gives the same settings (passwords aside) and no warnings; the
  // credentials file re-applies, so drop it for the round trip.
  Config unredacted = r.config;
  unredacted.MySQLOrchestratorCredentialsConfigFile.clear();
  auto again = load_config_text(dump_config_json(unredacted), "dump.json");
  REQUIRE_MESSAGE(again.ok, again.error);
  CHECK(again.warnings.empty());
  CHECK(dump_config_json(again.config) == dump_config_json(unredacted));
}

TEST_CASE("secrets never appear in errors or warnings") {
  const std::string pw = "Sup3r-Secret-Value";
  ScopedEnv env("ORC_CONFIG_TEST_LEAK_PW", pw.c_str());
  TempDir dir;
  const auto cnf = dir.write("bad.cnf", "[client]\npassword=\"" + pw + "\n");  // unterminated
  auto r = load_config_text(with_backend(R"("HTTPAuthPassword": "${ORC_CONFIG_TEST_LEAK_PW}",
      "AuthenticationMethod": "basic", "MySQLTopologyPasswrd": ")" +
                                         pw + R"(",
      "MySQLTopologyCredentialsConfigFile": ")" +
                                         cnf + "\""),
                            "l.json");
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error, "unterminated quote"));
  CHECK_FALSE(contains(r.error, pw));
  for (const auto& w : r.warnings) CHECK_FALSE(contains(w, pw));
  CHECK(any_contains(r.warnings, "\"MySQLTopologyPasswrd\""));

  Config c;
  c.AuthenticationMethod = "multi";
  c.HTTPAuthPassword = pw;
  for (const auto& e : validate_config(c)) CHECK_FALSE(contains(e, pw));
}

TEST_CASE("the sample configuration loads with no warnings") {
  const std::string path = std::string(ORC_SOURCE_DIR) + "/orchestrator.conf.json.sample";
  auto r = load_config_files({path});
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.warnings.empty());
  CHECK(r.config.MySQLOrchestratorHost == "127.0.0.1");
  CHECK(r.config.MySQLTopologyUser == "orc");
  CHECK(r.config.InstancePollSeconds == 5);
  CHECK(r.config.DiscoverByShowSlaveHosts);
  CHECK(r.config.RecoverMasterClusterFilters == std::vector<std::string>{"*"});
  CHECK_FALSE(r.config.PostFailoverProcesses.empty());
}

TEST_CASE("docs/configuration.md lists every key with its actual default") {
  std::ifstream in(std::string(ORC_SOURCE_DIR) + "/docs/configuration.md");
  REQUIRE(in);
  rapidjson::Document defaults;
  defaults.Parse(dump_config_json(Config{}).c_str());
  REQUIRE(defaults.IsObject());
  const std::set<std::string> project_keys = {"ElectionRenewIntervalMilliseconds",
                                              "ElectionLeaseMilliseconds",
                                              "HookTimeoutSeconds",
                                              "DeadInstanceBackoffMaxSeconds",
                                              "HTTPThreads",
                                              "HTTPMaxConnections",
                                              "MetricsEnabled",
                                              "MySQLReplicationUser",
                                              "MySQLReplicationPassword"};
  std::set<std::string> documented;
  std::string line;
  bool in_keys = false;
  while (std::getline(in, line)) {
    // After "## Keys", key rows look like: | `Name` | `default as JSON` | meaning |
    if (line.rfind("## ", 0) == 0) in_keys = line == "## Keys";
    if (!in_keys || line.rfind("| `", 0) != 0) continue;
    const auto name_end = line.find('`', 3);
    const auto cell = line.find("| `", name_end);
    const auto cell_end = line.find("` |", cell + 3);
    REQUIRE(cell_end != std::string::npos);
    const std::string name = line.substr(3, name_end - 3);
    const std::string value = line.substr(cell + 3, cell_end - cell - 3);
    CAPTURE(name);
    REQUIRE(defaults.HasMember(name.c_str()));
    rapidjson::Document documented_default;
    documented_default.Parse(value.c_str());
    REQUIRE_FALSE(documented_default.HasParseError());
    CHECK(documented_default == defaults[name.c_str()]);
    CHECK(contains(line, "project key") == (project_keys.count(name) == 1));
    documented.insert(name);
  }
  for (const auto& k : config_keys()) {
    CAPTURE(k.name);
    CHECK(documented.count(k.name) == 1);
  }
}

TEST_CASE("the default config file is searched in /etc, then conf/, then the working directory") {
  if (fs::exists("/etc/orchestrator.conf.json")) return;  // the machine's own file would win
  TempDir dir;
  const auto old_cwd = fs::current_path();
  fs::current_path(dir.path);
  CHECK_FALSE(orc::model::find_default_config_file());
  dir.write("orchestrator.conf.json", "{}");
  CHECK(orc::model::find_default_config_file() ==
        std::optional<std::string>("orchestrator.conf.json"));
  dir.write("conf/orchestrator.conf.json", "{}");
  CHECK(orc::model::find_default_config_file() ==
        std::optional<std::string>("conf/orchestrator.conf.json"));
  fs::current_path(old_cwd);
}
