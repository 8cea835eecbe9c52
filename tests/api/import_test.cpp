// POST /v1/events/import over real HTTP and PostgreSQL: VEVENTs become drafts of the
// caller's organisation, what cannot be imported is skipped with a reason, and importing
// the same file again creates nothing twice.
#include <doctest/doctest.h>

#include "db/migrations.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

// The Fyrbodal seminar of 8 November as an organiser's calendar program would export it,
// plus a weekly meeting (recurring events are not imported).
const std::string kCalendar =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Fyrbodal//Kalender//SV\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:fyrbodal-seminarium-2035@fyrbodal.se\r\n"
    "DTSTAMP:20350901T080000Z\r\n"
    "DTSTART;TZID=Europe/Stockholm:20351108T090000\r\n"
    "DTEND;TZID=Europe/Stockholm:20351108T153000\r\n"
    "SUMMARY:Migration och integration i Fyrbodal\r\n"
    "LOCATION:Vänersborg\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:veckomote@fyrbodal.se\r\n"
    "DTSTAMP:20350901T080000Z\r\n"
    "DTSTART;TZID=Europe/Stockholm:20350905T100000\r\n"
    "DTEND;TZID=Europe/Stockholm:20350905T110000\r\n"
    "RRULE:FREQ=WEEKLY\r\n"
    "SUMMARY:Veckomöte\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

struct Importer {
  TestServer server;
  std::string key;

  Importer() {
    server.database().exec(
        "INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', $q$Fyrbodals "
        "kommunalförbund$q$, 'region')");
    key = "evk_test_fyrbodal_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(key) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations))");
  }
  HttpResponse upload(const std::string& body, const HeaderList& headers) {
    return server.request("POST", "/v1/events/import", body, headers);
  }
  HeaderList as_organiser() const {
    return {{"Authorization", "Bearer " + key}, {"Content-Type", "text/calendar; charset=utf-8"}};
  }
};

}  // namespace

TEST_CASE("import: VEVENTs become drafts of the caller's organisation, once") {
  Importer im;
  auto first = im.upload(kCalendar, im.as_organiser());
  REQUIRE_MESSAGE(first.status == 200, first.body);
  auto body = first.json();
  REQUIRE(body["created"].size() == 1);
  CHECK(body["created"][0]["uid"] == "fyrbodal-seminarium-2035@fyrbodal.se");
  REQUIRE(body["skipped"].size() == 1);
  CHECK(body["skipped"][0]["uid"] == "veckomote@fyrbodal.se");
  CHECK(body["skipped"][0]["reason"].get<std::string>().find("RRULE") != std::string::npos);

  const std::string id = body["created"][0]["id"];
  auto event = im.server.get("/v1/events/" + id, {{"Authorization", "Bearer " + im.key}});
  REQUIRE(event.status == 200);
  CHECK(event.json()["status"] == "draft");
  CHECK(event.json()["title"] == "Migration och integration i Fyrbodal");
  CHECK(event.json()["starts_at"] == "2035-11-08T09:00:00+01:00");
  CHECK(event.json()["slug"] == "migration-och-integration-i-fyrbodal");
  CHECK(event.json()["organiser_id"] == im.server.database().scalar("SELECT id::text FROM organisations"));
  // A draft: the public does not see it.
  CHECK(im.server.get("/v1/events/" + id).status == 404);

  // The same file again: nothing new.
  auto again = im.upload(kCalendar, im.as_organiser());
  REQUIRE(again.status == 200);
  CHECK(again.json()["created"].empty());
  CHECK(again.json()["skipped"].size() == 2);
  CHECK(again.json()["skipped"][1]["uid"] == "fyrbodal-seminarium-2035@fyrbodal.se");
  CHECK(again.json()["skipped"][1]["reason"] == "imported before as event " + id);
  CHECK(im.server.database().scalar("SELECT count(*) FROM events") == "1");
}

TEST_CASE("import: who may, and what is refused as a whole") {
  Importer im;
  CHECK(im.upload(kCalendar, {{"Content-Type", "text/calendar"}}).status == 401);
  CHECK(im.upload(kCalendar, {{"Authorization", "Bearer " + im.key}, {"Content-Type", "application/json"}}).status ==
        415);
  auto garbage = im.upload("this is not a calendar", im.as_organiser());
  CHECK(garbage.status == 422);
  CHECK(garbage.header("Content-Type") == "application/problem+json");
  const HeaderList admin{{"Authorization", "Bearer " + im.server.settings().admin_key},
                         {"Content-Type", "text/calendar"}};
  CHECK(im.upload(kCalendar, admin).status == 422);
  auto as_admin = im.server.request("POST", "/v1/events/import?organisation=fyrbodal", kCalendar, admin);
  CHECK(as_admin.status == 200);
  CHECK(as_admin.json()["created"].size() == 1);
  CHECK(im.server.database().scalar("SELECT count(*) FROM events") == "1");
}
