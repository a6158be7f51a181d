#include "model/topology.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "model/gtid.hpp"

namespace orc::model {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

/// Upstream's GroupReplicationMemberRoleSecondary.
constexpr const char* kGroupSecondary = "SECONDARY";

/// Cluster names compare like the backend's ascii_general_ci column.
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// Joins the non-empty parts with commas (upstream joins then trims stray commas).
std::string join_ancestry(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

std::string own_ancestry(const Instance& i, const std::string& inherited) {
  return join_ancestry({inherited, i.server_uuid, i.replication_group_name});
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    auto comma = s.find(',', begin);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(s.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return out;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

std::optional<InstanceKey> upstream_key(const Instance& instance) {
  if (!instance.replication_group_name.empty() &&
      instance.replication_group_member_role == kGroupSecondary &&
      instance.replication_group_primary.valid()) {
    return instance.replication_group_primary;
  }
  if (instance.is_replica()) return instance.master_key;
  return std::nullopt;
}

void inherit_cluster_attributes(Instance& replica, const Instance* master_row_or_null) {
  const std::string own = replica.key.str();
  replica.is_co_master = false;
  auto up = upstream_key(replica);
  if (!master_row_or_null || !up || *up == replica.key) {
    replica.cluster_name = own;
    replica.replication_depth = 0;
    replica.ancestry_uuid = own_ancestry(replica, "");
    return;
  }
  const Instance& m = *master_row_or_null;
  std::string name = m.cluster_name.empty() ? own : m.cluster_name;
  int depth = m.cluster_name.empty() ? 0 : m.replication_depth + 1;
  std::string inherited_ancestry = m.ancestry_uuid;
  auto masters_master = upstream_key(m);
  if (masters_master && *masters_master == replica.key) {
    replica.is_co_master = true;
    const std::string peer = m.key.str();
    if (!same_name(name, own) && !same_name(name, peer)) {
      name = replica.key < m.key ? own : peer;
    }
    if (same_name(name, own)) {
      depth = 0;
      inherited_ancestry.clear();
    }
  }
  replica.cluster_name = name;
  replica.replication_depth = depth;
  replica.suggested_cluster_alias = m.suggested_cluster_alias;
  replica.ancestry_uuid = own_ancestry(replica, inherited_ancestry);
}

void derive_cluster_attributes(std::vector<Instance>& instances) {
  const std::size_t n = instances.size();
  std::unordered_map<InstanceKey, std::size_t, InstanceKeyHash> index;
  for (std::size_t i = 0; i < n; ++i) index.emplace(instances[i].key, i);

  std::vector<std::size_t> parent(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    auto up = upstream_key(instances[i]);
    if (!up) continue;
    auto it = index.find(*up);
    if (it != index.end() && it->second != i) parent[i] = it->second;
  }

  // Each instance has at most one parent, so every walk up either ends at a root, joins an
  // earlier walk, or closes a ring made of nodes of this walk. Rings are cut at their
  // smallest key, which becomes the root that names the cluster.
  std::vector<bool> in_ring(n, false);
  std::vector<std::size_t> walk_of(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t v = i;
    while (v != kNone && walk_of[v] == kNone) {
      walk_of[v] = i;
      v = parent[v];
    }
    if (v == kNone || walk_of[v] != i) continue;
    std::size_t smallest = v;
    std::size_t u = v;
    do {
      in_ring[u] = true;
      if (instances[u].key < instances[smallest].key) smallest = u;
      u = parent[u];
    } while (u != v);
    parent[smallest] = kNone;
  }

  // Top-down: an instance is derived only after its parent.
  std::vector<bool> done(n, false);
  std::vector<std::size_t> path;
  for (std::size_t i = 0; i < n; ++i) {
    path.clear();
    for (std::size_t v = i; v != kNone && !done[v]; v = parent[v]) path.push_back(v);
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      std::size_t v = *it;
      inherit_cluster_attributes(instances[v],
                                 parent[v] == kNone ? nullptr : &instances[parent[v]]);
      if (in_ring[v]) instances[v].is_co_master = true;
      done[v] = true;
    }
  }
}

std::vector<InstanceKey> replicas_of(const std::vector<Instance>& instances,
                                     const InstanceKey& master) {
  std::vector<InstanceKey> out;
  for (const auto& i : instances) {
    if (i.is_replica() && i.master_key == master) out.push_back(i.key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Instance* cluster_master(const std::vector<Instance>& instances,
                               const std::string& cluster_name) {
  const Instance* shallowest = nullptr;
  for (const auto& i : instances) {
    if (same_name(i.key.str(), cluster_name)) return &i;
    if (!same_name(i.cluster_name, cluster_name)) continue;
    if (!shallowest || i.replication_depth < shallowest->replication_depth ||
        (i.replication_depth == shallowest->replication_depth && i.key < shallowest->key)) {
      shallowest = &i;
    }
  }
  return shallowest;
}

std::optional<std::string> compute_gtid_errant(const Instance& replica,
                                               std::string_view master_executed_gtid_set,
                                               std::string* error) {
  auto own = GtidSet::parse(replica.executed_gtid_set, error);
  if (!own) return std::nullopt;
  auto master = GtidSet::parse(master_executed_gtid_set, error);
  if (!master) return std::nullopt;
  if (own->empty() || master->empty()) return std::string();

  const std::string self = trimmed(replica.server_uuid);
  std::vector<std::string> ancestors;
  for (const auto& part : split_commas(replica.ancestry_uuid)) {
    auto uuid = trimmed(part);
    if (uuid.empty()) continue;
    if (!same_name(uuid, self) || replica.is_co_master) ancestors.push_back(uuid);
  }
  auto redacted = own->remove_uuids(ancestors);
  if (redacted.empty()) return std::string();
  auto master_redacted = master->remove_uuids({replica.master_uuid});
  return redacted.subtract(master_redacted).to_string();
}

}  // namespace orc::model
