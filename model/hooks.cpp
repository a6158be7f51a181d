#include "model/hooks.hpp"

#include <string_view>
#include <vector>

namespace orc::model {

namespace {

const char* go_bool(bool b) {
  return b ? "true" : "false";
}

bool has_successor(const HookContext& c) {
  return !c.successor_host.empty();
}

/// The value of placeholder `name` (without braces); false when `name` is not a placeholder.
bool placeholder_value(std::string_view name, const HookContext& c, std::string& out) {
  const bool succ = has_successor(c);
  if (name == "failureType") {
    out = c.failure_type;
  } else if (name == "instanceType") {
    out = c.instance_type;
  } else if (name == "isMaster") {
    out = go_bool(c.is_master);
  } else if (name == "isCoMaster") {
    out = go_bool(c.is_co_master);
  } else if (name == "failureDescription") {
    out = c.failure_description;
  } else if (name == "command") {
    out = c.command;
  } else if (name == "failedHost") {
    out = c.failed_host;
  } else if (name == "failedPort") {
    out = std::to_string(c.failed_port);
  } else if (name == "failureCluster") {
    out = c.failure_cluster;
  } else if (name == "failureClusterAlias") {
    out = c.failure_cluster_alias;
  } else if (name == "failureClusterDomain") {
    out = c.failure_cluster_domain;
  } else if (name == "countSlaves" || name == "countReplicas") {
    out = std::to_string(c.count_replicas);
  } else if (name == "isDowntimed") {
    out = go_bool(c.is_downtimed);
  } else if (name == "autoMasterRecovery") {
    out = go_bool(c.auto_master_recovery);
  } else if (name == "autoIntermediateMasterRecovery") {
    out = go_bool(c.auto_intermediate_master_recovery);
  } else if (name == "orchestratorHost") {
    out = c.orchestrator_host;
  } else if (name == "recoveryUID") {
    out = c.recovery_uid;
  } else if (name == "isSuccessful") {
    out = go_bool(c.is_successful);
  } else if (name == "successorHost") {
    out = c.successor_host;
  } else if (name == "successorPort") {
    out = succ ? std::to_string(c.successor_port) : "";
  } else if (name == "successorBinlogCoordinates") {
    out = succ ? c.successor_binlog_coordinates : "";
  } else if (name == "successorAlias") {
    out = succ ? c.successor_alias : "";
  } else if (name == "lostSlaves" || name == "lostReplicas") {
    out = join_keys(c.lost_replicas);
  } else if (name == "countLostReplicas") {
    out = std::to_string(c.lost_replicas.size());
  } else if (name == "slaveHosts" || name == "replicaHosts") {
    out = join_keys(c.replica_hosts);
  } else {
    return false;
  }
  return true;
}

/// Characters that mean nothing to the shell in any context (unquoted, '...', "...", $'...',
/// command substitutions, comments, here-documents): a value made only of them is inserted
/// as it is, so templates render exactly as upstream's for host names, ports, counts, ...
bool shell_inert(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == ',' || c == '/' || c == '@' || c == '%' || c == '+' ||
         c == '=' || c == '-';
}

bool all_inert(std::string_view v) {
  for (char c : v)
    if (!shell_inert(c)) return false;
  return true;
}

/// Follows the shell's quoting state through a hook template, one construct at a time, so
/// that each placeholder is quoted for the context it stands in. It tracks what matters for
/// quoting: '...', "...", $'...', $(...) (nested to any depth, also inside "..."), `...`,
/// comments and here-documents; it is not a full parser (a ')' of a case pattern inside $(...)
/// ends the substitution early).
class ShellScanner {
 public:
  /// The context a placeholder at the current position is in.
  ShellContext context() const {
    if (escaped_) return ShellContext::Opaque;  // "\{x}": the value's first byte is escaped
    for (const auto& f : stack_)
      if (f.kind == Kind::Backtick || f.kind == Kind::Opaque) return ShellContext::Opaque;
    switch (stack_.back().kind) {
      case Kind::Single:
        return ShellContext::SingleQuoted;
      case Kind::Double:
        return ShellContext::DoubleQuoted;
      case Kind::AnsiC:
        return ShellContext::AnsiC;
      case Kind::Comment:
        return ShellContext::Opaque;
      default:
        return ShellContext::Unquoted;
    }
  }

  /// A value was inserted at the current position.
  void inserted() { escaped_ = false; }

