#include "model/cluster_info.hpp"

#include <regex>

namespace orc::model {

namespace {

bool search(const std::string& pattern, const std::string& text) {
  try {
    return std::regex_search(text, std::regex(pattern));
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace

bool filters_match_cluster(const std::vector<std::string>& filters, const ClusterInfo& c) {
  for (const auto& f : filters) {
    if (f == c.cluster_name || f == c.cluster_alias) return true;
    if (f.rfind("alias=", 0) == 0) {
      if (f.substr(6) == c.cluster_alias) return true;
    } else if (f.rfind("alias~=", 0) == 0) {
      if (search(f.substr(7), c.cluster_alias)) return true;
    } else if (f == "*") {
      return true;
    } else if (!f.empty() && search(f, c.cluster_name)) {
      return true;
    }
  }
  return false;
}

void apply_recovery_filters(ClusterInfo& cluster, const std::vector<std::string>& master_filters,
                            const std::vector<std::string>& intermediate_filters) {
  cluster.has_automated_master_recovery = filters_match_cluster(master_filters, cluster);
  cluster.has_automated_intermediate_master_recovery =
      filters_match_cluster(intermediate_filters, cluster);
}

}  // namespace orc::model
