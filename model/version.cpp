#include "model/version.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace orc::model {

namespace {

bool contains_ci(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

/// Reads a decimal number at `pos`; returns false (and leaves pos) when there is no digit.
bool read_number(std::string_view text, size_t& pos, int& out) {
  size_t start = pos;
  long value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    value = value * 10 + (text[pos] - '0');
    if (value > 1000000) return false;  // not a version component
    ++pos;
  }
  if (pos == start) return false;
  out = static_cast<int>(value);
  return true;
}

}  // namespace

std::string ServerVersion::major_version_string() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string ServerVersion::number_string() const {
  return major_version_string() + "." + std::to_string(patch);
}

bool ServerVersion::at_least(int maj, int min, int pat) const {
  return std::tie(major, minor, patch) >= std::tie(maj, min, pat);
}

bool operator<(const ServerVersion& a, const ServerVersion& b) {
  return std::tie(a.major, a.minor, a.patch) < std::tie(b.major, b.minor, b.patch);
}

bool operator==(const ServerVersion& a, const ServerVersion& b) {
  return std::tie(a.major, a.minor, a.patch, a.flavor) ==
         std::tie(b.major, b.minor, b.patch, b.flavor);
}

std::optional<ServerVersion> parse_server_version(std::string_view version,
                                                  std::string_view version_comment) {
  const bool mariadb = contains_ci(version, "MariaDB");
  constexpr std::string_view kHandshakePrefix = "5.5.5-";
  if (mariadb && version.substr(0, kHandshakePrefix.size()) == kHandshakePrefix) {
    version.remove_prefix(kHandshakePrefix.size());
  }

  ServerVersion v;
  size_t pos = 0;
  if (!read_number(version, pos, v.major)) return std::nullopt;
  int* rest[] = {&v.minor, &v.patch};
  for (int* part : rest) {
    if (pos + 1 >= version.size() || version[pos] != '.') break;
    size_t next = pos + 1;
    if (!read_number(version, next, *part)) break;
    pos = next;
  }
  auto dash = version.find('-', pos);
  if (dash != std::string_view::npos) v.suffix = std::string(version.substr(dash + 1));

  if (mariadb) {
    v.flavor = Flavor::MariaDB;
  } else if (contains_ci(version_comment, "Percona")) {
    v.flavor = Flavor::Percona;
  } else {
    v.flavor = Flavor::MySQL;
  }
  return v;
}

}  // namespace orc::model
