#include "fuzz/fuzz_inputs.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "domain/api_key.hpp"
#include "domain/delegation.hpp"
#include "domain/error.hpp"
#include "domain/event_rules.hpp"
#include "domain/event_time.hpp"
#include "domain/media_request.hpp"
#include "domain/organisation.hpp"
#include "domain/registration.hpp"
#include "domain/room.hpp"
#include "domain/speaker.hpp"
#include "domain/task.hpp"
#include "domain/travel_document.hpp"
#include "domain/validation.hpp"
#include "http/conditional.hpp"
#include "http/cors.hpp"
#include "http/dto/api_key.hpp"
#include "http/dto/delegation.hpp"
#include "http/dto/event.hpp"
#include "http/dto/media_request.hpp"
#include "http/dto/organisation.hpp"
#include "http/dto/reader.hpp"
#include "http/dto/registration.hpp"
#include "http/dto/room.hpp"
#include "http/dto/session.hpp"
#include "http/dto/speaker.hpp"
#include "http/dto/task.hpp"
#include "http/dto/travel_document.hpp"
#include "http/form.hpp"
#include "http/json.hpp"
#include "http/log_redaction.hpp"
#include "http/pagination.hpp"
#include "http/query.hpp"
#include "http/router.hpp"
#include "http/target.hpp"
#include "ics/calendar_renderer.hpp"
#include "ics/import.hpp"
#include "ics/lint.hpp"

