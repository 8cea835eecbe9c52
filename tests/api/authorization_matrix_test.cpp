// The authorization matrix: every operation of openapi.yaml (and every route of the route
// table) × every kind of caller × the caller's own or another's resource → the expected
// status, from the one table below. An operation without a row fails the test, so a new
// route cannot ship without saying who may call it.
//
// Reading a row: `target` is what the path's {id}/{session_id}/{token} stand for; it always
// belongs to the "owner" organisation (a registration or media request: to one of its
// events). The callers are seen from that resource: organiser_own acts for the owner,
// organiser_other for an organisation that owns nothing here; manage_token_own is the
// participant of the target registration (elsewhere: of a registration for the owner's
// event), manage_token_other the participant of another registration; status_token_own and
// _other likewise for media requests. Rows that change state get a fresh owner and fresh
// records for every caller, so one caller's success cannot change what the next one sees.
//
// Adding a caller: add it to `Caller`, `kCallers` and `caller_name`, say what it sends in
// `credentials_for`, and give it a status in the profile functions and in every row that
// overrides one. Adding a route: add a row (and a `Target` if its path names a new kind of
// record, made in `Cells::target_ids`).
#include <doctest/doctest.h>

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/embedded.hpp"
#include "authorization_world.hpp"
#include "http/router.hpp"
#include "http/routes.hpp"

using namespace eventd::test;
using namespace eventd::test::authz;

