#pragma once
// Cheap key-only reads used by the leader to notice instances added by other nodes or the CLI.

#include <vector>

#include "model/instance_key.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// Every (hostname, port) in database_instance: one small indexed scan.
std::vector<model::InstanceKey> read_instance_keys(soci::session& s);

}  // namespace orc::storage
