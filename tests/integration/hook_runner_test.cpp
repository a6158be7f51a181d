// The hook runner against real processes: exit codes, captured output, environment,
// timeouts that kill the whole process group, detached hooks and pre-hook abort semantics.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "actors/hook_runner.hpp"
#include "tests/integration/orchestrator_node.hpp"

using orc::actors::HookEnvironment;
using orc::actors::HookResult;
using orc::actors::run_hook;
using orc::actors::run_hooks;
using std::chrono::seconds;

namespace {

/// A scratch directory removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/orc-hook-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

/// True while `pid` is a live (not zombie) process.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

/// Waits up to `limit` for `path` to exist with content.
std::string wait_for_file(const std::string& path, std::chrono::milliseconds limit) {
  std::string text;
  orc::test::seconds_until(
      [&] {
        text = read_file(path);
        return !text.empty();
      },
      limit);
  return text;
}

HookResult run(const std::string& command, const HookEnvironment& env = {},
               seconds timeout = seconds(20)) {
  return run_hook(command, env, "bash", timeout);
}

}  // namespace

TEST_CASE("a hook's exit status is reported, including death by signal") {
  CHECK(run("exit 0").exit_code == 0);
  CHECK(run("exit 3").exit_code == 3);
  auto killed = run("kill -9 $$");
  CHECK(killed.exit_code == 128 + 9);
  CHECK_FALSE(killed.ok());
  CHECK_FALSE(killed.timed_out);
  CHECK(run("true").ok());
}

TEST_CASE("a shell that cannot be started gives exit status 127") {
  auto r = run_hook("true", {}, "/nonexistent/shell", seconds(5));
  CHECK(r.exit_code == 127);
  CHECK_FALSE(r.ok());
}

TEST_CASE("the shell is found in PATH and runs the command with -c") {
  auto r = run_hook("echo \"$0\"", {}, "sh", seconds(5));
  CHECK(r.exit_code == 0);
  CHECK(r.output_tail == "sh\n");
}

TEST_CASE("stdout and stderr are captured together in order") {
  auto r = run("echo one; echo two >&2; echo three");
  CHECK(r.exit_code == 0);
  CHECK(r.output_tail == "one\ntwo\nthree\n");
  CHECK(r.command == "echo one; echo two >&2; echo three");
}

TEST_CASE("only the tail of a long output is kept") {
  auto r = run("head -c 200000 /dev/zero | tr '\\0' x; echo END");
  CHECK(r.exit_code == 0);
  CHECK(r.output_tail.size() == orc::actors::kHookOutputCap);
  CHECK(r.output_tail.substr(r.output_tail.size() - 4) == "END\n");
}

TEST_CASE("hook environment variables are visible and override inherited ones") {
  setenv("ORC_HOOK_TEST_INHERITED", "from-parent", 1);
  setenv("ORC_FAILED_HOST", "stale-value", 1);
  auto r =
      run("printf '%s|%s|%s' \"$ORC_FAILED_HOST\" \"$ORC_FAILED_PORT\" "
          "\"$ORC_HOOK_TEST_INHERITED\"",
          {{"ORC_FAILED_HOST", "db-1.example"}, {"ORC_FAILED_PORT", "3306"}});
  unsetenv("ORC_FAILED_HOST");
  unsetenv("ORC_HOOK_TEST_INHERITED");
  CHECK(r.exit_code == 0);
  CHECK(r.output_tail == "db-1.example|3306|from-parent");
}

TEST_CASE("stdin is empty and no descriptor of the service leaks into the hook") {
  int fd = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  REQUIRE(fd > 2);
  auto r = run("cat; test -e /proc/$$/fd/" + std::to_string(fd) + " && echo leaked || echo clean",
               {}, seconds(5));
  close(fd);
  CHECK_FALSE(r.timed_out);
  CHECK(r.output_tail == "clean\n");
}