namespace {

// ---- callers --------------------------------------------------------------------------------

enum class Caller {
  anonymous,           // no Authorization header
  wrong_key,           // a well-formed key that was never issued
  revoked_key,         // a key of the owner organisation, revoked
  organiser_own,       // an organiser key of the organisation that owns the resource
  organiser_other,     // an organiser key of another organisation
  admin,               // a stored admin key
  manage_token_own,    // Bearer <manage_token> of the target registration
  manage_token_other,  // Bearer <manage_token> of another registration
  status_token_own,    // Bearer <status_token> of the target media request
  status_token_other,  // Bearer <status_token> of another media request
  person_own,          // Bearer <person token> of the target record's address (a journalist's for a media request)
  person_other,        // Bearer <person token> of an address with no records here
  leader_own,          // Bearer <leader token> of the target delegation (or the target registration's)
  leader_other,        // Bearer <leader token> of a delegation of another organisation's event
};

constexpr std::array kCallers = {Caller::anonymous,          Caller::wrong_key,          Caller::revoked_key,
                                 Caller::organiser_own,      Caller::organiser_other,    Caller::admin,
                                 Caller::manage_token_own,   Caller::manage_token_other, Caller::status_token_own,
                                 Caller::status_token_other, Caller::person_own,         Caller::person_other,
                                 Caller::leader_own,         Caller::leader_other};

std::string caller_name(Caller caller) {
  switch (caller) {
    case Caller::anonymous:
      return "anonymous";
    case Caller::wrong_key:
      return "wrong_key";
    case Caller::revoked_key:
      return "revoked_key";
    case Caller::organiser_own:
      return "organiser_own";
    case Caller::organiser_other:
      return "organiser_other";
    case Caller::admin:
      return "admin";
    case Caller::manage_token_own:
      return "manage_token_own";
    case Caller::manage_token_other:
      return "manage_token_other";
    case Caller::status_token_own:
      return "status_token_own";
    case Caller::status_token_other:
      return "status_token_other";
    case Caller::person_own:
      return "person_own";
    case Caller::person_other:
      return "person_other";
    case Caller::leader_own:
      return "leader_own";
    case Caller::leader_other:
      return "leader_other";
  }
  return "?";
}

using Expected = std::map<Caller, int>;

// ---- profiles: the usual shapes of a row ----------------------------------------------------

// The API-key callers; a participant's or a journalist's token is a key only for its own
// record, so everywhere else it is an unknown key: the wrong key's status.
Expected keys(int anonymous, int organiser_own, int organiser_other, int admin) {
  return {{Caller::anonymous, anonymous},
          {Caller::wrong_key, 401},
          {Caller::revoked_key, 401},
          {Caller::organiser_own, organiser_own},
          {Caller::organiser_other, organiser_other},
          {Caller::admin, admin},
          {Caller::manage_token_own, 401},
          {Caller::manage_token_other, 401},
          {Caller::status_token_own, 401},
          {Caller::status_token_other, 401},
          {Caller::person_own, 401},
          {Caller::person_other, 401},
          {Caller::leader_own, 401},
          {Caller::leader_other, 401}};
}

// Public reads: anyone, but a bad key is a 401 on every /v1 request.
Expected public_read(int ok = 200) { return keys(ok, ok, ok, ok); }
// Reads of a draft (or what hangs off one): its organiser and admins; to everybody else it
// does not exist.
Expected draft_read(int ok = 200) { return keys(404, ok, 404, ok); }
// Changes to a published event or what hangs off it: its organiser and admins; another
// organiser sees it but may not change it.
Expected manage_published(int ok) { return keys(401, ok, 403, ok); }
// Changes to a draft: as above, but another organiser is told it does not exist.
Expected manage_draft(int ok) { return keys(401, ok, 404, ok); }
// Any valid key (an organiser sees its own records).
Expected any_key(int ok) { return keys(401, ok, ok, ok); }
Expected admin_only(int ok) { return keys(401, 403, 403, ok); }

// Operations endpoints need no key and ignore one.
Expected no_auth(int ok = 200) {
  Expected expected;
  for (Caller caller : kCallers) expected[caller] = ok;
  return expected;
}

Expected with(Expected expected, std::initializer_list<std::pair<const Caller, int>> changes) {
  for (const auto& [caller, status] : changes) expected[caller] = status;
  return expected;
}

// A registration: its participant (manage token) or the event's organiser or an admin; the
// token of another registration is a 404, as for an id of no registration, so a holder cannot
// tell other records' ids from made-up ones (services/token_access.hpp, openapi getRegistration).
// A person reaches the records made with their address as their holder; anyone else's is a 404.
// A leader reaches the registrations of their own delegation only: the target here travels
// with none, so to every leader it is as if it did not exist.
Expected registration_access(int ok) {
  return with(manage_published(ok), {{Caller::manage_token_own, ok},
                                     {Caller::manage_token_other, 404},
                                     {Caller::person_own, ok},
                                     {Caller::person_other, 404},
                                     {Caller::leader_own, 404},
                                     {Caller::leader_other, 404}});
}
// A registration of a delegation: its leader too, as its organiser would.
Expected delegate_access(int ok) { return with(registration_access(ok), {{Caller::leader_own, ok}}); }
// What a delegation's leader reads: their own delegation (a leader of another event's: 404).
Expected delegation_read(int ok = 200) {
  return with(manage_published(ok), {{Caller::leader_own, ok}, {Caller::leader_other, 404}});
}
// A media request: its requester (status token) or the event's organiser or an admin; another
// request's status token is a 404, likewise.
Expected media_request_access(int ok) {
  return with(manage_published(ok), {{Caller::status_token_own, ok},
                                     {Caller::status_token_other, 404},
                                     {Caller::person_own, ok},
                                     {Caller::person_other, 404}});
}
// /v1/me: a person token only (an API key, a manage or status token is no person: 401); every
// person reaches their own.
Expected person_only(int ok) {
  return with(keys(401, 401, 401, 401), {{Caller::person_own, ok}, {Caller::person_other, ok}});
}

// ---- targets and bodies ---------------------------------------------------------------------

enum class Target {
  none,
  organisation,           // {id}: the owner organisation
  draft_event,            // {id}: a draft event of the owner
  published_event,        // {id}: a published event of the owner
  draft_event_page,       // {id}: a draft event of the owner with a session of its private speaker
  event_page,             // {id}: a published event of the owner with a session of its speaker
  draft_session,          // {id}, {session_id}: a session of a draft event
  published_session,      // {id}, {session_id}: a session of a published event
  speaker,                // {id}: a speaker of the owner organisation, in no public event
  public_speaker,         // {id}: a speaker of the owner organisation who speaks at its published event
  organiser_key,          // {id}: an organiser key of the owner organisation
  registration,           // {id}: a registration for a published event of the owner
  media_request,          // {id}: a pending media request for a published event of the owner
  personal_feed,          // {token}: the feed token of a registration for the owner's event
  partner_invitation,     // {id}, {organisation_id}: the other organisation's draft, inviting the owner as partner
  delegation,             // {id}, {delegation_id}: a delegation (with a leader token) of a published event of the owner
  webhook,                // {id}, {delivery_id}: a webhook subscription of the owner and a delivery of it
  delegate_registration,  // {id}: a registration for a published event of the owner, in one of its delegations
  task,                   // {id}, {task_id}: a task of a published event of the owner
  registration_task,      // {id}, {task_id}: a registration for a published event of the owner, and a task of it
  traveller,              // {id}: a registration for a published event of the owner, with passport details kept
  room,                   // {id}, {room_id}: a room of a published event of the owner, and a participant with no bed
  room_assignment,        // {id}, {room_id}, {assignment_id}: a room with the owner's participant in one of its beds
};

enum class Body {
  none,
  organisation,  // a new organisation
  api_key,       // a new organiser key for the owner
  event,         // a new draft event of the owner
  delegation,    // a new delegation
  delegation_patch,
  task,  // a new task
  task_patch,
  task_status,     // {"status": "done"}
  webhook,         // a new subscription (of the caller's organisation)
  webhook_patch,   // {"description": ...}
  webhook_replay,  // {"since": ...}
  travel_document,
  room,  // a new room
  room_patch,
  room_assignment,  // a bed in the target room for the target's participant
  session,          // a new session within the target event
  speaker,          // a new speaker of the owner organisation
  registration,     // a new participant
  media_request,
  calendar,  // text/calendar with one VEVENT
  personal_data_query,
  organisation_patch,
  event_patch,
  session_patch,
  speaker_patch,
  registration_patch,
  media_decision,  // {"status": "approved"}
  partner_answer,  // {"status": "accepted"}
  sign_in,         // {"email": the owner's participant}
  person_code,     // {"code": a fresh code of a link to the owner's participant}
  // Forms of eventd's own pages (application/x-www-form-urlencoded).
  registration_form,  // a new participant, at an address of its own
  page_action_form,   // action=cancel&confirm=yes (without a session: nothing to act on)
  sign_in_form,       // email=...
};

enum class Records { by_method, shared };

struct Row {
  std::string method;  // as in openapi.yaml, upper case
  std::string path;    // the path template of openapi.yaml
  Target target;
  Expected expected;
  Body body = Body::none;
  // Feeds, the contract and the webhooks' type catalogue may be kept by shared caches; every
  // other answer must be no-store.
  bool publicly_cacheable = false;
  std::string query = "";  // "{owner}" stands for the owner organisation's id
  // Whether each cell gets a fresh owner and records: by default for every method but GET.
  Records records = Records::by_method;
  // eventd's own pages (tag Pages): HTML for every status, the pages' headers, and no
  // WWW-Authenticate on a 401 (the sign-in form, not a challenge to an API client).
  bool page = false;
};

// Pages ignore the Authorization header (keys and tokens are not theirs): every caller gets
// the answer of an anonymous one, but a person, whose session a page reads from its cookie
// (the cell sends person_own's and person_other's token as `Cookie: eventd_session=`). Forms
// of the cells carry no CSRF token: a person's post is a 403. The code exchange and the
// forms with their token are tested in pages_test.cpp.
Row page_row(std::string method, std::string path, Target target, Expected expected, Body body = Body::none,
             bool publicly_cacheable = false) {
  return Row{std::move(method),
             std::move(path),
             target,
             std::move(expected),
             body,
             publicly_cacheable,
             "",
             Records::by_method,
             true};
}
Expected page_for_person(int person_own, int person_other) {
  return with(no_auth(401), {{Caller::person_own, person_own}, {Caller::person_other, person_other}});
}

// A person's token as the pages' session cookie.
HeaderList as_page_session(const HeaderList& headers) {
  HeaderList out;
  for (const auto& [name, value] : headers) {
    if (name == "Authorization" && value.starts_with("Bearer evu_")) {
      out.emplace_back("Cookie", "eventd_session=" + value.substr(7));
    } else {
      out.emplace_back(name, value);
    }
  }
  return out;
}

// clang-format off
const std::vector<Row> kRows = {
    // Operations
    {"GET", "/healthz", Target::none, no_auth()},
    {"GET", "/readyz", Target::none, no_auth()},
    {"GET", "/metrics", Target::none, no_auth()},
    {"GET", "/openapi.yaml", Target::none, no_auth(), Body::none, true},
    {"GET", "/docs", Target::none, no_auth(), Body::none, true},
    {"GET", "/docs/redoc.standalone.js", Target::none, no_auth(), Body::none, true},

    // API keys
    {"POST", "/v1/api-keys", Target::none, admin_only(201), Body::api_key},
    {"GET", "/v1/api-keys", Target::none, admin_only(200)},
    {"GET", "/v1/api-keys/current", Target::none, any_key(200)},
    {"DELETE", "/v1/api-keys/{id}", Target::organiser_key, admin_only(204)},

    // Organisations
    {"POST", "/v1/organisations", Target::none, admin_only(201), Body::organisation},
    {"GET", "/v1/organisations", Target::none, public_read()},
    {"GET", "/v1/organisations/{id}", Target::organisation, public_read()},
    {"PATCH", "/v1/organisations/{id}", Target::organisation, admin_only(200), Body::organisation_patch},
    {"DELETE", "/v1/organisations/{id}", Target::organisation, admin_only(204)},

    // Events. Creating one for the owner organisation: another organiser may not.
    {"POST", "/v1/events", Target::none, manage_published(201), Body::event},
    {"POST", "/v1/events/import", Target::none, manage_published(201), Body::calendar, false, "organisation={owner}"},
    {"GET", "/v1/events", Target::none, public_read()},
    {"GET", "/v1/events/{id}", Target::draft_event, draft_read()},
    {"GET", "/v1/events/{id}", Target::published_event, public_read()},
    // What ?include= adds is what its own routes give the same caller: nothing more.
    {"GET", "/v1/events", Target::none, public_read(), Body::none, false, "include=organiser"},
    {"GET", "/v1/events/{id}", Target::draft_event_page, draft_read(), Body::none, false,
     "include=organiser,partners,sessions,speakers"},
    {"GET", "/v1/events/{id}", Target::event_page, public_read(), Body::none, false,
     "include=organiser,partners,sessions,speakers"},
    {"PATCH", "/v1/events/{id}", Target::draft_event, manage_draft(200), Body::event_patch},
    {"PATCH", "/v1/events/{id}", Target::published_event, manage_published(200), Body::event_patch},
    {"DELETE", "/v1/events/{id}", Target::draft_event, manage_draft(204)},
    // Partner invitations: the invited organisation (the owner here) answers; the event's own
    // organiser (organiser_other) sees its draft but may not answer for the partner.
    {"PATCH", "/v1/events/{id}/partners/{organisation_id}", Target::partner_invitation, manage_published(200),
     Body::partner_answer},
    {"GET", "/v1/organisations/{id}/partner-invitations", Target::organisation, manage_published(200)},
    // Only drafts are deleted: the right is checked first, then the rule (409).
    {"DELETE", "/v1/events/{id}", Target::published_event, manage_published(409)},
    {"GET", "/v1/events/{id}/messages", Target::published_event, manage_published(200)},
    {"GET", "/v1/events/{id}/messages", Target::draft_event, manage_draft(200)},

    // Sessions
    {"POST", "/v1/events/{id}/sessions", Target::draft_event, manage_draft(201), Body::session},
    {"POST", "/v1/events/{id}/sessions", Target::published_event, manage_published(201), Body::session},
    {"GET", "/v1/events/{id}/sessions", Target::draft_event, draft_read()},
    {"GET", "/v1/events/{id}/sessions", Target::published_event, public_read()},
    {"GET", "/v1/events/{id}/sessions/{session_id}", Target::draft_session, draft_read()},
    {"GET", "/v1/events/{id}/sessions/{session_id}", Target::published_session, public_read()},
    {"PATCH", "/v1/events/{id}/sessions/{session_id}", Target::draft_session, manage_draft(200), Body::session_patch},
    {"PATCH", "/v1/events/{id}/sessions/{session_id}", Target::published_session, manage_published(200), Body::session_patch},
    {"DELETE", "/v1/events/{id}/sessions/{session_id}", Target::draft_session, manage_draft(204)},
    {"DELETE", "/v1/events/{id}/sessions/{session_id}", Target::published_session, manage_published(204)},

    // Delegations of a study trip: the organiser manages them; a leader reads their own.
    {"POST", "/v1/events/{id}/delegations", Target::published_event, manage_published(201), Body::delegation},
    // Webhooks: an organisation's own (another's is as if there were none); the admin names
    // the organisation a new one is for (without it, a 422).
    {"POST", "/v1/webhooks", Target::none, with(any_key(201), {{Caller::admin, 422}}), Body::webhook},
    {"GET", "/v1/webhooks", Target::none, any_key(200)},
    {"GET", "/v1/webhooks/{id}", Target::webhook, keys(401, 200, 404, 200)},
    {"PATCH", "/v1/webhooks/{id}", Target::webhook, keys(401, 200, 404, 200), Body::webhook_patch},
    {"DELETE", "/v1/webhooks/{id}", Target::webhook, keys(401, 204, 404, 204)},
    {"POST", "/v1/webhooks/{id}/secret", Target::webhook, keys(401, 200, 404, 200)},
    {"GET", "/v1/webhooks/{id}/deliveries", Target::webhook, keys(401, 200, 404, 200)},
    {"GET", "/v1/webhooks/{id}/deliveries/{delivery_id}", Target::webhook, keys(401, 200, 404, 200)},
    {"POST", "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", Target::webhook, keys(401, 201, 404, 201)},
    {"POST", "/v1/webhooks/{id}/replay", Target::webhook, keys(401, 202, 404, 202), Body::webhook_replay},
    {"GET", "/v1/webhook-event-types", Target::none, public_read(), Body::none, true},
    {"GET", "/v1/events/{id}/delegations", Target::delegation, delegation_read()},
    {"GET", "/v1/events/{id}/delegations/{delegation_id}", Target::delegation, delegation_read()},
    {"PATCH", "/v1/events/{id}/delegations/{delegation_id}", Target::delegation, manage_published(200), Body::delegation_patch},
    {"DELETE", "/v1/events/{id}/delegations/{delegation_id}", Target::delegation, manage_published(204)},
    {"POST", "/v1/events/{id}/delegations/{delegation_id}/leader-token", Target::delegation, manage_published(201)},
    {"GET", "/v1/events/{id}/delegations/{delegation_id}/registrations", Target::delegation, delegation_read()},

    // Tasks of a study trip: the organiser; each participant's progress on their registration.
    {"POST", "/v1/events/{id}/tasks", Target::published_event, manage_published(201), Body::task},
    {"GET", "/v1/events/{id}/tasks", Target::published_event, manage_published(200)},
    {"GET", "/v1/events/{id}/tasks/{task_id}", Target::task, manage_published(200)},
    {"PATCH", "/v1/events/{id}/tasks/{task_id}", Target::task, manage_published(200), Body::task_patch},
    {"DELETE", "/v1/events/{id}/tasks/{task_id}", Target::task, manage_published(204)},
    {"GET", "/v1/events/{id}/tasks/{task_id}/progress", Target::task, manage_published(200)},
    {"GET", "/v1/registrations/{id}/tasks", Target::registration, registration_access(200)},
    {"PUT", "/v1/registrations/{id}/tasks/{task_id}", Target::registration_task, registration_access(200),
     Body::task_status},

    // Passport details: whoever reaches the registration gives and deletes them; only the
    // event's organisers and admins read them (the participant who gave them: 403).
    {"PUT", "/v1/registrations/{id}/travel-document", Target::registration, registration_access(204),
     Body::travel_document},
    {"GET", "/v1/registrations/{id}/travel-document", Target::traveller,
     with(registration_access(200), {{Caller::manage_token_own, 403}, {Caller::person_own, 403}})},
    {"DELETE", "/v1/registrations/{id}/travel-document", Target::traveller, registration_access(204)},

    // Rooms of a study trip and the rooming list: the organiser only (who sleeps where is
    // personal data); a draft's rooms are another organiser's 404, like the draft.
    {"POST", "/v1/events/{id}/rooms", Target::published_event, manage_published(201), Body::room},
    {"POST", "/v1/events/{id}/rooms", Target::draft_event, manage_draft(201), Body::room},
    {"GET", "/v1/events/{id}/rooms", Target::room_assignment, manage_published(200)},
    {"GET", "/v1/events/{id}/rooms", Target::draft_event, manage_draft(200)},
    {"GET", "/v1/events/{id}/rooms/{room_id}", Target::room_assignment, manage_published(200)},
    {"PATCH", "/v1/events/{id}/rooms/{room_id}", Target::room, manage_published(200), Body::room_patch},
    {"DELETE", "/v1/events/{id}/rooms/{room_id}", Target::room, manage_published(204)},
    {"POST", "/v1/events/{id}/rooms/{room_id}/assignments", Target::room, manage_published(201), Body::room_assignment},
    {"DELETE", "/v1/events/{id}/rooms/{room_id}/assignments/{assignment_id}", Target::room_assignment, manage_published(204)},
    {"GET", "/v1/events/{id}/rooming-list", Target::room_assignment, manage_published(200)},

    // Speakers: each record is its owner's; the public profile only from a public event.
    // Another organiser names the owner in the body: not its own organisation, a 422.
    {"POST", "/v1/speakers", Target::none, with(any_key(201), {{Caller::organiser_other, 422}}), Body::speaker},
    {"GET", "/v1/speakers", Target::none, public_read()},
    {"GET", "/v1/speakers/{id}", Target::speaker, draft_read()},
    {"GET", "/v1/speakers/{id}", Target::public_speaker, public_read()},
    {"PATCH", "/v1/speakers/{id}", Target::speaker, manage_draft(200), Body::speaker_patch},
    {"PATCH", "/v1/speakers/{id}", Target::public_speaker, manage_published(200), Body::speaker_patch},
    {"DELETE", "/v1/speakers/{id}", Target::speaker, manage_draft(204)},
    // Speaking in a session: the right is checked first, then the rule (409).
    {"DELETE", "/v1/speakers/{id}", Target::public_speaker, manage_published(409)},
    {"GET", "/v1/events/{id}/speakers", Target::draft_event, draft_read()},
    {"GET", "/v1/events/{id}/speakers", Target::published_event, public_read()},

    // Registrations: public POST; the participant (manage token) or the event's organiser.
    {"POST", "/v1/events/{id}/registrations", Target::published_event, public_read(201), Body::registration},
    // Nobody registers for a draft, its organiser included: to the public it does not exist.
    {"POST", "/v1/events/{id}/registrations", Target::draft_event, public_read(404), Body::registration},
    {"GET", "/v1/events/{id}/registrations", Target::published_event, manage_published(200)},
    {"GET", "/v1/events/{id}/registrations", Target::draft_event, manage_draft(200)},
    {"GET", "/v1/registrations/{id}", Target::registration, registration_access(200)},
    {"PATCH", "/v1/registrations/{id}", Target::registration, registration_access(200), Body::registration_patch},
    {"DELETE", "/v1/registrations/{id}", Target::registration, registration_access(204)},
    {"GET", "/v1/registrations/{id}", Target::delegate_registration, delegate_access(200)},
    {"PATCH", "/v1/registrations/{id}", Target::delegate_registration, delegate_access(200), Body::registration_patch},
    {"DELETE", "/v1/registrations/{id}", Target::delegate_registration, delegate_access(204)},
    // A new feed link: the participant only; an organiser's key is a 403.
    // A person has no manage token to derive it from (their calendar of everything instead): 403.
    {"POST", "/v1/registrations/{id}/feed-token", Target::registration,
     with(registration_access(200), {{Caller::organiser_own, 403}, {Caller::admin, 403}, {Caller::person_own, 403}})},
    {"GET", "/v1/registrations/{id}/invite.ics", Target::registration, registration_access(200)},
    // Organisers and admins; an organiser is shown its own events' records only (it reads: the
    // owner's registration is there for every caller).
    {"POST", "/v1/personal-data/export", Target::registration, any_key(200), Body::personal_data_query, false, "",
     Records::shared},

    // One person across events: sign-in and codes are public; the rest needs a person token.
    {"POST", "/v1/me/sign-in", Target::none, public_read(202), Body::sign_in},
    {"POST", "/v1/me/session", Target::none, public_read(201), Body::person_code},
    {"DELETE", "/v1/me/session", Target::registration, person_only(204)},
    {"GET", "/v1/me", Target::registration, person_only(200)},
    {"DELETE", "/v1/me", Target::registration, person_only(204)},
    {"POST", "/v1/me/feed-token", Target::registration, person_only(200)},
    {"POST", "/v1/me/export", Target::registration, person_only(200)},

    // Media-access requests: public POST; the requester (status token) or the event's organiser.
    {"POST", "/v1/events/{id}/media-requests", Target::published_event, public_read(202), Body::media_request},
    {"POST", "/v1/events/{id}/media-requests", Target::draft_event, public_read(404), Body::media_request},
    {"GET", "/v1/events/{id}/media-requests", Target::published_event, manage_published(200)},
    {"GET", "/v1/events/{id}/media-requests", Target::draft_event, manage_draft(200)},
    {"GET", "/v1/media-requests", Target::none, any_key(200)},
    {"GET", "/v1/media-requests/{id}", Target::media_request, media_request_access(200)},
    // Approving: the organiser; the requester may only withdraw (403 for anything else).
    {"PATCH", "/v1/media-requests/{id}", Target::media_request,
     with(media_request_access(200), {{Caller::status_token_own, 403}, {Caller::person_own, 403}}),
     Body::media_decision},
    // Withdrawing: the requester; an organiser may only erase (?erase=true), so a 403.
    {"DELETE", "/v1/media-requests/{id}", Target::media_request,
     with(media_request_access(204), {{Caller::organiser_own, 403}, {Caller::admin, 403}})},
    // A new feed link: the journalist only; an organiser revokes instead (403).
    {"POST", "/v1/media-requests/{id}/feed-token", Target::media_request,
     with(media_request_access(200), {{Caller::organiser_own, 403}, {Caller::admin, 403}, {Caller::person_own, 403}})},
    {"GET", "/v1/media-requests/{id}/history", Target::media_request,
     with(media_request_access(200), {{Caller::status_token_own, 403}, {Caller::person_own, 403}})},

    // Calendar feeds
    {"GET", "/v1/calendar.ics", Target::none, public_read(), Body::none, true},
    {"GET", "/v1/events/{id}/calendar.ics", Target::draft_event, draft_read(), Body::none, true},
    {"GET", "/v1/events/{id}/calendar.ics", Target::published_event, public_read(), Body::none, true},
    {"GET", "/v1/organisations/{id}/calendar.ics", Target::organisation, public_read(), Body::none, true},
    {"GET", "/v1/speakers/{id}/calendar.ics", Target::speaker, public_read(404), Body::none, true},
    {"GET", "/v1/speakers/{id}/calendar.ics", Target::public_speaker, public_read(), Body::none, true},
    // The token in the path is the credential: whoever holds the URL gets the feed.
    {"GET", "/v1/feeds/{token}/calendar.ics", Target::personal_feed, public_read()},
    {"GET", "/v1/feeds/{token}/invite.ics", Target::personal_feed, public_read()},

    // eventd's own pages (tag Pages); without the session's cookie, private pages are the sign-in form (401)
    page_row("GET", "/pages.css", Target::none, no_auth(200), Body::none, true),
    page_row("GET", "/problems/{kind}", Target::none, no_auth(200)),
    page_row("GET", "/events/{slug}", Target::published_event, no_auth(200)),
    page_row("GET", "/events/{slug}", Target::draft_event, no_auth(404)),
    page_row("POST", "/events/{slug}/register", Target::published_event, no_auth(200), Body::registration_form),
    page_row("POST", "/events/{slug}/register", Target::draft_event, no_auth(404), Body::registration_form),
    page_row("GET", "/registrations/{id}", Target::registration, page_for_person(200, 404)),
    page_row("POST", "/registrations/{id}", Target::registration, page_for_person(403, 403), Body::page_action_form),
    page_row("GET", "/registrations/{id}/invite.ics", Target::registration, page_for_person(200, 404)),
    page_row("GET", "/media-requests/{id}", Target::media_request, page_for_person(200, 404)),
    page_row("POST", "/media-requests/{id}", Target::media_request, page_for_person(403, 403), Body::page_action_form),
    page_row("GET", "/me", Target::registration, page_for_person(200, 200)),
    page_row("POST", "/me", Target::registration, page_for_person(403, 403), Body::page_action_form),
    page_row("GET", "/me/sign-in", Target::none, no_auth(200)),
    page_row("POST", "/me/sign-in", Target::none, no_auth(200), Body::sign_in_form),
};
// clang-format on

// ---- the contract's operations --------------------------------------------------------------

using Operation = std::pair<std::string, std::string>;  // method, path template

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// The operations under `paths:` of openapi.yaml: path keys are indented by two spaces,
// their methods by four (the layout the contract is written in).
std::set<Operation> contract_operations() {
  static const std::set<std::string> methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::set<Operation> operations;
  auto files = eventd::embedded::contract();
  REQUIRE(files.size() == 1);
  std::istringstream in{std::string(files[0].content)};
  std::string line;
  std::string path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos || line[line.find_first_not_of(' ')] == '#') {
      continue;
    }
    const auto indent = line.find_first_not_of(' ');
    if (indent == 0) {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths || line.back() != ':') continue;
    const std::string key = line.substr(indent, line.size() - indent - 1);
    if (indent == 2 && key.starts_with("/")) path = key;
    if (indent == 4 && methods.contains(key) && !path.empty()) operations.emplace(upper(key), path);
  }
  return operations;
}

