#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "domain/api_key.hpp"
#include "domain/event_rules.hpp"
#include "domain/organisation.hpp"
#include "domain/speaker.hpp"

using namespace eventd::domain;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

Instant at(const char* rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

// Seed event 1: the Östersund exchange visit, all-day 4-5 September 2019.
Event ostersund_visit() {
  Event e;
  e.id = "6f1c2b0e-0000-4000-8000-000000000001";
  e.slug = "utbytesbesok-ostersund-2019";
  e.title = "Utbytesbesök i Östersund";
  e.summary = "Delegationer från Cypern och Österrike möter civilsamhället och Östersunds kommun.";
  e.kind = EventKind::study_visit;
  e.format = EventFormat::in_person;
  e.status = EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.all_day = true;
  e.starts_on = 2019y / 9 / 4;
  e.ends_on = 2019y / 9 / 5;
  e.venue = Venue{.name = std::nullopt,
                  .street = std::nullopt,
                  .postal_code = std::nullopt,
                  .city = "Östersund",
                  .region = "Jämtland",
                  .country = "SE",
                  .latitude = 63.1792,
                  .longitude = 14.6357};
  e.organiser_id = "org-forum";
  e.project = Project{"Snapshots from the Borders", "EU"};
  e.contacts = {Contact{"Göran Pettersson", "generalsekreterare", "goran.pettersson@forumideburen.se", std::nullopt}};
  return e;
}

// Seed event 2: Integrationsforum 2020, online, 26 November 2020.
Event integrationsforum_2020() {
  Event e;
  e.slug = "integrationsforum-2020";
  e.title = "Integrationsforum 2020";
  e.kind = EventKind::conference;
  e.format = EventFormat::online;
  e.status = EventStatus::published;
  e.timezone = "Europe/Stockholm";
  e.starts_at = at("2020-11-26T09:00:00+01:00");
  e.ends_at = at("2020-11-26T15:30:00+01:00");
  e.online = Online{"YouTube", "https://www.youtube.com/watch?v=integrationsforum2020", OnlineAccess::on_request};
  e.organiser_id = "org-lansstyrelsen";
  e.partner_ids = {"org-arbetsformedlingen", "org-migrationsverket", "org-vgregion"};
  e.series = "integrationsforum";
  e.media_policy = MediaPolicy::on_request;
  e.contacts = {Contact{"Anita Nilsson", "pressansvarig", "anita.nilsson@lansstyrelsen.se", std::nullopt}};
  return e;
}

bool has_error(const std::vector<FieldError>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == field; });
}

}  // namespace

TEST_CASE("enum names round-trip and match the contract") {
  CHECK(to_string(EventKind::study_visit) == "study_visit");
  CHECK(parse_event_kind("webinar") == EventKind::webinar);
  CHECK_FALSE(parse_event_kind("Webinar").has_value());
  CHECK(to_string(OnlineAccess::public_) == "public");
  CHECK(parse_online_access("public") == OnlineAccess::public_);
  CHECK(to_string(SessionKind::break_) == "break");
  CHECK(parse_session_kind("break") == SessionKind::break_);
  CHECK(parse_media_policy("on_request") == MediaPolicy::on_request);
  CHECK(parse_event_status("postponed") == EventStatus::postponed);
  CHECK(parse_event_format("hybrid") == EventFormat::hybrid);
  CHECK(parse_organisation_kind("faith_community") == OrganisationKind::faith_community);
  CHECK(parse_role("organiser") == Role::organiser);
  CHECK_FALSE(parse_role("root").has_value());
  // Every enumerator has a name, so to_string never falls through to "?".
  for (const auto& [kind, name] : kEventKindNames) CHECK(parse_event_kind(name) == kind);
  for (const auto& [kind, name] : kSessionKindNames) CHECK(to_string(kind) != "?");
  for (const auto& [kind, name] : kOrganisationKindNames) CHECK(to_string(kind) == name);
}

TEST_CASE("the seed events are valid") {
  CHECK(check_event(ostersund_visit()).empty());
  CHECK(check_event(integrationsforum_2020()).empty());
}

