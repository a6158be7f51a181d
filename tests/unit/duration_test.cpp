#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "model/duration.hpp"

using orc::model::format_duration;
using orc::model::parse_duration;
using std::chrono::seconds;

namespace {
/// Seconds of a parsed duration, or -1 when parsing failed (so CHECK shows both cases).
long long secs(const char* text) {
  const auto d = parse_duration(text);
  return d ? static_cast<long long>(d->count()) : -1;
}
}  // namespace

TEST_CASE("durations accept seconds, minutes, hours, days and weeks") {
  CHECK(secs("30s") == 30);
  CHECK(secs("10m") == 600);
  CHECK(secs("1h") == 3600);
  CHECK(secs("2d") == 2 * 86400);
  CHECK(secs("1w") == 7 * 86400);
  CHECK(secs("0s") == 0);
}

TEST_CASE("a bare integer duration is a number of seconds") {
  CHECK(secs("45") == 45);
  CHECK(secs("0") == 0);
  CHECK(secs("007") == 7);
}

TEST_CASE("durations combine several parts with units") {
  CHECK(secs("1h30m") == 5400);
  CHECK(secs("1w2d3h4m5s") == 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  CHECK(secs("90s") == 90);
}

TEST_CASE("durations reject negatives, empty text, garbage and unknown units") {
  for (const char* bad : {"", "-5", "-5m", "+5", " 5", "5 ", "5 m", "1.5h", "m", "h1", "10x", "5M",
                          "1m30", "1h-30m", "abc", "5mm", "0x10"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("durations reject values that would overflow a clock time point") {
  CHECK(secs("36525d") == 36525LL * 86400);  // 100 years is the largest accepted value
  CHECK_FALSE(parse_duration("36526d"));
  CHECK_FALSE(parse_duration("99999999999999999999"));
  CHECK_FALSE(parse_duration("9223372036854775807s"));
  CHECK_FALSE(parse_duration("18446744073709551617w"));
  CHECK_FALSE(parse_duration("5000w5000w"));
}

TEST_CASE("durations format with the largest units first") {
  CHECK(format_duration(seconds(0)) == "0s");
  CHECK(format_duration(seconds(59)) == "59s");
  CHECK(format_duration(seconds(600)) == "10m");
  CHECK(format_duration(seconds(5400)) == "1h30m");
  CHECK(format_duration(seconds(86400)) == "1d");
  CHECK(format_duration(seconds(8 * 86400 + 3661)) == "1w1d1h1m1s");
  CHECK(format_duration(seconds(-90)) == "-1m30s");
}

TEST_CASE("formatted durations parse back to the same number of seconds") {
  for (long long s = 0; s < 3LL * 7 * 86400; s += 7919) {
    CAPTURE(s);
    const auto text = format_duration(seconds(s));
    const auto back = parse_duration(text);
    REQUIRE(back);
    CHECK(back->count() == s);
  }
}
