#pragma once
// Upstream-compatible command line parsing: single or double dash long flags (`-c`, `--c`,
// `-config`), `--flag=value` and `--flag value`. Hand-written because the Debian-packaged
// parsers (getopt_long, boost::program_options without long-disguise) reject or mangle
// upstream's single-dash long flags such as `-tag` and `-alias`.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orc::model {

struct CliArgs {
  std::map<std::string, std::string> values;  ///< flag name (without dashes) -> value
  std::vector<std::string> switches;          ///< boolean flags given (debug, noop, ...)
  std::vector<std::string> positional;        ///< e.g. "http"

  bool has(const std::string& flag) const;
  std::string get(const std::string& flag, const std::string& fallback = "") const;
};

struct CliParseResult {
  bool ok = false;
  CliArgs args;
  std::string error;
};

/// Parses argv (without the program name). Unknown flags are an error naming the flag.
CliParseResult parse_cli_args(const std::vector<std::string>& argv);

/// The flags that take a value, as documented in the CLI spec.
const std::vector<std::string>& cli_value_flags();
/// The boolean flags.
const std::vector<std::string>& cli_switch_flags();

}  // namespace orc::model
