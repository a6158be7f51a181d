#include "model/duration.hpp"

#include <cstdint>
#include <utility>

namespace orc::model {
namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;

/// Largest accepted duration: 100 years (36525 days). A system_clock time_point counts
/// nanoseconds and overflows in 2262, so `now() + d` must stay well below that; nobody means
/// a longer downtime.
constexpr int64_t kMaxSeconds = 36525 * kDay;

int64_t unit_seconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return kMinute;
    case 'h':
      return kHour;
    case 'd':
      return kDay;
    case 'w':
      return kWeek;
    default:
      return 0;
  }
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t part_start = i;
    int64_t number = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      number = number * 10 + (text[i] - '0');
      if (number > kMaxSeconds) return std::nullopt;
    }
    if (i == part_start) return std::nullopt;  // no digits: sign, space, unit without number
    int64_t unit = 1;
    if (i < text.size()) {
      unit = unit_seconds(text[i++]);
      if (unit == 0) return std::nullopt;
    } else if (part_start != 0) {
      return std::nullopt;  // "1m30": a unit-less number is only allowed on its own
    }
    if (number > (kMaxSeconds - total) / unit) return std::nullopt;
    total += number * unit;
  }
  return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds duration) {
  const int64_t count = duration.count();
  if (count == 0) return "0s";
  // Magnitude in unsigned arithmetic so that INT64_MIN has a positive counterpart.
  uint64_t s = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string out = count < 0 ? "-" : "";
  const std::pair<uint64_t, char> units[] = {
      {kWeek, 'w'}, {kDay, 'd'}, {kHour, 'h'}, {kMinute, 'm'}, {1, 's'}};
  for (const auto& [size, suffix] : units) {
    if (s >= size) {
      out += std::to_string(s / size) + suffix;
      s %= size;
    }
  }
  return out;
}

}  // namespace orc::model