namespace eventd::fuzz {

namespace {

using nlohmann::json;

constexpr std::string_view kPublicUrl = "https://events.example";

// A property of valid input does not hold: stop here, so that libFuzzer keeps the input
// and the regression test fails on it.
[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::abort();
}

// The body as a handler sees it; nullopt when parse_json_body would answer 400.
std::optional<json> parse_body(std::string_view input) {
  try {
    return http::parse_json_text(input);
  } catch (const domain::Error&) {
    return std::nullopt;
  }
}

// Runs one step of the request path; a domain::Error is the 4xx the client gets.
template <class Step>
void as_request(Step step) {
  try {
    step();
  } catch (const domain::Error&) {
  }
}

// ---- events ---------------------------------------------------------------------------------

const domain::Event& stored_event() {
  static const domain::Event event = [] {
    domain::Event e = http::dto::read_event(json{{"slug", "integrationsforum-2020"},
                                                 {"title", "Integrationsforum 2020"},
                                                 {"kind", "conference"},
                                                 {"format", "hybrid"},
                                                 {"status", "published"},
                                                 {"timezone", "Europe/Stockholm"},
                                                 {"starts_at", "2020-11-26T09:00:00+01:00"},
                                                 {"ends_at", "2020-11-26T16:00:00+01:00"},
                                                 {"venue", {{"city", "Göteborg"}, {"country", "SE"}}},
                                                 {"online", {{"platform", "YouTube"}, {"access", "on_request"}}},
                                                 {"organiser_id", "lansstyrelsen-vastra-gotaland"},
                                                 {"tags", {"integration"}}});
    e.id = "6f1c4a52-8a8e-4d1e-9a57-0d6f3c2b9a10";
    return e;
  }();
  return event;
}

// What the service does to a read event before storing it, and what must then hold: the
// representation can be written, the event's request JSON reads back as a valid event,
// and its feed passes the iCalendar lint.
void check_valid_event(domain::Event e) {
  if (e.slug.empty()) e.slug = domain::slugify(e.title);
  if (!domain::check_event(e).empty()) return;
  e.id = "0b0f6a64-3c57-4b1c-9c44-2f1b0c2d9a11";
  (void)http::dto::event_json(e, true, true, kPublicUrl).dump();
  try {
    domain::Event again = http::dto::read_event(http::dto::event_request_json(e));
    if (again.slug.empty()) again.slug = domain::slugify(again.title);
    auto errors = domain::check_event(again);
    if (!errors.empty()) violated("a valid event's request JSON is invalid: " + errors[0].field);
  } catch (const domain::Error& error) {
    violated("a valid event's request JSON is refused: " + error.detail_key());
  }
  ics::FeedInfo info{"Fuzz", "events.example", std::string(kPublicUrl) + "/v1/calendar.ics"};
  std::vector<ics::FeedEvent> events;
  events.push_back(ics::FeedEvent{e});
  const std::string feed = ics::render_feed(info, events);
  auto problems = ics::lint_ics(feed);
  if (!problems.empty()) violated("the feed of a valid event fails the lint: " + problems[0]);
}

// ---- sessions -------------------------------------------------------------------------------

domain::Session stored_session() {
  domain::Session s;
  s.id = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
  s.event_id = stored_event().id;
  s.title = "Global migration i coronatider";
  s.starts_at = *domain::parse_rfc3339("2020-11-26T09:15:00+01:00");
  s.ends_at = *domain::parse_rfc3339("2020-11-26T10:00:00+01:00");
  s.speaker_ids = {"alice-petren"};
  return s;
}

void check_session_draft(const services::SessionDraft& draft) {
  if (!draft.errors.empty()) return;
  domain::Session session = draft.session;
  const auto starts = domain::read_event_time(draft.starts_at_text, stored_event().timezone);
  const auto ends = domain::read_event_time(draft.ends_at_text, stored_event().timezone);
  if (!starts.instant || !ends.instant) return;
  session.starts_at = *starts.instant;
  session.ends_at = *ends.instant;
  if (!domain::check_session(session, stored_event()).empty()) return;
  (void)http::dto::session_json(session, stored_event().timezone).dump();
}

// ---- speakers and organisations --------------------------------------------------------------

const domain::Speaker& stored_speaker() {
  static const domain::Speaker speaker = [] {
    auto draft = http::dto::read_speaker(json{{"slug", "alice-petren"},
                                              {"name", "Alice Petrén"},
                                              {"title", "utrikeskorrespondent"},
                                              {"email", "alice@example.org"}});
    if (!draft.errors.empty()) violated("the stored speaker is invalid");
    return draft.speaker;
  }();
  return speaker;
}

void check_speaker_draft(const services::SpeakerDraft& draft) {
  if (!draft.errors.empty() || !domain::check_speaker(draft.speaker).empty()) return;
  (void)http::dto::speaker_json(draft.speaker, true).dump();
  (void)http::dto::speaker_json(draft.speaker, false).dump();
}

const domain::Organisation& stored_organisation() {
  static const domain::Organisation organisation =
      http::dto::read_organisation(json{{"slug", "forum"},
                                        {"name", "Forum – idéburna organisationer med social inriktning"},
                                        {"kind", "civil_society"}},
                                   true);
  return organisation;
}

// ---- registrations ----------------------------------------------------------------------------

// Every cell of a CSV export (quoted or not) must not begin with what a spreadsheet runs as a
// formula: = + - @, tab or carriage return.
void check_csv_cells(std::string_view csv, char delimiter) {
  bool in_quotes = false;
  bool cell_start = true;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (cell_start) {
      cell_start = false;
      const char first = c == '"' && i + 1 < csv.size() ? csv[i + 1] : c;
      if (std::string_view("=+-@\t\r").find(first) != std::string_view::npos && !(c == '"' && first == '"')) {
        violated("a CSV cell starts with a formula character");
      }
    }
    if (c == '"') {
      in_quotes = !in_quotes;  // a doubled quote toggles twice
    } else if (!in_quotes && (c == delimiter || c == '\n')) {
      cell_start = true;
    }
  }
}

// ---- routes ---------------------------------------------------------------------------------

const http::Router& router() {
  static const http::Router table = [] {
    http::Router r;
    for (const auto& [method, pattern] : route_table()) r.add(http::parse_method(method), pattern, nullptr);
    return r;
  }();
  return table;
}

std::vector<std::string_view> split_lines(std::string_view text, std::size_t count) {
  std::vector<std::string_view> lines;
  while (lines.size() + 1 < count) {
    auto newline = text.find('\n');
    if (newline == std::string_view::npos) break;
    lines.push_back(text.substr(0, newline));
    text.remove_prefix(newline + 1);
  }
  lines.push_back(text);
  lines.resize(count);
  return lines;
}

}  // namespace

