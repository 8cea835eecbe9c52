#pragma once
// Use cases of the delegations of a study trip: /v1/events/{id}/delegations (issue 21).
// The event's organisers manage them; a delegation's leader, with the token the organiser
// issued them (evd_), sees their own delegation and its registrations, nobody else's.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/delegation_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/delegation.hpp"
#include "domain/error.hpp"

namespace soci {
class session;
}

namespace eventd::services {

class Database;
struct MailContext;

inline constexpr std::string_view kLeaderTokenPrefix = "evd_";
// The leader's calendar (/v1/feeds/evl_…/calendar.ics): its token is derived from the leader
// token, so the leader can be shown it again, and it reads the itinerary and nothing else.
inline constexpr std::string_view kLeaderFeedTokenPrefix = "evl_";
std::string leader_feed_token_for(std::string_view leader_token);

// What the client sent, read and type-checked (http/dto).
struct DelegationDraft {
  domain::Delegation delegation;
  std::vector<domain::FieldError> errors;
};

// The delegation (and its event) whose leader holds `leader_token`; 401 for a token of none
// (never issued, or replaced). The one check of a leader token, wherever one is taken.
db::LeaderScope leader_of(soci::session& s, const std::string& leader_token);

// An organiser's key, or a delegation leader's token.
struct DelegationAccess {
  domain::Caller caller = domain::Caller::anonymous();
  std::optional<std::string> leader_token;
};

// 404 for an event the caller may not see, 403 for another organisation's key; 409 for a
// name the event has already or an event with kMaxDelegationsPerEvent; 422 for bad fields.
boost::asio::awaitable<domain::Delegation> create_delegation(Database& db, const domain::Caller& caller,
                                                             std::string event_ref, DelegationDraft draft);
// The organiser: every delegation of the event; a leader: their own.
boost::asio::awaitable<std::vector<domain::Delegation>> list_delegations(Database& db, DelegationAccess access,
                                                                         std::string event_ref);
boost::asio::awaitable<domain::Delegation> get_delegation(Database& db, DelegationAccess access, std::string event_ref,
                                                          std::string delegation_id);

using DelegationPatcher = std::function<DelegationDraft(const domain::Delegation& current)>;
using DelegationPrecondition = std::function<void(const domain::Delegation& current)>;
// A quota raised (or lifted) gives free seats to the waitlisted of the delegation, in order,
// each told by e-mail; one lowered below the confirmed registrations is a 422.
boost::asio::awaitable<domain::Delegation> patch_delegation(Database& db, const domain::Caller& caller,
                                                            std::string event_ref, std::string delegation_id,
                                                            DelegationPatcher patch, const MailContext& mail);
// 409 while registrations or programme items name it.
boost::asio::awaitable<void> delete_delegation(Database& db, const domain::Caller& caller, std::string event_ref,
                                               std::string delegation_id, DelegationPrecondition precondition);

// A new leader token (shown this once; the earlier one and its feed stop working).
struct LeaderToken {
  domain::Delegation delegation;
  std::string token;
  std::string feed_token;
};
boost::asio::awaitable<LeaderToken> issue_leader_token(Database& db, const domain::Caller& caller,
                                                       std::string event_ref, std::string delegation_id);

}  // namespace eventd::services
