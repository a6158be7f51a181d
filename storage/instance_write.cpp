// Batched database_instance writes: the full upsert, touches, failures and attempt markers.
// Values are always bound through SOCI (which escapes them with the connection's own
// mysql_real_escape_string); hostnames and error texts come from the managed servers and are
// untrusted. SOCI's MySQL backend runs vector ("bulk") binds as one statement per row, so
// multi-row statements bind one scalar per placeholder instead.

#include <soci/soci.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <variant>

#include "model/version.hpp"
#include "storage/go_quote.hpp"
#include "storage/instance_dao.hpp"

namespace orc::storage {

namespace {

using model::Instance;
using model::InstanceKey;
using model::ThreadState;

/// One value of a database_instance column, as bound to the upsert. Text that needs no change
/// is a view into the Instance, so persisted_state_equal compares without copying; derived or
/// adjusted text is owned.
using SqlValue =
    std::variant<std::monostate, long long, unsigned long long, std::string_view, std::string>;

bool is_text(const SqlValue& v) {
  return std::holds_alternative<std::string_view>(v) || std::holds_alternative<std::string>(v);
}
std::string_view text_of(const SqlValue& v) {
  if (const auto* view = std::get_if<std::string_view>(&v)) return *view;
  return std::get<std::string>(v);
}
bool same_value(const SqlValue& a, const SqlValue& b) {
  if (is_text(a) && is_text(b)) return text_of(a) == text_of(b);
  return a == b;
}

/// TEXT columns hold at most 65535 bytes.
constexpr std::size_t kTextWidth = 65535;

/// All database_instance columns are ascii and strict sql_mode rejects other bytes or overlong
/// values; one bad value would fail the whole 200-row statement (and its retries), so values are
/// made to fit: bytes >= 0x80 become '?' (as a non-strict server would store them) and text is
/// cut at the column width.
SqlValue fit_text(std::string_view text, std::size_t width) {
  auto non_ascii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
  if (text.size() <= width && std::none_of(text.begin(), text.end(), non_ascii)) return text;
  std::string out(text.substr(0, width));
  std::replace_if(out.begin(), out.end(), non_ascii, '?');
  return out;
}
/// Like fit_text for text computed on the fly, which must be owned.
SqlValue fit_owned(std::string text, std::size_t width) {
  SqlValue v = fit_text(text, width);
  if (std::holds_alternative<std::string_view>(v)) return text;
  return v;
}

SqlValue flag(bool b) {
  return static_cast<long long>(b ? 1 : 0);
}
SqlValue num(long long v) {
  return v;
}
SqlValue unum(unsigned long long v) {
  return v;
}
/// Small unsigned columns (tinyint unsigned): out-of-range values would fail strict mode.
SqlValue clamp_num(long long v, long long lo, long long hi) {
  return std::clamp(v, lo, hi);
}
/// Lag columns are BIGINT UNSIGNED NULL: NULL stays NULL, a negative lag (clock skew) is 0.
SqlValue lag(const std::optional<int64_t>& v) {
  if (!v) return std::monostate{};
  return static_cast<unsigned long long>(std::max<int64_t>(0, *v));
}
/// Replication errors are stored Go-quoted (S4); an empty error stays ''.
SqlValue error_text(const std::string& e) {
  return e.empty() ? SqlValue(std::string_view()) : fit_owned(go_quote_ascii(e), kTextWidth);
}
SqlValue major_version_of(const Instance& i) {
  if (!i.major_version.empty()) return fit_text(i.major_version, 16);
  auto v = model::parse_server_version(i.version, i.version_comment);
  return fit_owned(v ? v->major_version_string() : "0.0", 16);
}

/// Valid keys sorted by hostname (bytewise) then port, duplicates removed: the S5 list order.
std::vector<InstanceKey> sorted_unique_keys(std::vector<InstanceKey> keys) {
  keys.erase(std::remove_if(keys.begin(), keys.end(), [](const auto& k) { return !k.valid(); }),
             keys.end());
  auto tie = [](const InstanceKey& k) { return std::tie(k.hostname, k.port); };
  std::sort(keys.begin(), keys.end(),
            [&](const auto& a, const auto& b) { return tie(a) < tie(b); });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [&](const auto& a, const auto& b) { return tie(a) == tie(b); }),
             keys.end());
  return keys;
}