void initialise() { ics::initialise(); }

const std::map<std::string, Target>& targets() {
  static const std::map<std::string, Target> table = {
      {"organisation_body", organisation_body},
      {"event_body", event_body},
      {"session_body", session_body},
      {"delegation_body", delegation_body},
      {"task_body", task_body},
      {"travel_document_body", travel_document_body},
      {"room_body", room_body},
      {"speaker_body", speaker_body},
      {"api_key_body", api_key_body},
      {"registration_body", registration_body},
      {"media_request_body", media_request_body},
      {"page_form", page_form},
      {"request_line", request_line},
      {"calendar_import", calendar_import},
  };
  return table;
}

const std::vector<std::pair<std::string, std::string>>& route_table() {
  static const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/healthz"},
      {"GET", "/readyz"},
      {"GET", "/metrics"},
      {"GET", "/openapi.yaml"},
      {"GET", "/docs"},
      {"GET", "/docs/redoc.standalone.js"},
      {"POST", "/v1/api-keys"},
      {"GET", "/v1/api-keys"},
      {"GET", "/v1/api-keys/current"},
      {"DELETE", "/v1/api-keys/{id}"},
      {"POST", "/v1/organisations"},
      {"GET", "/v1/organisations"},
      {"GET", "/v1/organisations/{id}"},
      {"PATCH", "/v1/organisations/{id}"},
      {"DELETE", "/v1/organisations/{id}"},
      {"POST", "/v1/events"},
      {"POST", "/v1/events/import"},
      {"GET", "/v1/events"},
      {"GET", "/v1/events/{id}"},
      {"PATCH", "/v1/events/{id}"},
      {"DELETE", "/v1/events/{id}"},
      {"PATCH", "/v1/events/{id}/partners/{organisation_id}"},
      {"GET", "/v1/organisations/{id}/partner-invitations"},
      {"POST", "/v1/events/{id}/sessions"},
      {"GET", "/v1/events/{id}/sessions"},
      {"GET", "/v1/events/{id}/sessions/{session_id}"},
      {"PATCH", "/v1/events/{id}/sessions/{session_id}"},
      {"DELETE", "/v1/events/{id}/sessions/{session_id}"},
      {"POST", "/v1/events/{id}/delegations"},
      {"GET", "/v1/events/{id}/delegations"},
      {"GET", "/v1/events/{id}/delegations/{delegation_id}"},
      {"PATCH", "/v1/events/{id}/delegations/{delegation_id}"},
      {"DELETE", "/v1/events/{id}/delegations/{delegation_id}"},
      {"POST", "/v1/events/{id}/delegations/{delegation_id}/leader-token"},
      {"GET", "/v1/events/{id}/delegations/{delegation_id}/registrations"},
      {"POST", "/v1/events/{id}/tasks"},
      {"GET", "/v1/events/{id}/tasks"},
      {"GET", "/v1/events/{id}/tasks/{task_id}"},
      {"PATCH", "/v1/events/{id}/tasks/{task_id}"},
      {"DELETE", "/v1/events/{id}/tasks/{task_id}"},
      {"GET", "/v1/events/{id}/tasks/{task_id}/progress"},
      {"GET", "/v1/registrations/{id}/tasks"},
      {"PUT", "/v1/registrations/{id}/tasks/{task_id}"},
      {"PUT", "/v1/registrations/{id}/travel-document"},
      {"GET", "/v1/registrations/{id}/travel-document"},
      {"DELETE", "/v1/registrations/{id}/travel-document"},
      {"POST", "/v1/events/{id}/rooms"},
      {"GET", "/v1/events/{id}/rooms"},
      {"GET", "/v1/events/{id}/rooms/{room_id}"},
      {"PATCH", "/v1/events/{id}/rooms/{room_id}"},
      {"DELETE", "/v1/events/{id}/rooms/{room_id}"},
      {"POST", "/v1/events/{id}/rooms/{room_id}/assignments"},
      {"DELETE", "/v1/events/{id}/rooms/{room_id}/assignments/{assignment_id}"},
      {"GET", "/v1/events/{id}/rooming-list"},
      {"POST", "/v1/webhooks"},
      {"GET", "/v1/webhooks"},
      {"GET", "/v1/webhooks/{id}"},
      {"PATCH", "/v1/webhooks/{id}"},
      {"DELETE", "/v1/webhooks/{id}"},
      {"POST", "/v1/webhooks/{id}/secret"},
      {"GET", "/v1/webhooks/{id}/deliveries"},
      {"GET", "/v1/webhooks/{id}/deliveries/{delivery_id}"},
      {"POST", "/v1/webhooks/{id}/deliveries/{delivery_id}/replay"},
      {"POST", "/v1/webhooks/{id}/replay"},
      {"GET", "/v1/webhook-event-types"},
      {"POST", "/v1/speakers"},
      {"GET", "/v1/speakers"},
      {"GET", "/v1/speakers/{id}"},
      {"PATCH", "/v1/speakers/{id}"},
      {"DELETE", "/v1/speakers/{id}"},
      {"GET", "/v1/events/{id}/speakers"},
      {"POST", "/v1/events/{id}/registrations"},
      {"GET", "/v1/events/{id}/registrations"},
      {"GET", "/v1/events/{id}/messages"},
      {"GET", "/v1/registrations/{id}"},
      {"PATCH", "/v1/registrations/{id}"},
      {"DELETE", "/v1/registrations/{id}"},
      {"POST", "/v1/registrations/{id}/feed-token"},
      {"GET", "/v1/registrations/{id}/invite.ics"},
      {"POST", "/v1/personal-data/export"},
      {"POST", "/v1/me/sign-in"},
      {"POST", "/v1/me/session"},
      {"DELETE", "/v1/me/session"},
      {"GET", "/v1/me"},
      {"DELETE", "/v1/me"},
      {"POST", "/v1/me/feed-token"},
      {"POST", "/v1/me/export"},
      {"POST", "/v1/events/{id}/media-requests"},
      {"GET", "/v1/events/{id}/media-requests"},
      {"GET", "/v1/media-requests"},
      {"GET", "/v1/media-requests/{id}"},
      {"PATCH", "/v1/media-requests/{id}"},
      {"DELETE", "/v1/media-requests/{id}"},
      {"GET", "/v1/media-requests/{id}/history"},
      {"POST", "/v1/media-requests/{id}/feed-token"},
      {"GET", "/v1/calendar.ics"},
      {"GET", "/v1/events/{id}/calendar.ics"},
      {"GET", "/v1/organisations/{id}/calendar.ics"},
      {"GET", "/v1/speakers/{id}/calendar.ics"},
      {"GET", "/v1/feeds/{token}/calendar.ics"},
      {"GET", "/v1/feeds/{token}/invite.ics"},
      // eventd's own pages
      {"GET", "/pages.css"},
      {"GET", "/problems/{kind}"},
      {"GET", "/events/{slug}"},
      {"POST", "/events/{slug}/register"},
      {"GET", "/registrations/{id}"},
      {"POST", "/registrations/{id}"},
      {"GET", "/registrations/{id}/invite.ics"},
      {"GET", "/media-requests/{id}"},
      {"POST", "/media-requests/{id}"},
      {"GET", "/me"},
      {"POST", "/me"},
      {"GET", "/me/sign-in"},
      {"POST", "/me/sign-in"},
  };
  return routes;
}

