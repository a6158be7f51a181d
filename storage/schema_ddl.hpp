#pragma once
// The backend schema as data: the 24 upstream-compatible tables of spec/schema.md (final shape
// after upstream's base DDL and all patches), plus our own additions. Kept as data rather than
// as CREATE strings so that deployment can add exactly the columns and keys an existing backend
// lacks (a backend created by upstream orchestrator, or by an older version of this binary).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace orc::storage {

/// One column. `definition` is everything after the name in CREATE TABLE, with an explicit
/// character set on every string column so that ALTER TABLE ... ADD COLUMN yields the same
/// column as CREATE TABLE whatever the table's default charset is.
struct ColumnSpec {
  std::string name;
  std::string definition;
};

/// One key. `columns` is the key's column list as written in DDL, prefix lengths included
/// (e.g. "domain_name(32)"). Primary keys are named "PRIMARY", as information_schema shows them.
struct KeySpec {
  enum class Kind { Primary, Unique, Index };
  Kind kind;
  std::string name;
  std::string columns;
};

/// One table. Column and key order is upstream's order; our additions come last.
struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::vector<KeySpec> keys;
  /// Table default charset: "ascii" everywhere except upstream's `audit` ("latin1").
  std::string default_charset = "ascii";
  /// Statements run on every deployment after the table exists (upstream's "special rows").
  /// They must be idempotent (INSERT IGNORE).
  std::vector<std::string> seed_statements;
};

/// All backend tables in creation order: the 24 of spec/schema.md. Our additions to them (the
/// active_node election columns) are part of the specs; docs/schema.md lists them.
const std::vector<TableSpec>& schema_tables();

/// The table named `name`, or nullptr.
const TableSpec* find_table_spec(std::string_view name);

/// CREATE TABLE IF NOT EXISTS for the whole table, keys and table options included.
std::string create_table_sql(const TableSpec& table);

/// ALTER TABLE ... ADD COLUMN for column `index`, placed AFTER its predecessor (or FIRST), so an
/// upgraded table keeps the specified column order.
std::string add_column_sql(const TableSpec& table, std::size_t index);

/// ALTER TABLE ... ADD PRIMARY KEY / UNIQUE KEY / KEY for key `index`.
std::string add_key_sql(const TableSpec& table, std::size_t index);

}  // namespace orc::storage
