#pragma once
// Shared helpers of the libFuzzer targets: an invariant check that aborts (libFuzzer then
// saves the input as a crash) and a byte reader for structure-aware targets.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

/// Aborts with the failed condition: a broken invariant is a bug just like a sanitizer report.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace orc::fuzz {

/// Consumes the fuzz input front to back; reads past the end yield zeros / empty text, so a
/// target never has to check the size itself.
class Bytes {
 public:
  Bytes(const uint8_t* data, std::size_t size) : text_(reinterpret_cast<const char*>(data), size) {}

  uint8_t byte() {
    if (text_.empty()) return 0;
    auto b = static_cast<uint8_t>(text_.front());
    text_.remove_prefix(1);
    return b;
  }
  /// Text up to the next `sep` (consumed) or to the end.
  std::string_view until(char sep) {
    auto pos = text_.find(sep);
    auto out = text_.substr(0, pos);
    text_.remove_prefix(pos == std::string_view::npos ? text_.size() : pos + 1);
    return out;
  }
  std::string_view rest() {
    auto out = text_;
    text_ = {};
    return out;
  }
  bool empty() const { return text_.empty(); }

 private:
  std::string_view text_;
};

}  // namespace orc::fuzz
