#include "model/cli_args.hpp"

#include <algorithm>

namespace orc::model {

namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

const std::vector<std::string>& cli_value_flags() {
  static const std::vector<std::string> flags = {
      "c",        "i",        "d",        "s",    "alias",          "owner",
      "reason",   "duration", "pattern",  "tag",  "promotion-rule", "statement",
      "binlog",   "config",   "hostname", "port", "pool",           "comment",
      "tag-value"};
  return flags;
}

const std::vector<std::string>& cli_switch_flags() {
  static const std::vector<std::string> flags = {
      "debug", "stack", "verbose", "quiet", "noop", "grab-election", "version", "help", "h"};
  return flags;
}

bool CliArgs::has(const std::string& flag) const {
  return values.count(flag) > 0 || contains(switches, flag);
}

std::string CliArgs::get(const std::string& flag, const std::string& fallback) const {
  auto it = values.find(flag);
  return it == values.end() ? fallback : it->second;
}

CliParseResult parse_cli_args(const std::vector<std::string>& argv) {
  CliParseResult out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      out.args.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (contains(cli_switch_flags(), name)) {
      if (inline_value && *inline_value != "true" && *inline_value != "1") {
        if (*inline_value == "false" || *inline_value == "0") continue;
        out.error = "flag -" + name + " takes no value";
        return out;
      }
      out.args.switches.push_back(name);
      continue;
    }
    if (!contains(cli_value_flags(), name)) {
      out.error = "unknown flag: " + arg;
      return out;
    }
    if (inline_value) {
      out.args.values[name] = *inline_value;
    } else if (i + 1 < argv.size()) {
      out.args.values[name] = argv[++i];
    } else {
      out.error = "flag -" + name + " needs a value";
      return out;
    }
  }
  out.ok = true;
  return out;
}

}  // namespace orc::model