void organisation_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] { (void)http::dto::organisation_json(http::dto::read_organisation(*body, true)).dump(); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::organisation_request_json(stored_organisation());
    document.merge_patch(*body);
    (void)http::dto::organisation_json(http::dto::read_organisation(document, false)).dump();
  });
}

void event_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  // A faulty event still goes through the rules, minus those about what could not be read.
  as_request([&] {
    auto draft = http::dto::read_event_draft(*body);
    const domain::FieldSet unreadable(draft.errors);
    for (const auto& error : domain::check_event(draft.event, unreadable)) {
      if (unreadable.covers(error.field)) violated("a rule repeats a field reading refused: " + error.field);
    }
  });
  as_request([&] { check_valid_event(http::dto::read_event(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::event_request_json(stored_event());
    document.merge_patch(*body);
    check_valid_event(http::dto::read_event(document));
  });
}

void session_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] { check_session_draft(http::dto::read_session(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::session_request_json(stored_session());
    document.merge_patch(*body);
    check_session_draft(http::dto::read_session(document));
  });
}

// ---- delegations ----------------------------------------------------------------------------

domain::Delegation stored_delegation() {
  domain::Delegation d;
  d.id = "5d0c1b7e-3f2a-4c8d-9e6b-1a2b3c4d5e6f";
  d.event_id = stored_event().id;
  d.name = "Cyprus";
  d.country = "CY";
  d.contact.email = "eleni.georgiou@example.org";
  d.quota = 12;
  return d;
}