TEST_CASE("title, slug, language, timezone") {
  Event e = integrationsforum_2020();
  e.title = "";
  e.slug = "Integrationsforum 2020";
  e.language = "svenska";
  e.timezone = "Europe/Gothenburg";
  const auto errors = check_event(e);
  CHECK(has_error(errors, "title"));
  CHECK(has_error(errors, "slug"));
  CHECK(has_error(errors, "language"));
  CHECK(has_error(errors, "timezone"));

  e = integrationsforum_2020();
  e.title = std::string(300, 'x');
  CHECK(check_event(e).empty());
  e.title = std::string(150, 'x') + std::string(151, 'x');
  CHECK(has_error(check_event(e), "title"));
}

TEST_CASE("timed events") {
  Event e = integrationsforum_2020();
  SUBCASE("ends_at must be after starts_at") {
    e.ends_at = e.starts_at;
    const auto errors = check_event(e);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "ends_at");
  }
  SUBCASE("both instants are required and dates are refused") {
    e.ends_at.reset();
    e.starts_on = 2020y / 11 / 26;
    const auto errors = check_event(e);
    CHECK(has_error(errors, "ends_at"));
    CHECK(has_error(errors, "starts_on"));
  }
  SUBCASE("times beyond the reliable tz range are refused") {
    e.starts_at = at("2040-11-26T09:00:00+01:00");
    e.ends_at = at("2040-11-26T15:00:00+01:00");
    CHECK(has_error(check_event(e), "starts_at"));
  }
}

TEST_CASE("all-day events") {
  Event e = ostersund_visit();
  SUBCASE("a single day is fine: ends_on is inclusive") {
    e.ends_on = e.starts_on;
    CHECK(check_event(e).empty());
  }
  SUBCASE("ends_on before starts_on is refused") {
    e.ends_on = 2019y / 9 / 3;
    const auto errors = check_event(e);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "ends_on");
  }
  SUBCASE("instants are refused on an all-day event") {
    e.starts_at = at("2019-09-04T09:00:00+02:00");
    CHECK(has_error(check_event(e), "starts_at"));
  }
  SUBCASE("dates are required") {
    e.starts_on.reset();
    CHECK(has_error(check_event(e), "starts_on"));
  }
}

TEST_CASE("venue and online") {
  SUBCASE("an in-person event needs a venue with a city") {
    Event e = ostersund_visit();
    e.venue->city = "";
    CHECK(has_error(check_event(e), "venue.city"));
    e.venue.reset();
    CHECK(has_error(check_event(e), "venue"));
  }
  SUBCASE("an online event needs no venue but needs online details") {
    Event e = integrationsforum_2020();
    CHECK_FALSE(e.venue.has_value());
    e.online.reset();
    CHECK(has_error(check_event(e), "online"));
  }
  SUBCASE("a hybrid event needs both") {
    Event e = integrationsforum_2020();
    e.format = EventFormat::hybrid;
    CHECK(has_error(check_event(e), "venue"));
    e.venue = Venue{.city = "Göteborg", .country = "SE"};
    CHECK(check_event(e).empty());
    e.online.reset();
    CHECK(has_error(check_event(e), "online"));
  }
  SUBCASE("stream_url must be http(s)") {
    Event e = integrationsforum_2020();
    e.online->stream_url = "rtmp://live.example.se/stream";
    CHECK(has_error(check_event(e), "online.stream_url"));
  }
  SUBCASE("country, latitude and longitude") {
    Event e = ostersund_visit();
    e.venue->country = "SWE";
    e.venue->latitude = 91.0;
    e.venue->longitude = -180.5;
    const auto errors = check_event(e);
    CHECK(has_error(errors, "venue.country"));
    CHECK(has_error(errors, "venue.latitude"));
    CHECK(has_error(errors, "venue.longitude"));
    e = ostersund_visit();
    e.venue->latitude = std::nan("");
    CHECK(has_error(check_event(e), "venue.latitude"));
    e = ostersund_visit();
    e.venue->longitude.reset();
    CHECK(has_error(check_event(e), "venue.longitude"));
  }
}