  /// Copies the template construct at `pos` to `out`, updating the state; returns the
  /// position after it.
  std::size_t feed(const std::string& t, std::size_t pos, std::string& out) {
    const char c = t[pos];
    const char next = pos + 1 < t.size() ? t[pos + 1] : '\0';
    out += c;
    if (escaped_) {
      escaped_ = false;
      return pos + 1;
    }
    switch (stack_.back().kind) {
      case Kind::Single:
        if (c == '\'') stack_.pop_back();
        return pos + 1;
      case Kind::Comment:
        if (c == '\n') stack_.pop_back();
        return pos + 1;
      case Kind::Opaque:
        return pos + 1;
      case Kind::Backtick:
        if (c == '\\') return escape(t, pos, out);
        if (c == '`') stack_.pop_back();
        return pos + 1;
      case Kind::AnsiC:
        if (c == '\\') return escape(t, pos, out);
        if (c == '\'') stack_.pop_back();
        return pos + 1;
      case Kind::Double:
        if (c == '\\') return escape(t, pos, out);
        if (c == '"') stack_.pop_back();
        if (c == '`') stack_.push_back({Kind::Backtick});
        if (c == '$' && next == '(') return open_substitution(pos, out);
        return pos + 1;
      default:
        return feed_unquoted(t, pos, out);
    }
  }

 private:
  enum class Kind { Top, Substitution, Single, Double, AnsiC, Backtick, Comment, Opaque };
  struct Frame {
    Kind kind;
    int parens = 0;  ///< open '(' of a $(...) frame
  };

  std::size_t feed_unquoted(const std::string& t, std::size_t pos, std::string& out) {
    const char c = t[pos];
    const char next = pos + 1 < t.size() ? t[pos + 1] : '\0';
    Frame& top = stack_.back();
    const bool word_start =
        out.size() < 2 ||
        std::string_view(" \t\n;&|()<>").find(out[out.size() - 2]) != std::string_view::npos;
    if (c == '\\') return escape(t, pos, out);
    auto push = [&](Kind kind) {
      stack_.push_back({kind});
      return pos + 1;
    };
    if (c == '\'') return push(Kind::Single);
    if (c == '"') return push(Kind::Double);
    if (c == '`') return push(Kind::Backtick);
    if (c == '#' && word_start) return push(Kind::Comment);
    if (c == '$' && next == '\'') {
      out += next;
      stack_.push_back({Kind::AnsiC});
      return pos + 2;
    }
    if (c == '$' && next == '(') return open_substitution(pos, out);
    if (c == '<' && next == '<') {
      // "<<<" is a here-string (an ordinary word follows); "<<" starts a here-document,
      // whose body's quoting depends on its delimiter: the rest is treated as opaque.
      if (pos + 2 < t.size() && t[pos + 2] == '<') {
        out += "<<";
        return pos + 3;
      }
      return push(Kind::Opaque);
    }
    if (top.kind == Kind::Substitution && c == '(') ++top.parens;
    if (top.kind == Kind::Substitution && c == ')' && --top.parens == 0) stack_.pop_back();
    return pos + 1;
  }

  std::size_t open_substitution(std::size_t pos, std::string& out) {
    out += '(';
    stack_.push_back({Kind::Substitution, 1});
    return pos + 2;
  }

  /// A backslash: the next byte is copied as it is. When that byte opens a placeholder, the
  /// placeholder is still substituted (upstream does), in the Opaque context.
  std::size_t escape(const std::string& t, std::size_t pos, std::string& out) {
    if (pos + 1 >= t.size()) return pos + 1;
    if (t[pos + 1] == '{') {
      escaped_ = true;
      return pos + 1;
    }
    out += t[pos + 1];
    return pos + 2;
  }

