#pragma once
// SQL for partner invitations: the rows of event_partners seen from the invited organisation
// (schema/022_partner_invitations.sql).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/partner_invitation.hpp"

namespace soci {
class session;
}

namespace eventd::db {

// Keyset position in the (invited_at DESC, event_id) order.
struct PartnerInvitationCursor {
  long long invited_at_us = 0;
  std::string event_id;
};

struct PartnerInvitationFilter {
  std::string organisation_id;  // the invited organisation (an id)
  std::optional<domain::PartnerStatus> status;
  std::optional<PartnerInvitationCursor> after;
  std::size_t limit = 50;  // rows to fetch (callers ask for one extra)
};

// Newest first.
std::vector<domain::PartnerInvitation> list_partner_invitations(soci::session& session,
                                                                const PartnerInvitationFilter& filter);

// The invitation of `organisation_id` to the event `event_id` (both ids); `for_update` locks it.
std::optional<domain::PartnerInvitation> find_partner_invitation(soci::session& session, const std::string& event_id,
                                                                 const std::string& organisation_id, bool for_update);

// Records the answer (decided_at now); returns the invitation as stored.
domain::PartnerInvitation answer_partner_invitation(soci::session& session, const std::string& event_id,
                                                    const std::string& organisation_id, domain::PartnerStatus status);

}  // namespace eventd::db