std::set<Operation> router_operations() {
  std::set<Operation> operations;
  auto router = eventd::http::make_router();
  for (const auto& route : router.routes()) {
    operations.emplace(std::string(eventd::http::to_string(route.method)), route.pattern);
  }
  return operations;
}

std::string describe(const Row& row) {
  static const std::map<Target, std::string> targets = {
      {Target::none, ""},
      {Target::organisation, " [organisation]"},
      {Target::draft_event, " [draft event]"},
      {Target::published_event, " [published event]"},
      {Target::draft_event_page, " [draft event with its programme]"},
      {Target::event_page, " [published event with its programme]"},
      {Target::draft_session, " [session of a draft]"},
      {Target::published_session, " [session of a published event]"},
      {Target::speaker, " [speaker]"},
      {Target::public_speaker, " [public speaker]"},
      {Target::organiser_key, " [organiser key]"},
      {Target::registration, " [registration]"},
      {Target::media_request, " [media request]"},
      {Target::personal_feed, " [personal feed]"},
      {Target::partner_invitation, " [partner invitation]"},
      {Target::delegation, " [delegation]"},
      {Target::delegate_registration, " [registration in a delegation]"},
      {Target::task, " [task]"},
      {Target::registration_task, " [registration and a task]"},
      {Target::traveller, " [registration with passport details]"},
      {Target::room, " [room]"},
      {Target::webhook, " [webhook]"},
      {Target::room_assignment, " [room with an occupant]"},
  };
  return row.method + " " + row.path + (row.query.empty() ? "" : "?" + row.query) + targets.at(row.target);
}

