#pragma once
// Small text helpers shared by the model (ASCII only: hostnames, codes, keys).

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace orc::model {

/// ASCII lower-casing, for the backend's case-insensitive ascii_general_ci comparisons.
inline std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace orc::model
