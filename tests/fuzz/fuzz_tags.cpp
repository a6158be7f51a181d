// Tags: upstream's tag condition language (`tagged -tag "a=1,~b,!c"`, parse_tag_conditions) and
// the way -tag reaches it through the CLI parser, whose argv this target also builds from the
// input ('\0' separates arguments).

#include <string>
#include <vector>

#include "model/cli_args.hpp"
#include "storage/tag_dao.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void check_conditions(std::string_view text) {
  std::string error;
  auto conditions = orc::storage::parse_tag_conditions(text, &error);
  if (!conditions) {
    FUZZ_CHECK(!error.empty());
    return;
  }
  std::size_t parts = 1;
  for (char c : text) parts += c == ',';
  FUZZ_CHECK(conditions->size() == parts);
  for (const auto& c : *conditions) {
    FUZZ_CHECK(!c.name.empty() && !is_space(c.name.front()) && !is_space(c.name.back()));
    FUZZ_CHECK(c.name.find(',') == std::string::npos && c.name.find('=') == std::string::npos);
    if (c.value) FUZZ_CHECK(c.value->find(',') == std::string::npos);
  }
}

/// -tag VALUE and --tag=VALUE must hand the text over verbatim, whatever it contains.
void check_cli_tag(const std::string& text) {
  auto spaced = orc::model::parse_cli_args({"-c", "tagged", "-tag", text});
  FUZZ_CHECK(spaced.ok && spaced.args.get("tag") == text);
  auto inline_form = orc::model::parse_cli_args({"-c", "tag", "--tag=" + text});
  FUZZ_CHECK(inline_form.ok && inline_form.args.get("tag") == text);
}

/// Arbitrary argv: must not crash; an error names something.
void check_argv(std::string_view text) {
  std::vector<std::string> argv;
  std::size_t start = 0;
  while (start <= text.size() && argv.size() < 32) {
    auto end = text.find('\0', start);
    if (end == std::string_view::npos) end = text.size();
    argv.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto parsed = orc::model::parse_cli_args(argv);
  if (!parsed.ok) FUZZ_CHECK(!parsed.error.empty());
  if (parsed.ok && parsed.args.has("tag")) check_conditions(parsed.args.get("tag"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_conditions(text);
  check_cli_tag(std::string(text));
  check_argv(text);
  return 0;
}