void check_delegation_draft(const services::DelegationDraft& draft) {
  if (!draft.errors.empty()) return;
  if (!domain::check_delegation(draft.delegation).empty()) return;
  (void)http::dto::delegation_json(draft.delegation).dump();
}

void delegation_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] { check_delegation_draft(http::dto::read_delegation(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::delegation_request_json(stored_delegation());
    document.merge_patch(*body);
    check_delegation_draft(http::dto::read_delegation(document));
  });
}

// ---- tasks ------------------------------------------------------------------------------------

domain::Task stored_task() {
  domain::Task t;
  t.id = "0b6f3c2a-8e1d-4f5a-9c7b-3d2e1f0a9b8c";
  t.event_id = stored_event().id;
  t.title = "Skicka passuppgifter";
  t.due_at = *domain::parse_rfc3339("2019-08-20T23:59:00+02:00");
  return t;
}

void check_task_draft(const services::TaskDraft& draft) {
  if (!draft.errors.empty()) return;
  domain::Task task = draft.task;
  const auto due = domain::read_event_time(draft.due_at_text, stored_event().timezone);
  if (!due.instant) return;
  task.due_at = *due.instant;
  if (!domain::check_task(task).empty()) return;
  (void)http::dto::task_json(task, stored_event().timezone).dump();
}

void task_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] { check_task_draft(http::dto::read_task(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::task_request_json(stored_task());
    document.merge_patch(*body);
    check_task_draft(http::dto::read_task(document));
  });
}

// ---- travel documents -------------------------------------------------------------------------

void travel_document_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] {
    auto draft = http::dto::read_travel_document(*body);
    if (!draft.errors.empty() || !domain::check_travel_document(draft.document).empty()) return;
    (void)http::dto::travel_document_json({draft.document, domain::now()}).dump();
  });
}

// ---- rooms ----------------------------------------------------------------------------------

domain::Room stored_room() {
  domain::Room room;
  room.id = "9a1f3c5e-7b2d-4e8f-a6c4-3d2e1f0a9b8c";
  room.event_id = stored_event().id;
  room.name = "412";
  room.hotel = "Clarion Hotel Grand Östersund";
  room.beds = 2;
  room.first_night = domain::Date{std::chrono::year{2035}, std::chrono::September, std::chrono::day{3}};
  room.last_night = domain::Date{std::chrono::year{2035}, std::chrono::September, std::chrono::day{4}};
  return room;
}

// A valid room goes out as JSON, and its texts as a rooming list's CSV row (the occupant's
// name and needs are the same kind of free text).
void check_room_draft(const services::RoomDraft& draft) {
  if (!draft.errors.empty()) return;
  if (!domain::check_room(draft.room).empty()) return;
  (void)http::dto::room_json(draft.room).dump();
  domain::RoomNight night{
      draft.room.first_night, draft.room.id,
      draft.room.hotel,       draft.room.name,
      draft.room.beds,        {domain::RoomOccupant{"r", draft.room.name, draft.room.hotel, draft.room.name}}};
  const services::RoomingList list{draft.room.event_id, {night}};
  (void)http::dto::rooming_list_json(list).dump();
  check_csv_cells(http::dto::rooming_list_csv(list), ',');
}

