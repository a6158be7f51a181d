#pragma once
// Small text helpers shared by the model (ASCII only: hostnames, codes, keys).

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace orc::model {

/// ASCII lower-casing, for the backend's case-insensitive ascii_general_ci comparisons.
inline std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// True when one of the regexes `filters` is found in `hostname` (upstream's
/// PromotionIgnoreHostnameFilters and friends). An invalid regex matches nothing, as Go's
/// regexp.MatchString returns false on a compile error.
bool hostname_matches_any(const std::string& hostname, const std::vector<std::string>& filters);

}  // namespace orc::model
