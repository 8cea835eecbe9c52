// PATCH takes back what GET gave (issue 19): a frontend edits the representation it read and
// sends it back whole. Read-only members are dropped when unchanged (or always, for those that
// change by themselves: counts, partners' answers, links, sequence, updated_at, a promotion
// off the waitlist); a changed one is a 422 naming it, and nothing changes. A copy gone stale
// is guarded by If-Match, not by its read-only members.
#include <doctest/doctest.h>

#include <string>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {

HeaderList edit_headers(const std::string& key, const HttpResponse& read) {
  return {{"Authorization", "Bearer " + key}, {"If-Match", read.header("ETag")}};
}

std::string only_error_field(const HttpResponse& response) {
  const auto errors = response.json().value("errors", json::array());
  return errors.size() == 1 ? errors[0]["field"].get<std::string>() : "";
}

}  // namespace

TEST_CASE("round trip: an event read with GET is sent back whole with PATCH") {
  Programme p;
  const std::string target = "/v1/events/integrationsforum-2020";
  auto read = p.server.request("GET", target, "", bearer(p.lansstyrelsen_key));
  REQUIRE(read.status == 200);
  json edited = read.json();
  edited["title"] = "Integrationsforum 2020 – digitalt";
  auto saved = p.patch(target, edited, edit_headers(p.lansstyrelsen_key, read));
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  CHECK(saved.json()["title"] == "Integrationsforum 2020 – digitalt");
  CHECK(saved.json()["id"] == read.json()["id"]);

  // Counts move with other records (registrations): a copy read earlier is no change.
  json stale = saved.json();
  stale["counts"]["confirmed"] = 999;
  stale["summary"] = "Årets forum, digitalt";
  auto again = p.patch(target, stale, edit_headers(p.lansstyrelsen_key, saved));
  REQUIRE_MESSAGE(again.status == 200, again.body);
  CHECK(again.json()["counts"]["confirmed"] == 0);
  CHECK(again.json()["summary"] == "Årets forum, digitalt");

  // So do members that change by themselves (another client's write, the slug behind the
  // page link): whatever a copy says of them is no change.
  json moved = again.json();
  moved["updated_at"] = "2001-01-01T00:00:00Z";
  moved["sequence"] = 999;
  moved["links"]["page"] = "https://elsewhere.example/x";
  moved["summary"] = "Årets forum";
  auto ignored = p.patch(target, moved, edit_headers(p.lansstyrelsen_key, again));
  REQUIRE_MESSAGE(ignored.status == 200, ignored.body);
  CHECK(ignored.json()["sequence"] == again.json()["sequence"]);
  CHECK(ignored.json()["links"] == again.json()["links"]);
  CHECK(ignored.json()["summary"] == "Årets forum");
  again = ignored;

  // Changing any other read-only member is refused, naming it, with the other faults of the
  // body in the same 422; nothing changes.
  for (const char* member : {"id", "calendar_url", "webcal_url", "created_at"}) {
    json changed = again.json();
    changed[member] = "2001-01-01T00:00:00Z";
    changed["title"] = "Inte sparad";
    auto refused = p.patch(target, changed, edit_headers(p.lansstyrelsen_key, again));
    CHECK_MESSAGE(refused.status == 422, member);
    CHECK(only_error_field(refused) == member);
    CHECK(refused.json()["errors"][0]["message"].get<std::string>().find("read-only") != std::string::npos);
  }
  json two_faults = again.json();
  two_faults["id"] = "x";
  two_faults["timezone"] = "Europe/Gotham";
  auto both = p.patch(target, two_faults, edit_headers(p.lansstyrelsen_key, again));
  CHECK(both.status == 422);
  CHECK(both.json()["errors"].size() == 2);
  CHECK(p.server.request("GET", target).json()["title"] == "Integrationsforum 2020 – digitalt");
  // A member the representation does not have stays an unknown member.
  CHECK(p.patch(target, {{"colour", "red"}}, edit_headers(p.lansstyrelsen_key, again)).status == 422);
}

