// candidate_database_instance.

#include "storage/candidate_dao.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace orc::storage {

void register_candidate(soci::session& s, const model::InstanceKey& key, const std::string& rule) {
  if (rule == "must") throw std::invalid_argument("CandidatePromotionRule: must not supported yet");
  if (rule != "prefer" && rule != "neutral" && rule != "prefer_not" && rule != "must_not")
    throw std::invalid_argument("Invalid CandidatePromotionRule: " + rule +
                                " (valid: prefer, neutral, prefer_not, must_not)");
  s << "REPLACE INTO candidate_database_instance (hostname, port, last_suggested, "
       "promotion_rule) VALUES (:h, :p, NOW(), :r)",
      soci::use(key.hostname), soci::use(key.port), soci::use(rule);
}

int expire_candidates(soci::session& s, int expire_minutes) {
  soci::statement st = (s.prepare << "DELETE FROM candidate_database_instance WHERE "
                                     "last_suggested < NOW() - INTERVAL :m MINUTE",
                        soci::use(expire_minutes));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace orc::storage
