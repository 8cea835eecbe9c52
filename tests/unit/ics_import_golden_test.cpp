// The importer over calendar files as real exporters write them (tests/fixtures/ical/):
// Outlook with Windows zone names, Google with X-WR-TIMEZONE, Apple, a Teams invitation.
// Times in the right zone, titles, places, and what each draft lacks before publishing.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "domain/event_rules.hpp"
#include "domain/time.hpp"
#include "ics/calendar_renderer.hpp"
#include "ics/import.hpp"

namespace {

namespace domain = eventd::domain;
namespace ics = eventd::ics;

std::string golden(const std::string& name) {
  std::ifstream in(std::string(EVENTD_SOURCE_DIR "/tests/fixtures/ical/") + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string local(const std::optional<domain::Instant>& t, const std::string& zone) {
  REQUIRE(t.has_value());
  return domain::format_in_zone(*t, zone);
}

std::vector<std::string> missing(const domain::Event& e) {
  std::vector<std::string> out;
  for (const auto& m : domain::missing_for_publication(e)) out.push_back(m.field);
  return out;
}

const ics::ImportedEvent& by_title(const ics::ImportResult& r, const std::string& title) {
  for (const auto& e : r.events) {
    if (e.event.title == title) return e;
  }
  FAIL("no imported event titled " << title);
  throw 0;
}

}  // namespace

TEST_CASE("ics import golden: Outlook, Windows zone names, an event without LOCATION") {
  ics::initialise();
  const auto r = ics::parse_import(golden("outlook.ics"));
  REQUIRE_MESSAGE(r.ok(), r.error.value_or(""));
  CHECK(r.skipped.empty());
  REQUIRE(r.events.size() == 2);

  const auto& seminar = by_title(r, "Seminarium om kartan över det civila samhället i Fyrbodal");
  CHECK(seminar.uid.starts_with("040000008200E00074C5B7101A82E008"));
  // "W. Europe Standard Time" is Europe/Berlin; Stockholm has the same offsets then.
  CHECK(seminar.event.timezone == "Europe/Stockholm");
  CHECK(local(seminar.event.starts_at, "Europe/Stockholm") == "2022-11-08T13:00:00+01:00");
  CHECK(local(seminar.event.ends_at, "Europe/Stockholm") == "2022-11-08T16:00:00+01:00");
  CHECK(seminar.event.status == domain::EventStatus::draft);
  CHECK(seminar.event.language == "sv");
  REQUIRE(seminar.event.venue.has_value());
  CHECK(seminar.event.venue->name == "Bohusgården");
  CHECK(seminar.event.venue->city == "Uddevalla");
  CHECK(seminar.event.description.value_or("").starts_with("Välkommen till ett seminarium"));
  CHECK(missing(seminar.event).empty());
  CHECK(seminar.sequence == 0);
  CHECK(seminar.last_modified == domain::parse_rfc3339("2022-09-20T10:15:00Z"));

  // No LOCATION: a draft all the same, which lacks its venue.
  const auto& planning = by_title(r, "Planeringsmöte Fyrbodal");
  CHECK(local(planning.event.starts_at, "Europe/Stockholm") == "2022-11-15T10:00:00+01:00");
  CHECK(local(planning.event.ends_at, "Europe/Stockholm") == "2022-11-15T11:30:00+01:00");
  CHECK(planning.event.format == domain::EventFormat::in_person);
  CHECK_FALSE(planning.event.venue.has_value());
  CHECK(missing(planning.event) == std::vector<std::string>{"venue"});
  domain::Event draft = planning.event;
  draft.organiser_id = "fyrbodal";
  draft.slug = "planeringsmote-fyrbodal";
  CHECK(domain::check_event(draft).empty());  // a valid draft...
  draft.status = domain::EventStatus::published;
  const auto errors = domain::check_event(draft);  // ...that cannot be published as it is
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "venue");
}

TEST_CASE("ics import golden: Google, UTC times read in X-WR-TIMEZONE, a Meet link, a weekly rule") {
  ics::initialise();
  const std::string text = golden("google.ics");
  const auto r = ics::parse_import(text);
  REQUIRE_MESSAGE(r.ok(), r.error.value_or(""));
  REQUIRE(r.events.size() == 2);
  REQUIRE(r.skipped.size() == 1);
  CHECK(r.skipped[0].uid == "0q9w8e7r6t5y4u3i2o1p@google.com");
  CHECK(r.skipped[0].reason == "recurring events (RRULE) are not supported");

  const auto& forum = by_title(r, "Integrationsforum 2020");
  CHECK(forum.uid == "3m8v1q2k9d7t0h5r6c4b2n1p0s@google.com");
  CHECK(forum.event.timezone == "Europe/Stockholm");
  CHECK(local(forum.event.starts_at, forum.event.timezone) == "2020-11-26T09:00:00+01:00");
  CHECK(local(forum.event.ends_at, forum.event.timezone) == "2020-11-26T16:00:00+01:00");
  CHECK(forum.event.description ==
        "Integrationsforum 2020 samlar kommuner, civilsamhälle och myndigheter i Västra Götaland.");
  CHECK_FALSE(forum.event.venue.has_value());  // "LOCATION:" is empty
  CHECK(missing(forum.event) == std::vector<std::string>{"venue"});
  CHECK(forum.sequence == 0);
  CHECK(forum.last_modified == domain::parse_rfc3339("2020-11-18T14:15:00Z"));

  const auto& meet = by_title(r, "Förmöte Integrationsforum");
  CHECK(meet.event.format == domain::EventFormat::online);
  REQUIRE(meet.event.online.has_value());
  CHECK(meet.event.online->stream_url == "https://meet.google.com/kqz-xbvn-rwt");
  CHECK(meet.event.online->platform == "Google Meet");
  CHECK(meet.event.online->access == domain::OnlineAccess::registered);
  CHECK(missing(meet.event).empty());

  // The calendar's zone is the event's zone: the same file from a calendar kept in Helsinki.
  std::string helsinki = text;
  helsinki.replace(helsinki.find("X-WR-TIMEZONE:Europe/Stockholm"), 30, "X-WR-TIMEZONE:Europe/Helsinki");
  const auto h = ics::parse_import(helsinki);
  REQUIRE(h.ok());
  const auto& forum_h = by_title(h, "Integrationsforum 2020");
  CHECK(forum_h.event.timezone == "Europe/Helsinki");
  CHECK(local(forum_h.event.starts_at, forum_h.event.timezone) == "2020-11-26T10:00:00+02:00");
}

TEST_CASE("ics import golden: Apple, a two-line place with its point, an all-day event") {
  ics::initialise();
  const auto r = ics::parse_import(golden("apple.ics"));
  REQUIRE_MESSAGE(r.ok(), r.error.value_or(""));
  CHECK(r.skipped.empty());
  REQUIRE(r.events.size() == 2);

  const auto& seminar = by_title(r, "Seminarium om kartan över det civila samhället i Fyrbodal");
  CHECK(seminar.uid == "6D3F2A1B-8C4E-4F5A-9B7C-2E1D0F9A8B7C");
  CHECK(seminar.event.timezone == "Europe/Stockholm");
  CHECK(local(seminar.event.starts_at, "Europe/Stockholm") == "2022-11-08T13:00:00+01:00");
  CHECK(local(seminar.event.ends_at, "Europe/Stockholm") == "2022-11-08T16:00:00+01:00");
  REQUIRE(seminar.event.venue.has_value());
  const auto& v = *seminar.event.venue;
  CHECK(v.name == "Folkets Hus Uddevalla");
  CHECK(v.street == "Kungsgatan 13");
  CHECK(v.postal_code == "451 30");
  CHECK(v.city == "Uddevalla");
  CHECK(v.country == "SE");
  CHECK(v.latitude == doctest::Approx(58.34922));
  CHECK(v.longitude == doctest::Approx(11.93584));
  CHECK(seminar.sequence == 1);
  CHECK(missing(seminar.event).empty());

  const auto& visit = by_title(r, "Svenskt migrationsarbete på agendan på internationellt möte i Östersund");
  CHECK(visit.event.all_day);
  CHECK(visit.event.starts_on == domain::parse_date("2019-09-04"));
  CHECK(visit.event.ends_on == domain::parse_date("2019-09-05"));  // DTEND 09-06 is exclusive
  REQUIRE(visit.event.venue.has_value());
  CHECK(visit.event.venue->city == "Östersund");
}

TEST_CASE("ics import golden: a Teams invitation is an online draft with its join link") {
  ics::initialise();
  const auto r = ics::parse_import(golden("teams.ics"));
  REQUIRE_MESSAGE(r.ok(), r.error.value_or(""));
  CHECK(r.skipped.empty());
  REQUIRE(r.events.size() == 1);
  const auto& webinar = r.events[0];
  CHECK(webinar.event.title == "Webbinarium om civilsamhällets roll i integrationsarbetet");
  CHECK(webinar.event.language == "sv-SE");
  CHECK(webinar.event.timezone == "Europe/Stockholm");
  CHECK(local(webinar.event.starts_at, "Europe/Stockholm") == "2022-10-09T09:00:00+02:00");
  CHECK(local(webinar.event.ends_at, "Europe/Stockholm") == "2022-10-09T12:00:00+02:00");
  // LOCATION "Microsoft Teams-möte" is no town.
  CHECK_FALSE(webinar.event.venue.has_value());
  CHECK(webinar.event.format == domain::EventFormat::online);
  CHECK(webinar.event.kind == domain::EventKind::webinar);
  REQUIRE(webinar.event.online.has_value());
  CHECK(webinar.event.online->platform == "Microsoft Teams");
  REQUIRE(webinar.event.online->stream_url.has_value());
  CHECK(webinar.event.online->stream_url->starts_with("https://teams.microsoft.com/l/meetup-join/19%3ameeting_"));
  CHECK(webinar.event.online->access == domain::OnlineAccess::registered);
  CHECK(missing(webinar.event).empty());
}

TEST_CASE("missing_for_publication: what a draft may lack, named all at once") {
  domain::Event e;
  e.status = domain::EventStatus::draft;
  e.format = domain::EventFormat::hybrid;
  const auto both = domain::missing_for_publication(e);
  REQUIRE(both.size() == 2);
  CHECK(both[0].field == "venue");
  CHECK(both[1].field == "online");
  e.format = domain::EventFormat::online;
  REQUIRE(domain::missing_for_publication(e).size() == 1);
  CHECK(domain::missing_for_publication(e)[0].field == "online");
  e.online = domain::Online{};
  CHECK(domain::missing_for_publication(e).empty());
}
