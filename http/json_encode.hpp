#pragma once
// JSON encoders for the HTTP API, with upstream orchestrator's field names and field order
// (go/inst/instance.go, go/inst/cluster.go, go/http/api.go), so orchestrator-client and other
// tools written against upstream parse our output unchanged. Output is compact (no spaces).

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_info.hpp"
#include "model/instance.hpp"
#include "model/instance_key.hpp"

namespace orc::http {

/// The writer every encoder here appends to; callers composing larger documents (analysis,
/// recoveries) use the same type so they can embed instances and keys.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// Returns `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by
/// U+FFFD, one replacement per bad byte, as Go's encoding/json does. Server error texts
/// (LastSQLError, LastIOError) can carry raw binary from a statement; without this the
/// response would not be valid JSON.
std::string valid_utf8(std::string_view text);

/// Writes a JSON string: invalid UTF-8 replaced (see valid_utf8), control characters,
/// quotes and backslashes escaped.
void write_string(JsonWriter& w, std::string_view text);

/// {"Hostname":"h","Port":3306}; an empty key is {"Hostname":"","Port":0}.
void write_key(JsonWriter& w, const model::InstanceKey& key);
/// An array of keys: upstream's InstanceKeyMap serialises this way (never null).
void write_keys(JsonWriter& w, const std::vector<model::InstanceKey>& keys);

/// Every field of upstream's Instance JSON, in upstream's order, including the duplicated
/// back-compat names (Slave_SQL_Running, SlaveHosts, SlaveLagSeconds) and the misspelt
/// ReplicationSQLThreadRuning / ReplicationIOThreadRuning. Durations (ElapsedDowntime,
/// LastDiscoveryLatency) are nanoseconds, like Go's time.Duration. Nullable integers are
/// {"Int64":n,"Valid":bool} (sql.NullInt64), with Int64 0 when not valid.
void write_instance(JsonWriter& w, const model::Instance& instance);

/// {"ClusterName":..,"ClusterAlias":..,"ClusterDomain":..,"CountInstances":..,"HeuristicLag":..,
///  "HasAutomatedMasterRecovery":..,"HasAutomatedIntermediateMasterRecovery":..}
void write_cluster_info(JsonWriter& w, const model::ClusterInfo& info);

std::string instance_json(const model::Instance& instance);
/// A JSON array of instances ("[]" when empty).
std::string instances_json(const std::vector<model::Instance>& instances);
std::string key_json(const model::InstanceKey& key);
std::string keys_json(const std::vector<model::InstanceKey>& keys);
std::string cluster_info_json(const model::ClusterInfo& info);
std::string clusters_info_json(const std::vector<model::ClusterInfo>& infos);
std::string string_array_json(const std::vector<std::string>& values);

/// A quoted JSON string, e.g. `"OK"` for endpoints whose body is a bare string.
std::string json_string(std::string_view text);

/// Upstream's APIResponse envelope: {"Code":"OK"|"ERROR","Message":"...","Details":...}.
/// `details_raw_json` must already be valid JSON (the output of another encoder here); it is
/// embedded verbatim. When null or empty, Details is JSON null.
std::string api_response_json(bool ok, const std::string& message,
                              const std::string* details_raw_json = nullptr);

}  // namespace orc::http
