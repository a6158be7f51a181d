// Instance tags against a real MariaDB backend: round trips, removal and the `tagged`
// condition language.

#include <doctest/doctest.h>
#include <soci/soci.h>

#include <memory>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "storage/backend.hpp"
#include "storage/schema_deploy.hpp"
#include "storage/tag_dao.hpp"
#include "tests/integration/deployed_backend.hpp"

using orc::model::InstanceKey;
using namespace orc::storage;

namespace {

soci::session& clean_backend() {
  static orc::test::DeployedBackend backend("tag-dao-test");
  *backend.session << "DELETE FROM database_instance_tags";
  return *backend.session;
}

const InstanceKey a{"tag-a.test", 3306}, b{"tag-b.test", 3306}, c{"tag-c.test", 3307};

/// a: role=primary, dc=east      b: role=replica, dc=west, backup=      c: dc=east
void tag_three(soci::session& s) {
  put_tag(s, a, "role", "primary");
  put_tag(s, a, "dc", "east");
  put_tag(s, b, "role", "replica");
  put_tag(s, b, "dc", "west");
  put_tag(s, b, "backup", "");
  put_tag(s, c, "dc", "east");
}

std::vector<InstanceKey> tagged_by(soci::session& s, const std::string& conditions) {
  auto parsed = parse_tag_conditions(conditions);
  REQUIRE(parsed);
  return tagged(s, *parsed);
}

using Keys = std::vector<InstanceKey>;

}  // namespace

TEST_CASE("tags round trip sorted by name and a put replaces the value") {
  auto& s = clean_backend();
  put_tag(s, a, "zeta", "last");
  put_tag(s, a, "alpha", "it's \"quoted\" \\ caf\xc3\xa9");
  put_tag(s, a, "empty", "");
  put_tag(s, b, "alpha", "other instance");
  auto tags = read_tags(s, a);
  REQUIRE(tags.size() == 3);
  CHECK(tags[0] ==
        std::make_pair(std::string("alpha"), std::string("it's \"quoted\" \\ caf\xc3\xa9")));
  CHECK(tags[1] == std::make_pair(std::string("empty"), std::string()));
  CHECK(tags[2].first == "zeta");

  put_tag(s, a, "ZETA", "replaced");  // tag names compare case-insensitively
  CHECK(read_tag_value(s, a, "zeta") == "replaced");
  CHECK(read_tag_value(s, a, "empty") == "");
  CHECK_FALSE(read_tag_value(s, a, "missing"));
  CHECK(read_tags(s, c).empty());
}

TEST_CASE("removing a tag reports whether the instance had it") {
  auto& s = clean_backend();
  tag_three(s);
  CHECK(remove_tag(s, a, "role"));
  CHECK_FALSE(remove_tag(s, a, "role"));
  CHECK_FALSE(read_tag_value(s, a, "role"));
  CHECK(read_tag_value(s, b, "role") == "replica");
}

TEST_CASE("removing a tag everywhere returns the instances that had it") {
  auto& s = clean_backend();
  tag_three(s);
  CHECK(remove_tag_all(s, "dc", std::string("east")) == Keys{a, c});
  CHECK(read_tag_value(s, b, "dc") == "west");
  CHECK(remove_tag_all(s, "role", std::nullopt) == Keys{a, b});
  CHECK(remove_tag_all(s, "role", std::nullopt).empty());
  CHECK(read_tags(s, b).size() == 2);
}

TEST_CASE("tagged matches names, values, negations and their conjunction") {
  auto& s = clean_backend();
  tag_three(s);
  CHECK(tagged_by(s, "dc") == Keys{a, b, c});
  CHECK(tagged_by(s, "dc=east") == Keys{a, c});
  CHECK(tagged_by(s, "DC=EAST") == Keys{a, c});  // utf8_general_ci
  CHECK(tagged_by(s, "~role") == Keys{c});
  CHECK(tagged_by(s, "!role") == Keys{c});
  CHECK(tagged_by(s, "~role=primary") == Keys{b});  // has the tag, with another value
  CHECK(tagged_by(s, "dc=east,role") == Keys{a});
  CHECK(tagged_by(s, "dc=east,~role") == Keys{c});
  CHECK(tagged_by(s, "backup=") == Keys{b});  // an empty value is a value
  CHECK(tagged_by(s, "role,dc=north").empty());
  CHECK(tagged(s, {}).empty());
}
