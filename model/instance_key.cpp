#include "model/instance_key.hpp"
#include "model/text.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

namespace orc::model {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool host_char(char c) {
  return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
}

bool alias_char(char c) {
  return host_char(c) || c == '@' || c == '/' || c == '+' || c == '=' || c == ',';
}

/// The common checks: length, no leading '-', every character allowed.
bool check_name(std::string_view text, const char* what, bool (*allowed)(char), std::string* why) {
  auto fail = [&](std::string reason) {
    if (why) *why = std::string(what) + " '" + printable(text) + "' " + reason;
    return false;
  };
  if (text.empty()) return fail("is empty");
  if (text.size() > kMaxHostnameLength)
    return fail("is longer than " + std::to_string(kMaxHostnameLength) + " bytes");
  if (text.front() == '-') return fail("starts with '-'");
  for (char c : text) {
    if (!allowed(c)) return fail("contains the character '" + printable(std::string(1, c)) + "'");
  }
  return true;
}

}  // namespace

bool valid_hostname(std::string_view host, std::string* why) {
  if (!check_name(host, "hostname", host_char, why)) return false;
  if (host.find('%') != std::string_view::npos && host.find(':') == std::string_view::npos) {
    if (why) *why = "hostname '" + printable(host) + "' has '%' but is no IPv6 address";
    return false;
  }
  return true;
}

bool valid_alias(std::string_view alias, std::string* why) {
  return alias.empty() || check_name(alias, "alias", alias_char, why);
}

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max) return out + "...";
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string InstanceKey::str() const {
  return hostname + ":" + std::to_string(port);
}

std::string InstanceKey::normalized_host() const {
  return to_lower(hostname);
}

bool InstanceKey::operator==(const InstanceKey& o) const {
  return port == o.port && hostname.size() == o.hostname.size() &&
         normalized_host() == o.normalized_host();
}

bool InstanceKey::operator<(const InstanceKey& o) const {
  auto a = normalized_host(), b = o.normalized_host();
  if (a != b) return a < b;
  return port < o.port;
}

std::size_t InstanceKeyHash::operator()(const InstanceKey& k) const {
  return std::hash<std::string>()(k.normalized_host()) * 31u + static_cast<std::size_t>(k.port);
}

std::optional<int> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 65535) return std::nullopt;
  return v;
}

std::optional<InstanceKey> parse_instance_key(std::string_view text, int default_port,
                                              std::string* error) {
  auto fail = [&](std::string why) -> std::optional<InstanceKey> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return fail("empty instance key");
  std::string_view host = text;
  std::string_view port_text;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return fail("unterminated '[' in instance key");
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("unexpected text after ']' in instance key");
      port_text = rest.substr(1);
      if (port_text.empty()) return fail("empty port in instance key");
    }
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      host = text.substr(0, colon);
      port_text = text.substr(colon + 1);
      if (port_text.empty()) return fail("empty port in instance key");
    }
  }
  if (host.empty()) return fail("empty hostname in instance key");
  std::string why;
  if (!valid_hostname(host, &why)) return fail("invalid instance key: " + why);
  InstanceKey key{std::string(host), default_port};
  if (!port_text.empty()) {
    auto p = parse_port(port_text);
    if (!p) return fail("invalid port '" + std::string(port_text) + "'");
    key.port = *p;
  }
  if (!key.valid()) return fail("invalid instance key '" + std::string(text) + "'");
  return key;
}

std::string join_keys(const std::vector<InstanceKey>& keys, std::string_view sep) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += sep;
    out += k.str();
  }
  return out;
}

std::vector<InstanceKey> parse_key_list(std::string_view text, int default_port) {
  std::vector<InstanceKey> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    auto part = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (auto key = parse_instance_key(part, default_port)) out.push_back(*key);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace orc::model
