#pragma once
// Use cases of partner invitations: an organisation reads the invitations it has had and
// accepts or declines them (schema/022_partner_invitations.sql).
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "db/partner_invitation_repository.hpp"
#include "domain/api_key.hpp"
#include "domain/partner_invitation.hpp"

namespace eventd::services {

class Database;

struct PartnerInvitationPage {
  std::vector<domain::PartnerInvitation> items;
  bool has_more = false;
};

// The invitations of the organisation `organisation_ref` (id or slug), newest first: its
// organisers and admins only (403 for another organiser; 404 for no such organisation).
boost::asio::awaitable<PartnerInvitationPage> list_partner_invitations(Database& db, const domain::Caller& caller,
                                                                       const std::string& organisation_ref,
                                                                       db::PartnerInvitationFilter filter);

// The partner's answer, `accepted` or `declined` (422 for anything else); it may change its
// answer later. Only the partner's organisers and admins may give it: the event's own
// organiser or another organiser gets 403 where it may see the event, 404 where it may not
// (or where the event names no such partner).
// `precondition` (If-Match) sees the invitation as locked, once the caller may answer it.
using PartnerInvitationPrecondition = std::function<void(const domain::PartnerInvitation&)>;
boost::asio::awaitable<domain::PartnerInvitation> answer_partner_invitation(
    Database& db, const domain::Caller& caller, const std::string& event_ref, const std::string& organisation_ref,
    domain::PartnerStatus answer, const PartnerInvitationPrecondition& precondition);

}  // namespace eventd::services