TEST_CASE("round trip: sessions and speakers read with GET are sent back whole with PATCH") {
  Programme p;
  p.seed_speakers();
  auto sessions = p.seed_sessions("integrationsforum-2020", "integrationsforum-2020", p.lansstyrelsen_key);
  REQUIRE_FALSE(sessions.empty());
  const std::string target = "/v1/events/integrationsforum-2020/sessions/" + sessions.front()["id"].get<std::string>();
  auto read = p.server.request("GET", target);
  REQUIRE(read.status == 200);
  json edited = read.json();
  edited["location"] = "Studio 2";
  auto saved = p.patch(target, edited, edit_headers(p.lansstyrelsen_key, read));
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  CHECK(saved.json()["location"] == "Studio 2");
  CHECK(saved.json()["starts_at"] == read.json()["starts_at"]);
  // The zone is the session's own to set (schema/031): sent back with another zone and the
  // times as read, the instants stay and are shown in the new zone's offset.
  json moved_zone = saved.json();
  moved_zone["timezone"] = "Europe/London";
  auto zoned = p.patch(target, moved_zone, edit_headers(p.lansstyrelsen_key, saved));
  REQUIRE_MESSAGE(zoned.status == 200, zoned.body);
  CHECK(zoned.json()["timezone"] == "Europe/London");
  CHECK(zoned.json()["starts_at"] == "2020-11-26T08:00:00+00:00");
  // A read-only member changed is still refused.
  json moved_event = zoned.json();
  moved_event["event_id"] = p.event_id("ostersund-2019");
  auto refused = p.patch(target, moved_event, edit_headers(p.lansstyrelsen_key, zoned));
  CHECK(refused.status == 422);
  CHECK(only_error_field(refused) == "event_id");

  const std::string speaker = "/v1/speakers/" + p.speaker_ids.begin()->second;
  auto profile = p.server.request("GET", speaker, "", bearer(p.admin));
  REQUIRE(profile.status == 200);
  json bio = profile.json();
  bio["bio"] = "Ny biografi.";
  auto kept = p.patch(speaker, bio, edit_headers(p.admin, profile));
  REQUIRE_MESSAGE(kept.status == 200, kept.body);
  CHECK(kept.json()["bio"] == "Ny biografi.");
}

