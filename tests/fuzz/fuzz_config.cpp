// The JSON configuration file as arbitrary bytes: load_config_text must reject or accept
// without crashing, explain every rejection, and produce a dump that is valid JSON.

#include <rapidjson/document.h>

#include <string>

#include "model/config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = orc::model::load_config_text(text, "fuzz.json");
  if (!loaded.ok) {
    FUZZ_CHECK(!loaded.error.empty());
    return 0;
  }
  FUZZ_CHECK(orc::model::validate_config(loaded.config).empty());
  const std::string dump = orc::model::dump_config_json(loaded.config);
  rapidjson::Document doc;
  doc.Parse(dump.c_str(), dump.size());
  FUZZ_CHECK(!doc.HasParseError() && doc.IsObject());
  for (const auto& key : orc::model::config_keys()) FUZZ_CHECK(doc.HasMember(key.name));
  return 0;
}
