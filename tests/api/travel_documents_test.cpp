// Travellers' passport details (issue 21, "Travel data is special") over real HTTP and
// PostgreSQL: sealed at rest and bound to their registration, read by the event's organisers
// only, never in lists or messages, in the CSV export only when asked for, and deleted with
// a cancellation and by the retention sweep after the trip.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "trip_fixture.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

const json kEleni = {{"passport_number", "K00123456"},
                     {"issuing_country", "CY"},
                     {"passport_expires_on", "2031-05-31"},
                     {"date_of_birth", "1984-02-29"},
                     {"nationality", "CY"}};

std::string path_of(const json& registration) {
  return "/v1/registrations/" + registration["id"].get<std::string>() + "/travel-document";
}
std::string token_of(const json& registration) { return registration["manage_token"].get<std::string>(); }

}  // namespace

TEST_CASE("travel documents: sealed at rest, read by the organisers only, never in lists, exported when asked") {
  Trip trip;
  const std::string cyprus = trip.create_delegation({{"name", "Cyprus"}})["id"];
  json eleni = trip.registered("Eleni Georgiou", "eleni@example.org", cyprus);
  json andreas = trip.registered("Andreas Christou", "andreas@example.org", cyprus);

  // The participant gives them; the answer repeats nothing.
  auto put = trip.server.request("PUT", path_of(eleni), kEleni.dump(), json_as(token_of(eleni)));
  REQUIRE_MESSAGE(put.status == 204, put.body);
  CHECK(put.body.empty());
  // The database holds no readable trace of them.
  const std::string stored = trip.sql("SELECT sealed FROM travel_documents");
  CHECK_FALSE(stored.empty());
  CHECK(trip.sql("SELECT count(*) FROM travel_documents t, registrations r WHERE t::text LIKE '%K00123456%' "
                 "OR t::text LIKE '%1984%' OR r::text LIKE '%K00123456%'") == "0");
  CHECK(trip.sql("SELECT count(*) FROM mail_outbox WHERE message LIKE '%K00123456%'") == "0");

  // The organiser reads them; the participant and the leader, who may give them, do not.
  auto read = trip.server.get(path_of(eleni), bearer(trip.forum_key));
  REQUIRE(read.status == 200);
  json document = read.json();
  document.erase("updated_at");
  CHECK(document == kEleni);
  CHECK(trip.server.get(path_of(eleni), bearer(token_of(eleni))).status == 403);
  auto leader =
      trip.server.request("POST", trip.base + "/delegations/" + cyprus + "/leader-token", "", bearer(trip.forum_key));
  const std::string leader_token = leader.json()["leader_token"];
  CHECK(
      trip.server.request("PUT", path_of(andreas), json{{"passport_number", "K00999888"}}.dump(), json_as(leader_token))
          .status == 204);
  CHECK(trip.server.get(path_of(andreas), bearer(leader_token)).status == 403);
  CHECK(trip.server.get(path_of(andreas), bearer(trip.other_key)).status == 403);
  CHECK(trip.server.get(path_of(andreas)).status == 401);

  // Never in the registration or a list.
  for (const std::string& target :
       {"/v1/registrations/" + eleni["id"].get<std::string>(), trip.base + "/registrations?limit=100",
        trip.base + "/delegations/" + cyprus + "/registrations"}) {
    auto response = trip.server.get(target, bearer(trip.forum_key));
    REQUIRE(response.status == 200);
    CHECK(response.body.find("K00123456") == std::string::npos);
  }
  // The CSV export has them when asked for, and only then; never for JSON or a leader.
  HeaderList csv = bearer(trip.forum_key);
  csv.emplace_back("Accept", "text/csv");
  auto plain = trip.server.get(trip.base + "/registrations", csv);
  REQUIRE(plain.status == 200);
  CHECK(plain.body.find("K00123456") == std::string::npos);
  auto with_travel = trip.server.get(trip.base + "/registrations?include=travel_documents", csv);
  REQUIRE(with_travel.status == 200);
  CHECK(with_travel.body.find("passport_number") != std::string::npos);
  CHECK(with_travel.body.find("K00123456,CY,2031-05-31,1984-02-29,CY,no") != std::string::npos);
  CHECK(with_travel.body.find("K00999888,,,,,no") != std::string::npos);
  CHECK(trip.server.get(trip.base + "/registrations?include=travel_documents", bearer(trip.forum_key)).status == 400);
  HeaderList leader_csv = bearer(leader_token);
  leader_csv.emplace_back("Accept", "text/csv");
  CHECK(trip.server.get(trip.base + "/delegations/" + cyprus + "/registrations?include=travel_documents", leader_csv)
            .status == 403);

  // Bad input changes nothing.
  auto refused = trip.server.request(
      "PUT", path_of(eleni), json{{"passport_number", "k 001"}, {"nationality", "Cyprus"}, {"visa", true}}.dump(),
      json_as(token_of(eleni)));
  REQUIRE(refused.status == 422);
  CHECK(refused.json()["errors"].size() == 3);
  CHECK(trip.sql("SELECT sealed FROM travel_documents WHERE registration_id = '" + eleni["id"].get<std::string>() +
                 "'") == stored);

  // A sealed text copied to another registration opens nowhere.
  trip.server.database().exec("UPDATE travel_documents SET sealed = '" + stored + "' WHERE registration_id = '" +
                              andreas["id"].get<std::string>() + "'");
  CHECK(trip.server.get(path_of(andreas), bearer(trip.forum_key)).status == 409);

  // Deleted on request, and with a cancellation.
  CHECK(trip.server.request("DELETE", path_of(andreas), "", bearer(token_of(andreas))).status == 204);
  CHECK(trip.server.get(path_of(andreas), bearer(trip.forum_key)).status == 404);
  REQUIRE(
      trip.server.request("DELETE", "/v1/registrations/" + eleni["id"].get<std::string>(), "", bearer(token_of(eleni)))
          .status == 204);
  CHECK(trip.sql("SELECT count(*) FROM travel_documents") == "0");
  CHECK(trip.server.request("PUT", path_of(eleni), kEleni.dump(), json_as(token_of(eleni))).status == 409);
}

