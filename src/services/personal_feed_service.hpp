#pragma once
// Calendars that belong to one person (api.md, "Calendar feeds"; ical.md):
//  - /v1/feeds/{token}/calendar.ics: what a registration gives its holder — the event, the
//    programme items they chose (all when none), their standing (waitlisted: TENTATIVE,
//    cancelled: CANCELLED), and the stream link when the event's online.access is
//    `registered` and their seat is confirmed;
//  - /v1/feeds/{evl_…}/calendar.ics: a delegation's itinerary, for its leader;
//  - /v1/registrations/{id}/invite.ics: an iTIP REQUEST (CANCEL once cancelled) for the
//    participant's own calendar.
// The feed token is the only credential of a feed URL: an unknown one is a 404.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "ics/calendar_renderer.hpp"
#include "services/event_parts.hpp"
#include "services/feed_service.hpp"
#include "services/registration_service.hpp"

namespace eventd::services {

// The iTIP invitation of one registration (with the event and organiser it read), rendered
// inside the caller's transaction: the mail outbox attaches it. 409 once erased.
struct Invitation {
  std::string body;
  domain::Event event;
  std::string organiser_name;
  domain::Registration registration;
  std::vector<domain::Session> sessions;   // the programme it follows: the chosen sessions, or all
  std::vector<domain::Session> cancelled;  // of those, the ones deleted while the event is not over
};
Invitation invitation_of(soci::session& s, db::RegistrationRecord record, const FeedLocation& location,
                         ics::InvitationMethod method);
// The same with the event's parts read already (`parts.event` must be the registration's).
Invitation invitation_of(db::RegistrationRecord record, EventParts parts, const FeedLocation& location,
                         ics::InvitationMethod method);

// Any personal feed token: a registration's (evf_), a media request's (evp_), a person's
// (evn_: every registration and media request of the address, each as its own feed shows it,
// the stream link only where that record is entitled to it) or a delegation leader's (evl_:
// the delegation's itinerary and its tasks, with how many members have done each).
boost::asio::awaitable<Feed> personal_feed(Database& db, std::string feed_token, FeedLocation location);

// /v1/feeds/{evf_…}/invite.ics: the invitation as a plain link, by the registration's feed
// token (what the feed link already shows, no more). 404 for any other token or once erased.
boost::asio::awaitable<Feed> feed_invitation(Database& db, std::string feed_token, FeedLocation location);

// The participant (manage token), a person (person token) or the event's organiser; 409 once
// the data is erased.
boost::asio::awaitable<Feed> registration_invitation(Database& db, std::string registration_id,
                                                     RegistrationAccess access, FeedLocation location);

}  // namespace eventd::services