/// Exact (bytewise) equality of two key lists as stored: same keys after sorting and dedup.
bool same_key_lists(const std::vector<InstanceKey>& a, const std::vector<InstanceKey>& b) {
  auto tie = [](const InstanceKey& k) { return std::tie(k.hostname, k.port); };
  auto same = [&](const InstanceKey& x, const InstanceKey& y) { return tie(x) == tie(y); };
  if (std::equal(a.begin(), a.end(), b.begin(), b.end(), same)) return true;
  auto sa = sorted_unique_keys(a), sb = sorted_unique_keys(b);
  return std::equal(sa.begin(), sa.end(), sb.begin(), sb.end(), same);
}

/// A column bound by the upsert: its name and how its value derives from an Instance.
struct BoundColumn {
  const char* name;
  SqlValue (*value)(const Instance&);
  /// Uptime and discovery latency change on every probe without being a state change; they are
  /// left out of persisted_state_equal.
  bool probe_noise = false;
  /// For the JSON list columns: compares the lists instead of encoding both (which made
  /// persisted_state_equal several times slower; the discovery loop calls it very often).
  bool (*same)(const Instance&, const Instance&) = nullptr;
};

bool same_replicas(const Instance& a, const Instance& b) {
  return same_key_lists(a.replicas, b.replicas);
}
bool same_group_members(const Instance& a, const Instance& b) {
  return same_key_lists(a.replication_group_members, b.replication_group_members);
}