void room_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] { check_room_draft(http::dto::read_room(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::room_request_json(stored_room());
    document.merge_patch(*body);
    check_room_draft(http::dto::read_room(document));
  });
  as_request([&] {
    const services::AssignmentDraft draft = http::dto::read_room_assignment(*body);
    if (!draft.errors.empty()) return;
    const domain::Room room = stored_room();
    (void)domain::check_assignment_nights(room, draft.first_night.value_or(room.first_night),
                                          draft.last_night.value_or(room.last_night));
  });
}

void speaker_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] { check_speaker_draft(http::dto::read_speaker(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    json document = http::dto::speaker_request_json(stored_speaker());
    document.merge_patch(*body);
    check_speaker_draft(http::dto::read_speaker(document));
  });
}

void api_key_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] {
    auto request = http::dto::read_api_key_create(*body);
    if (!request.errors.empty()) return;
    domain::ApiKey key;
    key.name = request.name;
    key.role = request.role;
    key.organisation_id = request.organisation;
    if (domain::check_api_key(key).empty()) (void)http::dto::api_key_json(key).dump();
  });
}

void registration_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  auto check = [](const services::RegistrationDraft& draft) {
    if (!draft.errors.empty() || !domain::check_participant(draft.participant).empty()) return;
    domain::Registration r;
    r.id = "5d0b1a8e-2f4c-4b6a-9e3d-7c1f0a2b3c4d";
    r.event_id = stored_event().id;
    r.participant = draft.participant;
    r.session_ids = draft.session_ids;
    (void)http::dto::registration_json(r, {}).dump();
    // The organiser's spreadsheet: no cell may start a formula.
    check_csv_cells(http::dto::registrations_csv({r}, ';'), ';');
  };
  as_request([&] { check(http::dto::read_registration(*body)); });
  as_request([&] {
    http::dto::require_object(*body);
    domain::Registration current;
    current.participant =
        domain::Participant{"Karin Ek", "karin.ek@example.org", std::nullopt, std::nullopt, std::nullopt};
    json document = http::dto::registration_request_json(current);
    document.merge_patch(*body);
    check(http::dto::read_registration(document));
  });
}

void media_request_body(std::string_view input) {
  auto body = parse_body(input);
  if (!body) return;
  as_request([&] {
    auto draft = http::dto::read_media_request(*body);
    if (!draft.errors.empty() || !domain::check_media_requester(draft.requester).empty()) return;
    domain::MediaRequest r;
    r.id = "7e2c4a1b-3d5f-4a6b-8c9d-0e1f2a3b4c5d";
    r.event_id = stored_event().id;
    r.requester = draft.requester;
    (void)http::dto::media_request_json(r, {}).dump();
  });
  as_request([&] {
    auto decision = http::dto::read_media_decision(*body);
    if (decision.to == domain::MediaRequestStatus::pending) violated("a decision may not set pending");
  });
}

void page_form(std::string_view input) {
  const http::FormLimits limits;
  as_request([&] {
    const http::Form form = http::Form::parse(input, limits);
    if (input.size() > limits.max_bytes) violated("a form above the size limit was read");
    if (form.fields().size() > limits.max_fields) violated("more fields than the limit");
    std::map<std::string, std::size_t> repeats;
    for (const auto& [name, value] : form.fields()) {
      if (name.size() > limits.max_name_bytes || value.size() > limits.max_value_bytes) violated("a field too long");
      if (!domain::is_valid_utf8(name) || !domain::is_valid_utf8(value)) violated("a field that is not UTF-8");
      if (++repeats[name] > limits.max_repeats) violated("more values of one name than the limit");
    }
    // As the registration form reads it (http/handlers/pages_event.cpp).
    domain::Participant participant;
    participant.name = form.text("name");
    participant.email = form.text("email");
    const std::string needs = form.text("needs");
    if (!needs.empty()) participant.needs = needs;
    (void)domain::check_participant(participant);
    (void)form.all("session_ids");
  });
}

