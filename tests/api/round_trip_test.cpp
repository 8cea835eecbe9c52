// PATCH takes back what GET gave (issue 19): a frontend edits the representation it read and
// sends it back whole. Read-only members are dropped when unchanged (or always, for those that
// move with other records: counts, partners' answers, updated_at); a changed one is a 422
// naming it, and nothing changes.
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

  // Changing any other read-only member is refused, naming it, with the other faults of the
  // body in the same 422; nothing changes.
  for (const char* member : {"id", "calendar_url", "created_at", "updated_at", "sequence"}) {
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
  json links = again.json();
  links["links"]["page"] = "https://elsewhere.example/x";
  CHECK(p.patch(target, links, edit_headers(p.lansstyrelsen_key, again)).status == 422);
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
  json moved_zone = saved.json();
  moved_zone["timezone"] = "Europe/London";
  auto refused = p.patch(target, moved_zone, edit_headers(p.lansstyrelsen_key, saved));
  CHECK(refused.status == 422);
  CHECK(only_error_field(refused) == "timezone");

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
