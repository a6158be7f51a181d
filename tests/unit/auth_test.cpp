// Upstream's authentication rules and our cross-site and capacity rules, decided by the access
// guard on constructed requests (the real-process matrix is in tests/integration).

#include <doctest/doctest.h>

#include <string>

#include "http/access_guard.hpp"
#include "http/auth.hpp"

using orc::http::Access;
using orc::http::AccessGuard;

namespace {

std::string base64(const std::string& in) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(alphabet[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(alphabet[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

httplib::Request request(const std::string& user = "", const std::string& password = "") {
  httplib::Request req;
  req.path = "/api/x";
  req.headers.emplace("Host", "orc.example:3000");
  if (!user.empty() || !password.empty())
    req.headers.emplace("Authorization", "Basic " + base64(user + ":" + password));
  return req;
}

/// Status of the guard's answer: 0 when it let the request through.
int decide(const orc::model::Config& config, Access access, const httplib::Request& req,
           std::string* body = nullptr) {
  AccessGuard guard(config);
  httplib::Response res;
  auto ticket = guard.admit(access, req, res);
  if (body) *body = res.body;
  if (ticket) return 0;
  return res.status;
}

orc::model::Config with_auth(const std::string& method) {
  orc::model::Config c;
  c.AuthenticationMethod = method;
  c.HTTPAuthUser = "admin";
  c.HTTPAuthPassword = "s3cret";
  return c;
}

}  // namespace

TEST_CASE("no authentication: everyone reads and writes") {
  orc::model::Config c;
  CHECK(decide(c, Access::Read, request()) == 0);
  CHECK(decide(c, Access::Mutation, request()) == 0);
  CHECK(decide(c, Access::Mutation, request("anyone", "x")) == 0);
}

TEST_CASE("basic: 401 with a challenge without or with wrong credentials, on every route") {
  const auto c = with_auth("basic");
  for (auto access : {Access::Health, Access::Read, Access::Mutation}) {
    CAPTURE(orc::http::to_string(access));
    AccessGuard guard(c);
    httplib::Response res;
    CHECK_FALSE(guard.admit(access, request(), res));
    CHECK(res.status == 401);
    CHECK(res.get_header_value("WWW-Authenticate") == "Basic realm=\"Authorization Required\"");
    CHECK(decide(c, access, request("admin", "wrong")) == 401);
    CHECK(decide(c, access, request("admin", "s3cret2")) == 401);
    CHECK(decide(c, access, request("Admin", "s3cret")) == 401);
    CHECK(decide(c, access, request("readonly", "x")) == 401);
    CHECK(decide(c, access, request("admin", "s3cret")) == 0);
  }
}

TEST_CASE("multi: readonly with any password reads - only the configured user writes") {
  const auto c = with_auth("multi");
  CHECK(decide(c, Access::Read, request("readonly", "whatever")) == 0);
  CHECK(decide(c, Access::Health, request("readonly", "")) == 0);
  std::string body;
  CHECK(decide(c, Access::Mutation, request("readonly", "whatever"), &body) == 500);
  CHECK(body == R"({"Code":"ERROR","Message":"Unauthorized","Details":null})");
  CHECK(decide(c, Access::Mutation, request("admin", "s3cret")) == 0);
  CHECK(decide(c, Access::Read, request("admin", "bad")) == 401);
  CHECK(decide(c, Access::Read, request()) == 401);
}

TEST_CASE("proxy: the header names the user - PowerAuthUsers may write") {
  auto c = with_auth("proxy");
  c.PowerAuthUsers = {"alice"};
  auto req = request();
  CHECK(decide(c, Access::Read, req) == 0);
  CHECK(decide(c, Access::Mutation, req) == 500);  // no user at all
  req.headers.emplace("X-Forwarded-User", "bob");
  CHECK(decide(c, Access::Read, req) == 0);
  CHECK(decide(c, Access::Mutation, req) == 500);
  auto alice = request();
  alice.headers.emplace("X-Forwarded-User", "alice");
  CHECK(decide(c, Access::Mutation, alice) == 0);
  c.PowerAuthUsers = {"*"};
  CHECK(decide(c, Access::Mutation, req) == 0);
  CHECK(decide(c, Access::Mutation, request()) == 0);  // upstream: "*" even without a header
}

TEST_CASE("proxy: members of PowerAuthGroups may write") {
  auto c = with_auth("proxy");
  c.PowerAuthUsers = {};
  c.PowerAuthGroups = {"root"};  // root's primary group on every Debian system
  auto req = request();
  req.headers.emplace("X-Forwarded-User", "root");
  CHECK(decide(c, Access::Mutation, req) == 0);
  c.PowerAuthGroups = {"no-such-group-here"};
  CHECK(decide(c, Access::Mutation, req) == 500);
}

TEST_CASE("ReadOnly refuses every mutation whatever the method, and no read") {
  for (const char* method : {"", "basic", "multi", "proxy"}) {
    CAPTURE(method);
    auto c = with_auth(method);
    c.ReadOnly = true;
    auto req = request("admin", "s3cret");
    req.headers.emplace("X-Forwarded-User", "admin");
    CHECK(decide(c, Access::Mutation, req) == 500);
    CHECK(decide(c, Access::Read, req) == 0);
  }
}

TEST_CASE("a mutation sent cross-site by a browser is refused - reads are not") {
  orc::model::Config c;
  auto cross = request();
  cross.headers.emplace("Sec-Fetch-Site", "cross-site");
  CHECK(decide(c, Access::Mutation, cross) == 403);
  CHECK(decide(c, Access::Read, cross) == 0);

  auto same_site = request();
  same_site.headers.emplace("Sec-Fetch-Site", "same-site");
  CHECK(decide(c, Access::Mutation, same_site) == 403);

  auto other_origin = request();
  other_origin.headers.emplace("Origin", "https://evil.example");
  CHECK(decide(c, Access::Mutation, other_origin) == 403);

  auto null_origin = request();
  null_origin.headers.emplace("Origin", "null");
  CHECK(decide(c, Access::Mutation, null_origin) == 403);

  auto own = request();
  own.headers.emplace("Origin", "http://ORC.example:3000");
  own.headers.emplace("Sec-Fetch-Site", "same-origin");
  CHECK(decide(c, Access::Mutation, own) == 0);

  auto typed = request();  // typed in the address bar
  typed.headers.emplace("Sec-Fetch-Site", "none");
  CHECK(decide(c, Access::Mutation, typed) == 0);
}

TEST_CASE("constant-time comparison and base64") {
  using orc::http::constant_time_equals;
  CHECK(constant_time_equals("", ""));
  CHECK(constant_time_equals("abc", "abc"));
  CHECK_FALSE(constant_time_equals("abc", "abd"));
  CHECK_FALSE(constant_time_equals("abc", "ab"));
  CHECK_FALSE(constant_time_equals("", "a"));
  CHECK(orc::http::base64_decode("YWRtaW46czNjcmV0") == std::string("admin:s3cret"));
  CHECK_FALSE(orc::http::base64_decode("YW*="));
  auto req = request("us:er", "pa:ss");  // the password may contain ':'; the user may not
  auto creds = orc::http::basic_credentials(req);
  REQUIRE(creds);
  CHECK(creds->first == "us");
  CHECK(creds->second == "er:pa:ss");
}

TEST_CASE("request_user: the owner recorded for acknowledgements") {
  auto c = with_auth("basic");
  CHECK(orc::http::request_user(c, request("admin", "s3cret")) == "admin");
  CHECK(orc::http::request_user(orc::model::Config{}, request()) == "orchestrator");
  c.AuthenticationMethod = "proxy";
  auto req = request();
  req.headers.emplace("X-Forwarded-User", "carol");
  CHECK(orc::http::request_user(c, req) == "carol");
}

TEST_CASE("the mutation gate admits HTTPThreads holders and refuses the next in time") {
  orc::http::SlotGate gate(2);
  auto a = gate.acquire(std::chrono::milliseconds(0));
  auto b = gate.acquire(std::chrono::milliseconds(0));
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(gate.acquire(std::chrono::milliseconds(1)));
  a.reset();
  CHECK(gate.acquire(std::chrono::milliseconds(0)));
}
