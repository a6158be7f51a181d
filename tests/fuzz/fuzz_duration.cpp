// Durations from --duration and the begin-downtime API path: parse_duration must stay within
// its documented bounds (so `now() + d` cannot overflow) and format_duration must round-trip.

#include <chrono>
#include <cstring>

#include "model/duration.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

/// 100 years, the documented upper bound.
constexpr int64_t kMaxSeconds = 36525LL * 24 * 3600;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = orc::model::parse_duration(text)) {
    FUZZ_CHECK(d->count() >= 0 && d->count() <= kMaxSeconds);
    FUZZ_CHECK(!text.empty() && text.front() >= '0' && text.front() <= '9');
    auto again = orc::model::parse_duration(orc::model::format_duration(*d));
    FUZZ_CHECK(again && *again == *d);
    // Adding the parsed duration to the clock is what callers do; it must not overflow.
    const auto now = std::chrono::system_clock::now();
    FUZZ_CHECK(now + *d >= now);
  }
  // format_duration takes any count, INT64_MIN included.
  if (size >= sizeof(int64_t)) {
    int64_t raw;
    std::memcpy(&raw, data, sizeof raw);
    auto text_out = orc::model::format_duration(std::chrono::seconds(raw));
    FUZZ_CHECK(!text_out.empty());
    FUZZ_CHECK((raw < 0) == (text_out.front() == '-'));
    if (raw >= 0 && raw <= kMaxSeconds) {
      auto back = orc::model::parse_duration(text_out);
      FUZZ_CHECK(back && back->count() == raw);
    }
  }
  return 0;
}
