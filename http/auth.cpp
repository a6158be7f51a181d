#include "http/auth.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "model/text.hpp"

namespace orc::http {

namespace {

std::string lower(std::string_view s) {
  return model::to_lower(s);
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Upstream's PowerAuthUsers rule: "*" or the exact user.
bool listed(const std::vector<std::string>& users, const std::string& user) {
  return std::any_of(users.begin(), users.end(),
                     [&](const std::string& u) { return u == "*" || u == user; });
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> basic_credentials(const httplib::Request& req) {
  const auto header = req.get_header_value("Authorization");
  if (header.size() < 6 || lower(std::string_view(header).substr(0, 6)) != "basic ")
    return std::nullopt;
  auto decoded = base64_decode(trim_spaces(std::string_view(header).substr(6)));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

Authenticator::Authenticator(const model::Config& config)
    : config_(config), method_(lower(config.AuthenticationMethod)) {}

std::optional<Identity> Authenticator::authenticate(const httplib::Request& req) const {
  if (method_ == "basic" || method_ == "multi") {
    auto creds = basic_credentials(req);
    if (!creds) return std::nullopt;
    // Both compared in full every time, so timing tells nothing about which one was wrong.
    const bool user_ok = constant_time_equals(creds->first, config_.HTTPAuthUser);
    const bool password_ok = constant_time_equals(creds->second, config_.HTTPAuthPassword);
    if (user_ok && password_ok) return Identity{creds->first};
    if (method_ == "multi" && creds->first == "readonly") return Identity{"readonly"};
    return std::nullopt;
  }
  if (method_ == "proxy") return Identity{req.get_header_value(config_.AuthUserHeader.c_str())};
  return Identity{};
}

bool Authenticator::may_write(const Identity& who) const {
  if (method_ == "multi") return who.user != "readonly";
  if (method_ == "proxy")
    // As upstream: "*" lets every request write, even one without the header.
    return listed(config_.PowerAuthUsers, who.user) || in_power_groups(who.user);
  return true;  // "" and basic: every authenticated caller
}

bool Authenticator::in_power_groups(const std::string& user) const {
  if (config_.PowerAuthGroups.empty()) return false;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) return false;
  int count = 64;
  std::vector<gid_t> gids(count);
  if (getgrouplist(user.c_str(), found->pw_gid, gids.data(), &count) < 0) {
    gids.resize(count);
    if (getgrouplist(user.c_str(), found->pw_gid, gids.data(), &count) < 0) return false;
  }
  gids.resize(count);
  std::vector<char> gbuf(16384);
  for (gid_t gid : gids) {
    group g{};
    group* gfound = nullptr;
    if (getgrgid_r(gid, &g, gbuf.data(), gbuf.size(), &gfound) != 0 || !gfound) continue;
    if (std::find(config_.PowerAuthGroups.begin(), config_.PowerAuthGroups.end(),
                  gfound->gr_name) != config_.PowerAuthGroups.end())
      return true;
  }
  return false;
}

std::string request_user(const model::Config& config, const httplib::Request& req) {
  const auto method = lower(config.AuthenticationMethod);
  std::string user;
  if (method == "proxy") {
    user = req.get_header_value(config.AuthUserHeader.c_str());
  } else if (method == "basic" || method == "multi") {
    if (auto creds = basic_credentials(req)) user = creds->first;
  }
  return user.empty() ? "orchestrator" : user;
}

bool is_cross_site(const httplib::Request& req) {
  const auto site = lower(req.get_header_value("Sec-Fetch-Site"));
  if (!site.empty() && site != "same-origin" && site != "none") return true;
  if (!req.has_header("Origin")) return false;
  std::string origin = lower(req.get_header_value("Origin"));
  const auto scheme = origin.find("://");
  if (scheme == std::string::npos) return true;  // "null" and other opaque origins
  origin = origin.substr(scheme + 3);
  return origin != lower(req.get_header_value("Host"));
}

}  // namespace orc::http
