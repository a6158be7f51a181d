#pragma once
// candidate_database_instance: promotion rules registered with register-candidate (API/CLI),
// read by every instance read (storage/instance_read.cpp joins the table without looking at
// last_suggested) and so by the choice of a failover successor.

#include <string>

#include "model/instance_key.hpp"

namespace soci {
class session;
}

namespace orc::storage {

/// register-candidate: REPLACE candidate_database_instance (hostname, port,
/// last_suggested=NOW(), promotion_rule). Rules accepted: prefer, neutral, prefer_not,
/// must_not (exact spelling, as upstream's ParseCandidatePromotionRule). "must" is refused as
/// upstream ("not supported yet"), anything else with the list of valid rules: both throw
/// std::invalid_argument with a user-facing message, before touching the backend.
void register_candidate(soci::session& s, const model::InstanceKey& key, const std::string& rule);

/// Deletes rows whose last_suggested is older than `expire_minutes`
/// (CandidateInstanceExpireMinutes). Instance reads do not filter on last_suggested, so this
/// is what makes a registration lapse: callers refresh it (upstream's docs suggest a cron every
/// few minutes) and the leader runs this periodically. Returns rows deleted.
int expire_candidates(soci::session& s, int expire_minutes);

}  // namespace orc::storage
