#pragma once
// GTID arithmetic for both flavours, done locally so that errant-GTID detection and
// "most advanced replica" choices need no round trip to a server (MariaDB has no
// GTID_SUBSET/GTID_SUBTRACT at all).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orc::model {

/// An inclusive range of transaction numbers, as in "uuid:3-7" (a single "uuid:3" is 3-3).
struct GtidInterval {
  uint64_t start = 0;
  uint64_t end = 0;
  bool operator==(const GtidInterval& o) const { return start == o.start && end == o.end; }
};

/// A MySQL/Oracle GTID set (@@gtid_executed, Executed_Gtid_Set, GTID_SUBTRACT results).
///
/// Always normalised: UUIDs and tags lower-cased, sources sorted by (uuid, tag) with the
/// untagged intervals first, intervals sorted and merged when they overlap or touch
/// ("1-3:4-5" is "1-5"). Two sets holding the same transactions therefore compare equal
/// and print identically. The same UUID under different tags (MySQL 8.4 tagged GTIDs,
/// "uuid:tag:1-5") is a separate source, as on the server.
///
/// Operations return new sets; an instance never changes after parsing.
class GtidSet {
 public:
  /// The empty set (what a server without GTIDs, or after RESET MASTER, reports as '').
  GtidSet() = default;

  /// Parses "uuid:1-5:7,uuid2:1-3" as MySQL prints it: whitespace and newlines around
  /// entries and around ':' are ignored, empty comma entries are skipped (as upstream does),
  /// blank text is the empty set. Tagged form: "uuid:1-5:tag:1-3" where a tag
  /// ([a-z_][a-z0-9_]{0,31}, case-insensitive) applies to the intervals that follow it.
  /// Returns nullopt, with a reason in `error` when given, for a malformed UUID or tag, a
  /// tag or UUID without intervals, a zero, reversed or out-of-range (> 2^63-1) interval.
  static std::optional<GtidSet> parse(std::string_view text, std::string* error = nullptr);

  /// MySQL's canonical text: "uuid:1-5:7:tag:1-3" per UUID, UUIDs joined by `separator`.
  /// The default ",\n" is byte-for-byte what @@gtid_executed and GTID_SUBTRACT() return,
  /// so values stored in gtid_errant match upstream's; pass "," for single-line output.
  std::string to_string(std::string_view separator = ",\n") const;

  bool empty() const { return sources_.empty(); }
  /// Number of transactions in the set (saturates at UINT64_MAX instead of wrapping).
  uint64_t count() const;

  /// True when every transaction of `other` is in this set (this ⊇ other), i.e.
  /// GTID_SUBSET(other, this) = 1. The empty set is contained in everything.
  bool contains(const GtidSet& other) const;
  /// Transactions of this set that are not in `other` (GTID_SUBTRACT(this, other)).
  GtidSet subtract(const GtidSet& other) const;
  /// Transactions in either set.
  GtidSet union_with(const GtidSet& other) const;
  /// This set without any transaction of the given server UUIDs (every tag of each UUID).
  /// UUIDs are matched case-insensitively; blanks are ignored. Used before computing errant
  /// GTIDs, to drop the transactions a replica got from its ancestors.
  GtidSet remove_uuids(const std::vector<std::string>& uuids) const;

  bool operator==(const GtidSet& o) const { return sources_ == o.sources_; }
  bool operator!=(const GtidSet& o) const { return !(*this == o); }

 private:
  /// (uuid, tag) -> sorted, merged, non-empty intervals; tag "" = untagged.
  using Sources = std::map<std::pair<std::string, std::string>, std::vector<GtidInterval>>;
  explicit GtidSet(Sources s) : sources_(std::move(s)) {}
  Sources sources_;
};

/// One MariaDB GTID "domain-server_id-seq", e.g. 0-23306-11.
struct MariadbGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
  bool operator==(const MariadbGtid& o) const {
    return domain_id == o.domain_id && server_id == o.server_id && seq_no == o.seq_no;
  }
};

/// How one MariaDB position relates to another (see compare()).
enum class GtidOrder { Equal, Ahead, Behind, Incomparable };
const char* gtid_order_name(GtidOrder o);

/// A MariaDB GTID position (@@gtid_current_pos, @@gtid_slave_pos, @@gtid_binlog_pos,
/// Gtid_IO_Pos): at most one GTID per replication domain, kept sorted by domain.
///
/// Ordering semantics: positions are compared per domain by seq_no only, and server_id is
/// ignored, because after a failover the same stream continues under the new primary's
/// server_id. A domain missing from a position counts as seq_no 0, i.e. behind any
/// non-zero seq_no. This is sound when seq numbers are monotonic per domain, which
/// gtid_strict_mode guarantees; without strict mode two servers can reach the same seq_no
/// through different transactions (different server_ids), and this comparison cannot
/// see that divergence.
class MariadbGtidPosition {
 public:
  MariadbGtidPosition() = default;

  /// Parses "0-23306-11,1-23307-5" (entries in any order, whitespace around entries
  /// ignored, blank text = empty position). Returns nullopt, with a reason in `error`, for
  /// non-numeric or out-of-range parts (domain and server_id are 32-bit, seq_no 64-bit) and
  /// for a domain that appears twice (the server refuses such a position too).
  static std::optional<MariadbGtidPosition> parse(std::string_view text,
                                                  std::string* error = nullptr);

  /// "d-s-n,d-s-n" sorted by domain, as the server prints @@gtid_* variables.
  std::string to_string() const;
  bool empty() const { return gtids_.empty(); }
  const std::vector<MariadbGtid>& gtids() const { return gtids_; }
  /// The seq_no for `domain_id`, or nullopt when the position has no GTID in that domain.
  std::optional<uint64_t> seq_for_domain(uint32_t domain_id) const;
  /// True when, for every domain of `other`, our seq_no is >= theirs (server_id ignored).
  bool contains(const MariadbGtidPosition& other) const;

  bool operator==(const MariadbGtidPosition& o) const { return gtids_ == o.gtids_; }

 private:
  std::vector<MariadbGtid> gtids_;  ///< sorted by domain_id, unique domains
};

/// Where `a` stands relative to `b`: Equal when every domain has the same seq_no, Ahead when
/// a contains b and is not equal, Behind when b contains a and is not equal, Incomparable
/// when a is ahead in one domain and behind in another (diverged or multi-source).
GtidOrder compare(const MariadbGtidPosition& a, const MariadbGtidPosition& b);

/// Indices of the maximal positions: those no other position is strictly ahead of. Equal
/// positions are all returned; several incomparable maxima are all returned, so more than
/// one index means the caller must break the tie (or that there is no safe choice).
std::vector<std::size_t> most_advanced(const std::vector<MariadbGtidPosition>& positions);

}  // namespace orc::model
