#include "storage/schema_deploy.hpp"
#include "model/text.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "storage/backend.hpp"
#include "storage/schema_ddl.hpp"

namespace orc::storage {

namespace {

const std::string kLockName = "orchestrator_schema_deploy";
constexpr int kLockTimeoutSeconds = 30;

constexpr int kErrTableExists = 1050;      // ER_TABLE_EXISTS_ERROR
constexpr int kErrDupFieldName = 1060;     // ER_DUP_FIELDNAME
constexpr int kErrDupKeyName = 1061;       // ER_DUP_KEYNAME
constexpr int kErrMultiplePriKey = 1068;   // ER_MULTIPLE_PRI_KEY
constexpr int kErrNoSuchTable = 1146;      // ER_NO_SUCH_TABLE
constexpr int kErrNotSupportedYet = 1235;  // ER_NOT_SUPPORTED_YET

/// Removes the modes that reject upstream's DDL and queries (schema S13, S16) from a
/// comma-separated sql_mode value.
std::string relaxed_sql_mode(const std::string& mode) {
  static const std::set<std::string> kDropped = {"NO_ZERO_DATE", "NO_ZERO_IN_DATE",
                                                 "ONLY_FULL_GROUP_BY"};
  std::string out;
  std::size_t start = 0;
  while (start <= mode.size()) {
    std::size_t end = mode.find(',', start);
    if (end == std::string::npos) end = mode.size();
    std::string item = mode.substr(start, end - start);
    if (!item.empty() && kDropped.count(item) == 0) {
      if (!out.empty()) out += ',';
      out += item;
    }
    start = end + 1;
  }
  return out;
}

/// Relaxes the session's sql_mode for the lifetime of the guard.
class SqlModeGuard {
 public:
  explicit SqlModeGuard(soci::session& s) : s_(s) {
    s_ << "SELECT @@SESSION.sql_mode", soci::into(original_);
    std::string relaxed = relaxed_sql_mode(original_);
    if (relaxed != original_) {
      s_ << "SET SESSION sql_mode = :m", soci::use(relaxed);
      changed_ = true;
    }
  }
  ~SqlModeGuard() {
    if (!changed_) return;
    try {
      s_ << "SET SESSION sql_mode = :m", soci::use(original_);
    } catch (const soci::soci_error&) {
      // The connection is broken; the mode dies with it.
    }
  }
  SqlModeGuard(const SqlModeGuard&) = delete;
  SqlModeGuard& operator=(const SqlModeGuard&) = delete;

 private:
  soci::session& s_;
  std::string original_;
  bool changed_ = false;
};

/// Holds the server-wide deploy lock. Galera refuses GET_LOCK (ER_NOT_SUPPORTED_YET); there the
/// deployment runs unserialized, which the idempotent statements tolerate.
class DeployLock {
 public:
  explicit DeployLock(soci::session& s) : s_(s) {
    long long got = 0;
    soci::indicator ind = soci::i_ok;
    try {
      s_ << "SELECT GET_LOCK(:name, :timeout)", soci::into(got, ind), soci::use(kLockName),
          soci::use(kLockTimeoutSeconds);
    } catch (const soci::soci_error& e) {
      if (mysql_error_code(e) == kErrNotSupportedYet) return;
      throw;
    }
    if (ind == soci::i_null || got != 1) {
      throw std::runtime_error("deploy_schema: lock '" + kLockName + "' not obtained within " +
                               std::to_string(kLockTimeoutSeconds) + " s");
    }
    held_ = true;
  }
  ~DeployLock() {
    if (!held_) return;
    try {
      s_ << "DO RELEASE_LOCK(:name)", soci::use(kLockName);
    } catch (const soci::soci_error&) {
      // A broken connection releases the lock by itself.
    }
  }
  DeployLock(const DeployLock&) = delete;
  DeployLock& operator=(const DeployLock&) = delete;

