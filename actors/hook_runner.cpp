// fork/exec of hook commands. The service is multi-threaded, so everything the child needs
// (argv, envp, the shell's path) is prepared before fork() and the child only makes
// async-signal-safe calls until execve().

#include "actors/hook_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace orc::actors {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kKillGrace = std::chrono::seconds(2);
constexpr auto kDrainAfterExit = std::chrono::milliseconds(100);

/// argv and envp for execve, built in the parent.
struct ExecPlan {
  std::string shell_path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> argv;
  std::vector<char*> envp;
  int max_fd = 1024;
};

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? colon : colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return name;  // execve fails and the child exits 127, like a shell would
}

ExecPlan make_plan(const std::string& command, const HookEnvironment& add,
                   const std::string& shell) {
  ExecPlan p;
  p.shell_path = find_in_path(shell.empty() ? "bash" : shell);
  p.args = {shell.empty() ? "bash" : shell, "-c", command};
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& kv : add) overridden = overridden || kv.first == name;
    if (!overridden) p.env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : add) p.env.push_back(name + "=" + value);
  for (auto& a : p.args) p.argv.push_back(a.data());
  p.argv.push_back(nullptr);
  for (auto& e : p.env) p.envp.push_back(e.data());
  p.envp.push_back(nullptr);
  long open_max = sysconf(_SC_OPEN_MAX);
  if (open_max > 0) p.max_fd = static_cast<int>(std::min<long>(open_max, 65536));
  return p;
}

/// In the child: default signal handling and mask, no inherited descriptors above 2.
void child_reset(const ExecPlan& p) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);  // errors are harmless
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
  for (int fd = 3; fd < p.max_fd; ++fd) close(fd);
}

[[noreturn]] void child_exec(const ExecPlan& p) {
  execve(p.shell_path.c_str(), p.argv.data(), p.envp.data());
  _exit(127);
}

std::string strip_async_suffix(const std::string& command, bool& async) {
  auto end = command.find_last_not_of(" \t\r\n");
  if (end == std::string::npos || command[end] != '&') {
    async = false;
    return command;
  }
  async = true;
  auto last = command.find_last_not_of('&', end);
  return last == std::string::npos ? std::string() : command.substr(0, last + 1);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

HookResult run_detached(const std::string& command, const std::string& stripped,
                        const HookEnvironment& env, const std::string& shell) {
  auto start = Clock::now();
  HookResult r;
  r.command = command;
  r.detached = true;
  ExecPlan plan = make_plan(stripped, env, shell);
  pid_t mid = fork();
  if (mid < 0) {
    r.output_tail = std::string("fork failed: ") + std::strerror(errno);
    r.seconds = seconds_since(start);
    return r;
  }
  if (mid == 0) {
    // Double fork: the hook is re-parented to init, so nobody here has to reap it, and its
    // own session keeps it out of reach of our group kills and of a controlling terminal.
    setsid();
    pid_t hook = fork();
    if (hook != 0) _exit(hook < 0 ? 1 : 0);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    child_reset(plan);
    child_exec(plan);
  }
  int status = 0;
  while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = decode_status(status) == 0 ? 0 : -1;
  if (r.exit_code != 0) r.output_tail = "could not start the detached hook";
  r.seconds = seconds_since(start);
  return r;
}

/// Appends to the bounded output tail.
void keep_tail(std::string& tail, const char* data, std::size_t n) {
  tail.append(data, n);
  if (tail.size() > 2 * kHookOutputCap) tail.erase(0, tail.size() - kHookOutputCap);
}

/// Reads what is available (non-blocking fd); returns false at end of file.
bool drain(int fd, std::string& tail) {
  char buf[8192];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      keep_tail(tail, buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return true;  // EAGAIN: nothing more for now
  }
}

/// Waits up to `ms` for output; returns false once the pipe reached end of file.
bool wait_output(int fd, bool open, int ms, std::string& tail) {
  if (!open) {
    poll(nullptr, 0, ms);
    return false;
  }
  struct pollfd pfd {
    fd, POLLIN, 0
  };
  int ready = poll(&pfd, 1, ms);
  if (ready > 0) return drain(fd, tail);
  return true;
}

}  // namespace

HookResult run_hook(const std::string& command, const HookEnvironment& env,
                    const std::string& shell, std::chrono::seconds timeout) {
  bool async = false;
  std::string stripped = strip_async_suffix(command, async);
  if (async) return run_detached(command, stripped, env, shell);

  auto start = Clock::now();
  HookResult r;
  r.command = command;
  ExecPlan plan = make_plan(command, env, shell);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    r.output_tail = std::string("pipe failed: ") + std::strerror(errno);
    return r;
  }
  pid_t pid = fork();
  if (pid < 0) {
    r.output_tail = std::string("fork failed: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return r;
  }
  if (pid == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    child_reset(plan);
    child_exec(plan);
  }
  setpgid(pid, pid);  // also here, so a kill right after fork already reaches the group
  close(fds[1]);
  int fd = fds[0];
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  const bool bounded = timeout.count() > 0;
  const auto deadline = start + timeout;
  bool pipe_open = true, exited = false, status_known = false;
  int status = 0;
  Clock::time_point exited_at{};
  auto reap = [&](int flags) {
    if (exited) return;
    pid_t w = waitpid(pid, &status, flags);
    if (w == pid || (w < 0 && errno == ECHILD)) {
      exited = true;
      status_known = w == pid;
      exited_at = Clock::now();
    }
  };

  while (true) {
    reap(WNOHANG);
    auto now = Clock::now();
    if (exited && (!pipe_open || now - exited_at >= kDrainAfterExit)) break;
    if (!exited && bounded && now >= deadline) {
      r.timed_out = true;
      kill(-pid, SIGTERM);
      auto grace_end = Clock::now() + kKillGrace;
      // Wait for the group to go: the leader is reaped first, since a zombie still counts.
      while (Clock::now() < grace_end) {
        pipe_open = wait_output(fd, pipe_open, 20, r.output_tail);
        reap(WNOHANG);
        if (exited && kill(-pid, 0) != 0) break;
      }
      kill(-pid, SIGKILL);
      reap(0);
      if (pipe_open) drain(fd, r.output_tail);
      break;
    }
    int slice = exited ? 10 : 50;
    if (!exited && bounded) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
      slice = static_cast<int>(std::max<long long>(1, std::min<long long>(slice, left)));
    }
    pipe_open = wait_output(fd, pipe_open, slice, r.output_tail);
  }
  close(fd);
  r.exit_code = status_known ? decode_status(status) : -1;
  if (r.output_tail.size() > kHookOutputCap)
    r.output_tail.erase(0, r.output_tail.size() - kHookOutputCap);
  r.seconds = seconds_since(start);
  return r;
}

std::vector<HookResult> run_hooks(const std::vector<std::string>& commands,
                                  const HookEnvironment& env, const std::string& shell,
                                  std::chrono::seconds timeout, bool stop_on_failure) {
  std::vector<HookResult> results;
  for (const auto& command : commands) {
    results.push_back(run_hook(command, env, shell, timeout));
    if (stop_on_failure && !results.back().ok()) break;
  }
  return results;
}

}  // namespace orc::actors
