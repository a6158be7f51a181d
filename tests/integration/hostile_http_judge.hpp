#pragma once
// A raw-socket HTTP client for the hostile-input test, and the rules that judge each answer:
// a refusal (4xx, or 5xx with the ERROR envelope) or a legal read of a read/health route.

#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include "http/route_access.hpp"

namespace orc::test::hostile {

using Clock = std::chrono::steady_clock;

/// A hang check, not a speed check: the node's own read timeout is 5 s.
constexpr auto kHangBound = std::chrono::seconds(15);

// ---- raw sockets ----

/// What came back on one connection.
struct Exchange {
  std::string bytes;
  bool closed = false;     ///< EOF or reset seen: the server ended the connection
  bool timed_out = false;  ///< neither closed nor answered within kHangBound
  int open_fd = -1;        ///< the still open connection, when the caller asked to keep it
};

inline int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

/// Sends everything it can; the server may close early (414, 413), which is not an error here.
inline void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

/// True once `b` holds a whole response: headers and, unless `head`, a Content-Length body.
/// httplib keeps a connection alive after a 400 for unparsable input, so waiting for the close
/// would cost its 5 s keep-alive timeout per probe.
inline bool complete_response(const std::string& b, bool head) {
  const auto end = b.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  if (head) return true;
  std::string headers = b.substr(0, end);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto cl = headers.find("\r\ncontent-length:");
  if (cl == std::string::npos) return false;  // no length: the close ends the body
  return b.size() >= end + 4 + std::strtoull(headers.c_str() + cl + 17, nullptr, 10);
}

/// Reads until the server closes, `deadline` passes or, with `stop_when_complete`, a whole
/// response has arrived.
inline Exchange read_until_close(int fd, Clock::time_point deadline,
                                 bool stop_when_complete = false, bool head = false) {
  Exchange x;
  char buf[16384];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      x.timed_out = true;
      return x;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      x.closed = true;
      return x;
    }
    x.bytes.append(buf, static_cast<std::size_t>(n));
    if (stop_when_complete && complete_response(x.bytes, head)) return x;
  }
}

/// One connection: send and read one answer (or until the server closes). No half-close:
/// httplib drops a connection whose peer has shut down its sending side without answering (it
/// checks the socket before reading), so a half-close would hide the answer. Every probe
/// therefore ends in something the server can act on at once (a line end, an empty or
/// oversized body). With `keep_open` an answered, still open connection is handed back.
inline Exchange exchange(int port, const std::string& request, bool head, bool keep_open) {
  int fd = connect_loopback(port);
  send_all(fd, request);
  auto x = read_until_close(fd, Clock::now() + kHangBound, true, head);
  if (keep_open && !x.closed && !x.timed_out)
    x.open_fd = fd;
  else
    ::close(fd);
  return x;
}

// ---- answers ----

struct Answer {
  int status = 0;  ///< 0 when the bytes are not an HTTP response
  std::string body;
};

inline Answer parse_answer(const std::string& bytes) {
  Answer a;
  if (bytes.rfind("HTTP/1.", 0) != 0 || bytes.size() < 12) return a;
  a.status = std::atoi(bytes.substr(9, 3).c_str());
  auto end = bytes.find("\r\n\r\n");
  if (end != std::string::npos) a.body = bytes.substr(end + 4);
  return a;
}

/// Strict JSON: valid UTF-8 required, as RFC 8259 says and as clients' parsers insist.
inline bool strict_json(const std::string& body, rapidjson::Document& d) {
  d.Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str(), body.size());
  return !d.HasParseError();
}

inline bool error_envelope(const std::string& body) {
  rapidjson::Document d;
  return strict_json(body, d) && d.IsObject() && d.HasMember("Code") && d["Code"].IsString() &&
         std::string(d["Code"].GetString()) == "ERROR" && d.HasMember("Message") &&
         d["Message"].IsString();
}

// ---- requests ----

enum class Kind {
  Wellformed,  ///< a complete, parsable request: an HTTP answer is required
  Oversized,   ///< overlong line, header flood, lying Content-Length: 4xx or a close
  Garbage,     ///< not HTTP at all: a close, or a 4xx if the server answers at all
};

struct Probe {
  std::string label;
  std::string request;
  Kind kind = Kind::Wellformed;
  std::string method = "GET";
  std::string target;  ///< request target as sent (path and query)
};

/// The route name the server dispatches `target` by: percent-decoded path without the query.
inline std::string route_of(const std::string& target) {
  auto path = httplib::detail::decode_url(target.substr(0, target.find('?')), false);
  return std::string(orc::http::route_name(path));
}

inline bool is_mutation(const std::string& target) {
  return orc::http::route_access(route_of(target)) == orc::http::Access::Mutation;
}

/// A 200 is legal only for a read or health route, with JSON (HEAD: no body), or /metrics.
inline std::string judge_success(const Probe& p, const Answer& a) {
  auto access = orc::http::route_access(route_of(p.target));
  if (!access || *access == orc::http::Access::Mutation || route_of(p.target) == ".*")
    return "2xx for a route that is not a read";
  if (p.method == "HEAD" || route_of(p.target) == "metrics") return "";
  rapidjson::Document d;
  if (!strict_json(a.body, d)) return "2xx read answer is not strict JSON";
  if (d.IsObject() && d.HasMember("Code") && d["Code"].IsString() &&
      std::string(d["Code"].GetString()) == "ERROR")
    return "ERROR envelope with a 2xx status";
  return "";
}

/// "" when the exchange is acceptable for the probe, else why not.
inline std::string judge(const Probe& p, const Exchange& x) {
  if (x.timed_out) return "no answer and no close within 15 s (hang)";
  if (x.bytes.empty()) return p.kind == Kind::Wellformed ? "closed without an answer" : "";
  const Answer a = parse_answer(x.bytes);
  if (a.status == 0) return "answer is not HTTP";
  if (a.status >= 400 && a.status < 500) return "";
  if (p.kind == Kind::Garbage) return "garbage got a non-4xx answer";
  if (a.status >= 500) {
    if (p.method == "HEAD") return a.status == 500 ? "" : "HEAD got " + std::to_string(a.status);
    return error_envelope(a.body) ? "" : "5xx without the ERROR envelope";
  }
  if (a.status >= 200 && a.status < 300) return judge_success(p, a);
  return "unexpected status " + std::to_string(a.status);
}

/// Methods other than GET and HEAD get "Content-Length: 0" (unless the probe sets its own):
/// without it httplib reads a POST/PUT/PATCH/DELETE body until the 5 s read timeout, a case
/// check_stalled_connections_are_closed covers once instead of on every such probe.
inline std::string http_request_text(const std::string& method, const std::string& target,
                                     const std::string& extra_headers = "") {
  const bool bodyless = method == "GET" || method == "HEAD" ||
                        extra_headers.find("Content-Length") != std::string::npos ||
                        extra_headers.find("Transfer-Encoding") != std::string::npos;
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
         (bodyless ? "" : "Content-Length: 0\r\n") + "Connection: close\r\n\r\n";
}

Probe wellformed(const std::string& label, const std::string& method, const std::string& target,
                 const std::string& extra_headers = "") {
  return Probe{label, http_request_text(method, target, extra_headers), Kind::Wellformed, method,
               target};
}

}  // namespace orc::test::hostile
