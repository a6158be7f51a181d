// Instance tags. Tag names and values are utf8 with a case-insensitive collation (S1), so
// "Role" and "role" are one tag, as in upstream.

#include "storage/tag_dao.hpp"

#include <soci/soci.h>

#include <deque>

namespace orc::storage {

namespace {

std::string_view trim(std::string_view t) {
  const char* space = " \t\r\n";
  auto first = t.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return t.substr(first, t.find_last_not_of(space) - first + 1);
}

std::vector<model::InstanceKey> fetch_keys(soci::statement& st, model::InstanceKey& key) {
  std::vector<model::InstanceKey> out;
  st.execute();
  while (st.fetch()) out.push_back(key);
  return out;
}

/// The HAVING term of one condition over the instance's group of tag rows (upstream's
/// GetInstanceKeysByTag clauses); `n`/`v` are the placeholders of name and value.
std::string having_term(const TagCondition& c, const std::string& n, const std::string& v) {
  if (c.value && !c.negate) return "SUM(tag_name = " + n + " AND tag_value = " + v + ") > 0";
  if (c.value) return "SUM(tag_name = " + n + " AND tag_value != " + v + ") > 0";
  if (!c.negate) return "SUM(tag_name = " + n + ") > 0";
  return "SUM(tag_name = " + n + ") = 0";
}

}  // namespace

std::optional<std::vector<TagCondition>> parse_tag_conditions(std::string_view text,
                                                              std::string* error) {
  std::vector<TagCondition> out;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    std::string_view part =
        trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    TagCondition c;
    // Only a leading '!' means negation; upstream replaced every '!', values included.
    if (!part.empty() && (part.front() == '~' || part.front() == '!')) {
      c.negate = true;
      part.remove_prefix(1);
    }
    auto eq = part.find('=');
    c.name = std::string(trim(part.substr(0, eq)));
    if (eq != std::string_view::npos) c.value = std::string(part.substr(eq + 1));
    if (c.name.empty()) {
      if (error) *error = "empty tag name in '" + std::string(text) + "'";
      return std::nullopt;
    }
    out.push_back(std::move(c));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> read_tags(soci::session& s,
                                                           const model::InstanceKey& key) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name, value;
  soci::statement st =
      (s.prepare << "SELECT tag_name, tag_value FROM database_instance_tags"
                    " WHERE hostname = :h AND port = :p ORDER BY tag_name",
       soci::use(key.hostname), soci::use(key.port), soci::into(name), soci::into(value));
  st.execute();
  while (st.fetch()) out.emplace_back(name, value);
  return out;
}

std::optional<std::string> read_tag_value(soci::session& s, const model::InstanceKey& key,
                                          const std::string& name) {
  std::string value;
  s << "SELECT tag_value FROM database_instance_tags"
       " WHERE hostname = :h AND port = :p AND tag_name = :n",
      soci::use(key.hostname), soci::use(key.port), soci::use(name), soci::into(value);
  if (!s.got_data()) return std::nullopt;
  return value;
}

void put_tag(soci::session& s, const model::InstanceKey& key, const std::string& name,
             const std::string& value) {
  s << "INSERT INTO database_instance_tags (hostname, port, tag_name, tag_value, last_updated)"
       " VALUES (:h, :p, :n, :v, NOW()) ON DUPLICATE KEY UPDATE"
       " tag_value = VALUES(tag_value), last_updated = VALUES(last_updated)",
      soci::use(key.hostname), soci::use(key.port), soci::use(name), soci::use(value);
}

bool remove_tag(soci::session& s, const model::InstanceKey& key, const std::string& name) {
  soci::statement st = (s.prepare << "DELETE FROM database_instance_tags"
                                     " WHERE hostname = :h AND port = :p AND tag_name = :n",
                        soci::use(key.hostname), soci::use(key.port), soci::use(name));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::vector<model::InstanceKey> remove_tag_all(soci::session& s, const std::string& name,
                                               const std::optional<std::string>& value) {
  soci::transaction tx(s);
  model::InstanceKey key;
  std::vector<model::InstanceKey> removed;
  const char* select_sql = "SELECT hostname, port FROM database_instance_tags WHERE tag_name = :n";
  const char* delete_sql = "DELETE FROM database_instance_tags WHERE tag_name = :n";
  const char* order = " ORDER BY hostname, port FOR UPDATE";
  if (value) {
    const char* and_value = " AND tag_value = :v";
    soci::statement st = (s.prepare << std::string(select_sql) + and_value + order, soci::use(name),
                          soci::use(*value), soci::into(key.hostname), soci::into(key.port));
    removed = fetch_keys(st, key);
    if (!removed.empty())
      s << std::string(delete_sql) + and_value, soci::use(name), soci::use(*value);
  } else {
    soci::statement st = (s.prepare << std::string(select_sql) + order, soci::use(name),
                          soci::into(key.hostname), soci::into(key.port));
    removed = fetch_keys(st, key);
    if (!removed.empty()) s << delete_sql, soci::use(name);
  }
  tx.commit();
  return removed;
}

std::vector<model::InstanceKey> tagged(soci::session& s,
                                       const std::vector<TagCondition>& conditions) {
  if (conditions.empty()) return {};
  soci::statement st(s);
  std::deque<std::string> binds;  // stable addresses: SOCI keeps references until execution
  std::string sql =
      "SELECT hostname, port FROM database_instance_tags GROUP BY hostname, port"
      " HAVING ";
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    const auto& c = conditions[i];
    std::string n = ":n" + std::to_string(i), v = ":v" + std::to_string(i);
    if (i) sql += " AND ";
    sql += having_term(c, n, v);
    st.exchange(soci::use(binds.emplace_back(c.name), n.substr(1)));
    if (c.value) st.exchange(soci::use(binds.emplace_back(*c.value), v.substr(1)));
  }
  sql += " ORDER BY hostname, port";
  model::InstanceKey key;
  st.exchange(soci::into(key.hostname));
  st.exchange(soci::into(key.port));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  return fetch_keys(st, key);
}

}  // namespace orc::storage
