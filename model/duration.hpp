#pragma once
// Human-written durations ("30s", "10m", "1h", "2d", "1w"), as taken by --duration and the
// begin-downtime API.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace orc::model {

/// Parses a duration: a bare integer (seconds), or one or more NUMBER+UNIT parts with units
/// s, m, h, d, w ("90s", "1h30m"). Rejects empty text, signs, spaces, unknown units, a
/// number without unit after another part ("1m30") and anything over 100 years, so callers can
/// do `system_clock::now() + *d` without overflowing its nanosecond count.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// Formats with the largest units first, e.g. 5400 s -> "1h30m", 0 -> "0s"; negative values get a
/// leading '-'. The output of a non-negative duration parses back to the same value.
std::string format_duration(std::chrono::seconds duration);

}  // namespace orc::model