TEST_CASE("capacity, registration window, contacts, partners, series") {
  Event e = integrationsforum_2020();
  e.capacity = -1;
  e.registration_opens_at = at("2020-11-20T00:00:00+01:00");
  e.registration_closes_at = at("2020-11-01T00:00:00+01:00");
  e.contacts.push_back(Contact{"", std::nullopt, "press(at)lansstyrelsen", std::nullopt});
  e.partner_ids.push_back(e.organiser_id);
  e.series = "Integrationsforum";
  const auto errors = check_event(e);
  CHECK(has_error(errors, "capacity"));
  CHECK(has_error(errors, "registration_closes_at"));
  CHECK(has_error(errors, "contacts[1].name"));
  CHECK(has_error(errors, "contacts[1].email"));
  CHECK_FALSE(has_error(errors, "contacts[0].email"));
  CHECK(has_error(errors, "partner_ids"));
  CHECK(has_error(errors, "series"));

  e = integrationsforum_2020();
  e.capacity = 0;  // zero seats (waitlist only) is allowed; null is unlimited
  CHECK(check_event(e).empty());

  e.partner_ids.clear();
  for (std::size_t i = 0; i < kMaxPartners; ++i) e.partner_ids.push_back("partner-" + std::to_string(i));
  CHECK(check_event(e).empty());
  e.partner_ids.push_back("one-more");
  CHECK(has_error(check_event(e), "partner_ids"));
}

TEST_CASE("visibility, deletion and status changes") {
  Event draft = integrationsforum_2020();
  draft.status = EventStatus::draft;
  CHECK_FALSE(is_public_status(EventStatus::draft));
  CHECK(is_public_status(EventStatus::cancelled));
  CHECK(is_public_status(EventStatus::postponed));

  CHECK_FALSE(is_visible_to(draft, Caller::anonymous()));
  CHECK_FALSE(is_visible_to(draft, Caller::organiser("key-2", "org-forum")));
  CHECK(is_visible_to(draft, Caller::organiser("key-1", "org-lansstyrelsen")));
  CHECK(is_visible_to(draft, Caller::admin("key-0")));
  CHECK(is_visible_to(integrationsforum_2020(), Caller::anonymous()));

  CHECK(can_delete(draft));
  CHECK_FALSE(can_delete(integrationsforum_2020()));
  Event cancelled = integrationsforum_2020();
  cancelled.status = EventStatus::cancelled;
  CHECK_FALSE(can_delete(cancelled));

  CHECK(can_change_status(EventStatus::draft, EventStatus::published));
  CHECK(can_change_status(EventStatus::published, EventStatus::cancelled));
  CHECK(can_change_status(EventStatus::postponed, EventStatus::published));
  CHECK_FALSE(can_change_status(EventStatus::published, EventStatus::draft));
  CHECK_FALSE(can_change_status(EventStatus::cancelled, EventStatus::draft));
}

TEST_CASE("callers") {
  const Caller anonymous = Caller::anonymous();
  const Caller admin = Caller::admin("key-0");
  const Caller forum = Caller::organiser("key-1", "org-forum");
  CHECK_FALSE(anonymous.is_authenticated());
  CHECK_FALSE(anonymous.can_manage("org-forum"));
  CHECK(admin.can_manage("org-forum"));
  CHECK(forum.can_manage("org-forum"));
  CHECK_FALSE(forum.can_manage("org-lansstyrelsen"));
  CHECK_FALSE(forum.can_manage(""));
  CHECK(forum.key_id() == "key-1");
  // A malformed organiser key without an organisation manages nothing.
  const Caller broken = Caller::from_key(ApiKey{.id = "key-9", .name = "broken", .role = Role::organiser});
  CHECK(broken.is_organiser());
  CHECK_FALSE(broken.can_manage(""));
  CHECK(has_error(check_api_key(ApiKey{.id = "key-9", .name = "broken", .role = Role::organiser}), "organisation_id"));
  CHECK(check_api_key(ApiKey{.id = "k", .name = "Forum", .role = Role::organiser, .organisation_id = "org-forum"})
            .empty());
  CHECK(has_error(check_api_key(ApiKey{.id = "k", .name = "root", .role = Role::admin, .organisation_id = "org-forum"}),
                  "organisation_id"));
}

