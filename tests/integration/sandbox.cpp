#include "sandbox.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace orc::test {

namespace {

const std::string kScript = ORC_SANDBOX;
constexpr int kSetupAttempts = 3;  // a free port can be taken by someone else before we bind

/// A temporary file for a command's stderr, removed when the object goes away.
class TempFile {
 public:
  TempFile() {
    char tmpl[] = "/tmp/orc-sandbox-err-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) throw std::runtime_error("mkstemp failed for a sandbox stderr file");
    close(fd);
    path_ = tmpl;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  std::string read() const {
    std::ifstream in(path_);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

 private:
  std::string path_;
};

std::string make_temp_dir() {
  char tmpl[] = "/tmp/orc-sandbox-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed for a sandbox directory");
  return tmpl;
}

std::string first_word(const std::string& s) {
  return s.substr(0, s.find(' '));
}

std::string tls_option(SandboxTls tls) {
  switch (tls) {
    case SandboxTls::on:
      return "--tls ";
    case SandboxTls::only:
      return "--tls-only ";
    default:
      return "";
  }
}

}  // namespace

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string run_command(const std::string& cmd, int* exit_code) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  const int status = pclose(pipe.release());
  int code = -1;
  if (status != -1) {
    if (WIFEXITED(status)) {
      code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      code = 128 + WTERMSIG(status);
    }
  }
  if (exit_code) {
    *exit_code = code;
  } else if (code != 0) {
    throw std::runtime_error("command failed with exit code " + std::to_string(code) + ": " + cmd);
  }
  return out;
}

Sandbox::Sandbox(std::string dir, int base_port, int count)
    : dir_(std::move(dir)), base_port_(base_port), count_(count) {}

Sandbox Sandbox::backend() {
  return create(1, 1, "backend");
}

Sandbox Sandbox::backend(SandboxTls tls) {
  return create(1, 1, "backend", tls_option(tls));
}

Sandbox Sandbox::backend_replicated() {
  return create(2, 2, "backend-replicated");
}

Sandbox Sandbox::backend_galera() {
  return create(3, 12, "backend-galera");
}

Sandbox Sandbox::topology(const std::string& kind, int n) {
  return topology(kind, n, SandboxTls::off);
}

Sandbox Sandbox::topology(const std::string& kind, int n, SandboxTls tls) {
  if (n < 0) throw std::invalid_argument("sandbox topology needs n >= 0");
  const int count = (kind == "replicas" ? 1 : 2) + n;
  return create(count, count, "topology " + shell_quote(kind) + " " + std::to_string(n),
                tls_option(tls));
}

// SETUP is a backend verb or "topology KIND N"; the directory and base port go after the verb.
Sandbox Sandbox::create(int count, int port_span, const std::string& setup,
                        const std::string& options) {
  const std::string verb = first_word(setup);
  const std::string rest = setup.size() > verb.size() ? setup.substr(verb.size()) : "";
  for (int attempt = 1;; ++attempt) {
    Sandbox sb(make_temp_dir(), 0, count);
    try {
      sb.base_port_ = std::stoi(sb.run("free-port " + std::to_string(port_span)));
      sb.run(options + verb + " " + shell_quote(sb.dir_) + " " + std::to_string(sb.base_port_) +
             rest);
      return sb;
    } catch (const std::runtime_error& e) {
      // ~Sandbox destroys the directory and whatever servers were already started.
      const bool port_race = std::string(e.what()).find("already in use") != std::string::npos;
      if (!port_race || attempt == kSetupAttempts) throw;
    }
  }
}

Sandbox::~Sandbox() {
  if (dir_.empty()) return;
  try {
    TempFile err;
    int code = 0;
    run_command(kScript + " destroy " + shell_quote(dir_) + " >/dev/null 2>" + err.path(), &code);
    if (code != 0) {
      // Setup may have failed before the directory became a sandbox: it is then still empty.
      if (rmdir(dir_.c_str()) != 0) {
        std::cerr << "sandbox destroy " << dir_ << " failed: " << err.read() << std::endl;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "sandbox destroy " << dir_ << " failed: " << e.what() << std::endl;
  }
}

Sandbox::Sandbox(Sandbox&& other) noexcept
    : dir_(std::exchange(other.dir_, std::string())),
      base_port_(other.base_port_),
      count_(other.count_) {}

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    Sandbox old(std::move(*this));  // destroys what this object owned
    dir_ = std::exchange(other.dir_, std::string());
    base_port_ = other.base_port_;
    count_ = other.count_;
  }
  return *this;
}

int Sandbox::port(int i) const {
  if (i < 0 || i >= count_) {
    throw std::out_of_range("sandbox has no instance " + std::to_string(i));
  }
  return base_port_ + i;
}

std::string Sandbox::instance_arg(int i) const {
  port(i);  // validates the index
  return shell_quote(dir_) + " " + std::to_string(i);
}

void Sandbox::kill(int i) {
  run("kill " + instance_arg(i));
}
void Sandbox::stop(int i) {
  run("stop " + instance_arg(i));
}
void Sandbox::start(int i) {
  run("start " + instance_arg(i));
}
void Sandbox::freeze(int i) {
  run("freeze " + instance_arg(i));
}
void Sandbox::thaw(int i) {
  run("thaw " + instance_arg(i));
}

std::string Sandbox::sql(int i, const std::string& sql) {
  std::string out = run("sql " + instance_arg(i) + " " + shell_quote(sql));
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string Sandbox::run(const std::string& args) const {
  TempFile err;
  int code = 0;
  std::string out = run_command(kScript + " " + args + " 2>" + err.path(), &code);
  if (code != 0) {
    // Only the verb (and its option) is named: the arguments may hold SQL with passwords.
    const std::string verb =
        args.rfind("--", 0) == 0
            ? first_word(args) + " " + first_word(args.substr(args.find(' ') + 1))
            : first_word(args);
    throw std::runtime_error("sandbox " + verb + " failed (exit " + std::to_string(code) +
                             "): " + err.read());
  }
  return out;
}

}  // namespace orc::test
