#include "model/node_identity.hpp"

#include <unistd.h>

#include <random>

namespace orc::model {

NodeIdentity make_node_identity() {
  NodeIdentity id;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) id.hostname = host;
  if (id.hostname.empty()) id.hostname = "localhost";
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  for (int i = 0; i < 64; ++i) id.token.push_back(hex[rd() % 16]);
  return id;
}

}  // namespace orc::model