// ---- running a cell -------------------------------------------------------------------------

// What a cell works on: the path and body to send, and the tokens its own/other callers use.
struct Prepared {
  std::string target;  // the path (and query) with its parameters filled in
  std::string body;
  std::string content_type;
  std::string manage_token_own, status_token_own, leader_token_own;
  std::string person_email_own;  // the address person_own signs in as
};

std::string fill(std::string text, const std::string& name, const std::string& value) {
  const std::string placeholder = "{" + name + "}";
  auto at = text.find(placeholder);
  REQUIRE_MESSAGE(at != std::string::npos, "no " << placeholder << " in " << text);
  return text.replace(at, placeholder.size(), value);
}

// Records are made on demand: the shared ones once, for rows that only read; fresh ones
// (with a fresh owner) for every cell of a row that changes state.
class Cells {
 public:
  explicit Cells(World& world) : world_(world) {}

  Prepared prepare(const Row& row, const Owner& owner, bool fresh, Caller caller) {
    Prepared prepared;
    prepared.target = row.path;
    if (!row.query.empty()) {
      prepared.target +=
          "?" + (row.query.find("{owner}") == std::string::npos ? row.query : fill(row.query, "owner", owner.id));
    }
    const Ids& ids = target_ids(row.target, owner, fresh);
    // A row may name a target its path does not show (records it needs to exist).
    auto fill_in = [&](const std::string& name, const std::string& value) {
      if (!value.empty() && prepared.target.find("{" + name + "}") != std::string::npos) {
        prepared.target = fill(prepared.target, name, value);
      }
    };
    fill_in("id", ids.id);
    if (row.path.find("{slug}") != std::string::npos) fill_in("slug", ids.id);  // the pages take an id too
    fill_in("kind", "event-full");
    fill_in("session_id", ids.session_id);
    fill_in("delegation_id", ids.delegation_id);
    fill_in("delivery_id", ids.delivery_id);
    fill_in("task_id", ids.task_id);
    fill_in("room_id", ids.room_id);
    fill_in("assignment_id", ids.assignment_id);
    fill_in("organisation_id", ids.organisation_id);
    fill_in("token", ids.token);
    // The tokens of the target's own participant or requester, or else (made only for the
    // token callers, so that a fresh owner has no other records) of a registration and a
    // media request for one of the owner's events.
    prepared.manage_token_own = ids.manage_token;
    if (prepared.manage_token_own.empty() && caller == Caller::manage_token_own) {
      prepared.manage_token_own = target_ids(Target::registration, owner, fresh).manage_token;
    }
    prepared.status_token_own = ids.status_token;
    if (prepared.status_token_own.empty() && caller == Caller::status_token_own) {
      prepared.status_token_own = target_ids(Target::media_request, owner, fresh).status_token;
    }
    prepared.leader_token_own = ids.leader_token;
    if (prepared.leader_token_own.empty() && caller == Caller::leader_own) {
      prepared.leader_token_own = target_ids(Target::delegation, owner, fresh).leader_token;
    }
    prepared.person_email_own = row.target == Target::media_request ? World::of(World::kJournalistEmail, owner)
                                                                    : World::of(World::kParticipantEmail, owner);
    prepared.body = body(row.body, owner, ids);
    prepared.content_type = row.body == Body::calendar ? "text/calendar"
                            : row.page                 ? "application/x-www-form-urlencoded"
                            : row.method == "PATCH"    ? "application/merge-patch+json"
                                                       : "application/json";
    return prepared;
  }

