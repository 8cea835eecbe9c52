#include "services/personal_feed_service.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "db/event_repository.hpp"
#include "db/organisation_repository.hpp"
#include "db/registration_repository.hpp"
#include "db/session_repository.hpp"
#include "domain/error.hpp"
#include "ics/calendar_renderer.hpp"
#include "services/database.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

// One registration with what its calendar shows, read in one snapshot.
struct Holding {
  domain::Registration registration;
  domain::Event event;
  std::vector<domain::Session> sessions;  // the chosen ones, or all
  std::string organiser_name;
};

Holding load_holding(soci::session& s, db::RegistrationRecord record) {
  Holding h;
  auto event = db::find_event(s, record.registration.event_id);
  if (!event) throw domain::not_found("Feed");
  h.event = std::move(*event);
  const std::vector<std::string> ids{h.event.id};
  h.sessions = db::list_sessions_of_events(s, ids);
  const auto& chosen = record.registration.session_ids;
  if (!chosen.empty()) {
    std::erase_if(h.sessions, [&chosen](const domain::Session& x) {
      return std::find(chosen.begin(), chosen.end(), x.id) == chosen.end();
    });
  }
  const std::vector<std::string> organiser{h.event.organiser_id};
  for (const auto& o : db::find_organisations(s, organiser)) h.organiser_name = o.name;
  h.registration = std::move(record.registration);
  return h;
}

ics::Attendance attendance_of(const domain::Registration& r) {
  switch (r.status) {
    case domain::RegistrationStatus::confirmed:
      return ics::Attendance::confirmed;
    case domain::RegistrationStatus::waitlisted:
      return ics::Attendance::waitlisted;
    case domain::RegistrationStatus::cancelled:
      break;
  }
  return ics::Attendance::cancelled;
}

// A registrant's seat entitles them to a stream kept for registered participants; a stream
// on request is for approved journalists, not for every registrant.
std::optional<std::string> entitled_stream(const domain::Event& e, const domain::Registration& r) {
  if (!e.online || !e.online->stream_url || r.status != domain::RegistrationStatus::confirmed) return std::nullopt;
  if (e.online->access == domain::OnlineAccess::on_request) return std::nullopt;
  return e.online->stream_url;
}

std::optional<domain::Instant> newest(const Holding& h) {
  domain::Instant out = std::max(h.event.updated_at, h.registration.updated_at);
  for (const auto& x : h.sessions) out = std::max(out, x.updated_at);
  return out;
}

ics::FeedEvent feed_event(const Holding& h, const FeedLocation& location) {
  ics::FeedEvent fe{.event = h.event};
  for (const auto& x : h.sessions) fe.sessions.push_back(&x);
  fe.organiser_name = h.organiser_name;
  fe.url = location.public_url + "/v1/events/" + h.event.id;
  fe.entitled_stream_url = entitled_stream(h.event, h.registration);
  fe.attendance = attendance_of(h.registration);
  fe.attendance_updated_at = h.registration.updated_at;
  return fe;
}

ics::FeedInfo feed_info(const Holding& h, const FeedLocation& location) {
  ics::FeedInfo info;
  info.name = "eventd – " + h.event.title;
  info.host = host_of(location.public_url);
  info.public_url = location.feed_url;
  info.timezone = h.event.timezone;
  return info;
}

}  // namespace

boost::asio::awaitable<Feed> personal_feed(Database& db, std::string feed_token, FeedLocation location) {
  Holding holding = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    auto record = db::find_registration_by_feed_hash(s, secret_hash(feed_token));
    // An erased registration's link is dead: its feed would say who registered.
    if (!record || record->registration.is_erased()) throw domain::not_found("Feed");
    Holding h = load_holding(s, std::move(*record));
    tx.commit();
    return h;
  });
  Feed feed;
  feed.content = rendered_feed(ics::render_feed(feed_info(holding, location), {feed_event(holding, location)}),
                               newest(holding), holding.event.slug);
  feed.is_public = false;
  feed.is_personal = true;
  co_return feed;
}

boost::asio::awaitable<Feed> registration_invitation(Database& db, std::string registration_id,
                                                     RegistrationAccess access, FeedLocation location) {
  // get_registration authorises (participant or organiser) before anything is read.
  RegistrationView view = co_await get_registration(db, registration_id, access);
  if (view.registration.is_erased()) {
    throw domain::conflict("This registration's personal data was erased; there is nobody to invite.");
  }
  Holding holding = co_await db.run([&](soci::session& s) {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    auto record = db::find_registration(s, view.registration.id);
    if (!record) throw domain::not_found("Registration");
    Holding h = load_holding(s, std::move(*record));
    tx.commit();
    return h;
  });
  if (!holding.registration.participant) throw domain::conflict("This registration's personal data was erased.");
  const auto& participant = *holding.registration.participant;
  const auto method = holding.registration.is_active() ? ics::InvitationMethod::request : ics::InvitationMethod::cancel;
  Feed feed;
  feed.content = rendered_feed(ics::render_invitation(feed_info(holding, location), feed_event(holding, location),
                                                      ics::Invitee{participant.name, participant.email}, method),
                               newest(holding), holding.event.slug + "-invitation");
  feed.is_public = false;
  feed.is_personal = true;
  feed.itip_method = method == ics::InvitationMethod::request ? "REQUEST" : "CANCEL";
  co_return feed;
}

}  // namespace eventd::services
