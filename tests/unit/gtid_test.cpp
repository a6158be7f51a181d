#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/gtid.hpp"

using orc::model::compare;
using orc::model::GtidOrder;
using orc::model::GtidSet;
using orc::model::MariadbGtidPosition;
using orc::model::most_advanced;

namespace {

const char* const A = "00020192-1111-1111-1111-111111111111";
const char* const B = "00020193-2222-2222-2222-222222222222";
const char* const C = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

std::string s(const std::string& a, const std::string& b) {
  return a + b;
}

GtidSet gs(const std::string& text) {
  std::string why;
  auto set = GtidSet::parse(text, &why);
  INFO("parsing '", text, "': ", why);
  REQUIRE(set.has_value());
  return *set;
}

MariadbGtidPosition mp(const std::string& text) {
  std::string why;
  auto pos = MariadbGtidPosition::parse(text, &why);
  INFO("parsing '", text, "': ", why);
  REQUIRE(pos.has_value());
  return *pos;
}

}  // namespace

TEST_CASE("GTID sets parse into MySQL's canonical, normalised form") {
  struct Case {
    std::string input, canonical;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {" \n ", ""},
      {s(A, ":1-5"), s(A, ":1-5")},
      {s(A, ":7"), s(A, ":7")},
      // merge overlapping and adjacent intervals, sort them
      {s(A, ":1-3:4-5"), s(A, ":1-5")},
      {s(A, ":6-9:1-3:2-4"), s(A, ":1-4:6-9")},
      {s(A, ":5:1-3:3-4"), s(A, ":1-5")},
      // sort by uuid, lower-case, join the same uuid given twice
      {s(B, ":1-3,") + s(A, ":1-5"), s(A, ":1-5,\n") + s(B, ":1-3")},
      {"00020192-1111-1111-1111-11111111111F:1", "00020192-1111-1111-1111-11111111111f:1"},
      {s(A, ":1-2,") + s(A, ":3-4"), s(A, ":1-4")},
      // whitespace and newlines as MySQL prints them; empty comma entries skipped
      {s(A, ":1-5,\n") + s(B, ":1-3"), s(A, ":1-5,\n") + s(B, ":1-3")},
      {s("  ", A) + " : 1-5 ,\n\t" + s(B, ":2") + " ,", s(A, ":1-5,\n") + s(B, ":2")},
      // tagged GTIDs (8.4): untagged first, then tags sorted, tags lower-cased
      {s(A, ":4:tb:1-2:ta:5:1-3"), s(A, ":4:ta:1-3:5:tb:1-2")},
      {s(A, ":tb:1,") + s(A, ":1"), s(A, ":1:tb:1")},
      {s(A, ":Tag_1:1-3,") + s(A, ":tag_1:4"), s(A, ":tag_1:1-4")},
      {s(A, ":_x9:9223372036854775807"), s(A, ":_x9:9223372036854775807")},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(gs(c.input).to_string() == c.canonical);
  }
}

TEST_CASE("GTID set text can be printed on one line") {
  CHECK(gs(s(A, ":1-5,\n") + s(B, ":1")).to_string(",") == s(A, ":1-5,") + s(B, ":1"));
}

