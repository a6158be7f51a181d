// JSON side of the configuration: applying a config document onto a Config (types, synonyms,
// unknown keys, ${ENV} expansion) and dumping a Config. The only RapidJSON user in model/.

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <set>
#include <string_view>
#include <unordered_map>

#include "model/config.hpp"
#include "model/text.hpp"

namespace orc::model {
namespace {

/// Old upstream names still accepted. `scale` converts units (RecoveryPeriodBlockMinutes).
struct Synonym {
  const char* name;
  const char* canonical;
  int scale;
};
constexpr Synonym kSynonyms[] = {
    {"SlaveLagQuery", "ReplicationLagQuery", 1},
    {"DetachLostSlavesAfterMasterFailover", "DetachLostReplicasAfterMasterFailover", 1},
    {"MasterFailoverDetachSlaveMasterHost", "MasterFailoverDetachReplicaMasterHost", 1},
    {"PostponeSlaveRecoveryOnLagMinutes", "PostponeReplicaRecoveryOnLagMinutes", 1},
    {"RecoveryPeriodBlockMinutes", "RecoveryPeriodBlockSeconds", 60},
};

/// Upstream keys for features this implementation leaves out (agents, raft, pseudo-GTID, TLS,
/// graphite, OAuth, ...). They get their own warning so they are not mistaken for typos.
constexpr const char* kUnsupported[] = {
    "EnableSyslog",
    "ListenSocket",
    "HTTPAdvertise",
    "AgentsServerPort",
    "TLSCacheTTLFactor",
    "SQLite3DataFile",
    "RaftBind",
    "RaftAdvertise",
    "RaftDataDir",
    "DefaultRaftPort",
    "RaftNodes",
    "ExpectFailureAnalysisConcensus",
    "MySQLConnectionLifetimeSeconds",
    "SnapshotTopologiesIntervalHours",
    "DiscoveryQueueMaxStatisticsSize",
    "DiscoveryCollectionRetentionSeconds",
    "SkipBinlogServerUnresolveCheck",
    "ExpiryHostnameResolvesMinutes",
    "RejectHostnameResolvePattern",
    "ProblemIgnoreHostnameFilters",
    "VerifyReplicationFilters",
    "RemoveTextFromHostnameDisplay",
    "OAuthClientId",
    "OAuthClientSecret",
    "OAuthScopes",
    "AccessTokenUseExpirySeconds",
    "AccessTokenExpiryMinutes",
    "SupportFuzzyPoolHostnames",
    "InstancePoolExpiryMinutes",
    "ServeAgentsHttp",
    "AgentsUseSSL",
    "AgentsUseMutualTLS",
    "AgentSSLSkipVerify",
    "AgentSSLPrivateKeyFile",
    "AgentSSLCertFile",
    "AgentSSLCAFile",
    "AgentSSLValidOUs",
    "AgentPollMinutes",
    "UnseenAgentForgetHours",
    "StaleSeedFailMinutes",
    "SeedAcceptableBytesDiff",
    "SeedWaitSecondsBeforeSend",
    "AutoPseudoGTID",
    "PseudoGTIDPattern",
    "PseudoGTIDPatternIsFixedSubstring",
    "PseudoGTIDMonotonicHint",
    "DetectPseudoGTIDQuery",
    "BinlogEventsChunkSize",
    "SkipBinlogEventsContaining",
    "OSCIgnoreHostnameFilters",
    "GraphiteAddr",
    "GraphitePath",
    "GraphiteConvertHostnameDotsToUnderscores",
    "GraphitePollSeconds",
    "ConsulMaxKVsPerTransaction",
    "WebMessage",
};

enum class NameKind { Key, Synonym, Unsupported };
struct KnownName {
  NameKind kind;
  const ConfigKey* key;    // Key, and the canonical key of a Synonym
  const Synonym* synonym;  // Synonym only
  const char* spelling;    // exact upstream spelling
};

/// Every name a config file may use, by exact spelling and by lower-cased spelling (Go's JSON
/// decoder, and so upstream, matches struct fields case-insensitively).
struct NameIndex {
  std::unordered_map<std::string, KnownName> exact;
  std::unordered_map<std::string, KnownName> folded;

