// SQL string quoting (storage/mysql_dialect quote_sql_string), used where a statement cannot
// take a bind parameter (CHANGE MASTER TO host, user, password come from the API and the
// managed servers): the result must be one literal that the server reads back as the input.

#include <string>

#include "storage/mysql_dialect.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

/// Reads one MySQL single-quoted literal the way the server's lexer does; nullopt when `sql`
/// is not exactly one literal (an early close quote means injection).
std::optional<std::string> unquote(std::string_view sql, bool no_backslash_escapes) {
  if (sql.size() < 2 || sql.front() != '\'' || sql.back() != '\'') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\\' && !no_backslash_escapes) {
      if (i + 2 >= sql.size()) return std::nullopt;  // escapes the closing quote
      char e = sql[++i];
      switch (e) {
        case '0':
          out += '\0';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 'Z':
          out += '\x1a';
          break;
        case 't':
          out += '\t';
          break;
        case 'b':
          out += '\b';
          break;
        default:
          out += e;
          break;
      }
    } else if (c == '\'') {
      if (i + 2 >= sql.size() || sql[i + 1] != '\'') return std::nullopt;
      out += '\'';
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool nbe : {false, true}) {
    auto quoted = orc::storage::quote_sql_string(text, nbe);
    auto back = unquote(quoted, nbe);
    FUZZ_CHECK(back && *back == text);
  }
  return 0;
}
