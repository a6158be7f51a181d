#pragma once
// Loopback peers that misbehave on purpose, for the HTTP capacity benchmark and tests: a
// "server" that accepts TCP and never answers (an operation against it waits for its connect
// timeout), and an HTTP client connection left idle after one keep-alive request.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace orc::bench {

/// A listening socket on 127.0.0.1:<any port> that accepts connections and never writes.
class BlackHole {
 public:
  BlackHole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(fd_, 64) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) break;
        accepted_.push_back(c);
        ++count_;
      }
    });
  }
  ~BlackHole() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    for (int c : accepted_) close(c);
  }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;

  int port() const { return port_; }
  /// Connections accepted so far.
  int accepted() const { return count_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> accepted_;  // touched by the accept thread only, until it is joined
  std::atomic<int> count_{0};
  std::thread thread_;
};

/// Opens a connection to 127.0.0.1:`port`, sends one keep-alive GET of `path`, reads the answer
/// and returns the still open socket (-1 on failure). The caller closes it.
inline int idle_keepalive_connection(int port, const char* path = "/api/lb-check") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  std::string req = std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  char buf[1024];
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size()) ||
      read(fd, buf, sizeof buf) <= 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace orc::bench
