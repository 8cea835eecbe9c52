#pragma once
// SQL for the delegations of a study trip (schema/030_delegations.sql).
#include <optional>
#include <string>
#include <vector>

#include "domain/delegation.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// An event holds at most this many delegations (a list answers them all, unpaged).
inline constexpr std::size_t kMaxDelegationsPerEvent = 200;

// With its counts of confirmed and waitlisted registrations. `lock`: FOR NO KEY UPDATE.
std::optional<domain::Delegation> find_delegation(soci::session& session, const std::string& event_id,
                                                  const std::string& delegation_id, bool lock = false);
// In name order.
std::vector<domain::Delegation> list_delegations(soci::session& session, const std::string& event_id);
std::size_t count_delegations(soci::session& session, const std::string& event_id);

// 409 for a name the event's delegations have already (any letter case); 422 for a field a
// constraint refuses.
std::string insert_delegation(soci::session& session, const domain::Delegation& d);
void update_delegation(soci::session& session, const domain::Delegation& d);
// 409 while registrations or programme items name it.
void delete_delegation(soci::session& session, const std::string& delegation_id);

// The leader's token and its feed token (hex SHA-256 each) replace any earlier ones.
void set_leader_token(soci::session& session, const std::string& delegation_id, const std::string& token_hash,
                      const std::string& feed_hash);

struct LeaderScope {
  std::string delegation_id;
  std::string event_id;
};
// The delegation whose leader token has this hash.
std::optional<LeaderScope> find_leader(soci::session& session, const std::string& token_hash);
// The delegation whose leader's feed token has this hash (schema/035).
std::optional<LeaderScope> find_leader_feed(soci::session& session, const std::string& feed_hash);

}  // namespace eventd::db