  // Another participant's and another requester's tokens (for the other organisation's event).
  const std::string& other_manage_token() { return shared(Target::registration, world_.other()).manage_token; }
  const std::string& other_status_token() { return shared(Target::media_request, world_.other()).status_token; }
  const std::string& other_leader_token() { return shared(Target::delegation, world_.other()).leader_token; }

 private:
  struct Ids {
    std::string id, session_id, organisation_id, token, manage_token, status_token, delegation_id, leader_token,
        task_id;
    std::string room_id, assignment_id, registration_id;  // the registration a room's body names
    std::string delivery_id;
  };

  const Ids& shared(Target target, const Owner& owner) {
    auto key = std::pair{target, owner.id};
    auto cached = shared_.find(key);
    if (cached == shared_.end()) cached = shared_.emplace(key, make(target, owner)).first;
    return cached->second;
  }

  const Ids& target_ids(Target target, const Owner& owner, bool fresh) {
    if (!fresh) return shared(target, owner);
    fresh_.push_back(make(target, owner));
    return fresh_.back();
  }

  Ids make(Target target, const Owner& owner) {
    Ids ids;
    switch (target) {
      case Target::none:
        break;
      case Target::organisation:
        ids.id = owner.id;
        break;
      case Target::draft_event:
        ids.id = world_.make_event(owner, "draft");
        break;
      case Target::published_event:
        ids.id = world_.make_event(owner, "published");
        break;
      case Target::draft_event_page:
      case Target::event_page:
        ids.id = world_.make_event_page(owner, target == Target::event_page ? "published" : "draft");
        break;
      case Target::draft_session:
        ids.id = world_.make_event(owner, "draft");
        ids.session_id = world_.make_session(ids.id);
        break;
      case Target::published_session:
        ids.id = world_.make_event(owner, "published");
        ids.session_id = world_.make_session(ids.id);
        break;
      case Target::speaker:
        ids.id = world_.make_speaker(owner);
        break;
      case Target::public_speaker:
        ids.id = world_.make_public_speaker(owner);
        break;
      case Target::partner_invitation:
        ids.id = world_.make_event_inviting(world_.other(), owner);
        ids.organisation_id = owner.id;
        break;
      case Target::organiser_key:
        ids.id = world_.make_organiser_key(owner).second;
        break;
      case Target::registration:
      case Target::personal_feed: {
        auto registration = world_.make_registration(owner, world_.make_event(owner, "published"));
        ids.id = target == Target::registration ? registration.id : "";
        ids.token = target == Target::personal_feed ? registration.feed_token : "";
        ids.manage_token = registration.manage_token;
        break;
      }
      case Target::webhook: {
        auto webhook = world_.make_webhook(owner);
        ids.id = webhook.id;
        ids.delivery_id = webhook.delivery_id;
        break;
      }
      case Target::delegation: {
        ids.id = world_.make_event(owner, "published");
        auto delegation = world_.make_delegation(owner, ids.id);
        ids.delegation_id = delegation.id;
        ids.leader_token = delegation.leader_token;
        break;
      }
      case Target::delegate_registration: {
        const std::string event = world_.make_event(owner, "published");
        auto delegation = world_.make_delegation(owner, event);
        auto registration = world_.make_delegate_registration(owner, event, delegation.id);
        ids.id = registration.id;
        ids.manage_token = registration.manage_token;
        ids.leader_token = delegation.leader_token;
        break;
      }
      case Target::traveller: {
        auto registration = world_.make_traveller(owner);
        ids.id = registration.id;
        ids.manage_token = registration.manage_token;
        break;
      }
      case Target::task:
        ids.id = world_.make_event(owner, "published");
        ids.task_id = world_.make_task(ids.id);
        break;
      case Target::registration_task: {
        const std::string event = world_.make_event(owner, "published");
        auto registration = world_.make_registration(owner, event);
        ids.id = registration.id;
        ids.manage_token = registration.manage_token;
        ids.task_id = world_.make_task(event);
        break;
      }
      case Target::room:
      case Target::room_assignment: {
        ids.id = world_.make_event(owner, "published");
        ids.room_id = world_.make_room(ids.id);
        auto registration = world_.make_registration(owner, ids.id);
        ids.registration_id = registration.id;
        if (target == Target::room_assignment) {
          ids.assignment_id = world_.make_room_assignment(ids.id, ids.room_id, registration.id);
        }
        break;
      }
      case Target::media_request: {
        auto request = world_.make_media_request(owner, world_.make_event(owner, "published"));
        ids.id = request.id;
        ids.status_token = request.status_token;
        break;
      }
    }
    return ids;
  }