TEST_CASE("a timed-out hook is killed together with the children it started") {
  TempDir dir;
  auto pidfile = dir.file("child.pid");
  auto start = std::chrono::steady_clock::now();
  auto r = run("sleep 300 & echo $! > " + pidfile + "; echo started; wait", {}, seconds(1));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.timed_out);
  CHECK_FALSE(r.ok());
  CHECK(r.exit_code == 128 + SIGTERM);
  CHECK(r.output_tail == "started\n");
  CHECK(took >= 1.0);
  CHECK(took < 150.0);  // killed, not waited for: the hook alone runs 300 s
  auto child = std::atoi(read_file(pidfile).c_str());
  REQUIRE(child > 0);
  CHECK(orc::test::wait_until([&] { return !alive(child); }, std::chrono::seconds(10)));
}

TEST_CASE("a hook that ignores SIGTERM is killed with SIGKILL after the grace period") {
  TempDir dir;
  auto pidfile = dir.file("child.pid");
  auto start = std::chrono::steady_clock::now();
  auto r = run("trap '' TERM; sleep 300 & echo $! > " + pidfile + "; while :; do sleep 1; done", {},
               seconds(1));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.timed_out);
  CHECK(r.exit_code == 128 + SIGKILL);
  CHECK(took >= 2.9);   // 1 s timeout + 2 s grace
  CHECK(took < 150.0);  // killed, not waited for: the hook alone runs for ever
  auto child = std::atoi(read_file(pidfile).c_str());
  REQUIRE(child > 0);
  CHECK(orc::test::wait_until([&] { return !alive(child); }, std::chrono::seconds(10)));
}

TEST_CASE("a hook finishing within its timeout is not reported as timed out") {
  auto r = run("sleep 0.2; echo done", {}, seconds(5));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.seconds >= 0.2);
}

TEST_CASE("background children left by a finished hook do not keep it waiting") {
  TempDir dir;
  auto pidfile = dir.file("bg.pid");
  auto r = run("sleep 30 & echo $! > " + pidfile + "; echo finished", {}, seconds(10));
  CHECK(r.exit_code == 0);
  CHECK_FALSE(r.timed_out);
  CHECK(r.output_tail == "finished\n");
  CHECK(r.seconds < 2.0);
  auto bg = std::atoi(read_file(pidfile).c_str());
  REQUIRE(bg > 0);
  CHECK(alive(bg));  // left running, as the hook asked
  kill(bg, SIGKILL);
}

TEST_CASE("a command ending in & runs detached and returns at once") {
  TempDir dir;
  auto out = dir.file("detached.out");
  auto r = run("sleep 1; printf '%s' \"$ORC_FAILURE_TYPE\" > " + out + " &",
               {{"ORC_FAILURE_TYPE", "DeadMaster"}}, seconds(1));
  CHECK(r.detached);
  CHECK(r.exit_code == 0);
  CHECK(r.ok());
  CHECK(r.seconds < 0.5);
  CHECK_FALSE(file_exists(out));
  // It outlives the 1 s timeout: detached hooks are never killed.
  CHECK(wait_for_file(out, std::chrono::seconds(5)) == "DeadMaster");
}

TEST_CASE("pre-hooks stop at the first failure and post-hooks run them all") {
  TempDir dir;
  auto marker = dir.file("third-ran");
  std::vector<std::string> hooks = {"true", "exit 2", "touch " + marker};

  auto pre = run_hooks(hooks, {}, "bash", seconds(5), true);
  REQUIRE(pre.size() == 2);
  CHECK(pre[0].exit_code == 0);
  CHECK(pre[1].exit_code == 2);
  CHECK_FALSE(file_exists(marker));

  auto post = run_hooks(hooks, {}, "bash", seconds(5), false);
  REQUIRE(post.size() == 3);
  CHECK(post[2].exit_code == 0);
  CHECK(file_exists(marker));
}

TEST_CASE("a timed-out pre-hook aborts the rest of the list") {
  TempDir dir;
  auto marker = dir.file("after-timeout");
  auto results = run_hooks({"sleep 30", "touch " + marker}, {}, "bash", seconds(1), true);
  REQUIRE(results.size() == 1);
  CHECK(results[0].timed_out);
  CHECK_FALSE(file_exists(marker));
}
