#pragma once
// Runs hook commands (OnFailureDetectionProcesses, Pre/Post*Processes) the way upstream does,
// `ProcessesShellCommand -c COMMAND` with the ORC_* variables added, but with what upstream
// lacks: a timeout that kills the hook and everything it started, and a bounded capture of its
// output. Blocking plain functions: recovery code calls them from its own (detached) threads.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace orc::actors {

using HookEnvironment = std::vector<std::pair<std::string, std::string>>;

struct HookResult {
  std::string command;  ///< the command as given (placeholders already expanded)
  /// The shell's exit status; 128+N when it died of signal N (as a shell reports it), 127
  /// when the shell could not be started, -1 when no process could be created at all.
  int exit_code = -1;
  bool timed_out = false;  ///< killed at the timeout (exit_code is then the kill signal's)
  bool detached = false;   ///< ran in the background (trailing '&'): not waited for
  /// The last kHookOutputCap bytes of stdout and stderr, interleaved as written.
  std::string output_tail;
  double seconds = 0;  ///< wall time until the hook ended (or was detached)

  /// Success as pre-hooks judge it: exit status 0 and not timed out (detached counts as 0).
  bool ok() const { return exit_code == 0 && !timed_out; }
};

/// Bytes of output kept per hook: enough for an error message, bounded for chatty scripts.
inline constexpr std::size_t kHookOutputCap = 64 * 1024;

/// Runs `shell -c command` with `env` added to (or replacing entries of) this process's
/// environment, stdin from /dev/null, no other descriptors inherited.
///
/// * The hook gets its own process group. At `timeout` the whole group gets SIGTERM, then
///   SIGKILL 2 s later if anything in it is still alive, so a hook cannot hang a failover
///   and leaves no stray children behind. A `timeout` of zero or less waits indefinitely,
///   as upstream does.
/// * A command ending in '&' (upstream's async hooks) has the '&'s stripped and runs
///   detached: in its own session, output discarded, never waited for nor killed. It returns
///   at once with exit_code 0 and detached=true; its own failures are not reported.
/// * When the shell exits, output still arriving from background children it left running is
///   read for at most 100 ms; those children are not killed.
/// * A shell without '/' is looked up in PATH ("bash" by default, ProcessesShellCommand).
HookResult run_hook(const std::string& command, const HookEnvironment& env,
                    const std::string& shell, std::chrono::seconds timeout);

/// Runs the commands one after the other (upstream's order, each with its own timeout).
/// With `stop_on_failure` (pre-hooks) the first one that fails (non-zero or timed out) ends
/// the list; without (post-hooks) every command runs. Returns the results of the commands
/// that ran, in order.
std::vector<HookResult> run_hooks(const std::vector<std::string>& commands,
                                  const HookEnvironment& env, const std::string& shell,
                                  std::chrono::seconds timeout, bool stop_on_failure);

}  // namespace orc::actors