TEST_CASE("a session's SEQUENCE grows when it moves, not when its text does") {
  Session before;
  before.title = "Global migration i coronatider";
  before.starts_at = *eventd::domain::parse_rfc3339("2020-11-26T09:15:00+01:00");
  before.ends_at = before.starts_at + 60min;
  before.sequence = 2;
  Session after = before;
  after.description = "Med frågestund.";
  CHECK_FALSE(is_subscriber_visible_change(before, after));
  CHECK(next_sequence(before, after) == 2);
  after = before;
  after.starts_at += 30min;
  after.ends_at += 30min;
  CHECK(next_sequence(before, after) == 3);
  after = before;
  after.location = "Sal B";
  CHECK(next_sequence(before, after) == 3);
  after = before;
  after.speaker_ids = {"00000000-0000-4000-8000-000000000009"};
  CHECK(next_sequence(before, after) == 3);
}

TEST_CASE("SEQUENCE grows on changes subscribers must see") {
  const Event before = integrationsforum_2020();
  Event after = before;
  after.description = "Nytt program publicerat.";
  after.tags = {"migration"};
  CHECK_FALSE(is_subscriber_visible_change(before, after));
  CHECK(next_sequence(before, after) == before.sequence);

  after = before;
  after.starts_at = *before.starts_at + 30min;
  CHECK(is_subscriber_visible_change(before, after));
  CHECK(next_sequence(before, after) == before.sequence + 1);

  after = before;
  after.status = EventStatus::cancelled;
  CHECK(is_subscriber_visible_change(before, after));

  after = before;
  after.title = "INSTÄLLT: Integrationsforum 2020";
  CHECK(is_subscriber_visible_change(before, after));

  const Event visit = ostersund_visit();
  Event moved = visit;
  moved.venue->city = "Åre";
  CHECK(is_subscriber_visible_change(visit, moved));
}

TEST_CASE("the instant interval an event covers") {
  SUBCASE("the Östersund study visit: two whole days in Stockholm time") {
    const auto [start, end] = event_interval(ostersund_visit());
    CHECK(format_utc(start) == "2019-09-03T22:00:00Z");
    CHECK(format_utc(end) == "2019-09-05T22:00:00Z");
    CHECK(end - start == 48h);
  }
  SUBCASE("a timed event covers starts_at to ends_at") {
    const auto [start, end] = event_interval(integrationsforum_2020());
    CHECK(format_in_zone(start, "Europe/Stockholm") == "2020-11-26T09:00:00+01:00");
    CHECK(format_in_zone(end, "Europe/Stockholm") == "2020-11-26T15:30:00+01:00");
  }
  SUBCASE("an all-day event across the autumn change lasts 25 hours") {
    Event e = ostersund_visit();
    e.starts_on = e.ends_on = 2021y / 10 / 31;
    const auto [start, end] = event_interval(e);
    CHECK(end - start == 25h);
  }
  SUBCASE("an incomplete event has no interval") {
    Event e = ostersund_visit();
    e.ends_on.reset();
    CHECK_THROWS_AS(event_interval(e), std::invalid_argument);
  }
  CHECK(overlaps(at("2020-11-26T09:00:00Z"), at("2020-11-26T10:00:00Z"), at("2020-11-26T09:30:00Z"),
                 at("2020-11-26T11:00:00Z")));
  // Back to back is not an overlap: a speaker may go straight from one session to the next.
  CHECK_FALSE(overlaps(at("2020-11-26T09:00:00Z"), at("2020-11-26T10:00:00Z"), at("2020-11-26T10:00:00Z"),
                       at("2020-11-26T11:00:00Z")));
}

