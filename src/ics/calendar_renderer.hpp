#pragma once
// Domain objects → iCalendar text (RFC 5545, RFC 7986, iTIP RFC 5546). The rules are in
// the design notes (ical.md); in short: CRLF, lines of at most 75 octets folded on UTF-8
// boundaries, TZID=<plain IANA name> with a compact VTIMEZONE, all-day as VALUE=DATE with an
// exclusive DTEND, permanent UIDs, SEQUENCE from the record, DTSTAMP/LAST-MODIFIED from the
// record (same data → same bytes), cancelled events kept as STATUS:CANCELLED, the stream
// link only for holders entitled to it.
//
// A session VEVENT is written in the session's own zone when it has one (a leg from Larnaca
// on Asia/Nicosia), else the event's, with a VTIMEZONE for every zone used. Its LOCATION and
// GEO come from its place (name, street, postal code and city, country; the coordinates),
// else its location, else the event's venue; the transport of a leg and the names of the
// hosts of a visit are in its DESCRIPTION.
//
// SEQUENCE of a session VEVENT: the session's own plus its event's. The VEVENT shows both
// records (its own time and place; the event's status, zone and online link), so it must
// rise when either changes; both only ever grow, so their sum does too, and it is never
// below the event's SEQUENCE that session VEVENTs carried before sessions had their own.
//
// ORGANIZER: the organisation's contact address (organisations.email) with CN=its name.
// Without an address a feed has no ORGANIZER (no made-up address a calendar would offer to
// write to); an iTIP message must have one (RFC 5546), so it names the sending address.
//
// Thread safety: call initialise() once at start-up; after that every function here builds
// its own libical components per call and may run on any thread.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"
#include "domain/session.hpp"
#include "domain/time.hpp"

namespace eventd::ics {

inline constexpr std::string_view kProdId = "-//eventd//eventd calendar feeds//SV";

// Once, at start-up, before the I/O threads run: loads the tzdb zones (date/tz) and the
// libical state that is lazily initialised and not thread-safe on first use.
void initialise();

struct FeedInfo {
  std::string name;                           // NAME and X-WR-CALNAME
  std::string host;                           // for UIDs: "127.0.0.1:8080", "events.example.org"
  std::string public_url;                     // where the feed is served (SOURCE, URL); may be empty
  std::chrono::minutes refresh{720};          // REFRESH-INTERVAL and X-PUBLISHED-TTL
  std::string timezone = "Europe/Stockholm";  // X-WR-TIMEZONE (IANA)
  // The address the service sends its e-mail from (EVENTD_MAIL_FROM): SENT-BY of an
  // invitation's ORGANIZER, or the ORGANIZER itself when the organisation has no address.
  // Empty: noreply@<host>.
  std::string sender_email{};
};

// How the feed's holder stands with the event (personal feeds and invitations).
//  - none: public, organisation, speaker and one-event feeds.
//  - confirmed: the event as it is.
//  - waitlisted: STATUS:TENTATIVE, SUMMARY prefixed "VÄNTELISTA: " / "WAITLISTED: ".
//  - cancelled (the registration, not the event): STATUS:CANCELLED, SEQUENCE one above the
//    event's, SUMMARY prefixed "AVANMÄLD: " / "REGISTRATION CANCELLED: ".
// A stream link is never shown to a waitlisted or cancelled holder, whatever
// entitled_stream_url says.
enum class Attendance { none, confirmed, waitlisted, cancelled };

// How far a group (a delegation, for its leader) is with a task: its DESCRIPTION says so, and
// the task shows as done once every member has done it.
struct GroupProgress {
  int done = 0;
  int members = 0;
};

// A task of a study trip as one participant (or a delegation's leader) has it
// (services/task_service.hpp): a VTODO of their personal feed, DUE at its deadline, with a
// VALARM a day before while it is open.
struct FeedTask {
  std::string id;
  std::string title;
  std::optional<std::string> description{};
  domain::Instant due_at{};
  bool done = false;
  std::optional<domain::Instant> done_at{};
  domain::Instant updated_at{};  // the later of the task's and the participant's progress
  std::optional<GroupProgress> group{};
};

// One event of a feed, with what the feed shows of it.
struct FeedEvent {
  const domain::Event& event;
  // Programme items to show as their own VEVENTs (UID session-<id>@host, RELATED-TO the
  // event's UID): a one-event feed passes all of them, a public list feed none, a speaker
  // feed the speaker's ones (with include_event = false).
  std::vector<const domain::Session*> sessions{};
  // Deleted sessions (tombstones, schema/019) of an event not yet over: STATUS:CANCELLED,
  // SUMMARY prefixed "INSTÄLLD: " / "CANCELLED: ", their raised sequence, no stream link.
  std::vector<const domain::Session*> cancelled_sessions{};
  bool include_event = true;
  // The names of the organisations its sessions visit (host_organisation_ids), by id: named
  // in the session's DESCRIPTION. A host without a name here is left out.
  std::map<std::string, std::string> host_names{};
  std::string organiser_name{};                  // ORGANIZER;CN=
  std::optional<std::string> organiser_email{};  // the organisation's address (ORGANIZER); see above
  std::string url{};                             // the event's page (URL); may be empty
  // Set only when the feed's holder is entitled to the link (a confirmed registrant, an
  // approved journalist). A public stream (online.access public) is shown without it.
  std::optional<std::string> entitled_stream_url{};
  Attendance attendance = Attendance::none;
  // The holder's record (registration) last change: DTSTAMP/LAST-MODIFIED are the later of
  // it and the event's (and session's) updated_at.
  std::optional<domain::Instant> attendance_updated_at{};
  // The holder's tasks (personal feeds only): VTODOs, UID task-<id>@host.
  std::vector<FeedTask> tasks{};
};

// A METHOD:PUBLISH feed: VTIMEZONEs for the zones used, then per FeedEvent the event (when
// include_event) and its sessions, in the order given.
std::string render_feed(const FeedInfo& feed, const std::vector<FeedEvent>& events);

struct Invitee {
  std::string name;
  std::string email;
};
enum class InvitationMethod { request, cancel };

// An iTIP message for one participant: METHOD:REQUEST with exactly one ORGANIZER (the
// organisation's address, SENT-BY the sending address; without one, the sending address)
// and the participant as ATTENDEE;CN=…;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE
// (eventd does not receive iMIP replies: asking for one would promise an answer nobody reads), or
// METHOD:CANCEL with the same UID, SEQUENCE one above the event's and STATUS:CANCELLED.
// Only the event itself (an iTIP message carries one UID); its sessions are not included.
std::string render_invitation(const FeedInfo& feed, const FeedEvent& event, const Invitee& invitee,
                              InvitationMethod method);

// The permanent UIDs: "event-<id>@<host>", "session-<id>@<host>".
std::string event_uid(std::string_view event_id, std::string_view host);
std::string session_uid(std::string_view session_id, std::string_view host);
std::string task_uid(std::string_view task_id, std::string_view host);

}  // namespace eventd::ics
