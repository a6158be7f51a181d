// The test runner. SIGPIPE is ignored as in the orchestrator binary: a test client writing to a
// server that already closed the connection (a refused TLS handshake) must fail that request,
// not kill the whole test binary.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return doctest::Context(argc, argv).run();
}
