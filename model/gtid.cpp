#include "model/gtid.hpp"
#include "model/text.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace orc::model {

namespace {

/// Largest transaction number MySQL accepts (GNO_END - 1 = INT64_MAX).
constexpr uint64_t kMaxGno = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    size_t pos = s.find(sep, begin);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(begin));
      return parts;
    }
    parts.push_back(s.substr(begin, pos - begin));
    begin = pos + 1;
  }
}

/// Unsigned decimal with an upper bound; rejects signs, blanks and overflow.
std::optional<uint64_t> parse_uint(std::string_view s, uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

/// 8-4-4-4-12 hexadecimal digits, the form servers print.
bool valid_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_pos != (s[i] == '-')) return false;
    if (!dash_pos && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

/// MySQL 8.4 GTID tag: [a-z_][a-z0-9_]{0,31}, case-insensitive.
bool valid_tag(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = c == '_' || std::isalpha(c) || (i > 0 && std::isdigit(c));
    if (!ok) return false;
  }
  return true;
}

std::optional<GtidInterval> parse_interval(std::string_view s) {
  auto dash = s.find('-');
  auto first = parse_uint(trim(s.substr(0, dash)), kMaxGno);
  if (!first) return std::nullopt;
  GtidInterval iv{*first, *first};
  if (dash != std::string_view::npos) {
    auto last = parse_uint(trim(s.substr(dash + 1)), kMaxGno);
    if (!last) return std::nullopt;
    iv.end = *last;
  }
  if (iv.start == 0 || iv.end < iv.start) return std::nullopt;
  return iv;
}

/// Sorts and merges overlapping or adjacent intervals in place.
void normalize(std::vector<GtidInterval>& ivs) {
  std::sort(ivs.begin(), ivs.end(), [](const GtidInterval& a, const GtidInterval& b) {
    return a.start < b.start || (a.start == b.start && a.end < b.end);
  });
  std::vector<GtidInterval> merged;
  for (const auto& iv : ivs) {
    // end <= kMaxGno, so end + 1 cannot wrap.
    if (!merged.empty() && iv.start <= merged.back().end + 1) {
      merged.back().end = std::max(merged.back().end, iv.end);
    } else {
      merged.push_back(iv);
    }
  }
  ivs = std::move(merged);
}

/// a minus b, both sorted and merged.
std::vector<GtidInterval> subtract_intervals(const std::vector<GtidInterval>& a,
                                             const std::vector<GtidInterval>& b) {
  std::vector<GtidInterval> out;
  size_t j = 0;
  for (auto cur : a) {
    while (j < b.size() && b[j].end < cur.start) ++j;
    size_t k = j;
    bool consumed = false;
    while (k < b.size() && b[k].start <= cur.end) {
      if (b[k].start > cur.start) out.push_back({cur.start, b[k].start - 1});
      if (b[k].end >= cur.end) {
        consumed = true;
        break;
      }
      cur.start = b[k].end + 1;
      ++k;
    }
    if (!consumed) out.push_back(cur);
  }
  return out;
}

bool covers(const std::vector<GtidInterval>& a, const GtidInterval& iv) {
  // First interval of a whose end reaches iv.start; merged intervals mean it alone must cover.
  auto it = std::lower_bound(a.begin(), a.end(), iv.start,
                             [](const GtidInterval& x, uint64_t v) { return x.end < v; });
  return it != a.end() && it->start <= iv.start && it->end >= iv.end;
}

}  // namespace

std::optional<GtidSet> GtidSet::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<GtidSet> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  Sources sources;
  for (auto entry : split(text, ',')) {
    entry = trim(entry);
    if (entry.empty()) continue;
    auto parts = split(entry, ':');
    auto uuid_text = trim(parts[0]);
    if (!valid_uuid(uuid_text)) return fail("invalid UUID '" + std::string(uuid_text) + "'");
    std::string uuid = to_lower(uuid_text);
    if (parts.size() < 2) return fail("no intervals for UUID " + uuid);
    std::string tag;
    bool tag_has_interval = true;
    for (size_t i = 1; i < parts.size(); ++i) {
      auto piece = trim(parts[i]);
      if (piece.empty()) return fail("empty interval in '" + std::string(entry) + "'");
      if (std::isdigit(static_cast<unsigned char>(piece.front()))) {
        auto iv = parse_interval(piece);
        if (!iv) return fail("invalid interval '" + std::string(piece) + "'");
        sources[{uuid, tag}].push_back(*iv);
        tag_has_interval = true;
        continue;
      }
      if (!valid_tag(piece)) return fail("invalid GTID tag '" + std::string(piece) + "'");
      if (!tag_has_interval) return fail("GTID tag '" + tag + "' has no intervals");
      tag = to_lower(piece);
      tag_has_interval = false;
    }
    if (!tag_has_interval) return fail("GTID tag '" + tag + "' has no intervals");
  }
  for (auto& [src, ivs] : sources) normalize(ivs);
  return GtidSet(std::move(sources));
}

std::string GtidSet::to_string(std::string_view separator) const {
  std::string out;
  const std::string* prev_uuid = nullptr;
  for (const auto& [src, ivs] : sources_) {
    if (!prev_uuid || *prev_uuid != src.first) {
      if (prev_uuid) out += separator;
      out += src.first;
      prev_uuid = &src.first;
    }
    if (!src.second.empty()) out += ":" + src.second;
    for (const auto& iv : ivs) {
      out += ":" + std::to_string(iv.start);
      if (iv.end != iv.start) out += "-" + std::to_string(iv.end);
    }
  }
  return out;
}