/// The 74 bound columns in schema order; with the 4 check columns set from NOW() and the literal
/// 1 (kCheckColumns) they are all 78 columns of database_instance.
const BoundColumn kBoundColumns[] = {
    {"hostname", [](const Instance& i) { return fit_text(i.key.hostname, 128); }},
    {"port", [](const Instance& i) { return num(i.key.port); }},
    {"uptime", [](const Instance& i) { return unum(i.uptime); }, true},
    {"server_id", [](const Instance& i) { return unum(i.server_id); }},
    {"server_uuid", [](const Instance& i) { return fit_text(i.server_uuid, 64); }},
    {"version", [](const Instance& i) { return fit_text(i.version, 128); }},
    {"binlog_server", [](const Instance& i) { return flag(i.binlog_server); }},
    {"read_only", [](const Instance& i) { return flag(i.read_only); }},
    {"binlog_format", [](const Instance& i) { return fit_text(i.binlog_format, 16); }},
    {"log_bin", [](const Instance& i) { return flag(i.log_bin_enabled); }},
    {"log_slave_updates", [](const Instance& i) { return flag(i.log_slave_updates_enabled); }},
    {"binary_log_file",
     [](const Instance& i) { return fit_text(i.self_binlog_coordinates.log_file, 128); }},
    {"binary_log_pos", [](const Instance& i) { return unum(i.self_binlog_coordinates.log_pos); }},
    // S4: a non-replica stores master_host '' and master_port 0.
    {"master_host",
     [](const Instance& i) {
       return fit_text(i.master_key.valid() ? std::string_view(i.master_key.hostname) : "", 128);
     }},
    {"master_port",
     [](const Instance& i) { return num(i.master_key.valid() ? i.master_key.port : 0); }},
    {"slave_sql_running",
     [](const Instance& i) { return flag(i.sql_thread_state == ThreadState::Running); }},
    {"slave_io_running",
     [](const Instance& i) { return flag(i.io_thread_state == ThreadState::Running); }},
    {"replication_sql_thread_state",
     [](const Instance& i) { return num(static_cast<int>(i.sql_thread_state)); }},
    {"replication_io_thread_state",
     [](const Instance& i) { return num(static_cast<int>(i.io_thread_state)); }},
    {"has_replication_filters", [](const Instance& i) { return flag(i.has_replication_filters); }},
    {"oracle_gtid", [](const Instance& i) { return flag(i.using_oracle_gtid); }},
    {"master_uuid", [](const Instance& i) { return fit_text(i.master_uuid, 64); }},
    {"ancestry_uuid", [](const Instance& i) { return fit_text(i.ancestry_uuid, kTextWidth); }},
    {"executed_gtid_set",
     [](const Instance& i) { return fit_text(i.executed_gtid_set, kTextWidth); }},
    {"gtid_purged", [](const Instance& i) { return fit_text(i.gtid_purged, kTextWidth); }},
    {"gtid_errant", [](const Instance& i) { return fit_text(i.gtid_errant, kTextWidth); }},
    {"supports_oracle_gtid", [](const Instance& i) { return flag(i.supports_oracle_gtid); }},
    {"mariadb_gtid", [](const Instance& i) { return flag(i.using_mariadb_gtid); }},
    {"pseudo_gtid", [](const Instance& i) { return flag(i.using_pseudo_gtid); }},
    {"master_log_file",
     [](const Instance& i) { return fit_text(i.read_binlog_coordinates.log_file, 128); }},
    {"read_master_log_pos",
     [](const Instance& i) { return unum(i.read_binlog_coordinates.log_pos); }},
    {"relay_master_log_file",
     [](const Instance& i) { return fit_text(i.exec_binlog_coordinates.log_file, 128); }},
    {"exec_master_log_pos",
     [](const Instance& i) { return unum(i.exec_binlog_coordinates.log_pos); }},
    {"relay_log_file",
     [](const Instance& i) { return fit_text(i.relaylog_coordinates.log_file, 128); }},
    {"relay_log_pos", [](const Instance& i) { return unum(i.relaylog_coordinates.log_pos); }},
    {"last_sql_error", [](const Instance& i) { return error_text(i.last_sql_error); }},
    {"last_io_error", [](const Instance& i) { return error_text(i.last_io_error); }},
    {"seconds_behind_master", [](const Instance& i) { return lag(i.seconds_behind_master); }},
    {"slave_lag_seconds", [](const Instance& i) { return lag(i.replication_lag_seconds); }},
    {"sql_delay", [](const Instance& i) { return unum(i.sql_delay); }},
    {"allow_tls", [](const Instance& i) { return flag(i.allow_tls); }},
    {"num_slave_hosts",
     [](const Instance& i) { return unum(sorted_unique_keys(i.replicas).size()); }, false,
     same_replicas},
    {"slave_hosts",
     [](const Instance& i) { return fit_owned(instance_keys_json(i.replicas), kTextWidth); }, false,
     same_replicas},
    {"cluster_name", [](const Instance& i) { return fit_text(i.cluster_name, 128); }},
    {"suggested_cluster_alias",
     [](const Instance& i) { return fit_text(i.suggested_cluster_alias, 128); }},
    {"data_center", [](const Instance& i) { return fit_text(i.data_center, 32); }},
    {"region", [](const Instance& i) { return fit_text(i.region, 32); }},
    {"physical_environment",
     [](const Instance& i) { return fit_text(i.physical_environment, 32); }},
    {"instance_alias", [](const Instance& i) { return fit_text(i.instance_alias, 128); }},
    {"semi_sync_enforced",
     [](const Instance& i) { return clamp_num(i.semi_sync.priority, 0, 255); }},
    {"semi_sync_available", [](const Instance& i) { return flag(i.semi_sync.available); }},
    {"replication_depth", [](const Instance& i) { return clamp_num(i.replication_depth, 0, 255); }},
    {"is_co_master", [](const Instance& i) { return flag(i.is_co_master); }},
    {"replication_credentials_available",
     [](const Instance& i) { return flag(i.replication_credentials_available); }},
    {"has_replication_credentials",
     [](const Instance& i) { return flag(i.has_replication_credentials); }},
    {"version_comment", [](const Instance& i) { return fit_text(i.version_comment, 128); }},
    {"major_version", major_version_of},
    {"binlog_row_image", [](const Instance& i) { return fit_text(i.binlog_row_image, 16); }},
    {"last_discovery_latency", [](const Instance& i) { return num(i.last_discovery_latency_ns); },
     true},
    {"semi_sync_master_enabled",
     [](const Instance& i) { return flag(i.semi_sync.master_enabled); }},
    {"semi_sync_master_timeout",
     [](const Instance& i) { return unum(i.semi_sync.master_timeout); }},
    {"semi_sync_master_wait_for_slave_count",
     [](const Instance& i) { return unum(i.semi_sync.master_wait_for_replica_count); }},
    {"semi_sync_master_status", [](const Instance& i) { return flag(i.semi_sync.master_status); }},
    {"semi_sync_master_clients",
     [](const Instance& i) { return unum(i.semi_sync.master_clients); }},
    {"semi_sync_replica_status",
     [](const Instance& i) { return flag(i.semi_sync.replica_status); }},
    {"semi_sync_replica_enabled",
     [](const Instance& i) { return flag(i.semi_sync.replica_enabled); }},
    {"gtid_mode", [](const Instance& i) { return fit_text(i.gtid_mode, 32); }},
    {"replication_group_name",
     [](const Instance& i) { return fit_text(i.replication_group_name, 64); }},
    {"replication_group_is_single_primary_mode",
     [](const Instance& i) { return flag(i.replication_group_is_single_primary_mode); }},
    {"replication_group_member_state",
     [](const Instance& i) { return fit_text(i.replication_group_member_state, 16); }},
    {"replication_group_member_role",
     [](const Instance& i) { return fit_text(i.replication_group_member_role, 16); }},
    {"replication_group_members",
     [](const Instance& i) {
       return fit_owned(instance_keys_json(i.replication_group_members), kTextWidth);
     },
     false, same_group_members},
    {"replication_group_primary_host",
     [](const Instance& i) {
       const auto& p = i.replication_group_primary;
       return fit_text(p.valid() ? std::string_view(p.hostname) : "", 128);
     }},
    {"replication_group_primary_port",
     [](const Instance& i) {
       return num(i.replication_group_primary.valid() ? i.replication_group_primary.port : 0);
     }},
};

