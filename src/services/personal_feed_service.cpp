#include "services/personal_feed_service.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "db/delegation_repository.hpp"
#include "db/event_repository.hpp"
#include "db/media_request_repository.hpp"
#include "db/organisation_repository.hpp"
#include "db/person_repository.hpp"
#include "db/registration_repository.hpp"
#include "db/session_repository.hpp"
#include "db/task_repository.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "ics/calendar_renderer.hpp"
#include "services/database.hpp"
#include "services/delegation_service.hpp"
#include "services/media_request_service.hpp"
#include "services/person_service.hpp"
#include "services/secrets.hpp"

namespace eventd::services {

namespace {

// `read` in one read-only snapshot: a feed shows one consistent state, however many
// statements read it.
template <class Read>
auto in_snapshot(Database& db, Read read) {
  return db.run([read = std::move(read)](soci::session& s) mutable {
    soci::transaction tx(s);
    s << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    auto out = read(s);
    tx.commit();
    return out;
  });
}

std::vector<domain::Session> sessions_of(std::vector<db::SessionTombstone> tombstones) {
  std::vector<domain::Session> out;
  for (auto& t : tombstones) out.push_back(std::move(t.session));
  return out;
}

// One registration with what its calendar shows, read in one snapshot.
struct Holding {
  domain::Registration registration;
  domain::Event event;
  std::vector<domain::Session> sessions;  // the chosen ones, or all
  std::string organiser_name;
  std::optional<std::string> organiser_email;
  std::vector<domain::Session> cancelled;  // deleted sessions it chose, or all of them
  std::map<std::string, std::string> host_names;
  std::vector<ics::FeedTask> tasks{};  // the trip's tasks meant for it, while it is live
};

// The registration's itinerary: the sessions for everyone and for its delegation
// (`delegation_id`, none: for everyone only), never another delegation's legs.
Holding holding_of(db::RegistrationRecord record, EventParts parts, const std::optional<std::string>& delegation_id) {
  keep_for_audience(parts, delegation_id);
  Holding h{std::move(record.registration),  std::move(parts.event),           std::move(parts.sessions),
            std::move(parts.organiser_name), std::move(parts.organiser_email), {},
            std::move(parts.host_names)};
  const auto& chosen = h.registration.session_ids;
  if (!chosen.empty()) {
    std::erase_if(h.sessions, [&chosen](const domain::Session& x) {
      return std::find(chosen.begin(), chosen.end(), x.id) == chosen.end();
    });
  }
  // A deleted session is shown cancelled to those whose calendar had it: who chose it, or
  // who chose none (the whole programme). Its choice row went with it, so the tombstone
  // remembers who had chosen it.
  const std::string& me = h.registration.id;
  for (auto& t : parts.cancelled) {
    const bool had_it = chosen.empty() || std::find(t.chosen_by.begin(), t.chosen_by.end(), me) != t.chosen_by.end();
    if (had_it) h.cancelled.push_back(std::move(t.session));
  }
  return h;
}

// The tasks of the registration's trip meant for it, as its calendar's VTODOs.
std::vector<ics::FeedTask> tasks_of(soci::session& s, const domain::Registration& r) {
  std::vector<ics::FeedTask> out;
  if (!r.is_active()) return out;
  for (auto& t : db::tasks_of_registration(s, r.event_id, r.delegation_id, r.id)) {
    ics::FeedTask task{t.task.id, t.task.title, t.task.description, t.task.due_at};
    task.done = t.progress.status == domain::TaskStatus::done;
    task.done_at = t.progress.done_at;
    task.updated_at = std::max(t.task.updated_at, t.progress.done_at.value_or(t.task.updated_at));
    out.push_back(std::move(task));
  }
  return out;
}

Holding load_holding(soci::session& s, db::RegistrationRecord record) {
  EventParts parts = load_event_parts(s, record.registration.event_id);
  const std::optional<std::string> delegation_id = record.registration.delegation_id;
  Holding h = holding_of(std::move(record), std::move(parts), delegation_id);
  h.tasks = tasks_of(s, h.registration);
  return h;
}

// One media request with the event its feed shows (the whole programme: the press covers it all).
struct MediaHolding {
  domain::MediaRequest request;
  EventParts parts;
  std::vector<domain::Session> cancelled;  // every deleted session (the press covers it all)
};

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

// The holder's record counts too: a decision on it changes what the feed shows.
std::optional<domain::Instant> newest(const domain::Event& event, const std::vector<domain::Session>& sessions,
                                      const std::vector<domain::Session>& cancelled,
                                      domain::Instant holder_updated_at) {
  domain::Instant out = std::max(event.updated_at, holder_updated_at);
  for (const auto& x : sessions) out = std::max(out, x.updated_at);
  for (const auto& x : cancelled) out = std::max(out, x.updated_at);  // when it was deleted
  return out;
}

// The event and its sessions as any personal feed shows them, before the holder's standing.
ics::FeedEvent event_part(const domain::Event& event, const std::vector<domain::Session>& sessions,
                          const std::vector<domain::Session>& cancelled, const std::string& organiser_name,
                          const std::optional<std::string>& organiser_email,
                          const std::map<std::string, std::string>& host_names, const FeedLocation& location) {
  ics::FeedEvent fe{.event = event};
  fe.host_names = host_names;
  for (const auto& x : sessions) fe.sessions.push_back(&x);
  for (const auto& x : cancelled) fe.cancelled_sessions.push_back(&x);
  fe.organiser_name = organiser_name;
  fe.organiser_email = organiser_email;
  fe.url = event_page_url(location, event);
  return fe;
}

ics::FeedEvent feed_event(const Holding& h, const FeedLocation& location) {
  ics::FeedEvent fe =
      event_part(h.event, h.sessions, h.cancelled, h.organiser_name, h.organiser_email, h.host_names, location);
  fe.entitled_stream_url = entitled_stream_url(h.event, h.registration);
  fe.attendance = attendance_of(h.registration);
  fe.attendance_updated_at = h.registration.updated_at;
  fe.tasks = h.tasks;
  return fe;
}

// A journalist's standing is not an attendance: the feed shows the event as it is, with the
// stream link only while the request is approved.
ics::FeedEvent media_feed_event(const MediaHolding& h, const FeedLocation& location) {
  ics::FeedEvent fe = event_part(h.parts.event, h.parts.sessions, h.cancelled, h.parts.organiser_name,
                                 h.parts.organiser_email, h.parts.host_names, location);
  fe.entitled_stream_url = entitled_stream_url(h.request, h.parts.event);
  fe.attendance_updated_at = h.request.updated_at;
  return fe;
}

// One person's calendar: never public, never kept by a cache.
Feed personal(std::shared_ptr<const RenderedFeed> content) {
  Feed feed;
  feed.content = std::move(content);
  feed.is_public = false;
  feed.is_personal = true;
  return feed;
}

ics::FeedInfo feed_info(const domain::Event& event, const FeedLocation& location) {
  ics::FeedInfo info;
  info.name = "eventd – " + event.title;
  info.host = host_of(location.public_url);
  info.public_url = location.feed_url;
  info.timezone = event.timezone;
  info.sender_email = location.sender_email;
  return info;
}

// A media request's feed. It keeps answering after a rejection, revocation or withdrawal,
// showing the event without the stream link: a calendar client whose subscription starts
// failing keeps showing its last good copy, link included, so only a successful answer
// without the link takes it away. An erased request's link is dead (404), like a
// registration's.
boost::asio::awaitable<Feed> media_personal_feed(Database& db, const std::string& feed_token,
                                                 const FeedLocation& location) {
  MediaHolding holding = co_await in_snapshot(db, [&](soci::session& s) {
    auto record = db::find_media_request_by_feed_hash(s, secret_hash(feed_token));
    if (!record || record->request.is_erased()) throw domain::not_found("feed");
    EventParts parts = load_event_parts(s, record->request.event_id);
    keep_for_audience(parts, std::nullopt);  // the press sees what the public sees of the programme
    std::vector<domain::Session> cancelled = sessions_of(std::move(parts.cancelled));
    MediaHolding h{std::move(record->request), std::move(parts), std::move(cancelled)};
    return h;
  });
  co_return personal(
      rendered_feed(ics::render_feed(feed_info(holding.parts.event, location), {media_feed_event(holding, location)}),
                    newest(holding.parts.event, holding.parts.sessions, holding.cancelled, holding.request.updated_at),
                    holding.parts.event.slug));
}

// A delegation leader's calendar (evl_ token): its members' itinerary (everyone's items and
// the delegation's legs) without anyone's standing or stream link, and the tasks meant for
// them with how many have done each. The token is replaced with the leader token, so a
// leader who is replaced loses the feed too.
struct DelegationHolding {
  EventParts parts;
  domain::Delegation delegation;
  std::vector<domain::Session> cancelled;
  std::vector<ics::FeedTask> tasks;
};

std::vector<ics::FeedTask> delegation_tasks(soci::session& s, const domain::Delegation& d) {
  std::vector<ics::FeedTask> out;
  for (auto& t : db::tasks_of_delegation(s, d.event_id, d.id)) {
    ics::FeedTask task{t.task.id, t.task.title, t.task.description, t.task.due_at};
    task.group = ics::GroupProgress{t.done, t.members};
    task.done = t.members > 0 && t.done == t.members;
    if (task.done) task.done_at = t.updated_at;
    task.updated_at = t.updated_at;
    out.push_back(std::move(task));
  }
  return out;
}

boost::asio::awaitable<Feed> delegation_feed(Database& db, const std::string& feed_token,
                                             const FeedLocation& location) {
  DelegationHolding h = co_await in_snapshot(db, [&](soci::session& s) {
    auto leader = db::find_leader_feed(s, secret_hash(feed_token));
    if (!leader) throw domain::not_found("feed");
    auto delegation = db::find_delegation(s, leader->event_id, leader->delegation_id);
    if (!delegation) throw domain::not_found("feed");
    EventParts parts = load_event_parts(s, leader->event_id);
    keep_for_audience(parts, leader->delegation_id);
    std::vector<domain::Session> cancelled = sessions_of(std::move(parts.cancelled));
    std::vector<ics::FeedTask> tasks = delegation_tasks(s, *delegation);
    return DelegationHolding{std::move(parts), std::move(*delegation), std::move(cancelled), std::move(tasks)};
  });
  const domain::Event& event = h.parts.event;
  ics::FeedEvent fe = event_part(event, h.parts.sessions, h.cancelled, h.parts.organiser_name, h.parts.organiser_email,
                                 h.parts.host_names, location);
  fe.attendance_updated_at = h.delegation.updated_at;
  fe.tasks = h.tasks;
  ics::FeedInfo info = feed_info(event, location);
  info.name += " – " + h.delegation.name;
  auto last_modified = newest(event, h.parts.sessions, h.cancelled, h.delegation.updated_at);
  for (const auto& t : h.tasks) last_modified = std::max(*last_modified, t.updated_at);
  co_return personal(rendered_feed(ics::render_feed(info, {fe}), last_modified, event.slug));
}

std::string invitation_text(const Holding& h, const FeedLocation& location, ics::InvitationMethod method) {
  const auto& participant = *h.registration.participant;
  return ics::render_invitation(feed_info(h.event, location), feed_event(h, location),
                                ics::Invitee{participant.name, participant.email}, method);
}

// The person's calendar of everything (evn_ token): each registration as its own feed shows
// it, and each media request of an event they are not registered for as its feed shows it.
// One entry per event: a registration's entry gets a journalist's stream link when that
// request is entitled to it and the seat is not.
struct Everything {
  std::vector<Holding> holdings;
  std::vector<MediaHolding> media;
};

boost::asio::awaitable<Feed> person_calendar(Database& db, const std::string& feed_token,
                                             const FeedLocation& location) {
  Everything all = co_await in_snapshot(db, [&](soci::session& s) {
    auto email = db::find_person_feed_email(s, secret_hash(feed_token));
    if (!email) throw domain::not_found("feed");
    Everything out;
    for (auto& r : db::registrations_of_email(s, *email, std::nullopt)) {
      out.holdings.push_back(load_holding(s, db::RegistrationRecord{std::move(r.registration), "", "", ""}));
    }
    for (auto& m : db::media_requests_of_email(s, *email, std::nullopt)) {
      EventParts parts = load_event_parts(s, m.request.event_id);
      keep_for_audience(parts, std::nullopt);  // as the media request's own feed
      std::vector<domain::Session> cancelled = sessions_of(std::move(parts.cancelled));
      out.media.push_back(MediaHolding{std::move(m.request), std::move(parts), std::move(cancelled)});
    }
    return out;
  });
  std::vector<ics::FeedEvent> events;
  std::optional<domain::Instant> last;
  auto note = [&last](std::optional<domain::Instant> t) {
    if (t && (!last || *t > *last)) last = t;
  };
  for (const auto& h : all.holdings) {
    events.push_back(feed_event(h, location));
    note(newest(h.event, h.sessions, h.cancelled, h.registration.updated_at));
  }
  for (const auto& m : all.media) {
    auto same = std::find_if(events.begin(), events.end(),
                             [&m](const ics::FeedEvent& fe) { return fe.event.id == m.parts.event.id; });
    note(newest(m.parts.event, m.parts.sessions, m.cancelled, m.request.updated_at));
    if (same == events.end()) {
      events.push_back(media_feed_event(m, location));
    } else if (!same->entitled_stream_url) {
      same->entitled_stream_url = entitled_stream_url(m.request, m.parts.event);
    }
  }
  ics::FeedInfo info;
  info.name = "eventd";
  info.host = host_of(location.public_url);
  info.public_url = location.feed_url;
  if (!events.empty()) info.timezone = events.front().event.timezone;
  info.sender_email = location.sender_email;
  co_return personal(rendered_feed(ics::render_feed(info, events), last, "my-events"));
}

// The invitation of a registration read with its event: REQUEST while it holds a place,
// CANCEL once cancelled.
Feed invitation_feed(const Holding& holding, const FeedLocation& location) {
  const auto method = holding.registration.is_active() ? ics::InvitationMethod::request : ics::InvitationMethod::cancel;
  Feed feed = personal(
      rendered_feed(invitation_text(holding, location, method),
                    newest(holding.event, holding.sessions, holding.cancelled, holding.registration.updated_at),
                    holding.event.slug + "-invitation"));
  feed.itip_method = method == ics::InvitationMethod::request ? "REQUEST" : "CANCEL";
  return feed;
}

// An invitation with the programme of a member of `delegation_id` (none: for everyone).
Invitation invitation_with(db::RegistrationRecord record, EventParts parts,
                           const std::optional<std::string>& delegation_id, const FeedLocation& location,
                           ics::InvitationMethod method) {
  Holding h = holding_of(std::move(record), std::move(parts), delegation_id);
  if (!h.registration.participant)
    throw domain::Error(domain::Problem::data_erased, domain::detail("registration_data_erased"));
  Invitation out;
  out.body = invitation_text(h, location, method);
  out.event = std::move(h.event);
  out.organiser_name = std::move(h.organiser_name);
  out.registration = std::move(h.registration);
  out.sessions = std::move(h.sessions);
  out.cancelled = std::move(h.cancelled);
  return out;
}

}  // namespace

Invitation invitation_of(soci::session& s, db::RegistrationRecord record, const FeedLocation& location,
                         ics::InvitationMethod method) {
  EventParts parts = load_event_parts(s, record.registration.event_id);
  const std::optional<std::string> delegation_id = record.registration.delegation_id;
  return invitation_with(std::move(record), std::move(parts), delegation_id, location, method);
}

Invitation invitation_of(db::RegistrationRecord record, EventParts parts, const FeedLocation& location,
                         ics::InvitationMethod method) {
  // The programme a message lists: everyone's items and the registration's delegation's legs.
  const std::optional<std::string> delegation_id = record.registration.delegation_id;
  return invitation_with(std::move(record), std::move(parts), delegation_id, location, method);
}

boost::asio::awaitable<Feed> personal_feed(Database& db, std::string feed_token, FeedLocation location) {
  if (feed_token.starts_with(kMediaFeedTokenPrefix)) {
    Feed media = co_await media_personal_feed(db, feed_token, location);
    co_return media;
  }
  if (feed_token.starts_with(kPersonFeedTokenPrefix)) {
    Feed everything = co_await person_calendar(db, feed_token, location);
    co_return everything;
  }
  if (feed_token.starts_with(kLeaderFeedTokenPrefix)) {
    Feed itinerary = co_await delegation_feed(db, feed_token, location);
    co_return itinerary;
  }
  Holding holding = co_await in_snapshot(db, [&](soci::session& s) {
    auto record = db::find_registration_by_feed_hash(s, secret_hash(feed_token));
    // An erased registration's link is dead: its feed would say who registered.
    if (!record || record->registration.is_erased()) throw domain::not_found("feed");
    Holding h = load_holding(s, std::move(*record));
    return h;
  });
  auto last_modified = newest(holding.event, holding.sessions, holding.cancelled, holding.registration.updated_at);
  for (const auto& t : holding.tasks) last_modified = std::max(*last_modified, t.updated_at);
  co_return personal(
      rendered_feed(ics::render_feed(feed_info(holding.event, location), {feed_event(holding, location)}),
                    last_modified, holding.event.slug));
}

boost::asio::awaitable<Feed> registration_invitation(Database& db, std::string registration_id,
                                                     RegistrationAccess access, FeedLocation location) {
  // get_registration authorises (participant or organiser) before anything is read.
  RegistrationView view = co_await get_registration(db, registration_id, access);
  if (view.registration.is_erased()) {
    throw domain::Error(domain::Problem::data_erased, domain::detail("registration_erased_nobody_to_invite"));
  }
  Holding holding = co_await in_snapshot(db, [&](soci::session& s) {
    auto record = db::find_registration(s, view.registration.id);
    if (!record) throw domain::not_found("registration");
    Holding h = load_holding(s, std::move(*record));
    return h;
  });
  if (!holding.registration.participant)
    throw domain::Error(domain::Problem::data_erased, domain::detail("registration_data_erased"));
  co_return invitation_feed(holding, location);
}

boost::asio::awaitable<Feed> feed_invitation(Database& db, std::string feed_token, FeedLocation location) {
  Holding holding = co_await in_snapshot(db, [&](soci::session& s) {
    std::optional<db::RegistrationRecord> record;
    // Only a registration's own feed token: a media request or a person has no invitation.
    if (feed_token.starts_with("evf_")) record = db::find_registration_by_feed_hash(s, secret_hash(feed_token));
    if (!record || record->registration.is_erased()) throw domain::not_found("invitation");
    Holding h = load_holding(s, std::move(*record));
    return h;
  });
  co_return invitation_feed(holding, location);
}

}  // namespace eventd::services