TEST_CASE("malformed GTID sets are rejected with a reason instead of throwing") {
  struct Case {
    std::string input, reason;
  };
  const std::vector<Case> cases = {
      {"garbage", "invalid UUID"},
      {"00020192-1111-1111-1111-11111111111:1", "invalid UUID"},
      {"00020192-1111-1111-1111-11111111111g:1", "invalid UUID"},
      {"00020192_1111-1111-1111-111111111111:1", "invalid UUID"},
      {A, "no intervals"},
      {s(A, ":"), "empty interval"},
      {s(A, ":1-5:"), "empty interval"},
      {s(A, ":0"), "invalid interval"},
      {s(A, ":5-3"), "invalid interval"},
      {s(A, ":1-"), "invalid interval"},
      {s(A, ":-3"), "invalid GTID tag"},
      {s(A, ":1-2-3"), "invalid interval"},
      {s(A, ":1x"), "invalid interval"},
      {s(A, ":9223372036854775808"), "invalid interval"},
      {s(A, ":99999999999999999999999"), "invalid interval"},
      {s(A, ":tag"), "has no intervals"},
      {s(A, ":t1:t2:1"), "has no intervals"},
      {s(A, ":bad-tag:1"), "invalid GTID tag"},
      {s(A, ":bad tag:1"), "invalid GTID tag"},
      {s(A, ":abcdefghijklmnopqrstuvwxyz1234567:1"), "invalid GTID tag"},
      {s(A, ":1,junk"), "invalid UUID"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    std::string why;
    CHECK_FALSE(GtidSet::parse(c.input, &why).has_value());
    CHECK(why.find(c.reason) != std::string::npos);
  }
  CHECK_FALSE(GtidSet::parse("nope").has_value());  // no error pointer: still no crash
}

TEST_CASE("GTID set subtraction matches GTID_SUBTRACT") {
  struct Case {
    std::string a, b, expected;
  };
  const std::vector<Case> cases = {
      {s(A, ":1-10"), "", s(A, ":1-10")},
      {"", s(A, ":1-10"), ""},
      {s(A, ":1-10"), s(A, ":1-10"), ""},
      {s(A, ":1-10"), s(A, ":3-4:6-7"), s(A, ":1-2:5:8-10")},
      {s(A, ":1-10"), s(A, ":1-3"), s(A, ":4-10")},
      {s(A, ":1-10"), s(A, ":8-20"), s(A, ":1-7")},
      {s(A, ":1-3:7-9"), s(A, ":2-8"), s(A, ":1:9")},
      {s(A, ":1-5,") + s(B, ":1-3"), s(B, ":1-3"), s(A, ":1-5")},
      {s(A, ":1-5,") + s(B, ":1-3"), s(B, ":2,") + s(C, ":1"), s(A, ":1-5,\n") + s(B, ":1:3")},
      // tags are separate sources
      {s(A, ":1-5:t:1-5"), s(A, ":t:1-5"), s(A, ":1-5")},
      {s(A, ":1-5:t:1-5"), s(A, ":1-5"), s(A, ":t:1-5")},
      {s(A, ":1-9223372036854775807"), s(A, ":2-9223372036854775807"), s(A, ":1")},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(gs(c.a).subtract(gs(c.b)).to_string() == c.expected);
  }
}

TEST_CASE("GTID set containment matches GTID_SUBSET with the arguments swapped") {
  struct Case {
    std::string a, b;
    bool a_contains_b;
  };
  const std::vector<Case> cases = {
      {s(A, ":1-10"), s(A, ":1-10"), true},
      {s(A, ":1-10"), s(A, ":3-4:9"), true},
      {s(A, ":1-10"), "", true},
      {"", s(A, ":1"), false},
      {"", "", true},
      {s(A, ":1-10"), s(A, ":10-11"), false},
      {s(A, ":1-4:6-10"), s(A, ":3-7"), false},
      {s(A, ":1-4:5-10"), s(A, ":3-7"), true},
      {s(A, ":1-10"), s(B, ":1"), false},
      {s(A, ":1-10,") + s(B, ":1-2"), s(B, ":2,") + s(A, ":10"), true},
      {s(A, ":1-10"), s(A, ":t:1"), false},
      {s(A, ":t:1-10"), s(A, ":T:5"), true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(gs(c.a).contains(gs(c.b)) == c.a_contains_b);
  }
}

TEST_CASE("GTID set union merges intervals across sets and sources") {
  auto u = gs(s(A, ":1-3:9,") + s(C, ":1")).union_with(gs(s(A, ":4-8,") + s(B, ":t:2")));
  CHECK(u.to_string(",") == s(A, ":1-9,") + s(B, ":t:2,") + s(C, ":1"));
  CHECK(u.contains(gs(s(A, ":1-3:9"))));
  CHECK(gs("").union_with(gs("")).empty());
}

TEST_CASE("GTID set counts transactions and knows when it is empty") {
  CHECK(gs("").empty());
  CHECK(gs("").count() == 0);
  CHECK_FALSE(gs(s(A, ":1")).empty());
  CHECK(gs(s(A, ":1-5:7,") + s(B, ":1-3:t:10-19")).count() == 19);
  CHECK(gs(s(A, ":1-9223372036854775807,") + s(B, ":1-9223372036854775807,") + s(C, ":1-5"))
            .count() == UINT64_MAX);
}

TEST_CASE("removing uuids drops every tag of those servers, case-insensitively") {
  auto set = gs(s(A, ":1-5:t:1,") + s(B, ":1-3,") + s(C, ":7"));
  CHECK(set.remove_uuids({"00020192-1111-1111-1111-111111111111"}).to_string(",") ==
        s(B, ":1-3,") + s(C, ":7"));
  CHECK(set.remove_uuids({"3E11FA47-71CA-11E1-9E33-C80AA9429562", " ", ""}).to_string(",") ==
        s(A, ":1-5:t:1,") + s(B, ":1-3"));
  CHECK(set.remove_uuids({}).to_string() == set.to_string());
  CHECK(set.remove_uuids({A, B, C}).empty());
}

TEST_CASE("equal GTID sets compare equal whatever their spelling") {
  CHECK(gs(s(A, ":1-3:4-6,") + s(B, ":1")) == gs(s(B, ":1,\n") + s(A, ":1-6")));
  CHECK(gs(s(A, ":1-3")) != gs(s(A, ":1-4")));
}

TEST_CASE("MariaDB GTID positions parse, sort by domain and print back") {
  auto p = mp("1-23307-5,0-23306-11");
  CHECK(p.to_string() == "0-23306-11,1-23307-5");
  CHECK(p.gtids().size() == 2);
  CHECK(p.seq_for_domain(0) == 11u);
  CHECK(p.seq_for_domain(1) == 5u);
  CHECK_FALSE(p.seq_for_domain(2).has_value());
  CHECK(mp("").empty());
  CHECK(mp(" 0-1-17 , 7-1-1 ").to_string() == "0-1-17,7-1-1");
  CHECK(mp("4294967295-4294967295-18446744073709551615").to_string() ==
        "4294967295-4294967295-18446744073709551615");
}

TEST_CASE("malformed MariaDB GTID positions are rejected with a reason") {
  struct Case {
    std::string input, reason;
  };
  const std::vector<Case> cases = {
      {"0-1", "domain-server_id-seq_no"},
      {"0-1-2-3", "domain-server_id-seq_no"},
      {"-1-2", "invalid number"},
      {"a-1-2", "invalid number"},
      {"0-1-", "invalid number"},
      {"4294967296-1-2", "invalid number"},
      {"0-1-18446744073709551616", "invalid number"},
      {"0-1-5,0-2-6", "appears twice"},
      {"00020192-1111-1111-1111-111111111111:1", "domain-server_id-seq_no"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    std::string why;
    CHECK_FALSE(MariadbGtidPosition::parse(c.input, &why).has_value());
    CHECK(why.find(c.reason) != std::string::npos);
  }
}

TEST_CASE("MariaDB positions compare per domain by seq_no, ignoring server_id") {
  struct Case {
    std::string a, b;
    GtidOrder expected;
  };
  const std::vector<Case> cases = {
      {"0-1-10", "0-1-10", GtidOrder::Equal},
      {"0-1-10", "0-2-10", GtidOrder::Equal},  // server_id ignored
      {"", "", GtidOrder::Equal},
      {"0-1-11", "0-1-10", GtidOrder::Ahead},
      {"0-1-9", "0-1-10", GtidOrder::Behind},
      {"0-1-10,1-1-1", "0-1-10", GtidOrder::Ahead},  // missing domain = behind
      {"0-1-10", "", GtidOrder::Ahead},
      {"0-1-10", "0-1-10,1-2-3", GtidOrder::Behind},
      {"0-1-11,1-2-3", "0-1-10,1-2-4", GtidOrder::Incomparable},
      {"0-1-10", "1-1-1", GtidOrder::Incomparable},
      {"0-1-10,1-1-0", "0-1-10", GtidOrder::Equal},  // seq 0 is no transaction at all
  };
  for (const auto& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    auto order = compare(mp(c.a), mp(c.b));
    CHECK(orc::model::gtid_order_name(order) ==
          std::string(orc::model::gtid_order_name(c.expected)));
    CHECK(mp(c.a).contains(mp(c.b)) ==
          (c.expected == GtidOrder::Equal || c.expected == GtidOrder::Ahead));
  }
}

TEST_CASE("the most advanced MariaDB positions are the maximal ones") {
  using Idx = std::vector<std::size_t>;
  CHECK(most_advanced({}).empty());
  CHECK(most_advanced({mp("0-1-5")}) == Idx{0});
  CHECK(most_advanced({mp("0-1-5"), mp("0-1-9"), mp("0-2-7")}) == Idx{1});
  // equal leaders are all returned
  CHECK(most_advanced({mp("0-1-9"), mp("0-1-5"), mp("0-3-9")}) == Idx{0, 2});
  // incomparable leaders are all returned; the one behind both is not
  CHECK(most_advanced({mp("0-1-9,1-1-1"), mp("0-1-8,1-1-2"), mp("0-1-8,1-1-1")}) == Idx{0, 1});
  // a replica missing a domain is behind one that has it
  CHECK(most_advanced({mp("0-1-9"), mp("0-1-9,5-1-1")}) == Idx{1});
}