TEST_CASE("sessions lie inside their event") {
  const Event forum = integrationsforum_2020();
  Session talk;
  talk.title = "Global migration i coronatider";
  talk.kind = SessionKind::talk;
  talk.starts_at = at("2020-11-26T09:15:00+01:00");
  talk.ends_at = at("2020-11-26T10:00:00+01:00");
  talk.speaker_ids = {"speaker-alice-petren"};
  CHECK(check_session(talk, forum).empty());

  Session early = talk;
  early.starts_at = at("2020-11-26T08:30:00+01:00");
  CHECK(has_error(check_session(early, forum), "starts_at"));

  Session late = talk;
  late.ends_at = at("2020-11-26T16:00:00+01:00");
  CHECK(has_error(check_session(late, forum), "ends_at"));

  Session backwards = talk;
  backwards.ends_at = backwards.starts_at;
  const auto errors = check_session(backwards, forum);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "ends_at");

  Session repeated = talk;
  repeated.speaker_ids.push_back("speaker-alice-petren");
  CHECK(has_error(check_session(repeated, forum), "speaker_ids"));

  Session crowded = talk;
  crowded.speaker_ids.clear();
  for (std::size_t i = 0; i < kMaxSessionSpeakers; ++i) crowded.speaker_ids.push_back("speaker-" + std::to_string(i));
  CHECK(check_session(crowded, forum).empty());
  crowded.speaker_ids.push_back("one-more");
  CHECK(has_error(check_session(crowded, forum), "speaker_ids"));

  // In the all-day study visit, a municipality visit on 5 September at 14:00 local is inside,
  // one on 6 September is not.
  Session visit;
  visit.title = "Besök hos Östersunds kommun";
  visit.kind = SessionKind::site_visit;
  visit.starts_at = at("2019-09-05T14:00:00+02:00");
  visit.ends_at = at("2019-09-05T16:00:00+02:00");
  CHECK(check_session(visit, ostersund_visit()).empty());
  visit.starts_at = at("2019-09-06T09:00:00+02:00");
  visit.ends_at = at("2019-09-06T10:00:00+02:00");
  CHECK(has_error(check_session(visit, ostersund_visit()), "starts_at"));
}

TEST_CASE("capacity and registration window helpers") {
  CHECK(capacity_left(std::nullopt, 500) == std::nullopt);
  CHECK(capacity_left(40, 38) == 2);
  CHECK(capacity_left(40, 40) == 0);
  CHECK(capacity_left(40, 45) == 0);

  Event e = integrationsforum_2020();
  e.registration_opens_at = at("2020-10-01T00:00:00+02:00");
  e.registration_closes_at = at("2020-11-25T00:00:00+01:00");
  CHECK(registration_window(e, at("2020-09-30T12:00:00Z")) == RegistrationWindow::not_yet_open);
  CHECK(registration_window(e, at("2020-11-01T12:00:00Z")) == RegistrationWindow::open);
  CHECK(registration_window(e, *e.registration_closes_at) == RegistrationWindow::closed);
  e.registration_opens_at.reset();
  e.registration_closes_at.reset();
  CHECK(registration_window(e, at("2030-01-01T00:00:00Z")) == RegistrationWindow::open);
}

TEST_CASE("organisations and speakers") {
  Organisation forum{.id = "org-forum",
                     .slug = "forum",
                     .name = "Forum – idéburna organisationer med social inriktning",
                     .kind = OrganisationKind::civil_society,
                     .website = "https://www.forumideburen.se"};
  CHECK(check_organisation(forum).empty());
  forum.website = "forumideburen.se";
  forum.name = "";
  const auto org_errors = check_organisation(forum);
  CHECK(has_error(org_errors, "website"));
  CHECK(has_error(org_errors, "name"));

  Speaker alice{
      .slug = "alice-petren", .name = "Alice Petrén", .title = "utrikeskorrespondent", .affiliation = "Sveriges Radio"};
  CHECK(check_speaker(alice).empty());
  alice.email = "alice.petren(at)sr.se";
  CHECK(has_error(check_speaker(alice), "email"));
}

