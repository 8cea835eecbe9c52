// POST /v1/events/import over real HTTP and PostgreSQL: VEVENTs become drafts of the
// caller's organisation (incomplete ones too), what cannot be imported is skipped with a
// reason, importing the same file again creates nothing twice, and a newer export updates
// the drafts it made unless an organiser has edited them since. The exporters' golden
// files are in tests/fixtures/ical/.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

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
  json event(const std::string& id) {
    auto r = server.get("/v1/events/" + id, {{"Authorization", "Bearer " + key}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json();
  }
  HttpResponse patch(const std::string& id, const json& body) {
    return server.request("PATCH", "/v1/events/" + id, body.dump(),
                          {{"Authorization", "Bearer " + key}, {"Content-Type", "application/merge-patch+json"}});
  }
};

std::string golden(const std::string& name) {
  std::ifstream in(std::string(EVENTD_SOURCE_DIR "/tests/fixtures/ical/") + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// `text` with its first `from` replaced by `to`.
std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

// The entry of `list` (created, updated, ...) for the UID.
json entry(const json& list, const std::string& uid) {
  for (const auto& item : list) {
    if (item["uid"] == uid) return item;
  }
  FAIL("no entry for " << uid << " in " << list.dump());
  return {};
}

const std::string kOutlookSeminar =
    "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5D801000000000000000010000000F1E2D3C4B5A697887766554433221100";
const std::string kOutlookPlanning =
    "040000008200E00074C5B7101A82E00800000000B1C2D3E4F5A6D801000000000000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90";

}  // namespace

TEST_CASE("import: VEVENTs become drafts of the caller's organisation, once") {
  Importer im;
  auto first = im.upload(kCalendar, im.as_organiser());
  REQUIRE_MESSAGE(first.status == 201, first.body);
  auto body = first.json();
  REQUIRE(body["created"].size() == 1);
  CHECK(body["created"][0]["uid"] == "fyrbodal-seminarium-2035@fyrbodal.se");
  CHECK(body["created"][0]["missing"] == json::array());
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

  // The same file again: nothing new, nothing written.
  const auto version = im.server.database().scalar("SELECT version FROM events");
  auto again = im.upload(kCalendar, im.as_organiser());
  REQUIRE(again.status == 200);
  CHECK(again.json()["created"].empty());
  CHECK(again.json()["updated"].empty());
  REQUIRE(again.json()["unchanged"].size() == 1);
  CHECK(again.json()["unchanged"][0]["uid"] == "fyrbodal-seminarium-2035@fyrbodal.se");
  CHECK(again.json()["unchanged"][0]["id"] == id);
  CHECK(again.json()["skipped"].size() == 1);
  CHECK(im.server.database().scalar("SELECT count(*) FROM events") == "1");
  CHECK(im.server.database().scalar("SELECT version FROM events") == version);
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
  CHECK(as_admin.status == 201);
  CHECK(as_admin.json()["created"].size() == 1);
  CHECK(im.server.database().scalar("SELECT count(*) FROM events") == "1");
}

TEST_CASE("import: golden files from Outlook, Google, Apple and Teams become drafts at the right times") {
  Importer im;
  SUBCASE("Outlook: a Windows zone name, and an event without LOCATION is a draft lacking its venue") {
    auto r = im.upload(golden("outlook.ics"), im.as_organiser());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto body = r.json();
    CHECK(body["skipped"].empty());
    const auto seminar = entry(body["created"], kOutlookSeminar);
    CHECK(seminar["missing"] == json::array());
    const auto planning = entry(body["created"], kOutlookPlanning);
    CHECK(planning["missing"] == json{"venue"});
    auto e = im.event(seminar["id"]);
    CHECK(e["status"] == "draft");
    CHECK(e["title"] == "Seminarium om kartan över det civila samhället i Fyrbodal");
    CHECK(e["timezone"] == "Europe/Stockholm");
    CHECK(e["starts_at"] == "2022-11-08T13:00:00+01:00");
    CHECK(e["ends_at"] == "2022-11-08T16:00:00+01:00");
    CHECK(e["venue"]["city"] == "Uddevalla");
    auto p = im.event(planning["id"]);
    CHECK(p["status"] == "draft");
    CHECK(p["title"] == "Planeringsmöte Fyrbodal");
    CHECK(p["starts_at"] == "2022-11-15T10:00:00+01:00");
    CHECK(p["format"] == "in_person");
    CHECK(p["venue"].is_null());
  }
  SUBCASE("Google: UTC times in the calendar's zone, an empty LOCATION, a Meet link, a weekly rule skipped") {
    auto r = im.upload(golden("google.ics"), im.as_organiser());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto body = r.json();
    const auto forum = entry(body["created"], "3m8v1q2k9d7t0h5r6c4b2n1p0s@google.com");
    CHECK(forum["missing"] == json{"venue"});
    auto e = im.event(forum["id"]);
    CHECK(e["title"] == "Integrationsforum 2020");
    CHECK(e["timezone"] == "Europe/Stockholm");
    CHECK(e["starts_at"] == "2020-11-26T09:00:00+01:00");
    CHECK(e["ends_at"] == "2020-11-26T16:00:00+01:00");
    const auto meet = entry(body["created"], "7a1b2c3d4e5f6g7h8i9j0k1l2m@google.com");
    CHECK(meet["missing"] == json::array());
    auto m = im.event(meet["id"]);
    CHECK(m["format"] == "online");
    CHECK(m["online"]["platform"] == "Google Meet");
    CHECK(m["online"]["access"] == "registered");
    REQUIRE(body["skipped"].size() == 1);
    CHECK(body["skipped"][0]["uid"] == "0q9w8e7r6t5y4u3i2o1p@google.com");
  }
  SUBCASE("Apple: Europe/Stockholm with its VTIMEZONE, a two-line place, an all-day visit") {
    auto r = im.upload(golden("apple.ics"), im.as_organiser());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto body = r.json();
    REQUIRE(body["created"].size() == 2);
    auto e = im.event(entry(body["created"], "6D3F2A1B-8C4E-4F5A-9B7C-2E1D0F9A8B7C")["id"]);
    CHECK(e["starts_at"] == "2022-11-08T13:00:00+01:00");
    CHECK(e["venue"]["name"] == "Folkets Hus Uddevalla");
    CHECK(e["venue"]["street"] == "Kungsgatan 13");
    CHECK(e["venue"]["city"] == "Uddevalla");
    auto visit = im.event(entry(body["created"], "9E8D7C6B-5A4F-4E3D-8C2B-1A0F9E8D7C6B")["id"]);
    CHECK(visit["all_day"] == true);
    CHECK(visit["starts_on"] == "2019-09-04");
    CHECK(visit["ends_on"] == "2019-09-05");
  }
  SUBCASE("Teams: an online draft whose join link is not public") {
    auto r = im.upload(golden("teams.ics"), im.as_organiser());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto body = r.json();
    REQUIRE(body["created"].size() == 1);
    CHECK(body["created"][0]["missing"] == json::array());
    auto e = im.event(body["created"][0]["id"]);
    CHECK(e["title"] == "Webbinarium om civilsamhällets roll i integrationsarbetet");
    CHECK(e["starts_at"] == "2022-10-09T09:00:00+02:00");
    CHECK(e["ends_at"] == "2022-10-09T12:00:00+02:00");
    CHECK(e["format"] == "online");
    CHECK(e["kind"] == "webinar");
    CHECK(e["venue"].is_null());
    CHECK(e["online"]["platform"] == "Microsoft Teams");
    CHECK(e["online"]["access"] == "registered");
    CHECK(e["online"]["stream_url"].get<std::string>().starts_with("https://teams.microsoft.com/l/meetup-join/"));
  }
}

TEST_CASE("import: an incomplete draft is checked when it leaves draft, every missing field at once") {
  Importer im;
  auto r = im.upload(golden("outlook.ics"), im.as_organiser());
  REQUIRE(r.status == 201);
  const std::string id = entry(r.json()["created"], kOutlookPlanning)["id"];
  const auto version = im.server.database().scalar("SELECT version FROM events WHERE id = '" + id + "'");

  auto publish = im.patch(id, {{"status", "published"}});
  REQUIRE(publish.status == 422);
  CHECK(publish.header("Content-Type") == "application/problem+json");
  CHECK(publish.body.find("venue") != std::string::npos);
  auto hybrid = im.patch(id, {{"status", "published"}, {"format", "hybrid"}});
  REQUIRE(hybrid.status == 422);
  std::vector<std::string> fields;
  const json problem = hybrid.json();
  for (const auto& e : problem["errors"]) fields.push_back(e["field"].get<std::string>());
  const std::vector<std::string> both{"venue", "online"};
  CHECK_MESSAGE(fields == both, hybrid.body);
  auto postpone = im.patch(id, {{"status", "postponed"}});
  CHECK(postpone.status == 422);
  // Nothing changed.
  CHECK(im.event(id)["status"] == "draft");
  CHECK(im.server.database().scalar("SELECT version FROM events WHERE id = '" + id + "'") == version);
  // The database holds the same rule for every status but draft.
  CHECK_THROWS(im.server.database().exec("UPDATE events SET status = 'published' WHERE id = '" + id + "'"));

  // A create with a public status is held to it too; a draft is not.
  json create = {{"title", "Utan plats"},
                 {"kind", "meeting"},
                 {"format", "in_person"},
                 {"organiser_id", "fyrbodal"},
                 {"timezone", "Europe/Stockholm"},
                 {"starts_at", "2035-03-01T10:00:00+01:00"},
                 {"ends_at", "2035-03-01T11:00:00+01:00"},
                 {"status", "published"}};
  const HeaderList json_headers{{"Authorization", "Bearer " + im.key}, {"Content-Type", "application/json"}};
  auto refused = im.server.request("POST", "/v1/events", create.dump(), json_headers);
  REQUIRE(refused.status == 422);
  CHECK(refused.json()["errors"][0]["field"] == "venue");
  create["status"] = "draft";
  CHECK(im.server.request("POST", "/v1/events", create.dump(), json_headers).status == 201);

  // With its venue it is published.
  auto complete = im.patch(id, {{"status", "published"}, {"venue", {{"city", "Vänersborg"}}}});
  REQUIRE_MESSAGE(complete.status == 200, complete.body);
  CHECK(complete.json()["status"] == "published");
}

TEST_CASE("import: a newer export updates its drafts; an edited or published one is a conflict") {
  Importer im;
  const std::string outlook = golden("outlook.ics");
  auto first = im.upload(outlook, im.as_organiser());
  REQUIRE(first.status == 201);
  const std::string seminar = entry(first.json()["created"], kOutlookSeminar)["id"];
  const std::string planning = entry(first.json()["created"], kOutlookPlanning)["id"];

  SUBCASE("a higher SEQUENCE rewrites an unedited draft; the same file again is unchanged") {
    // Outlook moved the seminar an hour later and raised SEQUENCE.
    std::string moved = with(outlook, "DTSTART;TZID=W. Europe Standard Time:20221108T130000",
                             "DTSTART;TZID=W. Europe Standard Time:20221108T140000");
    moved = with(moved, "SEQUENCE:0", "SEQUENCE:1");
    auto r = im.upload(moved, im.as_organiser());
    REQUIRE_MESSAGE(r.status == 200, r.body);  // nothing created
    const auto body = r.json();
    CHECK(body["created"].empty());
    REQUIRE(body["updated"].size() == 1);
    CHECK(body["updated"][0]["id"] == seminar);
    CHECK(body["updated"][0]["uid"] == kOutlookSeminar);
    CHECK(body["updated"][0]["missing"] == json::array());
    REQUIRE(body["unchanged"].size() == 1);
    CHECK(body["unchanged"][0]["id"] == planning);
    auto e = im.event(seminar);
    CHECK(e["starts_at"] == "2022-11-08T14:00:00+01:00");
    CHECK(e["status"] == "draft");
    CHECK(e["slug"] == "seminarium-om-kartan-over-det-civila-samhallet-i-fyrbodal");
    CHECK(im.server.database().scalar("SELECT count(*) FROM events") == "2");

    // The same (newer) file again: unchanged; and the older one: unchanged as well.
    auto again = im.upload(moved, im.as_organiser());
    REQUIRE(again.status == 200);
    CHECK(again.json()["updated"].empty());
    CHECK(again.json()["unchanged"].size() == 2);
    auto older = im.upload(outlook, im.as_organiser());
    REQUIRE(older.status == 200);
    CHECK(older.json()["unchanged"].size() == 2);
    CHECK(im.event(seminar)["starts_at"] == "2022-11-08T14:00:00+01:00");
  }
  SUBCASE("a draft an organiser edited is left alone and reported as a conflict") {
    auto edited = im.patch(planning, {{"summary", "Vi planerar vårens seminarier."}});
    REQUIRE(edited.status == 200);
    std::string renamed = with(outlook, "SUMMARY;LANGUAGE=sv:Planeringsmöte Fyrbodal",
                               "SUMMARY;LANGUAGE=sv:Planeringsmöte Fyrbodal (flyttat)");
    renamed = with(renamed, "LAST-MODIFIED:20221003T133000Z", "LAST-MODIFIED:20221010T090000Z");
    auto r = im.upload(renamed, im.as_organiser());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto body = r.json();
    REQUIRE(body["conflicts"].size() == 1);
    CHECK(body["conflicts"][0]["id"] == planning);
    CHECK(body["conflicts"][0]["uid"] == kOutlookPlanning);
    CHECK(body["conflicts"][0]["reason"] == "the draft was edited since it was imported");
    CHECK(body["unchanged"].size() == 1);
    auto e = im.event(planning);
    CHECK(e["title"] == "Planeringsmöte Fyrbodal");
    CHECK(e["summary"] == "Vi planerar vårens seminarier.");
  }
  SUBCASE("a published event is never touched by an import") {
    auto published = im.patch(seminar, {{"status", "published"}});
    REQUIRE(published.status == 200);
    auto r = im.upload(with(outlook, "SEQUENCE:0", "SEQUENCE:3"), im.as_organiser());
    REQUIRE(r.status == 200);
    REQUIRE(r.json()["conflicts"].size() == 1);
    CHECK(r.json()["conflicts"][0]["id"] == seminar);
    CHECK(r.json()["conflicts"][0]["reason"] == "the event is published now; an import changes only drafts");
  }
  SUBCASE("Google: the same SEQUENCE and a later LAST-MODIFIED updates; a deleted draft is made again") {
    const std::string google = golden("google.ics");
    auto g = im.upload(google, im.as_organiser());
    REQUIRE(g.status == 201);
    const std::string forum = entry(g.json()["created"], "3m8v1q2k9d7t0h5r6c4b2n1p0s@google.com")["id"];
    const std::string meet = entry(g.json()["created"], "7a1b2c3d4e5f6g7h8i9j0k1l2m@google.com")["id"];
    std::string later = with(google, "LAST-MODIFIED:20201118T141500Z", "LAST-MODIFIED:20201121T080000Z");
    later = with(later, "LOCATION:\r\n", "LOCATION:Nya Ullevi\\, Göteborg\r\n");
    auto r = im.upload(later, im.as_organiser());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    REQUIRE(r.json()["updated"].size() == 1);
    CHECK(r.json()["updated"][0]["id"] == forum);
    CHECK(r.json()["updated"][0]["missing"] == json::array());
    CHECK(im.event(forum)["venue"]["city"] == "Göteborg");
    CHECK(entry(r.json()["unchanged"], "7a1b2c3d4e5f6g7h8i9j0k1l2m@google.com")["id"] == meet);

    REQUIRE(im.server.request("DELETE", "/v1/events/" + meet, "", {{"Authorization", "Bearer " + im.key}}).status ==
            204);
    auto again = im.upload(later, im.as_organiser());
    REQUIRE(again.status == 201);
    CHECK(again.json()["created"].size() == 1);
    CHECK(again.json()["created"][0]["uid"] == "7a1b2c3d4e5f6g7h8i9j0k1l2m@google.com");
  }
}