/// The check columns of a successful probe (S3): all from one NOW(), so the check is valid.
const char* const kCheckColumns[][2] = {{"last_checked", "NOW()"},
                                        {"last_attempted_check", "NOW()"},
                                        {"last_seen", "NOW()"},
                                        {"last_check_partial_success", "1"}};

static_assert(std::size(kBoundColumns) + std::size(kCheckColumns) == 78,
              "the upsert must cover every database_instance column (schema S3, S12)");

/// A statement with any number of positional binds. The bound values live in deques, whose
/// elements never move on push_back, because SOCI keeps references until execution.
class BoundStatement {
 public:
  explicit BoundStatement(soci::session& s) : st_(s) {}

  /// Appends a placeholder to `sql` and binds `v` to it.
  void bind(std::string& sql, const SqlValue& v) {
    sql += ":v";
    if (is_text(v)) {
      st_.exchange(soci::use(texts_.emplace_back(text_of(v))));
    } else if (const auto* u = std::get_if<unsigned long long>(&v)) {
      st_.exchange(soci::use(uints_.emplace_back(*u)));
    } else if (const auto* n = std::get_if<long long>(&v)) {
      st_.exchange(soci::use(ints_.emplace_back(*n)));
    } else {
      st_.exchange(soci::use(ints_.emplace_back(0), indicators_.emplace_back(soci::i_null)));
    }
  }

  /// Appends "(hostname, port) IN ((?, ?), ...)" for non-empty `keys`.
  void bind_key_list(std::string& sql, const std::vector<InstanceKey>& keys) {
    sql += "(hostname, port) IN (";
    for (std::size_t i = 0; i < keys.size(); ++i) {
      sql += i ? ", (" : "(";
      bind(sql, keys[i].hostname);
      sql += ", ";
      bind(sql, static_cast<long long>(keys[i].port));
      sql += ")";
    }
    sql += ")";
  }

  /// Runs the statement once; returns the affected row count.
  long long execute(const std::string& sql) {
    st_.alloc();
    st_.prepare(sql);
    st_.define_and_bind();
    st_.execute(true);
    return st_.get_affected_rows();
  }

 private:
  soci::statement st_;
  std::deque<std::string> texts_;
  std::deque<long long> ints_;
  std::deque<unsigned long long> uints_;
  std::deque<soci::indicator> indicators_;
};

/// Sorted (so concurrent writers lock rows in the same order) and free of duplicates.
std::vector<InstanceKey> sorted_keys(std::vector<InstanceKey> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

/// "INSERT INTO database_instance (...all 78...) VALUES " and the ODKU tail, built once.
const std::pair<std::string, std::string>& upsert_sql_parts() {
  static const auto parts = [] {
    std::string head = "INSERT INTO database_instance (";
    std::string tail = " ON DUPLICATE KEY UPDATE ";
    bool first_update = true;
    auto add = [&](const char* name, bool key) {
      if (head.back() != '(') head += ", ";
      head += std::string("`") + name + "`";
      if (key) return;
      if (!first_update) tail += ", ";
      first_update = false;
      tail += std::string("`") + name + "`=VALUES(`" + name + "`)";
    };
    for (const auto& c : kBoundColumns)
      add(c.name, std::string_view(c.name) == "hostname" || std::string_view(c.name) == "port");
    for (const auto& c : kCheckColumns) add(c[0], false);
    head += ") VALUES ";
    return std::make_pair(head, tail);
  }();
  return parts;
}

void write_chunk(soci::session& s, const Instance* const* rows, std::size_t count) {
  const auto& [head, tail] = upsert_sql_parts();
  BoundStatement st(s);
  std::string sql = head;
  for (std::size_t r = 0; r < count; ++r) {
    sql += r ? ", (" : "(";
    for (const auto& c : kBoundColumns) {
      st.bind(sql, c.value(*rows[r]));
      sql += ", ";
    }
    for (std::size_t k = 0; k < std::size(kCheckColumns); ++k) {
      sql += kCheckColumns[k][1];
      sql += k + 1 < std::size(kCheckColumns) ? ", " : ")";
    }
  }
  sql += tail;
  st.execute(sql);
}

/// UPDATE database_instance SET <assignments> WHERE (hostname, port) IN (...): one statement.
void update_keys(soci::session& s, const std::string& assignments,
                 const std::vector<InstanceKey>& keys) {
  auto sorted = sorted_keys(keys);
  if (sorted.empty()) return;
  BoundStatement st(s);
  std::string sql = "UPDATE database_instance SET " + assignments + " WHERE ";
  st.bind_key_list(sql, sorted);
  st.execute(sql);
}

}  // namespace