  NameIndex() {
    std::unordered_map<std::string, const ConfigKey*> by_name;
    for (const auto& k : config_keys()) {
      by_name[k.name] = &k;
      add({NameKind::Key, &k, nullptr, k.name});
    }
    for (const auto& s : kSynonyms) add({NameKind::Synonym, by_name.at(s.canonical), &s, s.name});
    for (const char* u : kUnsupported) add({NameKind::Unsupported, nullptr, nullptr, u});
  }
  void add(const KnownName& n) {
    exact.emplace(n.spelling, n);
    folded.emplace(to_lower(n.spelling), n);
  }
};

const NameIndex& names() {
  static const NameIndex index;
  return index;
}

/// Closest known spelling for a "did you mean" hint, or "" if nothing is close.
std::string suggestion(const std::string& unknown) {
  const std::string a = to_lower(unknown);
  std::size_t best = std::max<std::size_t>(2, a.size() / 6) + 1;
  std::string best_name;
  for (const auto& [folded, known] : names().folded) {
    std::vector<std::size_t> prev(folded.size() + 1), cur(folded.size() + 1);
    for (std::size_t j = 0; j <= folded.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= folded.size(); ++j)
        cur[j] = std::min(
            {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == folded[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    if (prev[folded.size()] < best) {
      best = prev[folded.size()];
      best_name = known.spelling;
    }
  }
  return best_name;
}

/// Byte offsets of the top-level object's keys, in document order (one per DOM member), so
/// messages can point at FILE:LINE:COLUMN. Runs only on text RapidJSON has already accepted, so
/// it just skips strings and counts brackets.
std::vector<std::size_t> top_level_key_offsets(const std::string& text) {
  std::vector<std::size_t> offsets;
  int depth = 0;
  bool expect_key = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      if (depth == 1 && expect_key) offsets.push_back(i);
      expect_key = false;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '{' || c == '[') {
      ++depth;
      expect_key = depth == 1;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return offsets;
}

std::string line_column(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count UTF-8 code points, not continuation bytes
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

const char* type_name(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return v.IsInt64() || v.IsUint64() ? "integer" : "number";
  }
  return "value";
}

/// Replaces each ${NAME} with the environment variable's value. Anything else, including a bare
/// '$', is kept literally because passwords may contain it. Returns false (and the variable name)
/// when a referenced variable is unset.
bool expand_env(std::string& value, std::string* missing) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    const auto open = value.find("${", i);
    const auto close = open == std::string::npos ? open : value.find('}', open + 2);
    if (close == std::string::npos) break;
    const std::string name = value.substr(open + 2, close - open - 2);
    const bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                            std::all_of(name.begin(), name.end(), [](unsigned char c) {
                              return std::isalnum(c) || c == '_';
                            });
    out.append(value, i, open - i);
    if (identifier) {
      const char* env = std::getenv(name.c_str());
      if (!env) {
        *missing = name;
        return false;
      }
      out += env;
    } else {
      out.append(value, open, close + 1 - open);
    }
    i = close + 1;
  }
  out.append(value, i, std::string::npos);
  value = std::move(out);
  return true;
}

/// Applies one JSON value to one Config member, Go-style: exact types only (a number in a string
/// is an error), null leaves a scalar unchanged and empties a list or map.
class Assigner {
 public:
  Assigner(Config& c, const rapidjson::Value& v, int scale, std::string& problem)
      : config_(c), v_(v), scale_(scale), problem_(problem) {}

  void operator()(bool Config::*m) {
    if (v_.IsBool())
      config_.*m = v_.GetBool();
    else if (!v_.IsNull())
      mismatch("boolean");
  }
  void operator()(int Config::*m) {
    if (v_.IsNull()) return;
    if (!v_.IsNumber() || v_.IsDouble()) return mismatch("integer");
    if (!v_.IsInt64() || v_.GetInt64() > INT_MAX / scale_ || v_.GetInt64() < INT_MIN / scale_) {
      problem_ = "integer out of range";
      return;
    }
    config_.*m = static_cast<int>(v_.GetInt64()) * scale_;
  }
  void operator()(std::string Config::*m) {
    if (v_.IsString())
      config_.*m = std::string(v_.GetString(), v_.GetStringLength());
    else if (!v_.IsNull())
      mismatch("string");
  }
  void operator()(std::vector<std::string> Config::*m) {
    if (v_.IsNull()) return (config_.*m).clear();
    if (!v_.IsArray()) return mismatch("array of strings");
    std::vector<std::string> out;
    for (rapidjson::SizeType i = 0; i < v_.Size(); ++i) {
      if (!v_[i].IsString()) {
        problem_ = "element " + std::to_string(i) + ": expected string, found " + type_name(v_[i]);
        return;
      }
      out.emplace_back(v_[i].GetString(), v_[i].GetStringLength());
    }
    config_.*m = std::move(out);
  }
  void operator()(std::map<std::string, std::string> Config::*m) {
    if (v_.IsNull()) return (config_.*m).clear();
    if (!v_.IsObject()) return mismatch("object of strings");
    std::map<std::string, std::string> out;
    for (const auto& member : v_.GetObject()) {
      const std::string key(member.name.GetString(), member.name.GetStringLength());
      if (!member.value.IsString()) {
        problem_ = "value of \"" + key + "\": expected string, found " + type_name(member.value);
        return;
      }
      out[key] = std::string(member.value.GetString(), member.value.GetStringLength());
    }
    config_.*m = std::move(out);
  }

 private:
  void mismatch(const char* expected) {
    problem_ = std::string("expected ") + expected + ", found " + type_name(v_);
  }
  Config& config_;
  const rapidjson::Value& v_;
  int scale_;
  std::string& problem_;
};

}  // namespace

namespace detail {

void apply_config_json(const std::string& json, const std::string& source, Config& config,
                       std::vector<std::string>& warnings, std::vector<std::string>& errors) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError()) {
    errors.push_back(source + ":" + line_column(json, doc.GetErrorOffset()) + ": " +
                     rapidjson::GetParseError_En(doc.GetParseError()));
    return;
  }
  if (!doc.IsObject()) {
    errors.push_back(source + ": the configuration must be a JSON object, found " + type_name(doc));
    return;
  }