 private:
  soci::session& s_;
  bool held_ = false;
};

bool version_recorded(soci::session& s, const std::string& version) {
  long long n = 0;
  try {
    s << "SELECT COUNT(*) FROM orchestrator_db_deployments WHERE deployed_version = :v",
        soci::into(n), soci::use(version);
  } catch (const soci::soci_error& e) {
    if (mysql_error_code(e) == kErrNoSuchTable) return false;
    throw;
  }
  return n > 0;
}

std::set<std::string> lowered(soci::rowset<std::string>& rows) {
  std::set<std::string> names;
  for (const auto& name : rows) names.insert(model::to_lower(name));
  return names;
}

/// Lower-cased names of the tables in the session's current database.
std::set<std::string> existing_tables(soci::session& s) {
  soci::rowset<std::string> rows = (s.prepare << "SELECT table_name FROM information_schema.tables "
                                                 "WHERE table_schema = DATABASE()");
  return lowered(rows);
}

/// Lower-cased values of `column` in information_schema.`catalog` for one table of the current
/// database (column names from "columns", index names from "statistics").
std::set<std::string> table_catalog_names(soci::session& s, const std::string& column,
                                          const std::string& catalog, const std::string& table) {
  soci::rowset<std::string> rows =
      (s.prepare << "SELECT DISTINCT " + column + " FROM information_schema." + catalog +
                        " WHERE table_schema = DATABASE() AND table_name = :t",
       soci::use(table));
  return lowered(rows);
}

/// Runs one DDL statement. Returns false when the server says the change is already there
/// (another deployer got to it first); other errors propagate.
bool run_ddl(soci::session& s, const std::string& sql) {
  try {
    s << sql;
    return true;
  } catch (const soci::soci_error& e) {
    switch (mysql_error_code(e)) {
      case kErrTableExists:
      case kErrDupFieldName:
      case kErrDupKeyName:
      case kErrMultiplePriKey:
        return false;
      default:
        throw;
    }
  }
}

/// Adds the columns and keys an existing table lacks. Returns the statements run.
int upgrade_table(soci::session& s, const TableSpec& table) {
  int run = 0;
  const auto columns = table_catalog_names(s, "column_name", "columns", table.name);
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (columns.count(model::to_lower(table.columns[i].name)) == 0 &&
        run_ddl(s, add_column_sql(table, i))) {
      ++run;
    }
  }
  const auto keys = table_catalog_names(s, "index_name", "statistics", table.name);
  for (std::size_t i = 0; i < table.keys.size(); ++i) {
    if (keys.count(model::to_lower(table.keys[i].name)) == 0 && run_ddl(s, add_key_sql(table, i)))
      ++run;
  }
  return run;
}

std::string current_database(soci::session& s) {
  std::string db;
  s << "SELECT IFNULL(DATABASE(), '')", soci::into(db);
  return db;
}

}  // namespace

SchemaDeployReport deploy_schema(soci::session& s, const std::string& app_version, bool force) {
  if (app_version.empty()) throw std::invalid_argument("deploy_schema: empty version");
  if (current_database(s).empty()) {
    throw std::runtime_error("deploy_schema: the backend session has no default database");
  }
  SchemaDeployReport report{false, app_version, 0};
  if (!force && version_recorded(s, app_version)) return report;

  SqlModeGuard mode(s);
  DeployLock lock(s);
  // Another node may have deployed this version while we waited for the lock.
  if (!force && version_recorded(s, app_version)) return report;

  const auto existing = existing_tables(s);
  for (const auto& table : schema_tables()) {
    if (existing.count(model::to_lower(table.name)) == 0) {
      if (run_ddl(s, create_table_sql(table))) ++report.statements_run;
    } else {
      report.statements_run += upgrade_table(s, table);
    }
    for (const auto& seed : table.seed_statements) {
      s << seed;
      ++report.statements_run;
    }
  }
  s << "REPLACE INTO orchestrator_db_deployments (deployed_version, deployed_timestamp) "
       "VALUES (:v, NOW())",
      soci::use(app_version);
  ++report.statements_run;
  report.deployed = true;
  return report;
}

}  // namespace orc::storage