void request_line(std::string_view input) {
  static constexpr http::Method methods[] = {http::Method::get,     http::Method::head,  http::Method::post,
                                             http::Method::put,     http::Method::patch, http::Method::delete_,
                                             http::Method::options, http::Method::other};
  if (input.empty()) return;
  http::Request request;
  request.method = methods[static_cast<unsigned char>(input[0]) % 8];
  auto lines = split_lines(input.substr(1), 5);
  request.target = std::string(lines[0]);
  // As the server splits it; a target it cannot use is a 400 before anything else.
  auto parts = http::split_target(request.method, request.target);
  if (!parts) return;
  if (parts->path.empty() || parts->path.find('?') != std::string::npos) violated("a split path is empty or has '?'");
  if (parts->path.front() != '/' && !(parts->path == "*" && request.method == http::Method::options)) {
    violated("a split path is neither a path nor OPTIONS *");
  }
  if (!parts->authority.empty()) {
    // The absolute-form means what its origin-form means.
    auto origin = http::split_target(
        request.method,
        parts->path + (request.target.find('?') == std::string::npos ? std::string() : "?" + parts->query));
    if (!origin || origin->path != parts->path || origin->query != parts->query || !origin->authority.empty()) {
      violated("an absolute-form target does not split as its origin-form");
    }
    request.headers.set("Host", parts->authority);
  }
  request.path = parts->path;
  request.query = parts->query;
  if (!lines[1].empty()) request.headers.set("If-Match", std::string(lines[1]));
  if (!lines[2].empty()) request.headers.set("If-None-Match", std::string(lines[2]));
  if (!lines[3].empty()) request.headers.set("If-Modified-Since", std::string(lines[3]));
  if (!lines[4].empty()) {
    request.headers.set("Origin", std::string(lines[4]));
    request.headers.set("Access-Control-Request-Method", "PATCH");
  }

  auto match = router().match(request.method, request.path);
  if (match.route) {
    for (const auto& [name, value] : match.params) {
      if (value.empty()) violated("an empty path parameter matched: " + name);
      if (match.route->pattern.find("{" + name + "}") == std::string::npos) violated("a parameter not in the pattern");
    }
  }
  if (!match.allowed.empty()) {
    http::CorsPolicy cors({"https://frontend.example"});
    http::Response response = cors.options(request, match.allowed);
    cors.decorate(request, response);
  }

  as_request([&] {
    auto query = http::Query::parse(request.query);
    for (const auto& [name, value] : query.items()) (void)domain::is_valid_utf8(name + value);
    auto page = http::read_page(query, request.path);
    if (page.limit < 1 || page.limit > 200) violated("limit out of range");
    if (page.after) {
      // A cursor that decodes is one this server could have made: encoding its key again
      // gives a cursor that decodes to the same key.
      auto again =
          http::read_page(http::Query::parse("cursor=" + http::encode_cursor(page, *page.after)), request.path);
      if (!again.after || *again.after != *page.after) violated("a cursor does not round-trip");
    }
  });

  const std::string etag = http::etag_for(stored_event().id, 7);
  as_request([&] { http::check_if_match(request, etag); });
  (void)http::is_not_modified(request, etag, stored_event().starts_at);
  if (auto date = http::parse_http_date(lines[3])) {
    auto again = http::parse_http_date(http::http_date(*date));
    if (!again || *again != *date) violated("an HTTP date does not round-trip");
  }

  const std::string logged = http::loggable_path(request.path);
  if (http::loggable_path(logged) != logged) violated("log redaction is not stable");
}

void calendar_import(std::string_view input) {
  auto result = ics::parse_import(input);
  if (!result.ok()) return;
  for (auto& imported : result.events) {
    domain::Event& e = imported.event;
    // As the service does: the caller's organisation, a slug from the title.
    e.organiser_id = "forum";
    if (e.slug.empty()) e.slug = domain::slugify(e.title);
    check_valid_event(e);
  }
}

}  // namespace eventd::fuzz
