// The event page in one request (issue 19): GET /v1/events/{id}?include=... gives what the
// organiser, partners, sessions and speakers routes give the same caller, in one answer
// whose ETag follows what it includes.
#include <doctest/doctest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <chrono>
#include <string>
#include <thread>

#include "db/pool.hpp"
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
  CHECK(some.json()["included"].size() == 3);
  CHECK(some.json()["included"].contains("sessions"));
  CHECK(some.json()["included"].contains("organiser"));
  // Which collections were cut at 1000 (services::kMaxIncluded): none of this programme.
  CHECK(some.json()["included"]["truncated"] == json::array());
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

TEST_CASE("event page: what another organisation or an anonymous caller sees in included") {
  EventPage p;
  // A partner that has not answered, private data of a speaker, a stream link on request.
  p.server.database().exec(
      "INSERT INTO event_partners (event_id, organisation_id, position, status) SELECT e.id, o.id, 1, 'pending' "
      "FROM events e, organisations o WHERE e.slug = 'integrationsforum-2020' AND o.slug = "
      "'fyrbodals-kommunalforbund'");
  p.server.database().exec(
      "UPDATE speakers SET email = 'alice.petren@example.se', phone = '+46 70 111 22 33' WHERE slug = "
      "'alice-petren'");
  p.server.database().exec(
      "UPDATE events SET online_stream_url = 'https://stream.example/hemlig' WHERE slug = 'integrationsforum-2020'");
  const std::string pending = p.organisation_id("fyrbodals-kommunalforbund");
  const std::string accepted = p.organisation_id("forum");
  const std::string target = kForum + "?include=organiser,partners,sessions,speakers";

  for (const HeaderList& caller : {HeaderList{}, bearer(p.forum_key)}) {
    auto page = p.get(target, caller);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    const json body = page.json();
    const json& included = body["included"];
    // Only the accepted partner, as partner_ids shows it to them.
    CHECK(body["partner_ids"] == json::array({accepted}));
    REQUIRE(included["partners"].size() == 1);
    CHECK(included["partners"][0]["id"] == accepted);
    CHECK(page.body.find(pending) == std::string::npos);
    // No private member of a speaker, no stream link; the routes give the same.
    for (const json& speaker : included["speakers"]) {
      CHECK_FALSE(speaker.contains("email"));
      CHECK_FALSE(speaker.contains("phone"));
    }
    CHECK(page.body.find("alice.petren@example.se") == std::string::npos);
    CHECK(page.body.find("+46 70 111 22 33") == std::string::npos);
    CHECK(page.body.find("stream.example/hemlig") == std::string::npos);
    CHECK(included["speakers"] == p.get(kForum + "/speakers?limit=200", caller).json()["items"]);
    CHECK(included["sessions"] == p.get(kForum + "/sessions?limit=200", caller).json()["items"]);
  }

  // The organiser sees every partner it named (partner_ids) and its speakers' private members.
  auto own = p.get(target, bearer(p.lansstyrelsen_key));
  REQUIRE(own.status == 200);
  const json own_body = own.json();
  CHECK(own_body["partner_ids"] == json::array({accepted, pending}));
  CHECK(own_body["included"]["partners"].size() == 2);
  CHECK(own.body.find("alice.petren@example.se") != std::string::npos);

  // Another organisation's draft stays a 404, whatever is included.
  for (const HeaderList& caller : {HeaderList{}, bearer(p.lansstyrelsen_key)}) {
    CHECK(p.get("/v1/events/forum-utkast?include=organiser,partners,sessions,speakers", caller).status == 404);
  }
  CHECK(p.get("/v1/events/forum-utkast?include=organiser,partners,sessions,speakers", bearer(p.forum_key)).status ==
        200);
}

TEST_CASE("event page: the event and its programme are read in one snapshot") {
  EventPage p;
  // Hold the sessions table so that the page's read of the programme waits, after its read of
  // the event; meanwhile the event and its sessions change together.
  soci::session holder(*soci::factory_postgresql(), eventd::db::keyword_conninfo(p.server.database().url()));
  holder << "BEGIN";
  holder << "LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE";
  HttpResponse page;
  std::thread reader([&] { page = p.server.request("GET", kForum + "?include=sessions"); });
  bool waiting = false;
  for (int i = 0; i < 500 && !waiting; ++i) {
    waiting = p.server.database().scalar(
                  "SELECT count(*) FROM pg_locks WHERE relation = 'sessions'::regclass AND NOT granted") != "0";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  holder << "UPDATE events SET title = 'Integrationsforum 2020, nytt program' WHERE slug = 'integrationsforum-2020'";
  holder << "UPDATE sessions SET title = 'Nytt program: ' || title";
  holder << "COMMIT";
  reader.join();
  REQUIRE(waiting);
  REQUIRE_MESSAGE(page.status == 200, page.body);
  const json body = page.json();
  const bool new_event = body["title"] == "Integrationsforum 2020, nytt program";
  for (const json& session : body["included"]["sessions"]) {
    CHECK(session["title"].get<std::string>().starts_with("Nytt program: ") == new_event);
  }
}
