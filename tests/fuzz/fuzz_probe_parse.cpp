// Probe-row parsing (storage/probe_parse): the rows a managed server returns are untrusted
// text. The input is split into result sets by lines holding only "--", in the order
// variables, status, master status, replica status, replica hosts, processlist; rows by '\n';
// cells by '\t'; a cell is "Column=value", or "Column" alone for SQL NULL. The first byte
// picks the server version the dialect is built for.

#include <array>
#include <string>

#include "storage/probe_parse.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace orc::fuzz {
namespace {

using storage::Row;
using storage::Rows;

constexpr std::array<const char*, 6> kVersions = {
    "10.11.19-MariaDB-0+deb12u1-log", "5.7.44-log", "8.0.21", "8.0.22", "8.0.26", "8.4.3"};

Row parse_row(std::string_view line) {
  Row row;
  Bytes cells(reinterpret_cast<const uint8_t*>(line.data()), line.size());
  while (!cells.empty()) {
    auto cell = cells.until('\t');
    auto eq = cell.find('=');
    if (eq == std::string_view::npos)
      row[std::string(cell)] = std::nullopt;
    else
      row[std::string(cell.substr(0, eq))] = std::string(cell.substr(eq + 1));
  }
  return row;
}

/// Splits the input into up to six result sets.
std::array<Rows, 6> parse_sets(Bytes& in) {
  std::array<Rows, 6> sets;
  std::size_t current = 0;
  while (!in.empty() && sets[0].size() + sets[3].size() < 4096) {
    auto line = in.until('\n');
    if (line == "--") {
      if (++current == sets.size()) break;
      continue;
    }
    sets[current].push_back(parse_row(line));
  }
  return sets;
}

/// Keys out of SHOW SLAVE HOSTS are valid, sorted, unique, and carry a port some row really
/// reported (a 64-bit port must not wrap into a valid-looking one).
void check_replica_hosts(const Rows& rows) {
  auto keys = storage::parse_replica_hosts(rows);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    FUZZ_CHECK(keys[i].valid());
    if (i > 0) FUZZ_CHECK(keys[i - 1] < keys[i]);
    bool reported = false;
    for (const auto& r : rows)
      reported |= storage::parse_int(storage::row_value(r, "Port")) == int64_t{keys[i].port};
    FUZZ_CHECK(reported);
  }
}

void check_cells(const Rows& rows) {
  for (const auto& row : rows)
    for (const auto& [name, value] : row) {
      (void)storage::parse_bool(value);
      auto lag = storage::parse_lag_seconds(value);
      auto whole = storage::parse_int(value);
      if (whole) FUZZ_CHECK(lag == whole);
    }
}

/// The master port comes from the row, never from a wrapped 64-bit value: it is the value of
/// Master_Port or Source_Port (a row holding both, which no server sends, may give either,
/// by the dialect's preference).
void check_master_port(const model::Instance& inst, const Row& row) {
  if (inst.master_key.port == 0) return;
  const int64_t port = inst.master_key.port;
  FUZZ_CHECK(storage::parse_int(storage::row_value(row, "Master_Port")) == port ||
             storage::parse_int(storage::row_value(row, "Source_Port")) == port);
}

}  // namespace
}  // namespace orc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace orc;
  fuzz::Bytes in(data, size);
  auto version_text = fuzz::kVersions[in.byte() % fuzz::kVersions.size()];
  auto sets = fuzz::parse_sets(in);
  const auto vars = storage::name_value_map(sets[0]);
  const auto status = storage::name_value_map(sets[1]);

  model::Instance inst;
  auto parsed = storage::apply_global_variables(inst, vars);
  auto version = parsed ? *parsed : *model::parse_server_version(version_text);
  storage::Dialect dialect(version);
  storage::apply_gtid_vars(inst, vars);
  storage::apply_uptime(inst, status);
  storage::apply_master_status(inst, sets[2]);
  storage::apply_replica_status(inst, sets[3], dialect);
  if (!sets[3].empty()) fuzz::check_master_port(inst, sets[3].back());
  if (inst.seconds_behind_master) FUZZ_CHECK(*inst.seconds_behind_master >= 0);
  (void)storage::detect_semi_sync_family(vars);
  storage::apply_semi_sync(inst, vars, status);
  fuzz::check_replica_hosts(sets[4]);
  for (int port : {3306, 0, 65536}) {
    for (const auto& k : storage::parse_processlist_replica_hosts(sets[5], port))
      FUZZ_CHECK(k.valid() && k.port == port);
  }
  for (const auto& set : sets) fuzz::check_cells(set);
  return 0;
}
