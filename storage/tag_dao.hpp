#pragma once
// Backend access for instance tags (database_instance_tags) and upstream's tag condition
// language (`tagged`, cli.md): `name`, `name=value`, `~name`, `~name=value`, `!` for `~`,
// conditions joined by commas and ANDed.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/instance_key.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// One parsed condition (upstream's Tag with HasValue / Negate).
struct TagCondition {
  std::string name;
  std::optional<std::string> value;  ///< set for name=value forms (the value may be "")
  bool negate = false;               ///< ~ or ! prefix

  bool operator==(const TagCondition& o) const {
    return name == o.name && value == o.value && negate == o.negate;
  }
};

/// Parses a comma-separated condition list like upstream's ParseIntersectTags: each part is
/// trimmed, `!` is read as `~`, a leading `~` negates, the first `=` splits name from value.
/// nullopt (reason in `error`) when any part has an empty name (e.g. "", "a,,b", "=x", "~").
std::optional<std::vector<TagCondition>> parse_tag_conditions(std::string_view text,
                                                              std::string* error = nullptr);

/// The instance's tags as (name, value), ordered by name.
std::vector<std::pair<std::string, std::string>> read_tags(soci::session& s,
                                                           const model::InstanceKey& key);

/// The value of one tag; nullopt when the instance has no such tag.
std::optional<std::string> read_tag_value(soci::session& s, const model::InstanceKey& key,
                                          const std::string& name);

/// Sets (or replaces) a tag. The instance need not be known, as upstream.
void put_tag(soci::session& s, const model::InstanceKey& key, const std::string& name,
             const std::string& value);

/// Removes one tag from one instance; false when it had no such tag.
bool remove_tag(soci::session& s, const model::InstanceKey& key, const std::string& name);

/// Removes tag `name` (only where it has `value`, when given) from every instance; returns the
/// instances that had it, ordered by hostname, port. Upstream's untag-all refuses to run without
/// a value; that policy belongs to the caller.
std::vector<model::InstanceKey> remove_tag_all(soci::session& s, const std::string& name,
                                               const std::optional<std::string>& value);

/// Instances matching every condition, ordered by hostname, port. As upstream
/// (GetInstanceKeysByTags), candidates are the instances that have at least one tag:
/// `name` = has the tag; `name=value` = has it with that value; `~name` = has other tags but not
/// this one; `~name=value` = has the tag with a different value. Empty conditions match nothing.
std::vector<model::InstanceKey> tagged(soci::session& s,
                                       const std::vector<TagCondition>& conditions);

}  // namespace orc::storage