  std::string body(Body body, const Owner& owner, const Ids& ids) {
    switch (body) {
      case Body::none:
        return "";
      case Body::organisation:
        return json{{"slug", world_.unique("new-org")}, {"name", "Ny organisation"}, {"kind", "other"}}.dump();
      case Body::api_key:
        return json{{"name", "new key"}, {"role", "organiser"}, {"organisation_id", owner.id}}.dump();
      case Body::event:
        return world_.event_body(owner, "draft").dump();
      case Body::session:
        return world_.session_body().dump();
      case Body::delegation:
        return json{{"name", world_.unique("Delegation")}, {"country", "AT"}, {"quota", 8}}.dump();
      case Body::delegation_patch:
        return json{{"quota", 9}}.dump();
      case Body::task:
        return world_.task_body().dump();
      case Body::webhook:
        return R"({"url": "http://127.0.0.1:9/hooks", "event_types": ["registration.created"]})";
      case Body::webhook_patch:
        return R"({"description": "Ändrad"})";
      case Body::webhook_replay:
        return R"({"since": "2020-01-01T00:00:00Z"})";
      case Body::task_patch:
        return json{{"title", "Skicka passuppgifter senast i morgon"}}.dump();
      case Body::task_status:
        return json{{"status", "done"}}.dump();
      case Body::travel_document:
        return world_.travel_document_body().dump();
      case Body::room:
        return json{{"name", world_.unique("room")},
                    {"hotel", "Clarion Hotel Grand Östersund"},
                    {"beds", 2},
                    {"first_night", "2035-09-03"},
                    {"last_night", "2035-09-04"}}
            .dump();
      case Body::room_patch:
        return json{{"beds", 3}}.dump();
      case Body::room_assignment:
        return json{{"registration_id", ids.registration_id}}.dump();
      case Body::speaker:
        return world_.speaker_body(owner).dump();
      case Body::registration:
        return world_.registration_body().dump();
      case Body::media_request:
        return world_.media_request_body().dump();
      case Body::calendar:
        return world_.calendar_body();
      case Body::personal_data_query:
        return json{{"email", World::of(World::kParticipantEmail, owner)}}.dump();
      case Body::organisation_patch:
        return json{{"description", "Ändrad beskrivning."}}.dump();
      case Body::event_patch:
        return json{{"summary", "Ändrad sammanfattning."}}.dump();
      case Body::session_patch:
        return json{{"title", "Ändrad rubrik"}}.dump();
      case Body::speaker_patch:
        return json{{"bio", "Ändrad biografi."}}.dump();
      case Body::registration_patch:
        return json{{"organisation", "Ny arbetsgivare"}}.dump();
      case Body::media_decision:
        return json{{"status", "approved"}}.dump();
      case Body::partner_answer:
        return json{{"status", "accepted"}}.dump();
      case Body::sign_in:
        return json{{"email", World::of(World::kParticipantEmail, owner)}}.dump();
      case Body::person_code:
        return json{{"code", world_.make_person_code(World::of(World::kParticipantEmail, owner))}}.dump();
      case Body::registration_form:
        return "name=Deltagare+Exempelsson&email=" + world_.unique("sida") + "%40example.org&consent=yes";
      case Body::page_action_form:
        return "action=cancel&confirm=yes";
      case Body::sign_in_form:
        return "email=" + World::of(World::kParticipantEmail, owner) + "";
    }
    return "";
  }

