#include "model/text.hpp"

#include <regex>

namespace orc::model {

bool hostname_matches_any(const std::string& hostname, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    try {
      if (std::regex_search(hostname, std::regex(f))) return true;
    } catch (const std::regex_error&) {
    }
  }
  return false;
}

}  // namespace orc::model
