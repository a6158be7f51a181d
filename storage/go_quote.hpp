#pragma once
// Upstream stores replication error texts Go-quoted (strconv.QuoteToASCII), schema S4.

#include <string>
#include <string_view>

namespace orc::storage {

/// Quotes like Go's strconv.QuoteToASCII: surrounding double quotes, \" \\ \n \t \r escaped,
/// other control and non-ASCII bytes as \xNN. An empty text is stored as "" (no quotes) by
/// upstream's writers, so callers map "" to "" themselves.
std::string go_quote_ascii(std::string_view text);

/// Reverses go_quote_ascii; text that is not quoted (older rows) is returned unchanged.
std::string go_unquote(std::string_view text);

}  // namespace orc::storage