  World& world_;
  std::map<std::pair<Target, std::string>, Ids> shared_;
  std::deque<Ids> fresh_;  // stable addresses
};

HeaderList credentials_for(Caller caller, World& world, const Owner& owner, const Prepared& prepared, Cells& cells) {
  switch (caller) {
    case Caller::anonymous:
      return {};
    case Caller::wrong_key:
      return bearer("evk_NeverIssuedNeverIssuedNeverIssuedNeverIss");
    case Caller::revoked_key:
      return bearer(owner.revoked_key);
    case Caller::organiser_own:
      return bearer(owner.key);
    case Caller::organiser_other:
      return bearer(world.other().key);
    case Caller::admin:
      return bearer(world.admin_key());
    case Caller::manage_token_own:
      return bearer(prepared.manage_token_own);
    case Caller::manage_token_other:
      return bearer(cells.other_manage_token());
    case Caller::status_token_own:
      return bearer(prepared.status_token_own);
    case Caller::status_token_other:
      return bearer(cells.other_status_token());
    // Made for each cell: a cell that signs out or erases must not change the next one.
    case Caller::person_own:
      return bearer(world.make_person_token(prepared.person_email_own));
    case Caller::person_other:
      return bearer(world.make_person_token(world.unique("nobody") + "@stranger.example"));
    case Caller::leader_own:
      return bearer(prepared.leader_token_own);
    case Caller::leader_other:
      return bearer(cells.other_leader_token());
  }
  return {};
}