TEST_CASE("the stream link: one rule, the whole table") {
  using enum StreamAudience;
  const std::vector<StreamAudience> audiences = {
      anyone, waitlisted, confirmed_registrant, journalist_not_approved, approved_journalist, organiser};
  // rows: public, registered, on_request; columns in the order above (openapi.yaml's table)
  const std::vector<std::pair<OnlineAccess, std::vector<bool>>> table = {
      {OnlineAccess::public_, {true, true, true, true, true, true}},
      {OnlineAccess::registered, {false, false, true, false, true, true}},
      {OnlineAccess::on_request, {false, false, false, false, true, true}},
  };
  for (const auto& [access, row] : table) {
    for (EventStatus status : {EventStatus::published, EventStatus::postponed, EventStatus::cancelled}) {
      Event e;
      e.status = status;
      e.online = Online{.platform = "YouTube", .stream_url = "https://stream.example/room", .access = access};
      for (std::size_t i = 0; i < audiences.size(); ++i) {
        CAPTURE(to_string(access));
        CAPTURE(to_string(status));
        CAPTURE(i);
        // a cancelled event shows the link to its organisers only
        const bool expected = status == EventStatus::cancelled ? audiences[i] == organiser : row[i];
        CHECK(may_see_stream(e, audiences[i]) == expected);
        CHECK(stream_url_for(e, audiences[i]).has_value() == expected);
      }
    }
  }
  Event offline;
  CHECK_FALSE(may_see_stream(offline, organiser));
  Event without_link;
  without_link.online = Online{.platform = "Zoom", .stream_url = std::nullopt, .access = OnlineAccess::public_};
  CHECK(may_see_stream(without_link, anyone));
  CHECK_FALSE(stream_url_for(without_link, anyone).has_value());
}

namespace {
FieldSet refused_fields(std::initializer_list<const char*> fields) {
  std::vector<FieldError> errors;
  for (const char* f : fields) errors.push_back({f, FieldCode("invalid")});
  return FieldSet(errors);
}
}  // namespace

TEST_CASE("fields the reader refused: their rules, and the rules needing them, are skipped") {
  FieldSet refused;
  CHECK_FALSE(refused.covers("title"));
  refused.insert("venue");
  refused.insert("tags[1]");
  CHECK(refused.covers("venue"));
  CHECK(refused.covers("venue.city"));
  CHECK(refused.covers("tags[1]"));
  CHECK(refused.covers("tags[1].x"));
  CHECK_FALSE(refused.covers("tags[2]"));
  CHECK_FALSE(refused.covers("venues"));
  CHECK_FALSE(refused.covers("tags"));

  // What the reader leaves for an unreadable starts_at (none) is not "required" again, and
  // ends_at is not compared with it; the other faults are all still found.
  Event e = integrationsforum_2020();
  e.starts_at.reset();
  e.ends_at = at("2020-11-26T07:00:00Z");  // before the start that could not be read
  e.title = "";
  e.timezone = "Mars/Olympus";
  e.venue.reset();
  e.format = EventFormat::in_person;
  auto errors = check_event(e, refused_fields({"starts_at"}));
  std::vector<std::string> fields;
  for (const auto& f : errors) fields.push_back(f.field);
  std::sort(fields.begin(), fields.end());
  CHECK(fields == std::vector<std::string>{"timezone", "title", "venue"});
  // Without the reader's finding the same event gets a "required" for starts_at.
  CHECK(has_error(check_event(e), "starts_at"));

  // An unreadable format asks for neither venue nor online; an unreadable all_day for no times.
  Event unknown_format = integrationsforum_2020();
  unknown_format.venue.reset();
  unknown_format.online.reset();
  CHECK(check_event(unknown_format, refused_fields({"format"})).empty());
  Event unknown_all_day = integrationsforum_2020();
  unknown_all_day.starts_on = Date{std::chrono::year{2020} / 11 / 26};
  CHECK(has_error(check_event(unknown_all_day), "starts_on"));
  CHECK(check_event(unknown_all_day, refused_fields({"all_day"})).empty());

  // Sessions: an unreadable start leaves the end to be checked against the event alone.
  const Event forum = integrationsforum_2020();
  Session s;
  s.title = "Sent";
  s.starts_at = Instant{};  // what the reader leaves
  s.ends_at = at("2020-11-26T17:00:00+01:00");
  const auto session_errors = check_session(s, forum, refused_fields({"starts_at"}));
  REQUIRE(session_errors.size() == 1);
  CHECK(session_errors[0].field == "ends_at");
  CHECK(session_errors[0].code == FieldCode("after_event_end"));
}
