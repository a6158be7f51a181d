#include <doctest/doctest.h>

#include "storage/go_quote.hpp"

using orc::storage::go_quote_ascii;
using orc::storage::go_unquote;

TEST_CASE("go quoting escapes quotes, backslashes and control characters like strconv") {
  CHECK(go_quote_ascii("error connecting to master 'repl@h:1'") ==
        "\"error connecting to master 'repl@h:1'\"");
  CHECK(go_quote_ascii("a\"b\\c\nd\te") == "\"a\\\"b\\\\c\\nd\\te\"");
  CHECK(go_quote_ascii(std::string("x\x01y\x7f", 4)) == "\"x\\x01y\\x7f\"");
}

TEST_CASE("go quoting writes valid UTF-8 as \\u escapes and invalid bytes as \\x") {
  CHECK(go_quote_ascii("caf\xc3\xa9") == "\"caf\\u00e9\"");
  CHECK(go_quote_ascii("\xf0\x9f\x98\x80") == "\"\\U0001f600\"");
  CHECK(go_quote_ascii("bad\xff") == "\"bad\\xff\"");
  CHECK(go_quote_ascii("\xc3") == "\"\\xc3\"");  // truncated sequence
}

TEST_CASE("go unquoting reverses quoting and leaves unquoted legacy text alone") {
  for (std::string s : {std::string("plain"), std::string("a\"b\\c\nd"), std::string("caf\xc3\xa9"),
                        std::string("\xf0\x9f\x98\x80 smile"), std::string("bad\xff")})
    CHECK(go_unquote(go_quote_ascii(s)) == s);
  CHECK(go_unquote("not quoted") == "not quoted");
  CHECK(go_unquote("\"\"").empty());
}
