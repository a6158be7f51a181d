#include "storage/instance_keys_dao.hpp"

#include <soci/soci.h>

namespace orc::storage {

std::vector<model::InstanceKey> read_instance_keys(soci::session& s) {
  std::vector<model::InstanceKey> keys;
  soci::rowset<soci::row> rows = (s.prepare << "SELECT hostname, port FROM database_instance");
  for (const auto& row : rows) {
    model::InstanceKey k;
    k.hostname = row.get<std::string>(0);
    k.port = row.get<int>(1);
    keys.push_back(std::move(k));
  }
  return keys;
}

}  // namespace orc::storage
