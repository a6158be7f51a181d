#pragma once
// Who this process is among the nodes sharing a backend: (hostname, token), as in node_health,
// active_node and the processing_node_* columns. A restarted process is a new identity.

#include <string>

namespace orc::model {

struct NodeIdentity {
  std::string hostname;  ///< os hostname
  std::string token;     ///< per-process random SHA-256-sized hex (64 chars)
};

/// Builds this process's identity: gethostname() and 64 random hex characters.
NodeIdentity make_node_identity();

}  // namespace orc::model