TEST_CASE("travel documents: another key opens none, no key keeps none") {
  Trip trip;
  json eleni = trip.registered("Eleni Georgiou", "eleni@example.org", std::nullopt);
  REQUIRE(trip.server.request("PUT", path_of(eleni), kEleni.dump(), json_as(token_of(eleni))).status == 204);

  ServerSettings rotated;
  rotated.data_key = "another-data-key-0123456789abcdef0123456789";
  TestServer other(trip.server.database(), rotated);
  auto unreadable = other.get(path_of(eleni), bearer(trip.forum_key));
  CHECK(unreadable.status == 409);
  CHECK(unreadable.body.find("K00123456") == std::string::npos);

  ServerSettings keyless;
  keyless.data_key = "";
  TestServer none(trip.server.database(), keyless);
  json karin = trip.registered("Karin Lindqvist", "karin@example.se", std::nullopt);
  CHECK(none.request("PUT", path_of(karin), kEleni.dump(), json_as(token_of(karin))).status == 409);
  CHECK(trip.sql("SELECT count(*) FROM travel_documents") == "1");
}

TEST_CASE("travel documents: the sweep deletes them EVENTD_TRAVEL_DATA_DAYS after the trip, the rest stays") {
  ServerSettings settings;
  settings.retention_sweep_s = "1";
  settings.travel_data_days = "30";
  Trip trip(40, true, settings);
  json eleni = trip.registered("Eleni Georgiou", "eleni@example.org", std::nullopt);
  REQUIRE(trip.server.request("PUT", path_of(eleni), kEleni.dump(), json_as(token_of(eleni))).status == 204);
  // Another trip, not over yet: its traveller's details stay.
  trip.create_event("sommarresa", 10, true);
  auto other = trip.server.request("POST", "/v1/events/sommarresa/registrations",
                                   json{{"name", "Anna Huber"}, {"email", "anna@example.at"}, {"consent", true}}.dump(),
                                   {{"Content-Type", "application/json"}});
  REQUIRE(other.status == 201);
  const json anna = other.json();
  REQUIRE(
      trip.server.request("PUT", path_of(anna), json{{"passport_number", "P1234567"}}.dump(), json_as(token_of(anna)))
          .status == 204);

  // The trip ended 31 days ago.
  trip.server.database().exec(
      "UPDATE events SET starts_at = now() - interval '32 days', ends_at = now() - "
      "interval '31 days' WHERE slug = 'ostersund-utbyte'");
  for (int i = 0; i < 50 && trip.sql("SELECT count(*) FROM travel_documents") != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(trip.sql("SELECT count(*) FROM travel_documents") == "1");
  CHECK(trip.sql("SELECT registration_id::text FROM travel_documents") == anna["id"].get<std::string>());
  // The registration itself is kept (EVENTD_RETENTION_DAYS is 90).
  CHECK(trip.sql("SELECT name FROM registrations WHERE id = '" + eleni["id"].get<std::string>() + "'") ==
        "Eleni Georgiou");
}
