// orchestrator: `orchestrator [--config FILE] http` runs a service node;
// `orchestrator [--config FILE] -c COMMAND ...` runs one command against the shared backend.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <csignal>

#include <iostream>

#include "tools/orchestrator/app.hpp"

namespace {

void setup_logging(const orc::model::CliArgs& args, bool service_mode) {
  auto logger = spdlog::stderr_color_mt("orchestrator");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  auto level = service_mode ? spdlog::level::info : spdlog::level::warn;
  if (args.has("verbose")) level = spdlog::level::info;
  if (args.has("debug")) level = spdlog::level::debug;
  if (args.has("quiet")) level = spdlog::level::err;
  spdlog::set_level(level);
}

void usage() {
  std::cerr << "usage: orchestrator [--config FILE] http\n"
               "       orchestrator [--config FILE] -c COMMAND [-i host[:port]] [-d host[:port]] "
               "[flags]\n"
               "       orchestrator -c help   (lists commands)\n";
}

}  // namespace

int main(int argc, char** argv) {
  // One thread per watched server would otherwise give each its own malloc arena; two arenas
  // keep the idle footprint small at no measurable cost (probes allocate little).
  mallopt(M_ARENA_MAX, 2);
  // A peer that closes its socket while we write (an HTTPS client going away mid-answer:
  // OpenSSL writes without MSG_NOSIGNAL; a MySQL server dying) must cost an error, not the node.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> raw(argv + 1, argv + argc);
  auto parsed = orc::model::parse_cli_args(raw);
  if (!parsed.ok) {
    std::cerr << "orchestrator: " << parsed.error << "\n";
    usage();
    return 2;
  }
  const auto& args = parsed.args;
  if (args.has("version")) {
    std::cout << orc::app::app_version() << "\n";
    return 0;
  }
  bool service_mode = !args.positional.empty() && args.positional[0] == "http";
  if (args.has("help") || args.has("h") || (!service_mode && !args.has("c"))) {
    usage();
    return args.has("help") || args.has("h") ? 0 : 2;
  }
  if (!args.positional.empty() && !service_mode) {
    std::cerr << "orchestrator: unexpected argument '" << args.positional[0] << "'\n";
    usage();
    return 2;
  }
  setup_logging(args, service_mode);

  std::vector<std::string> files;
  if (args.has("config")) {
    files.push_back(args.get("config"));
  } else if (auto found = orc::model::find_default_config_file()) {
    files.push_back(*found);
  }
  auto loaded = orc::model::load_config_files(files);
  for (const auto& w : loaded.warnings) spdlog::warn("{}", w);
  if (!loaded.ok) {
    std::cerr << "orchestrator: " << loaded.error << "\n";
    return 1;
  }
  auto problems = orc::model::validate_config(loaded.config);
  if (!problems.empty()) {
    for (const auto& p : problems)
      std::cerr << "orchestrator: invalid configuration: " << p << "\n";
    return 1;
  }
  if (service_mode) return orc::app::run_service(loaded.config, args);
  return orc::app::run_cli_command(loaded.config, args);
}
