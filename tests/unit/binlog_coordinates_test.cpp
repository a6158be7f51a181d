#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/instance.hpp"

using orc::model::BinlogCoordinates;

TEST_CASE("binlog coordinates order by file number, then by position") {
  struct Case {
    BinlogCoordinates a, b;
    bool a_smaller;
  };
  const std::vector<Case> cases = {
      // numeric suffix, not text: 000009 < 000010, and 999999 < 1000000 (wider suffix)
      {{"mysql-bin.000009", 9999}, {"mysql-bin.000010", 4}, true},
      {{"mysql-bin.000010", 4}, {"mysql-bin.000009", 9999}, false},
      {{"mysql-bin.999999", 500}, {"mysql-bin.1000000", 4}, true},
      {{"mysql-bin.1000000", 4}, {"mysql-bin.999999", 500}, false},
      // same file: by position
      {{"mysql-bin.000003", 120}, {"mysql-bin.000003", 121}, true},
      {{"mysql-bin.000003", 121}, {"mysql-bin.000003", 120}, false},
      {{"mysql-bin.000003", 120}, {"mysql-bin.000003", 120}, false},
      // relay logs compare the same way
      {{"relay.000002", 900, 1}, {"relay.000011", 4, 1}, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a.str());
    CAPTURE(c.b.str());
    CHECK(c.a.smaller_than(c.b) == c.a_smaller);
  }
}

TEST_CASE("binlog coordinates print as file:position and compare equal by both") {
  BinlogCoordinates c{"mysql-bin.000042", 1234};
  CHECK(c.str() == "mysql-bin.000042:1234");
  CHECK(c == BinlogCoordinates{"mysql-bin.000042", 1234});
  CHECK_FALSE(c == BinlogCoordinates{"mysql-bin.000042", 1235});
  CHECK_FALSE(c.empty());
  CHECK(BinlogCoordinates{}.empty());
}
