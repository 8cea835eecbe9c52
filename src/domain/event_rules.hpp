#pragma once
// Rules about events and their sessions that need no I/O. Rules that need the database
// (slug uniqueness, an organiser that exists, speaker clashes across sessions, capacity
// under concurrency) live in services/ and db/, which use the helpers here.
#include <optional>
#include <utility>
#include <vector>

#include "domain/api_key.hpp"
#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/session.hpp"
#include "domain/time.hpp"
#include "domain/validation.hpp"

namespace eventd::domain {

inline constexpr std::size_t kMaxTitleLength = 300;
inline constexpr std::size_t kMaxSummaryLength = 1000;
inline constexpr std::size_t kMaxEventDescriptionLength = 20000;
inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxTagLength = 100;
inline constexpr std::size_t kMaxContacts = 20;
inline constexpr std::size_t kMaxPartners = 20;         // partner_ids of one event
inline constexpr std::size_t kMaxSessionSpeakers = 50;  // speaker_ids of one session
inline constexpr std::size_t kMaxSessionHosts = 20;     // host_organisation_ids of one session
inline constexpr std::size_t kMaxSessionAudience = 50;  // delegation_ids of one session

// Every field rule of an event, as FieldErrors (empty = valid). Run it on the complete
// event, after defaults are applied (a slug made from the title, language "sv") and, for a
// PATCH, after the merge: several rules relate fields to each other.
// `unreadable`: fields the reader already refused (their value in `e` is a default). Their
// own rules are left out, and so are the rules that need them: the times without a readable
// all_day, venue and online without a readable format, an order of two instants one of
// which is unreadable. Everything else is still checked, so one 422 says it all.
std::vector<FieldError> check_event(const Event& e, const FieldSet& unreadable = {});

// What an event needs before it may leave draft, beyond the field rules: a venue unless it
// is online, the online details when it is online or hybrid. A draft may lack them (an
// imported calendar entry often has no LOCATION); check_event adds these errors for every
// public status, so a create with a public status or a PATCH that publishes (or postpones,
// or cancels) a draft is refused with one 422 naming every missing field. The database
// keeps the same rule (events_venue_check, schema/023). Empty = complete.
std::vector<FieldError> missing_for_publication(const Event& e);

// Statuses everybody may see; a draft only its organiser (and admins) may see.
constexpr bool is_public_status(EventStatus s) { return s != EventStatus::draft; }

// Whether the caller may see the event at all. When not, answer 404, not 403.
bool is_visible_to(const Event& e, const Caller& caller);

// The partners a caller is shown (`partner_ids`): every one the organiser named to the
// event's organisers (`for_organiser`), only those that accepted to anyone else.
std::vector<std::string> shown_partner_ids(const Event& e, bool for_organiser);

// Who asks for an event's stream link, as far as the link is concerned.
enum class StreamAudience {
  anyone,                   // anonymous callers, other organisers, public feeds
  waitlisted,               // a registrant without a seat (yet)
  confirmed_registrant,     // a registrant with a seat
  journalist_not_approved,  // a media request pending, rejected, revoked or withdrawn
  approved_journalist,      // a media request approved
  organiser,                // the event's organisers and admins
};

// The one rule of who sees `online.stream_url` (openapi.yaml, "The stream link"), for every
// route that can carry it (event JSON, registration and media-request JSON, every feed,
// invitations, e-mails):
//   access      anyone  waitlisted  confirmed  journalist(not approved)  approved  organiser
//   public      yes     yes         yes        yes                       yes       yes
//   registered  no      no          yes        no                        yes       yes
//   on_request  no      no          no         no                        yes       yes
// A cancelled event shows its link to its organisers only.
bool may_see_stream(const Event& e, StreamAudience audience);

// The link itself when `audience` may see it and the event has one.
std::optional<std::string> stream_url_for(const Event& e, StreamAudience audience);

// Only drafts are deleted; a published event is cancelled instead and stays in the feeds,
// because deleting it would silently remove it from subscribers' calendars.
constexpr bool can_delete(const Event& e) { return e.status == EventStatus::draft; }

// Status changes: a draft may become anything; a public event may move between the public
// statuses but never back to draft (that too would drop it from feeds without a word).
constexpr bool can_change_status(EventStatus from, EventStatus to) {
  return from == to || from == EventStatus::draft || to != EventStatus::draft;
}

// Whether calendar subscribers must see the change (time, place, status, title — and the
// zone and format, which change the times and place shown): then SEQUENCE must grow.
bool is_subscriber_visible_change(const Event& before, const Event& after);

// The SEQUENCE `after` should carry when it replaces `before`.
int next_sequence(const Event& before, const Event& after);

// The same for a session's own VEVENT: its time, zone, place (location, place), title, kind,
// speakers, hosts, transport or audience (a leg given to another delegation leaves some
// calendars and enters others).
// Its online link is the event's, so a changed link raises the event's SEQUENCE, which every
// session VEVENT adds to its own (calendar_renderer.hpp).
bool is_subscriber_visible_change(const Session& before, const Session& after);
int next_sequence(const Session& before, const Session& after);

// The half-open instant interval [start, end) the event covers. For an all-day event that
// is from the start of starts_on to the start of the day after ends_on, in the event's
// zone: the 2019-09-04..05 study visit in Östersund covers 2019-09-03T22:00Z to
// 2019-09-05T22:00Z. Precondition: check_event found no time errors (throws
// std::invalid_argument when the needed fields are missing or the zone is unknown).
std::pair<Instant, Instant> event_interval(const Event& e);

// Half-open intervals [a_start, a_end) and [b_start, b_end) share an instant.
constexpr bool overlaps(Instant a_start, Instant a_end, Instant b_start, Instant b_end) {
  return a_start < b_end && b_start < a_end;
}

// A session: title, starts_at < ends_at, and lying inside the event's interval; its own
// zone, place (name or city, both coordinates or neither, a country code), transport (only
// on a `travel` item), the numbers of hosts and delegations. A time in `unreadable` is not
// compared with anything (the other one still is, with the event); a rule on a field in
// `unreadable` (kind, place, transport) is left out.
std::vector<FieldError> check_session(const Session& s, const Event& e, const FieldSet& unreadable = {});

// The zone a session's times are read and shown in: its own, else its event's.
inline const std::string& effective_timezone(const Session& s, const Event& e) {
  return s.timezone ? *s.timezone : e.timezone;
}
inline const std::string& effective_timezone(const Session& s, const std::string& event_timezone) {
  return s.timezone ? *s.timezone : event_timezone;
}

// A session for everyone (no delegation named): what the public, the event's feed, the list
// feeds and every participant see.
inline bool is_for_everyone(const Session& s) { return s.delegation_ids.empty(); }

// Whether a member of `delegation_id` (none: someone of no delegation, or the public) is in
// the session's audience: a session for everyone, or one naming that delegation. The one
// rule of who sees a programme item besides the event's organisers (who see all of them):
// personal feeds (a registration's delegation), the choice of sessions at sign-up, and a
// delegation leader's view.
bool is_for_audience(const Session& s, const std::optional<std::string>& delegation_id);

// Seats left, or nullopt when capacity is unlimited; never negative.
constexpr std::optional<int> capacity_left(std::optional<int> capacity, int confirmed) {
  if (!capacity) return std::nullopt;
  return *capacity > confirmed ? *capacity - confirmed : 0;
}

// Where `now` lies relative to the registration window [opens_at, closes_at); a missing
// bound is open-ended.
enum class RegistrationWindow { not_yet_open, open, closed };
RegistrationWindow registration_window(const Event& e, Instant now);

}  // namespace eventd::domain
