// HTTP capacity benchmark: how fast a node answers /api/leader-check (what a proxy polls) while
// it holds many idle keep-alive connections and slow operations occupy every mutation slot.
//
// Usage: bench_http_capacity PORT [IDLE_CONNECTIONS=64] [SLOW_OPERATIONS=8] [CHECKS=400]
// The node must listen on 127.0.0.1:PORT without authentication. Slow operations are
// /api/discover calls to "black hole" ports on 127.0.0.1 opened here: they accept TCP and never
// answer, so each discover waits for the node's MySQLConnectTimeoutSeconds. Prints latency
// percentiles of leader-check over fresh connections and one keep-alive connection.

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tools/bench/black_hole.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report(const char* what, const std::vector<double>& ms, int failures) {
  std::printf("%-34s n=%zu failures=%d p50=%.2f ms p99=%.2f ms max=%.2f ms\n", what, ms.size(),
              failures, percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PORT [IDLE=64] [SLOW=8] [CHECKS=400]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int idle = argc > 2 ? std::atoi(argv[2]) : 64;
  const int slow = argc > 3 ? std::atoi(argv[3]) : 8;
  const int checks = argc > 4 ? std::atoi(argv[4]) : 400;

  std::vector<std::unique_ptr<orc::bench::BlackHole>> holes;
  for (int i = 0; i < slow; ++i) holes.push_back(std::make_unique<orc::bench::BlackHole>());
  std::atomic<int> in_flight{0};
  std::vector<std::thread> operations;
  for (int i = 0; i < slow; ++i)
    operations.emplace_back([&, i] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_read_timeout(120);
      ++in_flight;
      cli.Get(("/api/discover/127.0.0.1/" + std::to_string(holes[i]->port())).c_str());
      --in_flight;
    });
  // Every slow operation has reached its server (the node is waiting for a handshake).
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  for (auto& h : holes)
    while (h->accepted() == 0 && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::vector<int> idle_fds;
  for (int i = 0; i < idle; ++i)
    if (int fd = orc::bench::idle_keepalive_connection(port); fd >= 0) idle_fds.push_back(fd);
  std::printf("idle keep-alive connections open: %zu, slow operations in flight: %d\n",
              idle_fds.size(), in_flight.load());

  std::vector<double> fresh, reused;
  int fresh_failures = 0, reused_failures = 0, min_in_flight = slow;
  httplib::Client keepalive("127.0.0.1", port);
  keepalive.set_keep_alive(true);
  keepalive.set_read_timeout(5);
  for (int i = 0; i < checks; ++i) {
    min_in_flight = std::min(min_in_flight, in_flight.load());
    auto t0 = Clock::now();
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(5);
    auto r = cli.Get("/api/leader-check");
    auto t1 = Clock::now();
    if (r && (r->status == 200 || r->status == 404))
      fresh.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    else
      ++fresh_failures;
    auto r2 = keepalive.Get("/api/leader-check");
    auto t2 = Clock::now();
    if (r2 && (r2->status == 200 || r2->status == 404))
      reused.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    else
      ++reused_failures;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  report("leader-check, new connection:", fresh, fresh_failures);
  report("leader-check, keep-alive:", reused, reused_failures);
  std::printf("slow operations in flight during the run: at least %d of %d\n", min_in_flight, slow);
  for (int fd : idle_fds) close(fd);
  holes.clear();  // closing the black holes ends the slow operations
  for (auto& t : operations) t.join();
  return fresh_failures + reused_failures == 0 ? 0 : 1;
}
