#include "model/topology_render.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace orc::model {

namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();
constexpr char kSeparator = '|';

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

/// Upstream's ReplicaRunning(): a replica with both threads running.
bool replica_running(const Instance& i) {
  return i.is_replica() && i.is_replicating();
}

/// Upstream's HasReasonableMaintenanceReplicationLag(). A NULL Seconds_Behind_Master counts as 0,
/// as Go's zero NullInt64 does.
bool has_reasonable_lag(const Instance& i, int threshold) {
  const int64_t sbm = i.seconds_behind_master.value_or(0);
  if (i.sql_delay > 0) return std::llabs(sbm - static_cast<int64_t>(i.sql_delay)) <= threshold;
  return sbm <= threshold;
}

std::string lag_status(const Instance& i) {
  if (i.is_detached()) return "detached";
  if (!i.is_last_check_valid || !i.is_recently_checked) return "unknown";
  if (i.is_replica() && (!replica_running(i) || !i.seconds_behind_master)) return "null";
  return std::to_string(i.replication_lag_seconds.value_or(0)) + "s";
}

std::string status(const Instance& i, const RenderOptions& o) {
  if (!i.is_last_check_valid) return "invalid";
  if (!i.is_recently_checked) return "unchecked";
  if (i.is_replica() && !replica_running(i)) return "nonreplicating";
  if (i.is_replica() && !has_reasonable_lag(i, o.reasonable_maintenance_replication_lag_seconds))
    return "lag";
  return "ok";
}

/// Upstream's descriptionTokens(): lag, status, version, rw|ro, binlog, extra tokens.
std::vector<std::string> description_tokens(const Instance& i, const RenderOptions& o) {
  std::vector<std::string> extra;
  if (i.log_bin_enabled && i.log_slave_updates_enabled) extra.emplace_back(">>");
  if (i.using_gtid()) extra.emplace_back(i.gtid_errant.empty() ? "GTID" : "GTID:errant");
  if (i.using_pseudo_gtid) extra.emplace_back("P-GTID");
  if (i.semi_sync.master_status) extra.emplace_back("semi:master");
  if (i.semi_sync.replica_status) extra.emplace_back("semi:replica");
  if (i.is_downtimed) extra.emplace_back("downtimed");
  return {lag_status(i),
          status(i, o),
          i.version,
          i.read_only ? "ro" : "rw",
          i.log_bin_enabled ? i.binlog_format : "nobinlog",
          join(extra, ",")};
}

std::string tags_suffix(const Instance& i, const RenderOptions& o) {
  auto it = o.tags.find(i.key.str());
  return " [" + (it == o.tags.end() ? std::string() : join(it->second, ",")) + "]";
}

/// Builds the instance tree and emits one line per instance in display order.
class TreeRenderer {
 public:
  TreeRenderer(const std::vector<Instance>& instances, const RenderOptions& options)
      : v_(instances),
        o_(options),
        parent_(v_.size(), kNone),
        children_(v_.size()),
        shown_(v_.size(), false) {
    order_.resize(v_.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(),
                     [&](size_t a, size_t b) { return v_[a].key < v_[b].key; });
    std::map<InstanceKey, size_t> by_key;
    for (size_t idx : order_) by_key.emplace(v_[idx].key, idx);
    for (size_t idx : order_) {
      auto it = by_key.find(v_[idx].master_key);
      if (it != by_key.end() && it->second != idx) {
        parent_[idx] = it->second;
        children_[it->second].push_back(idx);  // in key order, since order_ is
      }
    }
  }

  std::vector<std::string> lines() {
    for (size_t idx : order_)
      if (parent_[idx] == kNone) emit(idx, 0);
    // No root: co-masters (or a stray cycle). Co-masters first, each on its own branch.
    for (size_t idx : order_)
      if (!shown_[idx] && v_[idx].is_co_master) emit(idx, 1);
    for (size_t idx : order_)
      if (!shown_[idx]) emit(top_unshown_ancestor(idx), 1);
    return std::move(lines_);
  }

 private:
  /// Climbs master links while the master is unshown; stops on a cycle.
  size_t top_unshown_ancestor(size_t idx) const {
    std::vector<bool> seen(v_.size(), false);
    while (!seen[idx]) {
      seen[idx] = true;
      const size_t up = parent_[idx];
      if (up == kNone || shown_[up]) break;
      idx = up;
    }
    return idx;
  }

  void emit(size_t idx, int depth) {
    const Instance& i = v_[idx];
    if (shown_[idx] || (i.is_co_master && depth > 1)) return;
    shown_[idx] = true;
    std::string entry;
    if (depth > 0) {
      entry.assign(static_cast<size_t>(depth - 1) * 2, ' ');
      const bool healthy = replica_running(i) && i.is_last_check_valid && i.is_recently_checked;
      entry += healthy ? "+ " : "- ";
    }
    entry += i.key.str();
    if (!i.instance_alias.empty()) entry += " (" + i.instance_alias + ")";
    if (o_.tabulated) {
      entry += kSeparator + join(description_tokens(i, o_), std::string(1, kSeparator));
    } else {
      entry += " " + instance_status_line(i, o_);
    }
    if (o_.with_tags) entry += tags_suffix(i, o_);
    lines_.push_back(std::move(entry));
    for (size_t child : children_[idx]) emit(child, depth + 1);
  }

  const std::vector<Instance>& v_;
  const RenderOptions& o_;
  std::vector<size_t> order_;
  std::vector<size_t> parent_;
  std::vector<std::vector<size_t>> children_;
  std::vector<bool> shown_;
  std::vector<std::string> lines_;
};

/// Pads before the first '[' so every bracketed description starts in the same column.
void align_brackets(std::vector<std::string>& lines) {
  size_t column = 0;
  for (const auto& l : lines) {
    const size_t at = l.find('[');
    if (at != std::string::npos) column = std::max(column, at);
  }
  for (auto& l : lines) {
    const size_t at = l.find('[');
    if (at != std::string::npos && at < column) l.insert(at, column - at, ' ');
  }
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

/// Upstream's utils.Tabulate(lines, "|", "|", Left, Right): column 1 (lag) right-aligned.
void tabulate(std::vector<std::string>& lines) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const auto& l : lines) {
    cells.push_back(split(l, kSeparator));
    const auto& row = cells.back();
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (size_t r = 0; r < lines.size(); ++r) {
    std::string out;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < cells[r].size() ? cells[r][c] : std::string();
      const std::string pad(widths[c] - cell.size(), ' ');
      out += c == 1 ? pad + cell : cell + pad;
      if (c + 1 < widths.size()) out += kSeparator;
    }
    lines[r] = std::move(out);
  }
}

}  // namespace

std::string instance_status_line(const Instance& instance, const RenderOptions& options) {
  std::vector<std::string> non_empty;
  for (auto& t : description_tokens(instance, options))
    if (!t.empty()) non_empty.push_back(std::move(t));
  return "[" + join(non_empty, ",") + "]";
}

std::string render_topology(const std::vector<Instance>& cluster_instances,
                            const RenderOptions& options) {
  std::vector<std::string> lines = TreeRenderer(cluster_instances, options).lines();
  if (options.tabulated) {
    tabulate(lines);
  } else {
    align_brackets(lines);
  }
  return join(lines, "\n");
}

}  // namespace orc::model
