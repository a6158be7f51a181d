#include "tests/integration/orchestrator_client.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/integration/sandbox.hpp"

namespace orc::test {

ClientResult run_client(const std::string& apis, const std::string& args, const std::string& env) {
  static const std::string client = std::string(ORC_SOURCE_DIR) + "/tools/orchestrator-client";
  char tmpl[] = "/tmp/orc-client-err-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp failed for the client's stderr");
  close(fd);
  ClientResult r;
  r.out = run_command(
      env + " ORCHESTRATOR_API=" + shell_quote(apis) + " " + client + " " + args + " 2>" + tmpl, &r.code);
  std::ifstream in(tmpl);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  std::remove(tmpl);
  return r;
}

}  // namespace orc::test