  std::vector<std::size_t> offsets;
  auto where = [&](rapidjson::SizeType index) {
    if (offsets.empty()) offsets = top_level_key_offsets(json);
    return source + ":" + (index < offsets.size() ? line_column(json, offsets[index]) : "1:1");
  };

  // Resolve every member first: a synonym must yield to its canonical key anywhere in the file.
  struct Entry {
    rapidjson::SizeType index;
    std::string name;
    const KnownName* known;
  };
  std::vector<Entry> entries;
  std::set<std::string> canonical_present;
  const auto& idx = names();
  rapidjson::SizeType index = 0;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it, ++index) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    const KnownName* known = nullptr;
    if (auto e = idx.exact.find(name); e != idx.exact.end()) {
      known = &e->second;
    } else if (auto f = idx.folded.find(to_lower(name)); f != idx.folded.end()) {
      known = &f->second;
      warnings.push_back("configuration key \"" + name + "\" in " + source + " is taken as \"" +
                         known->spelling + "\" (keys match case-insensitively, as upstream)");
    }
    if (known && known->kind == NameKind::Key) canonical_present.insert(known->key->name);
    entries.push_back({index, name, known});
  }

  std::set<std::string> assigned;
  for (const auto& e : entries) {
    const rapidjson::Value& value = doc.MemberBegin()[e.index].value;
    if (!e.known) {
      const auto hint = suggestion(e.name);
      warnings.push_back("unknown configuration key \"" + e.name + "\" in " + source +
                         (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
      continue;
    }
    if (e.known->kind == NameKind::Unsupported) {
      warnings.push_back("configuration key \"" + std::string(e.known->spelling) + "\" in " +
                         source +
                         " is an upstream feature orchestrator-cpp does not support; ignored");
      continue;
    }
    const ConfigKey& key = *e.known->key;
    int scale = 1;
    if (e.known->kind == NameKind::Synonym) {
      if (canonical_present.count(key.name)) {
        warnings.push_back("configuration key \"" + std::string(e.known->spelling) + "\" in " +
                           source + " is ignored: \"" + key.name + "\" is also set");
        continue;
      }
      scale = e.known->synonym->scale;
    }
    if (!assigned.insert(key.name).second)
      warnings.push_back("configuration key \"" + std::string(key.name) +
                         "\" appears more than once in " + source + "; the last value is used");

    std::string problem;
    std::visit(Assigner(config, value, scale, problem), key.member);
    if (!problem.empty()) {
      errors.push_back(where(e.index) + ": configuration key \"" + e.name + "\": " + problem);
      continue;
    }
    if (key.secret && value.IsString()) {
      auto& secret = config.*std::get<std::string Config::*>(key.member);
      std::string missing;
      if (!expand_env(secret, &missing))
        errors.push_back(where(e.index) + ": configuration key \"" + e.name +
                         "\" refers to environment variable \"" + missing + "\", which is not set");
    }
  }
}

}  // namespace detail

std::string dump_config_json(const Config& config) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  for (const auto& key : config_keys()) {
    w.Key(key.name);
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(config.*member)>;
          const T& v = config.*member;
          if constexpr (std::is_same_v<T, bool>) {
            w.Bool(v);
          } else if constexpr (std::is_same_v<T, int>) {
            w.Int(v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            const std::string shown = key.secret && !v.empty() ? "********" : v;
            w.String(shown.c_str(), static_cast<rapidjson::SizeType>(shown.size()));
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            w.StartArray();
            for (const auto& s : v) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
            w.EndArray();
          } else {
            w.StartObject();
            for (const auto& [k, s] : v) {
              w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
              w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
            }
            w.EndObject();
          }
        },
        key.member);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace orc::model
