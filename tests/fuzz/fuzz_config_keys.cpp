// Structure-aware configuration fuzzing: the input becomes the value of one known key (chosen
// by the first byte) in an otherwise valid configuration, either as raw JSON or as a JSON
// string. Secrets get a marker appended that must never show up in errors, warnings or dumps.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "model/config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

constexpr const char* kMarker = "S3cr3tMark3r";

/// A minimal valid document so that a fuzzed value is the only thing that can be wrong.
const char* kBase = R"("MySQLOrchestratorHost": "127.0.0.1", "MySQLOrchestratorDatabase": "orc")";

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

bool leaks(const orc::model::ConfigLoadResult& r) {
  if (r.error.find(kMarker) != std::string::npos) return true;
  for (const auto& w : r.warnings)
    if (w.find(kMarker) != std::string::npos) return true;
  return r.ok && orc::model::dump_config_json(r.config).find(kMarker) != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  orc::fuzz::Bytes in(data, size);
  const auto& keys = orc::model::config_keys();
  const auto& key = keys[in.byte() % keys.size()];
  const bool as_string = in.byte() & 1;
  std::string value(in.rest());
  if (key.secret && as_string) value += kMarker;
  const std::string doc = std::string("{") + kBase + ", \"" + key.name +
                          "\": " + (as_string ? json_string(value) : value) + "}";
  auto loaded = orc::model::load_config_text(doc, "fuzz.json");
  if (!loaded.ok) FUZZ_CHECK(!loaded.error.empty());
  if (key.secret) FUZZ_CHECK(!leaks(loaded));
  return 0;
}
