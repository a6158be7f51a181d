// The tag condition language of `tagged` (cli.md): name, name=value, ~name, ~name=value, '!' as
// '~', commas AND the conditions.

#include <doctest/doctest.h>

#include <string>

#include "storage/tag_dao.hpp"

using orc::storage::parse_tag_conditions;
using orc::storage::TagCondition;

TEST_CASE("a bare tag name means the tag exists with any value") {
  auto c = parse_tag_conditions("role");
  REQUIRE(c);
  REQUIRE(c->size() == 1);
  CHECK((*c)[0] == TagCondition{"role", std::nullopt, false});
}

TEST_CASE("name=value requires that value and keeps an empty value distinct from no value") {
  auto c = parse_tag_conditions("role=backup,empty=");
  REQUIRE(c);
  REQUIRE(c->size() == 2);
  CHECK((*c)[0] == TagCondition{"role", std::string("backup"), false});
  CHECK((*c)[1] == TagCondition{"empty", std::string(""), false});
}

TEST_CASE("tilde and bang both negate, with or without a value") {
  auto c = parse_tag_conditions("~role,!dc=east,~x=a=b");
  REQUIRE(c);
  REQUIRE(c->size() == 3);
  CHECK((*c)[0] == TagCondition{"role", std::nullopt, true});
  CHECK((*c)[1] == TagCondition{"dc", std::string("east"), true});
  // Only the first '=' separates the name from the value.
  CHECK((*c)[2] == TagCondition{"x", std::string("a=b"), true});
}

TEST_CASE("conditions are trimmed and a bang inside a value is kept") {
  auto c = parse_tag_conditions("  role = db , note=hi!there ");
  REQUIRE(c);
  REQUIRE(c->size() == 2);
  CHECK((*c)[0] == TagCondition{"role", std::string(" db"), false});
  CHECK((*c)[1] == TagCondition{"note", std::string("hi!there"), false});
}

TEST_CASE("conditions with an empty tag name are rejected with a reason") {
  for (const char* bad : {"", " ", "a,,b", "=x", "~", "!=v", "a,"}) {
    CAPTURE(bad);
    std::string why;
    CHECK_FALSE(parse_tag_conditions(bad, &why));
    CHECK(why.find("empty tag name") != std::string::npos);
  }
}
