#include "model/instance.hpp"

#include <cstdlib>

namespace orc::model {

namespace {
/// Splits "mysql-bin.000123" into ("mysql-bin", 123); a name without a numeric suffix gets -1.
std::pair<std::string, long long> split_log_name(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot + 1 >= name.size()) return {name, -1};
  const char* digits = name.c_str() + dot + 1;
  char* end = nullptr;
  long long n = std::strtoll(digits, &end, 10);
  if (end == digits || *end != '\0') return {name, -1};
  return {name.substr(0, dot), n};
}
}  // namespace

bool BinlogCoordinates::smaller_than(const BinlogCoordinates& o) const {
  if (log_file == o.log_file) return log_pos < o.log_pos;
  auto a = split_log_name(log_file), b = split_log_name(o.log_file);
  if (a.first == b.first && a.second >= 0 && b.second >= 0) return a.second < b.second;
  return log_file < o.log_file;
}

ThreadState thread_state_from_text(const std::string& text) {
  if (text.empty()) return ThreadState::None;
  if (text == "Yes") return ThreadState::Running;
  if (text == "No") return ThreadState::Stopped;
  return ThreadState::Other;
}

const char* flavor_name(Flavor f) {
  switch (f) {
    case Flavor::MySQL:
      return "MySQL";
    case Flavor::Percona:
      return "Percona";
    case Flavor::MariaDB:
      return "MariaDB";
    default:
      return "Unknown";
  }
}

}  // namespace orc::model