  std::vector<Frame> stack_{{Kind::Top}};
  bool escaped_ = false;
};

}  // namespace

std::string quote_for_shell(std::string_view value, ShellContext ctx) {
  if (all_inert(value)) return std::string(value);
  std::string out;
  switch (ctx) {
    case ShellContext::Unquoted:
      out = "'";
      for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return out + "'";
    case ShellContext::SingleQuoted:
      for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return out;
    case ShellContext::DoubleQuoted:
      for (char c : value) {
        if (c == '$' || c == '`' || c == '"' || c == '\\')
          out += '\\';
        else if (c == '!') {  // history expansion: "\!" would keep the backslash
          out += "\"'!'\"";
          continue;
        }
        out += c;
      }
      return out;
    case ShellContext::AnsiC:
      for (char c : value) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
      }
      return out;
    case ShellContext::Opaque:
      break;
  }
  for (char c : value) out += shell_inert(c) ? c : '_';
  return out;
}
HookContext failure_hook_context(const ReplicationAnalysis& a,
                                 const std::string& orchestrator_host) {
  HookContext ctx;
  ctx.failure_type = analysis_code_name(a.analysis);
  ctx.instance_type =
      a.is_master ? (a.is_co_master ? "co-master" : "master") : "intermediate-master";
  ctx.is_master = a.is_master;
  ctx.is_co_master = a.is_co_master;
  ctx.failure_description = a.description;
  ctx.command = a.command_hint;
  ctx.failed_host = a.analyzed_instance_key.hostname;
  ctx.failed_port = a.analyzed_instance_key.port;
  ctx.failure_cluster = a.cluster_details.cluster_name;
  ctx.failure_cluster_alias = a.cluster_details.cluster_alias;
  ctx.failure_cluster_domain = a.cluster_details.cluster_domain;
  ctx.count_replicas = a.count_replicas;
  ctx.is_downtimed = a.is_downtimed;
  ctx.auto_master_recovery = a.cluster_details.has_automated_master_recovery;
  ctx.auto_intermediate_master_recovery =
      a.cluster_details.has_automated_intermediate_master_recovery;
  ctx.orchestrator_host = orchestrator_host;
  ctx.replica_hosts = a.replicas;
  return ctx;
}

std::string expand_hook_placeholders(const std::string& command, const HookContext& ctx) {
  ShellScanner scan;
  std::string out;
  out.reserve(command.size());
  std::string value;
  std::size_t pos = 0;
  while (pos < command.size()) {
    if (command[pos] == '{') {
      auto close = command.find('}', pos + 1);
      auto inner_open = command.find('{', pos + 1);
      // A nested '{' starts a new candidate: "{{failedHost}" keeps the first brace literally.
      bool candidate =
          close != std::string::npos && (inner_open == std::string::npos || inner_open > close);
      if (candidate) {
        std::string_view name(command.data() + pos + 1, close - pos - 1);
        if (placeholder_value(name, ctx, value)) {
          out += quote_for_shell(value, scan.context());
          scan.inserted();
          pos = close + 1;
          continue;
        }
      }
    }
    pos = scan.feed(command, pos, out);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> hook_environment(const HookContext& c) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"ORC_FAILURE_TYPE", c.failure_type},
      {"ORC_INSTANCE_TYPE", c.instance_type},
      {"ORC_IS_MASTER", go_bool(c.is_master)},
      {"ORC_IS_CO_MASTER", go_bool(c.is_co_master)},
      {"ORC_FAILURE_DESCRIPTION", c.failure_description},
      {"ORC_COMMAND", c.command},
      {"ORC_FAILED_HOST", c.failed_host},
      {"ORC_FAILED_PORT", std::to_string(c.failed_port)},
      {"ORC_FAILURE_CLUSTER", c.failure_cluster},
      {"ORC_FAILURE_CLUSTER_ALIAS", c.failure_cluster_alias},
      {"ORC_FAILURE_CLUSTER_DOMAIN", c.failure_cluster_domain},
      {"ORC_COUNT_REPLICAS", std::to_string(c.count_replicas)},
      {"ORC_IS_DOWNTIMED", go_bool(c.is_downtimed)},
      {"ORC_AUTO_MASTER_RECOVERY", go_bool(c.auto_master_recovery)},
      {"ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY", go_bool(c.auto_intermediate_master_recovery)},
      {"ORC_ORCHESTRATOR_HOST", c.orchestrator_host},
      {"ORC_IS_SUCCESSFUL", go_bool(c.is_successful)},
      {"ORC_LOST_REPLICAS", join_keys(c.lost_replicas)},
      {"ORC_REPLICA_HOSTS", join_keys(c.replica_hosts)},
      {"ORC_RECOVERY_UID", c.recovery_uid},
  };
  if (has_successor(c)) {
    env.emplace_back("ORC_SUCCESSOR_HOST", c.successor_host);
    env.emplace_back("ORC_SUCCESSOR_PORT", std::to_string(c.successor_port));
    if (!c.successor_binlog_coordinates.empty())
      env.emplace_back("ORC_SUCCESSOR_BINLOG_COORDINATES", c.successor_binlog_coordinates);
    env.emplace_back("ORC_SUCCESSOR_ALIAS", c.successor_alias);
  }
  return env;
}

}  // namespace orc::model
