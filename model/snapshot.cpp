#include "model/snapshot.hpp"
#include "model/text.hpp"

#include <algorithm>
#include <cctype>

namespace orc::model {

namespace {
bool same_name(const std::string& a, const std::string& b) {
  return to_lower(a) == to_lower(b);
}
}  // namespace

const Instance* TopologySnapshot::find(const InstanceKey& key) const {
  auto it = std::lower_bound(instances.begin(), instances.end(), key,
                             [](const Instance& i, const InstanceKey& k) { return i.key < k; });
  if (it != instances.end() && it->key == key) return &*it;
  return nullptr;
}

std::vector<const Instance*> TopologySnapshot::cluster_members(
    const std::string& cluster_name) const {
  std::vector<const Instance*> out;
  for (const auto& i : instances)
    if (same_name(i.cluster_name, cluster_name)) out.push_back(&i);
  return out;
}

std::vector<const Instance*> TopologySnapshot::replicas_of(const InstanceKey& master) const {
  std::vector<const Instance*> out;
  for (const auto& i : instances)
    if (i.master_key == master) out.push_back(&i);
  return out;
}

std::vector<const Instance*> TopologySnapshot::cluster_masters() const {
  std::vector<const Instance*> out;
  for (const auto& i : instances)
    if (same_name(i.key.str(), i.cluster_name)) out.push_back(&i);
  return out;
}

std::optional<std::string> TopologySnapshot::resolve_cluster(const std::string& hint,
                                                             int default_port) const {
  if (hint.empty()) return std::nullopt;
  for (const auto& c : clusters)
    if (same_name(c.cluster_name, hint)) return c.cluster_name;
  for (const auto& c : clusters)
    if (!c.cluster_alias.empty() && c.cluster_alias == hint) return c.cluster_name;
  if (auto key = parse_instance_key(hint, default_port))
    if (const auto* inst = find(*key)) return inst->cluster_name;
  return std::nullopt;
}

const ClusterInfo* TopologySnapshot::cluster_info(const std::string& cluster_name) const {
  for (const auto& c : clusters)
    if (same_name(c.cluster_name, cluster_name)) return &c;
  return nullptr;
}

std::vector<const Instance*> TopologySnapshot::search(const std::string& pattern) const {
  std::vector<const Instance*> out;
  auto needle = to_lower(pattern);
  for (const auto& i : instances) {
    const ClusterInfo* ci = cluster_info(i.cluster_name);
    for (const std::string& hay :
         {i.key.str(), i.version, i.cluster_name, ci ? ci->cluster_alias : std::string()}) {
      if (!needle.empty() && to_lower(hay).find(needle) != std::string::npos) {
        out.push_back(&i);
        break;
      }
    }
  }
  return out;
}

}  // namespace orc::model