uint64_t GtidSet::count() const {
  uint64_t total = 0;
  for (const auto& [src, ivs] : sources_) {
    for (const auto& iv : ivs) {
      uint64_t n = iv.end - iv.start + 1;
      if (total > std::numeric_limits<uint64_t>::max() - n)
        return std::numeric_limits<uint64_t>::max();
      total += n;
    }
  }
  return total;
}

bool GtidSet::contains(const GtidSet& other) const {
  for (const auto& [src, ivs] : other.sources_) {
    auto mine = sources_.find(src);
    if (mine == sources_.end()) return false;
    for (const auto& iv : ivs) {
      if (!covers(mine->second, iv)) return false;
    }
  }
  return true;
}

GtidSet GtidSet::subtract(const GtidSet& other) const {
  Sources out;
  for (const auto& [src, ivs] : sources_) {
    auto theirs = other.sources_.find(src);
    auto rest = theirs == other.sources_.end() ? ivs : subtract_intervals(ivs, theirs->second);
    if (!rest.empty()) out.emplace(src, std::move(rest));
  }
  return GtidSet(std::move(out));
}

GtidSet GtidSet::union_with(const GtidSet& other) const {
  Sources out = sources_;
  for (const auto& [src, ivs] : other.sources_) {
    auto& dst = out[src];
    dst.insert(dst.end(), ivs.begin(), ivs.end());
    normalize(dst);
  }
  return GtidSet(std::move(out));
}

GtidSet GtidSet::remove_uuids(const std::vector<std::string>& uuids) const {
  std::vector<std::string> drop;
  for (const auto& u : uuids) {
    auto t = trim(u);
    if (!t.empty()) drop.push_back(to_lower(t));
  }
  Sources out;
  for (const auto& [src, ivs] : sources_) {
    if (std::find(drop.begin(), drop.end(), src.first) == drop.end()) out.emplace(src, ivs);
  }
  return GtidSet(std::move(out));
}

// ---------------------------------------------------------------- MariaDB

const char* gtid_order_name(GtidOrder o) {
  switch (o) {
    case GtidOrder::Equal:
      return "equal";
    case GtidOrder::Ahead:
      return "ahead";
    case GtidOrder::Behind:
      return "behind";
    default:
      return "incomparable";
  }
}

std::optional<MariadbGtidPosition> MariadbGtidPosition::parse(std::string_view text,
                                                              std::string* error) {
  auto fail = [&](std::string why) -> std::optional<MariadbGtidPosition> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  MariadbGtidPosition pos;
  for (auto entry : split(text, ',')) {
    entry = trim(entry);
    if (entry.empty()) continue;
    auto parts = split(entry, '-');
    if (parts.size() != 3) {
      return fail("MariaDB GTID '" + std::string(entry) + "' is not domain-server_id-seq_no");
    }
    auto domain = parse_uint(parts[0], std::numeric_limits<uint32_t>::max());
    auto server = parse_uint(parts[1], std::numeric_limits<uint32_t>::max());
    auto seq = parse_uint(parts[2], std::numeric_limits<uint64_t>::max());
    if (!domain || !server || !seq) {
      return fail("invalid number in MariaDB GTID '" + std::string(entry) + "'");
    }
    pos.gtids_.push_back({static_cast<uint32_t>(*domain), static_cast<uint32_t>(*server), *seq});
  }
  std::sort(pos.gtids_.begin(), pos.gtids_.end(),
            [](const MariadbGtid& a, const MariadbGtid& b) { return a.domain_id < b.domain_id; });
  for (size_t i = 1; i < pos.gtids_.size(); ++i) {
    if (pos.gtids_[i].domain_id == pos.gtids_[i - 1].domain_id) {
      return fail("domain " + std::to_string(pos.gtids_[i].domain_id) +
                  " appears twice in MariaDB GTID position");
    }
  }
  return pos;
}

std::string MariadbGtidPosition::to_string() const {
  std::string out;
  for (const auto& g : gtids_) {
    if (!out.empty()) out += ",";
    out += std::to_string(g.domain_id) + "-" + std::to_string(g.server_id) + "-" +
           std::to_string(g.seq_no);
  }
  return out;
}

std::optional<uint64_t> MariadbGtidPosition::seq_for_domain(uint32_t domain_id) const {
  for (const auto& g : gtids_) {
    if (g.domain_id == domain_id) return g.seq_no;
  }
  return std::nullopt;
}

bool MariadbGtidPosition::contains(const MariadbGtidPosition& other) const {
  for (const auto& g : other.gtids_) {
    if (seq_for_domain(g.domain_id).value_or(0) < g.seq_no) return false;
  }
  return true;
}

GtidOrder compare(const MariadbGtidPosition& a, const MariadbGtidPosition& b) {
  bool a_has_b = a.contains(b), b_has_a = b.contains(a);
  if (a_has_b && b_has_a) return GtidOrder::Equal;
  if (a_has_b) return GtidOrder::Ahead;
  if (b_has_a) return GtidOrder::Behind;
  return GtidOrder::Incomparable;
}

std::vector<std::size_t> most_advanced(const std::vector<MariadbGtidPosition>& positions) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < positions.size() && !dominated; ++j) {
      dominated = j != i && compare(positions[j], positions[i]) == GtidOrder::Ahead;
    }
    if (!dominated) out.push_back(i);
  }
  return out;
}

}  // namespace orc::model
