// Instance keys as they arrive from the CLI (-i), API path segments and backend comma lists:
// parse_instance_key, parse_port, parse_key_list, and the ordering/hash laws that maps and
// sets of InstanceKey rely on.

#include <string>

#include "model/instance_key.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using orc::model::InstanceKey;

namespace {

/// The default ports callers pass, plus invalid ones a caller could pass by mistake.
constexpr int kDefaultPorts[] = {3306, 0, -1, 1, 65535, 65536};

/// parse_port is "1..65535 in at most five decimal digits": checked against a slow reference.
void check_port(std::string_view text) {
  auto port = orc::model::parse_port(text);
  bool digits = !text.empty() && text.size() <= 5;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') digits = false;
    if (digits) value = value * 10 + (c - '0');
  }
  const bool expected = digits && value >= 1 && value <= 65535;
  FUZZ_CHECK(port.has_value() == expected);
  if (port) FUZZ_CHECK(*port == value);
}

void check_key(std::string_view text, int default_port) {
  std::string error;
  auto key = orc::model::parse_instance_key(text, default_port, &error);
  if (!key) {
    FUZZ_CHECK(!error.empty());
    return;
  }
  FUZZ_CHECK(key->valid());
  // host:port must read back as the same key, except for IPv6-style hosts: str() does not
  // bracket them (upstream's format), so "::1:3306" is ambiguous by design.
  if (key->hostname.find(':') == std::string::npos && key->hostname.front() != '[' &&
      !std::isspace(static_cast<unsigned char>(key->hostname.front())) &&
      !std::isspace(static_cast<unsigned char>(key->hostname.back()))) {
    auto again = orc::model::parse_instance_key(key->str(), 1);
    FUZZ_CHECK(again && *again == *key && again->hostname == key->hostname);
  }
}

/// Equality, ordering and hash must agree, or std::map and unordered_map disagree on identity.
void check_laws(const InstanceKey& a, const InstanceKey& b) {
  const bool equal = a == b;
  FUZZ_CHECK(equal == (!(a < b) && !(b < a)));
  if (equal) FUZZ_CHECK(orc::model::InstanceKeyHash()(a) == orc::model::InstanceKeyHash()(b));
  FUZZ_CHECK(!(a < a));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  orc::fuzz::Bytes in(data, size);
  const int default_port = kDefaultPorts[in.byte() % std::size(kDefaultPorts)];
  const std::string_view text = in.rest();

  check_port(text);
  check_key(text, default_port);

  auto keys = orc::model::parse_key_list(text, default_port);
  std::size_t parts = 1;
  for (char c : text) parts += c == ',';
  FUZZ_CHECK(keys.size() <= parts);
  for (const auto& k : keys) FUZZ_CHECK(k.valid());
  for (std::size_t i = 0; i + 1 < keys.size() && i < 16; ++i) check_laws(keys[i], keys[i + 1]);
  if (keys.size() >= 2) check_laws(keys.front(), keys.back());
  return 0;
}
