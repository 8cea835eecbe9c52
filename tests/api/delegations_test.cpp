// The delegations of a study trip (issue 21) over real HTTP and PostgreSQL: the resource, seat
// quotas under concurrent sign-ups from two instances, each delegation's own waiting line and
// its promotions, and the delegation leader's token, which reaches their delegation only.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "trip_fixture.hpp"

using namespace eventd::test;
using nlohmann::json;

TEST_CASE("delegations: an organiser creates, reads, changes and removes a trip's delegations") {
  Trip trip;
  json cyprus = trip.create_delegation({{"name", "Cyprus"},
                                        {"country", "CY"},
                                        {"contact", {{"name", "Eleni Georgiou"}, {"email", "eleni@example.org"}}},
                                        {"quota", 12}});
  CHECK(cyprus["name"] == "Cyprus");
  CHECK(cyprus["quota"] == 12);
  CHECK(cyprus["contact"]["phone"].is_null());
  CHECK(cyprus["counts"] == json{{"confirmed", 0}, {"waitlisted", 0}});
  CHECK(cyprus["has_leader_token"] == false);
  CHECK(cyprus["event_id"] == trip.event_id);
  trip.create_delegation({{"name", "Österreich"}, {"country", "AT"}});

  // Names are unique in the event whatever their letter case.
  trip.create_delegation({{"name", "CYPRUS"}}, 409);
  // Every bad field in one 422, and nothing written.
  auto refused = trip.server.request(
      "POST", trip.base + "/delegations",
      json{{"name", ""}, {"country", "Cyprus"}, {"quota", -1}, {"contact", {{"email", "inte-en-adress"}}}, {"seats", 3}}
          .dump(),
      json_as(trip.forum_key));
  REQUIRE(refused.status == 422);
  std::set<std::string> fields;
  const json problem = refused.json();
  for (const auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
  CHECK(fields == std::set<std::string>{"name", "country", "quota", "contact.email", "seats"});
  CHECK(trip.sql("SELECT count(*) FROM delegations") == "2");

  // In name order; another organisation's key may see the event but not its delegations.
  auto list = trip.server.get(trip.base + "/delegations", bearer(trip.forum_key));
  REQUIRE(list.status == 200);
  REQUIRE(list.json()["items"].size() == 2);
  CHECK(list.json()["items"][0]["name"] == "Cyprus");
  CHECK(list.json()["items"][1]["name"] == "Österreich");
  CHECK(trip.server.get(trip.base + "/delegations", bearer(trip.other_key)).status == 403);
  CHECK(trip.server.get(trip.base + "/delegations").status == 401);

  // What GET gave, sent back with a change, is that change only.
  const std::string path = trip.base + "/delegations/" + cyprus["id"].get<std::string>();
  auto read = trip.server.get(path, bearer(trip.forum_key));
  REQUIRE(read.status == 200);
  json edited = read.json();
  edited["quota"] = 10;
  HeaderList headers = json_as(trip.forum_key);
  headers.emplace_back("If-Match", read.header("ETag"));
  auto patched = trip.server.request("PATCH", path, edited.dump(), headers);
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  CHECK(patched.json()["quota"] == 10);
  CHECK(patched.json()["contact"]["email"] == "eleni@example.org");
  // The old tag no longer matches.
  CHECK(trip.server.request("PATCH", path, R"({"quota": 9})", headers).status == 412);
  // Its id is not the client's to change.
  CHECK(trip.server.request("PATCH", path, R"({"id": "5d0c1b7e-3f2a-4c8d-9e6b-1a2b3c4d5e6f"})", json_as(trip.forum_key))
            .status == 422);

  // A delegation that a registration names stays; one nobody names goes.
  trip.registered("Andreas Christou", "andreas@example.org", cyprus["id"].get<std::string>());
  CHECK(trip.server.request("DELETE", path, "", bearer(trip.forum_key)).status == 409);
  const std::string austria = list.json()["items"][1]["id"];
  CHECK(trip.server.request("DELETE", trip.base + "/delegations/" + austria, "", bearer(trip.forum_key)).status == 204);
  CHECK(trip.server.get(trip.base + "/delegations/" + austria, bearer(trip.forum_key)).status == 404);
}

TEST_CASE("delegations: a quota holds under sign-ups from two instances at once, each delegation in its own line") {
  ServerSettings settings;
  settings.db_pool = 6;
  Trip trip(/*capacity=*/40, /*waitlist=*/true, settings);
  TestServer second(trip.server.database(), settings);
  const std::string cyprus = trip.create_delegation({{"name", "Cyprus"}, {"country", "CY"}, {"quota", 4}})["id"];
  const std::string austria = trip.create_delegation({{"name", "Österreich"}, {"country", "AT"}, {"quota", 6}})["id"];

  // 16 for Cyprus, 8 for Austria, 8 without a delegation, half through each instance.
  struct Person {
    std::string email;
    std::optional<std::string> delegation;
  };
  std::vector<Person> people;
  for (int i = 0; i < 16; ++i) people.push_back({"cy" + std::to_string(i) + "@example.org", cyprus});
  for (int i = 0; i < 8; ++i) people.push_back({"at" + std::to_string(i) + "@example.org", austria});
  for (int i = 0; i < 8; ++i) people.push_back({"se" + std::to_string(i) + "@example.se", std::nullopt});
  std::vector<HttpResponse> answers(people.size());
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (std::size_t i = 0; i < people.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      TestServer& via = i % 2 == 0 ? trip.server : second;
      answers[i] = trip.sign_up(via, "Deltagare " + std::to_string(i), people[i].email, people[i].delegation);
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  std::map<std::string, int> confirmed;
  std::map<std::string, std::set<int>> positions;
  for (std::size_t i = 0; i < people.size(); ++i) {
    REQUIRE_MESSAGE(answers[i].status == 201, answers[i].body);
    const json body = answers[i].json();
    const std::string line = people[i].delegation.value_or("none");
    CHECK(body["delegation_id"] == (people[i].delegation ? json(*people[i].delegation) : json(nullptr)));
    if (body["status"] == "confirmed") {
      ++confirmed[line];
    } else {
      REQUIRE(body["status"] == "waitlisted");
      positions[line].insert(body["waitlist_position"].get<int>());
    }
  }
  // Exactly the quotas; nobody without a delegation waits (the event has 40 seats).
  CHECK(confirmed[cyprus] == 4);
  CHECK(confirmed[austria] == 6);
  CHECK(confirmed["none"] == 8);
  CHECK(positions[cyprus] == std::set<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(positions[austria] == std::set<int>{1, 2});
  CHECK(positions["none"].empty());
  // The database agrees, and so do the delegations' counts.
  CHECK(trip.sql("SELECT count(*) FROM registrations WHERE delegation_id = '" + cyprus +
                 "' AND status = 'confirmed'") == "4");
  auto read = trip.server.get(trip.base + "/delegations/" + cyprus, bearer(trip.forum_key)).json();
  CHECK(read["counts"] == json{{"confirmed", 4}, {"waitlisted", 12}});
  // The organiser's list by delegation.
  auto listed =
      trip.server.get(trip.base + "/registrations?delegation=" + austria + "&limit=100", bearer(trip.forum_key));
  REQUIRE(listed.status == 200);
  CHECK(listed.json()["items"].size() == 8);
  const json listed_items = listed.json()["items"];
  for (const auto& r : listed_items) CHECK(r["delegation_id"] == austria);

  // The database holds the quota whoever writes.
  CHECK_THROWS(trip.server.database().exec(
      "UPDATE registrations SET status = 'confirmed' WHERE id = (SELECT id FROM registrations WHERE delegation_id = '" +
      cyprus + "' AND status = 'waitlisted' ORDER BY seq LIMIT 1)"));
}

TEST_CASE("delegations: a freed seat goes to the first who may take it; a raised quota promotes in order") {
  Trip trip(/*capacity=*/5, /*waitlist=*/true);
  const std::string cyprus = trip.create_delegation({{"name", "Cyprus"}, {"quota", 2}})["id"];
  std::vector<json> cy;
  for (int i = 0; i < 4; ++i) {
    cy.push_back(trip.registered("Cypriot " + std::to_string(i), "cy" + std::to_string(i) + "@example.org", cyprus));
  }
  std::vector<json> se;
  for (int i = 0; i < 4; ++i) {
    se.push_back(
        trip.registered("Svensk " + std::to_string(i), "se" + std::to_string(i) + "@example.se", std::nullopt));
  }
  // Cyprus: 2 seats, 2 waiting (1, 2). The event: 2 + 3 = 5 seats taken, one Swede waiting
  // behind every waiting registration of the event (3).
  CHECK(cy[2]["waitlist_position"] == 1);
  CHECK(cy[3]["waitlist_position"] == 2);
  CHECK(se[3]["status"] == "waitlisted");
  CHECK(se[3]["waitlist_position"] == 3);

  auto status_of = [&](const json& r) {
    return trip.server.get("/v1/registrations/" + r["id"].get<std::string>(), bearer(trip.forum_key))
        .json()["status"]
        .get<std::string>();
  };
  auto cancel = [&](const json& r) {
    auto response = trip.server.request("DELETE", "/v1/registrations/" + r["id"].get<std::string>(), "",
                                        bearer(r["manage_token"].get<std::string>()));
    REQUIRE(response.status == 204);
  };

  // A Swede's seat: Cyprus is at its quota, so the waiting Swede gets it, though two
  // Cypriots came first.
  cancel(se[0]);
  CHECK(status_of(se[3]) == "confirmed");
  CHECK(status_of(cy[2]) == "waitlisted");
  // A Cypriot's seat goes to the first Cypriot in line, who is told by e-mail.
  cancel(cy[0]);
  CHECK(status_of(cy[2]) == "confirmed");
  CHECK(trip.sql("SELECT count(*) FROM mail_outbox WHERE kind = 'registration_promoted' AND registration_id = '" +
                 cy[2]["id"].get<std::string>() + "'") == "1");
  auto last = trip.server.get("/v1/registrations/" + cy[3]["id"].get<std::string>(),
                              bearer(cy[3]["manage_token"].get<std::string>()));
  CHECK(last.json()["waitlist_position"] == 1);

  // A raised quota gives seats only while the event has them: it is full.
  const std::string path = trip.base + "/delegations/" + cyprus;
  auto raised = trip.server.request("PATCH", path, R"({"quota": 3})", json_as(trip.forum_key));
  REQUIRE_MESSAGE(raised.status == 200, raised.body);
  CHECK(status_of(cy[3]) == "waitlisted");
  // With a seat of the event free, the raised quota's seat is taken at once.
  cancel(se[1]);
  CHECK(status_of(cy[3]) == "confirmed");
  CHECK(trip.sql("SELECT count(*) FROM registrations WHERE status = 'confirmed'") == "5");

  // A quota below the confirmed: 422, nothing changed.
  auto lowered = trip.server.request("PATCH", path, R"({"quota": 1})", json_as(trip.forum_key));
  CHECK(lowered.status == 422);
  CHECK(lowered.json()["errors"][0]["field"] == "quota");
  CHECK(trip.sql("SELECT quota FROM delegations WHERE id = '" + cyprus + "'") == "3");
}

TEST_CASE("delegations: without a waitlist, a delegation at its quota says so") {
  Trip trip(/*capacity=*/10, /*waitlist=*/false);
  const std::string austria = trip.create_delegation({{"name", "Österreich"}, {"quota", 1}})["id"];
  trip.registered("Anna Huber", "anna@example.at", austria);
  auto refused = trip.sign_up(trip.server, "Lukas Gruber", "lukas@example.at", austria);
  REQUIRE(refused.status == 409);
  CHECK(refused.json()["detail"].get<std::string>().find("Österreich") != std::string::npos);
  // Without a delegation there are seats left.
  CHECK(trip.sign_up(trip.server, "Lukas Gruber", "lukas@example.at", std::nullopt).status == 201);
  CHECK(trip.sql("SELECT count(*) FROM registrations") == "2");
}

TEST_CASE("delegations: a registration names a delegation of its own event, once and for all") {
  Trip trip;
  const std::string cyprus = trip.create_delegation({{"name", "Cyprus"}})["id"];
  trip.create_event("annan-resa", 10, true);
  auto other = trip.server.request("POST", "/v1/events/annan-resa/delegations", R"({"name": "Cyprus"})",
                                   json_as(trip.forum_key));
  REQUIRE(other.status == 201);
  const std::string foreign = other.json()["id"];

  for (const std::string& wrong : {foreign, std::string("5d0c1b7e-3f2a-4c8d-9e6b-1a2b3c4d5e6f"), std::string("x")}) {
    auto refused = trip.sign_up(trip.server, "Andreas Christou", "andreas@example.org", wrong);
    REQUIRE(refused.status == 422);
    CHECK(refused.json()["errors"][0]["field"] == "delegation_id");
  }
  CHECK(trip.sql("SELECT count(*) FROM registrations") == "0");

  json member = trip.registered("Andreas Christou", "andreas@example.org", cyprus);
  const std::string path = "/v1/registrations/" + member["id"].get<std::string>();
  HeaderList as_member = {{"Authorization", "Bearer " + member["manage_token"].get<std::string>()},
                          {"Content-Type", "application/json"}};
  auto moved = trip.server.request("PATCH", path, json{{"delegation_id", foreign}}.dump(), as_member);
  CHECK(moved.status == 422);
  // Sent back as read, it is no change.
  json read = trip.server.get(path, as_member).json();
  read["needs"] = "Vegetarisk kost";
  auto kept = trip.server.request("PATCH", path, read.dump(), as_member);
  REQUIRE_MESSAGE(kept.status == 200, kept.body);
  CHECK(kept.json()["delegation_id"] == cyprus);
}

TEST_CASE("delegations: a leader's token reaches their own delegation and its registrations, nothing else") {
  Trip trip;
  const std::string cyprus = trip.create_delegation({{"name", "Cyprus"}, {"quota", 10}})["id"];
  const std::string austria = trip.create_delegation({{"name", "Österreich"}})["id"];
  auto issued =
      trip.server.request("POST", trip.base + "/delegations/" + cyprus + "/leader-token", "", bearer(trip.forum_key));
  REQUIRE(issued.status == 201);
  const std::string leader = issued.json()["leader_token"];
  CHECK(leader.starts_with("evd_"));
  CHECK(issued.json()["delegation"]["has_leader_token"] == true);
  // Another organisation may not issue one.
  CHECK(trip.server.request("POST", trip.base + "/delegations/" + cyprus + "/leader-token", "", bearer(trip.other_key))
            .status == 403);

  json eleni = trip.registered("Eleni Georgiou", "eleni@example.org", cyprus);
  json andreas = trip.registered("Andreas Christou", "andreas@example.org", cyprus);
  json anna = trip.registered("Anna Huber", "anna@example.at", austria);
  json karin = trip.registered("Karin Lindqvist", "karin@example.se", std::nullopt);

  // Their delegation, and in the list only theirs.
  CHECK(trip.server.get(trip.base + "/delegations/" + cyprus, bearer(leader)).status == 200);
  CHECK(trip.server.get(trip.base + "/delegations/" + austria, bearer(leader)).status == 404);
  auto own = trip.server.get(trip.base + "/delegations", bearer(leader));
  REQUIRE(own.status == 200);
  REQUIRE(own.json()["items"].size() == 1);
  CHECK(own.json()["items"][0]["id"] == cyprus);

  // Their delegation's registrations, as JSON and as CSV.
  auto members = trip.server.get(trip.base + "/delegations/" + cyprus + "/registrations", bearer(leader));
  REQUIRE(members.status == 200);
  std::set<std::string> names;
  const json member_list = members.json();
  for (const auto& r : member_list["items"]) names.insert(r["name"].get<std::string>());
  CHECK(names == std::set<std::string>{"Eleni Georgiou", "Andreas Christou"});
  HeaderList csv = bearer(leader);
  csv.emplace_back("Accept", "text/csv");
  auto sheet = trip.server.get(trip.base + "/delegations/" + cyprus + "/registrations", csv);
  REQUIRE(sheet.status == 200);
  CHECK(sheet.body.find("andreas@example.org") != std::string::npos);
  CHECK(sheet.body.find("anna@example.at") == std::string::npos);
  CHECK(trip.server.get(trip.base + "/delegations/" + austria + "/registrations", bearer(leader)).status == 404);
  CHECK(trip.server.get(trip.base + "/registrations", bearer(leader)).status == 401);

  // A member's registration as its organiser sees it (no personal feed, no access block),
  // changed and cancelled by the leader.
  const std::string andreas_path = "/v1/registrations/" + andreas["id"].get<std::string>();
  auto seen = trip.server.get(andreas_path, bearer(leader));
  REQUIRE(seen.status == 200);
  CHECK_FALSE(seen.json().contains("feed_url"));
  CHECK_FALSE(seen.json().contains("access"));
  auto changed = trip.server.request("PATCH", andreas_path, R"({"needs": "Glutenfri kost"})", json_as(leader));
  REQUIRE_MESSAGE(changed.status == 200, changed.body);
  CHECK(changed.json()["needs"] == "Glutenfri kost");
  CHECK(trip.server.request("DELETE", andreas_path, "", bearer(leader)).status == 204);
  CHECK(trip.sql("SELECT status FROM registrations WHERE id = '" + andreas["id"].get<std::string>() + "'") ==
        "cancelled");

  // Anybody else's registration is as if it did not exist; nothing of it changes.
  for (const json& stranger : {anna, karin}) {
    const std::string path = "/v1/registrations/" + stranger["id"].get<std::string>();
    CHECK(trip.server.get(path, bearer(leader)).status == 404);
    CHECK(trip.server.request("DELETE", path, "", bearer(leader)).status == 404);
  }
  CHECK(trip.sql("SELECT count(*) FROM registrations WHERE status = 'cancelled'") == "1");
  // The token is no organiser's key.
  CHECK(trip.server.request("PATCH", trip.base + "/delegations/" + cyprus, R"({"quota": 1})", json_as(leader)).status ==
        401);
  CHECK(trip.server.request("PATCH", trip.base, R"({"capacity": 1})", json_as(leader)).status == 401);

  // A new token replaces it.
  auto again =
      trip.server.request("POST", trip.base + "/delegations/" + cyprus + "/leader-token", "", bearer(trip.forum_key));
  REQUIRE(again.status == 201);
  CHECK(trip.server.get(trip.base + "/delegations/" + cyprus, bearer(leader)).status == 401);
  CHECK(trip.server.get("/v1/registrations/" + eleni["id"].get<std::string>(), bearer(leader)).status == 401);
  CHECK(trip.server
            .get("/v1/registrations/" + eleni["id"].get<std::string>(),
                 bearer(again.json()["leader_token"].get<std::string>()))
            .status == 200);
}