std::string instance_keys_json(std::vector<InstanceKey> keys) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& k : sorted_unique_keys(std::move(keys))) {
    w.StartObject();
    w.Key("Hostname");
    w.String(k.hostname.c_str(), static_cast<rapidjson::SizeType>(k.hostname.size()));
    w.Key("Port");
    w.Int(k.port);
    w.EndObject();
  }
  w.EndArray();
  return buf.GetString();
}

std::vector<InstanceKey> parse_instance_keys_json(const std::string& text) {
  std::vector<InstanceKey> keys;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return keys;
  for (const auto& e : doc.GetArray()) {
    if (!e.IsObject()) continue;
    auto h = e.FindMember("Hostname");
    auto p = e.FindMember("Port");
    if (h == e.MemberEnd() || p == e.MemberEnd() || !h->value.IsString() || !p->value.IsInt())
      continue;
    InstanceKey k{std::string(h->value.GetString(), h->value.GetStringLength()), p->value.GetInt()};
    if (k.valid()) keys.push_back(std::move(k));
  }
  return keys;
}

void write_instances(soci::session& s, const std::vector<Instance>& instances) {
  // Last occurrence of a key wins; the map orders rows by key (case-insensitive, like the PK).
  std::map<InstanceKey, const Instance*> latest;
  for (const auto& i : instances) latest[i.key] = &i;
  std::vector<const Instance*> rows;
  rows.reserve(latest.size());
  for (const auto& [key, inst] : latest) rows.push_back(inst);
  for (std::size_t at = 0; at < rows.size(); at += kInstanceWriteChunkRows)
    write_chunk(s, rows.data() + at, std::min(kInstanceWriteChunkRows, rows.size() - at));
}

void touch_instances(soci::session& s, const std::vector<InstanceKey>& keys) {
  // MySQL assigns left to right, so uptime still sees the previous last_seen.
  update_keys(s,
              "uptime = uptime + GREATEST(0, IFNULL(TIMESTAMPDIFF(SECOND, last_seen, NOW()), 0)), "
              "last_checked = NOW(), last_attempted_check = NOW(), last_seen = NOW(), "
              "last_check_partial_success = 1",
              keys);
}

void mark_instances_failed(soci::session& s,
                           const std::vector<std::pair<InstanceKey, bool>>& failures) {
  std::map<InstanceKey, bool> latest;
  for (const auto& [key, partial] : failures) latest[key] = partial;
  std::vector<InstanceKey> partial, total;
  for (const auto& [key, p] : latest) (p ? partial : total).push_back(key);
  update_keys(s, "last_checked = NOW(), last_check_partial_success = 1", partial);
  update_keys(s, "last_checked = NOW(), last_check_partial_success = 0", total);
}

void mark_attempted(soci::session& s, const std::vector<InstanceKey>& keys) {
  update_keys(s, "last_attempted_check = NOW()", keys);
}

bool forget_instance(soci::session& s, const InstanceKey& key) {
  BoundStatement st(s);
  std::string sql = "DELETE FROM database_instance WHERE hostname = ";
  st.bind(sql, key.hostname);
  sql += " AND port = ";
  st.bind(sql, static_cast<long long>(key.port));
  return st.execute(sql) > 0;
}

bool persisted_state_equal(const Instance& a, const Instance& b) {
  if (b.uptime < a.uptime) return false;
  for (const auto& c : kBoundColumns)
    if (!c.probe_noise && !(c.same ? c.same(a, b) : same_value(c.value(a), c.value(b))))
      return false;
  return true;
}

}  // namespace orc::storage