// What every answer must carry, whoever asked and whatever the status.
void check_headers(const Row& row, Caller caller, const HttpResponse& response) {
  INFO(describe(row), " as ", caller_name(caller), " (", response.status, ")");
  CHECK(response.header("X-Content-Type-Options") == "nosniff");
  CHECK(response.header("Server").empty());
  CHECK(response.header("X-Powered-By").empty());
  if (response.status == 401 && !row.page) CHECK(response.header("WWW-Authenticate").starts_with("Bearer"));
  if (row.page && row.path != "/pages.css" && !row.path.ends_with(".ics")) {
    CHECK(response.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(response.header("Content-Security-Policy").starts_with("default-src 'none';"));
    CHECK(response.header("Referrer-Policy") == "same-origin");
    CHECK_FALSE(response.header("Content-Language").empty());
  }
  const std::string cache = response.header("Cache-Control");
  if (!row.publicly_cacheable || response.status >= 300) {
    CHECK_MESSAGE(cache == "no-store", "Cache-Control: " << cache);
  } else if (cache.find("public") != std::string::npos) {
    // Only what everybody may see goes to shared caches.
    CHECK(row.expected.at(Caller::anonymous) == response.status);
  }
}

// What the world's records hold that only some callers may see: the events' stream link (not
// public: their organiser, admins, and a participant in its own invitation), the speakers'
// e-mail and phone (the owner's organisers and admins), a participant's and a journalist's address (their
// event's organiser, admins, and that person). No answer to anyone else may contain them, in
// any route, list or feed; and no answer ever repeats a token it did not just create.
void check_no_leak(const Row& row, Caller caller, const HttpResponse& response, const Prepared& prepared,
                   const Owner& owner) {
  INFO(describe(row), " as ", caller_name(caller), " (", response.status, ")");
  if (row.target == Target::personal_feed) return;  // the URL is the credential: all of it is the holder's
  // A delegation's leader sees their delegation and its registrations as its organiser would.
  const bool leader =
      caller == Caller::leader_own && (row.target == Target::delegation || row.target == Target::delegate_registration);
  const bool manager = caller == Caller::organiser_own || caller == Caller::admin || leader;
  // A new registration's answer goes to its participant: their access block shows the stream.
  const bool participant = ((caller == Caller::manage_token_own || caller == Caller::person_own) &&
                            (row.target == Target::registration || row.target == Target::delegate_registration ||
                             row.target == Target::registration_task || row.target == Target::traveller)) ||
                           (row.body == Body::registration && response.status == 201);
  const bool requester =
      (caller == Caller::status_token_own || caller == Caller::person_own) && row.target == Target::media_request;
  if (!manager && !participant) CHECK(response.body.find(World::of(World::kStreamUrl, owner)) == std::string::npos);
  if (!manager) {
    CHECK(response.body.find(World::kSpeakerEmail) == std::string::npos);
    CHECK(response.body.find(World::kSpeakerPhone) == std::string::npos);
  }
  if (!manager && !participant) {
    CHECK(response.body.find(World::of(World::kParticipantNeeds, owner)) == std::string::npos);
    // The export and the sign-in repeat the address they were asked about, a new person
    // session the address it reaches.
    if (row.body != Body::personal_data_query && row.body != Body::sign_in && row.body != Body::person_code) {
      CHECK(response.body.find(World::of(World::kParticipantEmail, owner)) == std::string::npos);
    }
  }
  if (!manager) CHECK(response.body.find(World::of(World::kDelegationContact, owner)) == std::string::npos);
  // Passport details: the event's organisers and admins, never the participant or a leader.
  if (caller != Caller::organiser_own && caller != Caller::admin) {
    CHECK(response.body.find(World::kPassportNumber) == std::string::npos);
  }
  if (!manager && !requester) {
    CHECK(response.body.find(World::of(World::kJournalistEmail, owner)) == std::string::npos);
    CHECK(response.body.find(World::of(World::kJournalistMessage, owner)) == std::string::npos);
  }
  if (!prepared.manage_token_own.empty()) CHECK(response.body.find(prepared.manage_token_own) == std::string::npos);
  if (!prepared.status_token_own.empty()) CHECK(response.body.find(prepared.status_token_own) == std::string::npos);
  if (!prepared.leader_token_own.empty()) CHECK(response.body.find(prepared.leader_token_own) == std::string::npos);
}

}  // namespace

TEST_CASE("authorization matrix: every operation of the contract and the route table has a row") {
  const auto contract = contract_operations();
  const auto routes = router_operations();
  REQUIRE(contract.size() > 30);  // the parser found the paths
  std::set<Operation> covered;
  for (const auto& row : kRows) covered.emplace(row.method, row.path);
  for (const auto& operation : contract) {
    CHECK_MESSAGE(covered.contains(operation),
                  "openapi.yaml has " << operation.first << " " << operation.second << " but the matrix has no row");
  }
  for (const auto& operation : routes) {
    CHECK_MESSAGE(covered.contains(operation),
                  "the route table has " << operation.first << " " << operation.second << " but the matrix has no row");
  }
  for (const auto& operation : covered) {
    CHECK_MESSAGE(contract.contains(operation),
                  "the matrix has " << operation.first << " " << operation.second << ", openapi.yaml does not");
  }
  for (const auto& row : kRows) {
    for (Caller caller : kCallers) {
      CHECK_MESSAGE(row.expected.contains(caller), describe(row) << " has no status for " << caller_name(caller));
    }
  }
}

TEST_CASE("authorization matrix: each caller gets the status of its cell") {
  ServerSettings settings;
  settings.webhook_allowed_networks = "127.0.0.1/32";  // the webhooks' target: nothing listens there
  TestServer server(settings);
  World world(server);
  Cells cells(world);
  int cells_run = 0;
  for (const auto& row : kRows) {
    const bool changes_state = row.records == Records::by_method && row.method != "GET";
    for (Caller caller : kCallers) {
      const auto expected = row.expected.find(caller);
      if (expected == row.expected.end()) continue;  // reported by the test case above
      Owner fresh_owner;
      if (changes_state) fresh_owner = world.make_owner();
      const Owner& owner = changes_state ? fresh_owner : world.owner();
      const Prepared prepared = cells.prepare(row, owner, changes_state, caller);
      HeaderList headers = credentials_for(caller, world, owner, prepared, cells);
      if (row.page) headers = as_page_session(headers);
      if (!prepared.body.empty()) headers.emplace_back("Content-Type", prepared.content_type);
      auto response = server.request(row.method, prepared.target, prepared.body, headers);
      CHECK_MESSAGE(response.status == expected->second, describe(row) << " as " << caller_name(caller) << ": expected "
                                                                       << expected->second << ", got "
                                                                       << response.status << " " << response.body);
      check_headers(row, caller, response);
      check_no_leak(row, caller, response, prepared, owner);
      ++cells_run;
    }
  }
  CHECK(cells_run == static_cast<int>(kRows.size() * kCallers.size()));
}
