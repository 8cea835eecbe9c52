// The event page in one request (issue 19): GET /v1/events/{id}?include=... gives what the
// organiser, partners, sessions and speakers routes give the same caller, in one answer
// whose ETag follows what it includes.
#include <doctest/doctest.h>

#include <string>

#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;

namespace {

const std::string kForum = "/v1/events/integrationsforum-2020";

// Integrationsforum with its programme, its speakers and an accepted partner (Forum).
struct EventPage : Programme {
  EventPage() {
    seed_speakers();
    seed_sessions("integrationsforum-2020", "integrationsforum-2020", lansstyrelsen_key);
    server.database().exec(
        "INSERT INTO event_partners (event_id, organisation_id, position, status) SELECT e.id, o.id, 0, 'accepted' "
        "FROM events e, organisations o WHERE e.slug = 'integrationsforum-2020' AND o.slug = 'forum'");
  }
  HttpResponse get(const std::string& target, const HeaderList& headers = {}) {
    return server.request("GET", target, "", headers);
  }
};

}  // namespace

TEST_CASE("event page: ?include= gives each record as its own route gives it, to each caller") {
  EventPage p;
  for (const HeaderList& caller : {HeaderList{}, bearer(p.lansstyrelsen_key)}) {
    auto page = p.get(kForum + "?include=organiser,partners,sessions,speakers", caller);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    const json body = page.json();
    const json& included = body["included"];
    json event = body;
    event.erase("included");
    CHECK(event == p.get(kForum, caller).json());
    const std::string organiser_id = body["organiser_id"];
    CHECK(included["organiser"] == p.get("/v1/organisations/" + organiser_id, caller).json());
    REQUIRE(included["partners"].size() == 1);
    CHECK(included["partners"][0] == p.get("/v1/organisations/forum", caller).json());
    CHECK(included["sessions"] == p.get(kForum + "/sessions?limit=200", caller).json()["items"]);
    CHECK(included["speakers"] == p.get(kForum + "/speakers?limit=200", caller).json()["items"]);
    CHECK_FALSE(included["sessions"].empty());
    CHECK_FALSE(included["speakers"].empty());
  }
  // Only what was asked for; repeated parameters as openapi-fetch sends an array.
  auto some = p.get(kForum + "?include=sessions&include=organiser");
  REQUIRE(some.status == 200);
  CHECK(some.json()["included"].size() == 2);
  CHECK(some.json()["included"].contains("sessions"));
  CHECK_FALSE(p.get(kForum).json().contains("included"));

  // An unknown name is a 400 that names it.
  auto unknown = p.get(kForum + "?include=organiser,registrations");
  CHECK(unknown.status == 400);
  CHECK(unknown.json()["detail"].get<std::string>().find("registrations") != std::string::npos);
  // A draft stays a 404 with or without include.
  CHECK(p.get("/v1/events/forum-utkast?include=sessions").status == 404);

  // The list includes organisers, once per event, each as its own route gives it.
  auto list = p.get("/v1/events?include=organiser");
  REQUIRE(list.status == 200);
  const json items = list.json()["items"];
  REQUIRE_FALSE(items.empty());
  for (const auto& item : items) {
    CHECK(item["included"]["organiser"] ==
          p.get("/v1/organisations/" + item["organiser_id"].get<std::string>()).json());
  }
  CHECK(p.get("/v1/events?include=sessions").status == 400);
}

TEST_CASE("event page: its ETag follows what it includes, and PATCH accepts it as If-Match") {
  EventPage p;
  const std::string target = kForum + "?include=sessions,speakers";
  auto first = p.get(target, bearer(p.lansstyrelsen_key));
  REQUIRE(first.status == 200);
  const std::string etag = first.header("ETag");
  REQUIRE_FALSE(etag.empty());
  CHECK(first.header("Last-Modified").empty());
  CHECK(p.get(target, with(bearer(p.lansstyrelsen_key), "If-None-Match", etag)).status == 304);

  // A session moves: the event row does not change, the page does.
  const std::string session = first.json()["included"]["sessions"][0]["id"];
  auto moved = p.patch(kForum + "/sessions/" + session, {{"location", "Studio 3"}}, bearer(p.lansstyrelsen_key));
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  auto second = p.get(target, with(bearer(p.lansstyrelsen_key), "If-None-Match", etag));
  REQUIRE(second.status == 200);
  CHECK(second.header("ETag") != etag);
  CHECK(second.json()["included"]["sessions"][0]["location"] == "Studio 3");

  // The organiser edits the event with the page's ETag.
  auto edited = p.patch(kForum, {{"summary", "Programmet är klart."}},
                        with(bearer(p.lansstyrelsen_key), "If-Match", second.header("ETag")));
  CHECK_MESSAGE(edited.status == 200, edited.body);
  auto stale = p.patch(kForum, {{"summary", "För sent."}}, with(bearer(p.lansstyrelsen_key), "If-Match", etag));
  CHECK(stale.status == 412);
}