TEST_CASE("round trip: a participant sends back the registration they read; its status is not theirs to set") {
  Programme p;
  // Integrationsforum's registration is open to anyone while the event is to come.
  p.server.database().exec(
      "UPDATE events SET starts_at = now() + interval '30 days', ends_at = now() + interval '30 days 7 hours' WHERE "
      "slug = 'integrationsforum-2020'");
  auto registered = p.server.request(
      "POST", "/v1/events/integrationsforum-2020/registrations",
      json{{"name", "Karin Lindqvist"}, {"email", "karin.lindqvist@example.se"}, {"consent", true}}.dump(),
      {{"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(registered.status == 201, registered.body);
  const std::string token = registered.json()["manage_token"];
  const std::string target = "/v1/registrations/" + registered.json()["id"].get<std::string>();
  auto read = p.server.request("GET", target, "", bearer(token));
  REQUIRE(read.status == 200);
  json edited = read.json();
  edited["needs"] = "Textning";
  auto saved = p.patch(target, edited, edit_headers(token, read));
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  CHECK(saved.json()["needs"] == "Textning");

  json cancelled = saved.json();
  cancelled["status"] = "cancelled";
  auto refused = p.patch(target, cancelled, edit_headers(token, saved));
  CHECK(refused.status == 422);
  CHECK(only_error_field(refused) == "status");
  CHECK(p.server.request("GET", target, "", bearer(token)).json()["status"] == "confirmed");
}

TEST_CASE("round trip: a stale copy sent back is guarded by If-Match, not by what moved meanwhile") {
  Programme p;
  const std::string target = "/v1/events/integrationsforum-2020";
  auto read = p.server.request("GET", target, "", bearer(p.lansstyrelsen_key));
  REQUIRE(read.status == 200);
  // Another client changes the event: updated_at, sequence (a new title) and the ETag move.
  auto other = p.patch(target, {{"title", "Integrationsforum 2020 (ändrat)"}, {"slug", "integrationsforum-2020-b"}},
                       bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(other.status == 200, other.body);
  REQUIRE(other.json()["updated_at"] != read.json()["updated_at"]);
  REQUIRE(other.json()["sequence"] != read.json()["sequence"]);
  REQUIRE(other.json()["links"] != read.json()["links"]);
  const std::string moved = "/v1/events/" + read.json()["id"].get<std::string>();

  json stale = read.json();
  stale["title"] = "Integrationsforum 2020 – på plats";
  stale.erase("slug");  // the slug is writable: sent back, it would change it back
  // With the stale ETag: 412, nothing changes.
  auto guarded = p.patch(moved, stale, edit_headers(p.lansstyrelsen_key, read));
  CHECK(guarded.status == 412);
  CHECK(p.server.request("GET", moved).json()["title"] == "Integrationsforum 2020 (ändrat)");
  // Without If-Match the last write wins, and what moved by itself is no 422.
  auto saved = p.patch(moved, stale, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  CHECK(saved.json()["title"] == "Integrationsforum 2020 – på plats");
  CHECK(saved.json()["slug"] == "integrationsforum-2020-b");

  // A session's and a speaker's updated_at, the same.
  p.seed_speakers();
  auto sessions = p.seed_sessions("integrationsforum-2020", "integrationsforum-2020-b", p.lansstyrelsen_key);
  REQUIRE_FALSE(sessions.empty());
  const std::string session = moved + "/sessions/" + sessions.front()["id"].get<std::string>();
  auto session_read = p.server.request("GET", session);
  REQUIRE(p.patch(session, {{"location", "Studio 1"}}, bearer(p.lansstyrelsen_key)).status == 200);
  json session_stale = session_read.json();
  session_stale["description"] = "Nytt upplägg.";
  CHECK(p.patch(session, session_stale, edit_headers(p.lansstyrelsen_key, session_read)).status == 412);
  auto session_saved = p.patch(session, session_stale, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(session_saved.status == 200, session_saved.body);
  CHECK(session_saved.json()["description"] == "Nytt upplägg.");

  const std::string speaker = "/v1/speakers/" + p.speaker_ids.begin()->second;
  auto profile = p.server.request("GET", speaker, "", bearer(p.admin));
  REQUIRE(p.patch(speaker, {{"title", "Utredare"}}, bearer(p.admin)).status == 200);
  json profile_stale = profile.json();
  profile_stale["bio"] = "Ny biografi.";
  auto profile_saved = p.patch(speaker, profile_stale, bearer(p.admin));
  REQUIRE_MESSAGE(profile_saved.status == 200, profile_saved.body);
}

TEST_CASE("round trip: a copy read on the waitlist is sent back after the promotion") {
  Programme p;
  p.server.database().exec(
      "UPDATE events SET starts_at = now() + interval '30 days', ends_at = now() + interval '30 days 7 hours', "
      "capacity = 1, waitlist = true WHERE slug = 'integrationsforum-2020'");
  auto sign_up = [&](const char* name, const char* email) {
    auto created = p.server.request("POST", "/v1/events/integrationsforum-2020/registrations",
                                    json{{"name", name}, {"email", email}, {"consent", true}}.dump(),
                                    {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(created.status == 201, created.body);
    return created.json();
  };
  const json first = sign_up("Karin Lindqvist", "karin.lindqvist@example.se");
  const json second = sign_up("Omar Haddad", "omar.haddad@example.se");
  REQUIRE(second["status"] == "waitlisted");
  const std::string token = second["manage_token"];
  const std::string target = "/v1/registrations/" + second["id"].get<std::string>();
  auto read = p.server.request("GET", target, "", bearer(token));
  REQUIRE(read.status == 200);
  REQUIRE(read.json()["status"] == "waitlisted");

  // The first cancels: the second is confirmed by itself.
  auto cancelled = p.server.request("DELETE", "/v1/registrations/" + first["id"].get<std::string>(), "",
                                    bearer(first["manage_token"].get<std::string>()));
  REQUIRE_MESSAGE(cancelled.status == 204, cancelled.body);
  REQUIRE(p.server.request("GET", target, "", bearer(token)).json()["status"] == "confirmed");

  json stale = read.json();
  stale["needs"] = "Hörslinga";
  auto saved = p.patch(target, stale, bearer(token));
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  CHECK(saved.json()["status"] == "confirmed");
  CHECK(saved.json()["needs"] == "Hörslinga");
  // With the stale ETag it is a 412, as for any change meanwhile.
  CHECK(p.patch(target, stale, edit_headers(token, read)).status == 412);

  // Any other status is a change, and not the participant's to make.
  json changed = saved.json();
  changed["status"] = "cancelled";
  auto refused = p.patch(target, changed, bearer(token));
  CHECK(refused.status == 422);
  CHECK(only_error_field(refused) == "status");
  CHECK(p.server.request("GET", target, "", bearer(token)).json()["status"] == "confirmed");
}
