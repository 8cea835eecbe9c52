// Time as people type it (issue 19): a wall-clock time without an offset means the event's
// zone; the spring gap and the autumn overlap are refused with a message that says so; plain
// dates in ?from=/?to= are local days; answers show times in the event's zone, to the second.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {

json event_at(const std::string& slug, const std::string& starts, const std::string& ends) {
  return {{"slug", slug},
          {"title", "Tidstest " + slug},
          {"kind", "seminar"},
          {"format", "in_person"},
          {"status", "published"},
          {"timezone", "Europe/Stockholm"},
          {"starts_at", starts},
          {"ends_at", ends},
          {"venue", {{"city", "Vänersborg"}}},
          {"organiser_id", "forum"}};
}

std::string message_for(const HttpResponse& response, const std::string& field) {
  for (const auto& e : response.json().value("errors", json::array())) {
    if (e["field"] == field) return e["message"];
  }
  return "";
}

// The field's error code (domain::EventTime's: invalid_time, offset_mismatch, nonexistent_time,
// ambiguous_time, must_have_offset), or "".
std::string code_for(const HttpResponse& response, const std::string& field) {
  for (const auto& e : response.json().value("errors", json::array())) {
    if (e["field"] == field) return e["code"];
  }
  return "";
}

// The slugs of a list, sorted and joined: "natt sent".
std::string slugs_of(const HttpResponse& response) {
  const json page = response.json();  // named: a temporary in a range-for's range dies before the loop
  std::set<std::string> slugs;
  for (const auto& item : page["items"]) slugs.insert(item["slug"].get<std::string>());
  std::string out;
  for (const auto& slug : slugs) out += (out.empty() ? "" : " ") + slug;
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("times: a wall-clock time without an offset means the event's zone, winter and summer") {
  Programme p;
  auto winter = p.post("/v1/events", event_at("vinter", "2027-03-10T09:00:00", "2027-03-10T16:00:00"), p.forum_key);
  REQUIRE_MESSAGE(winter.status == 201, winter.body);
  CHECK(winter.json()["starts_at"] == "2027-03-10T09:00:00+01:00");
  CHECK(winter.json()["ends_at"] == "2027-03-10T16:00:00+01:00");
  auto summer = p.post("/v1/events", event_at("sommar", "2027-06-10T09:00:00", "2027-06-10T16:00:00"), p.forum_key);
  REQUIRE_MESSAGE(summer.status == 201, summer.body);
  CHECK(summer.json()["starts_at"] == "2027-06-10T09:00:00+02:00");
  // The database holds the instant: 09:00 in Stockholm in June is 07:00 UTC.
  CHECK(p.server.database().scalar("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') FROM events WHERE "
                                   "slug = 'sommar'") == "07:00");

  // The registration window too, and a mix of both forms in one body.
  auto window = event_at("fonster", "2027-03-10T09:00:00+01:00", "2027-03-10T16:00:00Z");
  window["registration_opens_at"] = "2027-02-01T08:00:00";
  window["registration_closes_at"] = "2027-03-08T23:59:59";
  auto windowed = p.post("/v1/events", window, p.forum_key);
  REQUIRE_MESSAGE(windowed.status == 201, windowed.body);
  CHECK(windowed.json()["registration_opens_at"] == "2027-02-01T08:00:00+01:00");
  CHECK(windowed.json()["registration_closes_at"] == "2027-03-08T23:59:59+01:00");
  CHECK(windowed.json()["ends_at"] == "2027-03-10T17:00:00+01:00");

  // What JavaScript's toISOString() writes is read, and shown without its fraction.
  auto js =
      p.post("/v1/events", event_at("javascript", "2027-03-10T08:00:00.000Z", "2027-03-10T15:00:00.789Z"), p.forum_key);
  REQUIRE_MESSAGE(js.status == 201, js.body);
  CHECK(js.json()["starts_at"] == "2027-03-10T09:00:00+01:00");
  CHECK(js.json()["ends_at"] == "2027-03-10T16:00:00+01:00");

  // A PATCH in wall-clock time, and one that moves the event to another zone with it.
  const std::string id = winter.json()["id"];
  auto moved = p.patch("/v1/events/" + id, {{"starts_at", "2027-03-10T10:00:00"}}, bearer(p.forum_key));
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  CHECK(moved.json()["starts_at"] == "2027-03-10T10:00:00+01:00");
  auto london =
      p.patch("/v1/events/" + id,
              {{"timezone", "Europe/London"}, {"starts_at", "2027-03-10T09:00:00"}, {"ends_at", "2027-03-10T16:00:00"}},
              bearer(p.forum_key));
  REQUIRE_MESSAGE(london.status == 200, london.body);
  CHECK(london.json()["starts_at"] == "2027-03-10T09:00:00+00:00");  // London keeps GMT until 28 March
}

TEST_CASE("times: the spring gap and the autumn overlap are refused, each saying why; nothing is written") {
  Programme p;
  const std::string before = p.server.database().scalar("SELECT count(*) FROM events");
  // 02:30 on 28 March 2027 does not exist in Stockholm (02:00 → 03:00).
  auto gap = p.post("/v1/events", event_at("glapp", "2027-03-28T02:30:00", "2027-03-28T05:00:00"), p.forum_key);
  CHECK(gap.status == 422);
  CHECK(gap.json()["errors"].size() == 1);
  CHECK(code_for(gap, "starts_at") == "nonexistent_time");
  const std::string gap_message = message_for(gap, "starts_at");
  CHECK_MESSAGE(contains(gap_message, "does not exist in Europe/Stockholm"), gap_message);
  CHECK_MESSAGE(contains(gap_message, "2027-03-28T03:00:00+02:00"), gap_message);

  // 02:30 on 31 October 2027 happens twice: the message offers both readings.
  auto overlap = p.post("/v1/events", event_at("dubbel", "2027-10-31T01:00:00", "2027-10-31T02:30:00"), p.forum_key);
  CHECK(overlap.status == 422);
  CHECK(code_for(overlap, "ends_at") == "ambiguous_time");
  const std::string overlap_message = message_for(overlap, "ends_at");
  CHECK_MESSAGE(contains(overlap_message, "happens twice in Europe/Stockholm"), overlap_message);
  CHECK_MESSAGE(contains(overlap_message, "2027-10-31T02:30:00+02:00"), overlap_message);
  CHECK_MESSAGE(contains(overlap_message, "2027-10-31T02:30:00+01:00"), overlap_message);
  // ... and either reading, written with its offset, is accepted.
  auto first =
      p.post("/v1/events", event_at("dubbel", "2027-10-31T01:00:00", "2027-10-31T02:30:00+01:00"), p.forum_key);
  CHECK_MESSAGE(first.status == 201, first.body);
  CHECK(first.json()["ends_at"] == "2027-10-31T02:30:00+01:00");

  // An offset that disagrees with the zone stays a 422.
  auto wrong = p.post("/v1/events", event_at("fel", "2027-03-10T09:00:00+02:00", "2027-03-10T16:00:00"), p.forum_key);
  CHECK(wrong.status == 422);
  CHECK(code_for(wrong, "starts_at") == "offset_mismatch");
  CHECK(contains(message_for(wrong, "starts_at"), "+02:00 is not Europe/Stockholm's offset"));

  // A wall-clock time with a zone that is not one: both named.
  auto nowhere = event_at("ingenstans", "2027-03-10T09:00:00", "2027-03-10T16:00:00+01:00");
  nowhere["timezone"] = "Europe/Gotham";
  auto refused = p.post("/v1/events", nowhere, p.forum_key);
  CHECK(refused.status == 422);
  CHECK_FALSE(message_for(refused, "timezone").empty());
  CHECK(code_for(refused, "starts_at") == "must_have_offset");
  CHECK(contains(message_for(refused, "starts_at"), "no offset"));

  // Neither form.
  auto garbled = p.post("/v1/events", event_at("trasig", "10 mars 2027 09:00", "2027-03-10T16:00:00"), p.forum_key);
  CHECK(garbled.status == 422);
  CHECK(code_for(garbled, "starts_at") == "invalid_time");
  CHECK(contains(message_for(garbled, "starts_at"), "2027-03-10T09:00:00"));

  CHECK(p.server.database().scalar("SELECT count(*) FROM events") == std::to_string(std::stoi(before) + 1));
}

TEST_CASE("times: sessions are read and shown in their event's zone, each with its timezone") {
  Programme p;
  const std::string forum = "/v1/events/integrationsforum-2020/sessions";
  auto session = [](const std::string& starts, const std::string& ends) {
    return json{{"title", "Global migration i coronatider"}, {"starts_at", starts}, {"ends_at", ends}};
  };
  auto created = p.post(forum, session("2020-11-26T09:15:00", "2020-11-26T10:00:00.5"), p.lansstyrelsen_key);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(created.json()["starts_at"] == "2020-11-26T09:15:00+01:00");
  CHECK(created.json()["ends_at"] == "2020-11-26T10:00:00+01:00");
  CHECK(created.json()["timezone"] == "Europe/Stockholm");
  auto listed = p.server.request("GET", forum);
  REQUIRE(listed.status == 200);
  CHECK(listed.json()["items"][0]["timezone"] == "Europe/Stockholm");

  const std::string target = forum + "/" + created.json()["id"].get<std::string>();
  auto moved = p.patch(target, {{"starts_at", "2020-11-26T09:30:00"}}, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  CHECK(moved.json()["starts_at"] == "2020-11-26T09:30:00+01:00");

  // Outside the event (which ends at 16:00) in wall-clock time: the event rule still holds.
  auto late = p.post(forum, session("2020-11-26T15:30:00", "2020-11-26T16:30:00"), p.lansstyrelsen_key);
  CHECK(late.status == 422);
  CHECK_FALSE(message_for(late, "ends_at").empty());
  // A malformed time is a field error, once.
  auto garbled = p.post(forum, session("kl. 9", "2020-11-26T10:00:00"), p.lansstyrelsen_key);
  CHECK(garbled.status == 422);
  CHECK(garbled.json()["errors"].size() == 1);
  CHECK(code_for(garbled, "starts_at") == "invalid_time");
  CHECK_FALSE(message_for(garbled, "starts_at").empty());
}

TEST_CASE("times: ?from= and ?to= take plain dates, local days in ?tz= or the default zone") {
  Programme p;
  // Half past midnight on 1 May in Stockholm is still 30 April in UTC.
  REQUIRE(p.post("/v1/events", event_at("natt", "2027-05-01T00:30:00", "2027-05-01T01:30:00"), p.forum_key).status ==
          201);
  // Late on 31 May: a `to` date keeps its whole day.
  REQUIRE(p.post("/v1/events", event_at("sent", "2027-05-31T23:00:00", "2027-05-31T23:30:00"), p.forum_key).status ==
          201);
  REQUIRE(p.post("/v1/events", event_at("juni", "2027-06-01T00:30:00", "2027-06-01T01:00:00"), p.forum_key).status ==
          201);

  auto may = p.server.request("GET", "/v1/events?from=2027-05-01&to=2027-05-31");
  REQUIRE_MESSAGE(may.status == 200, may.body);
  CHECK(slugs_of(may) == "natt sent");
  // In UTC, 1 May starts two hours later: the night event lies before it.
  auto utc = p.server.request("GET", "/v1/events?from=2027-05-01&to=2027-05-31&tz=UTC");
  REQUIRE(utc.status == 200);
  CHECK(slugs_of(utc) == "juni sent");
  // A date and an instant mix; the calendar feed reads the same filters.
  CHECK(slugs_of(p.server.request("GET", "/v1/events?from=2027-05-31T23:15:00%2B02:00&to=2027-05-31")) == "sent");
  auto feed = p.server.request("GET", "/v1/calendar.ics?from=2027-06-01&to=2027-06-01");
  REQUIRE(feed.status == 200);
  CHECK(contains(feed.body, "Tidstest juni"));
  CHECK_FALSE(contains(feed.body, "Tidstest sent"));

  for (const char* bad :
       {"/v1/events?from=2027-02-30", "/v1/events?to=2027-13-01", "/v1/events?from=2027-05-01&tz=Mars/Base",
        "/v1/events?from=2040-01-01", "/v1/events?from=2027-06-01&to=2027-05-01"}) {
    auto response = p.server.request("GET", bad);
    CHECK_MESSAGE(response.status == 400, bad);
    CHECK(response.header("Content-Type") == "application/problem+json");
  }
}

TEST_CASE("times: a fraction of a second is dropped on the way in, so sending back what GET gave moves nothing") {
  Programme p;
  json body = event_at("halv", "2027-03-10T09:00:00.5+01:00", "2027-03-10T16:00:00.999999999");
  body["registration_opens_at"] = "2027-02-01T08:00:00.25Z";
  body["registration_closes_at"] = "2027-03-09T12:00:00.75";
  auto created = p.post("/v1/events", body, p.forum_key);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  auto session = p.post("/v1/events/halv/sessions",
                        {{"title", "Pass"},
                         {"kind", "talk"},
                         {"starts_at", "2027-03-10T10:00:00.5"},
                         {"ends_at", "2027-03-10T11:00:00.5+01:00"}},
                        p.forum_key);
  REQUIRE_MESSAGE(session.status == 201, session.body);
  // Stored to the second (the database holds what the answers show).
  const std::string stored =
      "SELECT (SELECT string_agg(to_char(t AT TIME ZONE 'UTC', 'HH24:MI:SS.US'), ' ' ORDER BY n) FROM "
      "unnest(ARRAY[starts_at, ends_at, registration_opens_at, registration_closes_at]) WITH ORDINALITY AS u(t, n)) "
      "|| ' ' || (SELECT to_char(s.starts_at AT TIME ZONE "
      "'UTC', 'HH24:MI:SS.US') || ' ' || to_char(s.ends_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') FROM sessions s WHERE "
      "s.event_id = e.id) FROM events e WHERE slug = 'halv'";
  const std::string whole =
      "08:00:00.000000 15:00:00.000000 08:00:00.000000 11:00:00.000000 09:00:00.000000 10:00:00.000000";
  CHECK(p.server.database().scalar(stored) == whole);

  auto read = p.server.request("GET", "/v1/events/halv", "", bearer(p.forum_key));
  REQUIRE(read.status == 200);
  CHECK(read.json()["starts_at"] == "2027-03-10T09:00:00+01:00");
  json edited = read.json();
  edited["title"] = "Halv nio";
  auto saved = p.patch("/v1/events/halv", edited, bearer(p.forum_key));
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  for (const char* member : {"starts_at", "ends_at", "registration_opens_at", "registration_closes_at"}) {
    CHECK_MESSAGE(saved.json()[member] == read.json()[member], member);
  }
  const std::string target = "/v1/events/halv/sessions/" + session.json()["id"].get<std::string>();
  json programme = p.server.request("GET", target).json();
  programme["title"] = "Pass två";
  auto kept = p.patch(target, programme, bearer(p.forum_key));
  REQUIRE_MESSAGE(kept.status == 200, kept.body);
  CHECK(kept.json()["starts_at"] == session.json()["starts_at"]);
  CHECK(p.server.database().scalar(stored) == whole);
}

TEST_CASE("times: the registration window lies between 1900 and 2037, like the event's times") {
  Programme p;
  json body = event_at("fonster", "2027-03-10T09:00:00", "2027-03-10T16:00:00");
  body["registration_opens_at"] = "1899-12-31T12:00:00Z";
  body["registration_closes_at"] = "2038-02-01T12:00:00";
  auto refused = p.post("/v1/events", body, p.forum_key);
  REQUIRE(refused.status == 422);
  CHECK(contains(message_for(refused, "registration_opens_at"), "1900"));
  CHECK(contains(message_for(refused, "registration_closes_at"), "2037"));
  CHECK(refused.json()["errors"].size() == 2);

  body.erase("registration_opens_at");
  body["registration_closes_at"] = "2027-03-09T12:00:00";
  REQUIRE(p.post("/v1/events", body, p.forum_key).status == 201);
  auto late = p.patch("/v1/events/fonster", {{"registration_closes_at", "2040-01-01T00:00:00Z"}}, bearer(p.forum_key));
  CHECK(late.status == 422);
  CHECK(contains(message_for(late, "registration_closes_at"), "2037"));
}
