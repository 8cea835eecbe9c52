// The rooms of a study trip (issue 21) over real HTTP and PostgreSQL: rooms and their nights,
// beds given to confirmed participants, nobody with two beds a night (also when two
// assignments race from several threads), no room over its beds, a cancelled registration's
// bed freed, and the rooming list the hotel gets in JSON and CSV.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "db/migrations.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
HeaderList json_as(const std::string& key) {
  return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}
std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

constexpr const char* kHotel = "Clarion Hotel Grand Östersund";

// Forum's exchange visit to Östersund (4–5 September 2035; the hotel nights 3 and 4
// September), with its organiser key and a key of another organisation.
struct Trip {
  TestServer server;
  std::string forum_key;
  std::string other_key;
  std::string event_id;
  std::string base;  // /v1/events/<slug>

  explicit Trip(ServerSettings settings = {}) : server(std::move(settings)) {
    auto& db = server.database();
    db.exec("INSERT INTO organisations (slug, name, kind) VALUES ('forum', " +
            quoted("Forum – idéburna organisationer med social inriktning") + ", 'civil_society'), ('fyrbodal', " +
            quoted("Fyrbodals kommunalförbund") + ", 'region')");
    forum_key = organiser_key("forum");
    other_key = organiser_key("fyrbodal");
    db.exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "venue_country, capacity, waitlist, organiser_id) VALUES ('ostersund-utbyte', " +
        quoted("Utbytesresa till Östersund") +
        ", 'study_visit', 'in_person', 'published', 'Europe/Stockholm', '2035-09-04T06:00:00Z', "
        "'2035-09-05T16:00:00Z', " +
        quoted("Östersund") + ", 'SE', 3, true, (SELECT id FROM organisations WHERE slug = 'forum'))");
    event_id = db.scalar("SELECT id::text FROM events WHERE slug = 'ostersund-utbyte'");
    base = "/v1/events/ostersund-utbyte";
  }

  std::string organiser_key(const std::string& slug) {
    std::string key = "evk_test_" + slug + "_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(key) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" +
        slug + "'))");
    return key;
  }

  HttpResponse post(const std::string& path, const json& body) {
    return server.request("POST", base + path, body.dump(), json_as(forum_key));
  }

  std::string create_room(const std::string& name, int beds, const std::string& first = "2035-09-03",
                          const std::string& last = "2035-09-04") {
    auto response = post(
        "/rooms", {{"name", name}, {"hotel", kHotel}, {"beds", beds}, {"first_night", first}, {"last_night", last}});
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return response.json()["id"];
  }

  // A participant who signs up (confirmed while the event has seats: it has 3).
  json registered(const std::string& name, const std::string& email, const std::string& needs = "") {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    if (!needs.empty()) body["needs"] = needs;
    auto response =
        server.request("POST", base + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return response.json();
  }

  HttpResponse assign(const std::string& room, const std::string& registration, const std::string& first = "",
                      const std::string& last = "") {
    json body = {{"registration_id", registration}};
    if (!first.empty()) body["first_night"] = first;
    if (!last.empty()) body["last_night"] = last;
    return post("/rooms/" + room + "/assignments", body);
  }

  std::string sql(const std::string& query) { return server.database().scalar(query); }
};

std::string detail_of(const HttpResponse& response) {
  const json problem = response.json();
  return problem.value("detail", "");
}

std::string code_of(const HttpResponse& response, const std::string& field) {
  const json problem = response.json();
  for (const auto& e : problem["errors"]) {
    if (e["field"] == field) return e["code"];
  }
  return "";
}

// A CSV text as rows of cells (RFC 4180: quoted cells, doubled quotes, CRLF), without its BOM.
std::vector<std::vector<std::string>> parse_csv(std::string text) {
  REQUIRE(text.starts_with("\xEF\xBB\xBF"));
  text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted_cell = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted_cell) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted_cell = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted_cell = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(cell);
      cell.clear();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      cell += c;
    }
  }
  REQUIRE_MESSAGE(row.empty(), "the CSV does not end with CRLF");
  return rows;
}

}  // namespace

TEST_CASE("rooms: an organiser books rooms, changes and gives them up; others may not") {
  Trip trip;
  auto created = trip.post(
      "/rooms",
      {{"name", "412"}, {"hotel", kHotel}, {"beds", 2}, {"first_night", "2035-09-03"}, {"last_night", "2035-09-04"}});
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const json room = created.json();
  CHECK(room["name"] == "412");
  CHECK(room["hotel"] == kHotel);
  CHECK(room["beds"] == 2);
  CHECK(room["first_night"] == "2035-09-03");
  CHECK(room["last_night"] == "2035-09-04");
  CHECK(room["assignments"] == json::array());
  CHECK(room["event_id"] == trip.event_id);
  const std::string path = trip.base + "/rooms/" + room["id"].get<std::string>();
  CHECK(
      created.header("Location").ends_with("/v1/events/" + trip.event_id + "/rooms/" + room["id"].get<std::string>()));
  CHECK(created.header("Cache-Control") == "no-store");
  trip.create_room("413", 2);

  // A name a hotel has already in this event, whatever its letter case.
  auto taken = trip.post("/rooms", {{"name", "412"},
                                    {"hotel", "CLARION hotel grand Östersund"},
                                    {"beds", 1},
                                    {"first_night", "2035-09-03"},
                                    {"last_night", "2035-09-03"}});
  CHECK(taken.status == 409);
  // Another hotel may have a 412.
  auto elsewhere = trip.post("/rooms", {{"name", "412"},
                                        {"hotel", "Scandic Östersund City"},
                                        {"beds", 1},
                                        {"first_night", "2035-09-03"},
                                        {"last_night", "2035-09-03"}});
  CHECK(elsewhere.status == 201);
  // Every bad field in one 422, and nothing written.
  auto refused = trip.post("/rooms", {{"name", ""},
                                      {"hotel", kHotel},
                                      {"beds", 0},
                                      {"first_night", "2035-09-05"},
                                      {"last_night", "2035-09-03"},
                                      {"floor", 4}});
  REQUIRE(refused.status == 422);
  CHECK(code_of(refused, "name") == "required");
  CHECK(code_of(refused, "beds") == "out_of_range");
  CHECK(code_of(refused, "last_night") == "must_not_be_before");
  CHECK(code_of(refused, "floor") == "unknown_member");
  auto endless = trip.post(
      "/rooms",
      {{"name", "500"}, {"hotel", kHotel}, {"beds", 1}, {"first_night", "2035-09-03"}, {"last_night", "2036-09-03"}});
  REQUIRE(endless.status == 422);
  CHECK(code_of(endless, "last_night") == "too_many_nights");
  auto required = trip.post("/rooms", json::object());
  REQUIRE(required.status == 422);
  CHECK(code_of(required, "first_night") == "required");
  CHECK(code_of(required, "beds") == "required");

  // By hotel and name; only the event's organisers.
  auto list = trip.server.get(trip.base + "/rooms", bearer(trip.forum_key));
  REQUIRE(list.status == 200);
  const json listed = list.json();
  std::vector<std::string> names;
  for (const auto& r : listed["items"]) names.push_back(r["name"]);
  CHECK(names.front() == "412");
  CHECK(std::find(names.begin(), names.end(), "413") != names.end());
  CHECK(trip.server.get(trip.base + "/rooms").status == 401);
  CHECK(trip.server.get(trip.base + "/rooms", bearer(trip.other_key)).status == 403);
  CHECK(trip.server.get(path, bearer(trip.other_key)).status == 403);
  CHECK(trip.server.request("POST", trip.base + "/rooms", room.dump(), json_as(trip.other_key)).status == 403);
  CHECK(trip.server.get(trip.base + "/rooming-list", bearer(trip.other_key)).status == 403);

  // What GET gave, sent back with a change, is that change only; the old tag is then stale.
  auto read = trip.server.get(path, bearer(trip.forum_key));
  REQUIRE(read.status == 200);
  CHECK(trip.server.get(path, {{"Authorization", "Bearer " + trip.forum_key}, {"If-None-Match", read.header("ETag")}})
            .status == 304);
  json edited = read.json();
  edited["beds"] = 3;
  HeaderList headers = json_as(trip.forum_key);
  headers.emplace_back("If-Match", read.header("ETag"));
  auto patched = trip.server.request("PATCH", path, edited.dump(), headers);
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  CHECK(patched.json()["beds"] == 3);
  CHECK(patched.json()["hotel"] == kHotel);
  CHECK(trip.server.request("PATCH", path, R"({"beds": 2})", headers).status == 412);
  auto moved = trip.server.request("PATCH", path, R"({"event_id": "7c4d2e18-6a5b-4f3c-9d8e-2b1a0f9e8d7c"})",
                                   json_as(trip.forum_key));
  CHECK(moved.status == 422);

  // Given up: gone.
  CHECK(trip.server.request("DELETE", path, "", bearer(trip.other_key)).status == 403);
  CHECK(trip.server.request("DELETE", path, "", bearer(trip.forum_key)).status == 204);
  CHECK(trip.server.get(path, bearer(trip.forum_key)).status == 404);
}

TEST_CASE("rooms: beds for confirmed participants, never two a night for one person, never more than a room has") {
  Trip trip;
  const std::string room412 = trip.create_room("412", 2);
  const std::string room413 = trip.create_room("413", 2);
  const std::string eleni = trip.registered("Eleni Georgiou", "eleni@example.org", "Vegetarian")["id"];
  const std::string andreas = trip.registered("Andreas Ioannou", "andreas@example.org")["id"];
  const std::string anna = trip.registered("Anna Huber", "anna@example.at")["id"];
  const json waiting = trip.registered("Jonas Berg", "jonas@example.se");
  REQUIRE(waiting["status"] == "waitlisted");

  // The room's nights when none are given.
  auto first = trip.assign(room412, eleni);
  REQUIRE_MESSAGE(first.status == 201, first.body);
  const json bed = first.json();
  CHECK(bed["first_night"] == "2035-09-03");
  CHECK(bed["last_night"] == "2035-09-04");
  CHECK(bed["name"] == "Eleni Georgiou");
  CHECK(bed["room_id"] == room412);

  // No double bed: another room on a night she has one is a 409 naming that night.
  auto twice = trip.assign(room413, eleni, "2035-09-04", "2035-09-04");
  REQUIRE(twice.status == 409);
  CHECK(detail_of(twice).find("2035-09-04") != std::string::npos);
  CHECK(trip.assign(room412, eleni).status == 409);

  // Two beds take two people a night, and refuse a third.
  REQUIRE(trip.assign(room412, andreas, "2035-09-03", "2035-09-03").status == 201);
  auto full = trip.assign(room412, anna, "2035-09-03", "2035-09-04");
  REQUIRE(full.status == 409);
  CHECK(detail_of(full).find("2035-09-03") != std::string::npos);
  // The night 412 has a free bed is fine.
  REQUIRE(trip.assign(room412, anna, "2035-09-04", "2035-09-04").status == 201);
  CHECK(trip.sql("SELECT count(*) FROM room_assignments") == "3");

  // Nights outside the room's are a 422, and so are a waitlisted or unknown registration.
  auto outside = trip.assign(room413, andreas, "2035-09-04", "2035-09-05");
  REQUIRE(outside.status == 422);
  CHECK(code_of(outside, "last_night") == "outside_room_nights");
  auto before = trip.assign(room413, andreas, "2035-09-02", "2035-09-02");
  REQUIRE(before.status == 422);
  CHECK(code_of(before, "first_night") == "outside_room_nights");
  auto unconfirmed = trip.assign(room413, waiting["id"]);
  REQUIRE(unconfirmed.status == 422);
  CHECK(code_of(unconfirmed, "registration_id") == "not_confirmed");
  auto unknown = trip.assign(room413, "5d0c1b7e-3f2a-4c8d-9e6b-1a2b3c4d5e6f");
  REQUIRE(unknown.status == 422);
  CHECK(code_of(unknown, "registration_id") == "unknown_registration");
  CHECK(trip.assign(room413, "").status == 422);

  // A room's nights or beds do not shrink under its people (409 naming the night).
  auto fewer_beds =
      trip.server.request("PATCH", trip.base + "/rooms/" + room412, R"({"beds": 1})", json_as(trip.forum_key));
  REQUIRE(fewer_beds.status == 409);
  CHECK(detail_of(fewer_beds).find("2035-09-03") != std::string::npos);
  auto fewer_nights = trip.server.request("PATCH", trip.base + "/rooms/" + room412, R"({"last_night": "2035-09-03"})",
                                          json_as(trip.forum_key));
  REQUIRE(fewer_nights.status == 409);
  CHECK(detail_of(fewer_nights).find("2035-09-04") != std::string::npos);
  // Nor does it go while people sleep in it.
  CHECK(trip.server.request("DELETE", trip.base + "/rooms/" + room412, "", bearer(trip.forum_key)).status == 409);

  // A bed taken back is free again.
  const std::string bed_path = trip.base + "/rooms/" + room412 + "/assignments/" + bed["id"].get<std::string>();
  CHECK(trip.server.request("DELETE", bed_path, "", bearer(trip.other_key)).status == 403);
  CHECK(trip.server.request("DELETE", bed_path, "", bearer(trip.forum_key)).status == 204);
  CHECK(trip.server.request("DELETE", bed_path, "", bearer(trip.forum_key)).status == 404);
  CHECK(trip.assign(room413, eleni).status == 201);
}

TEST_CASE("rooms: a cancelled registration's bed is freed") {
  Trip trip;
  const std::string room = trip.create_room("412", 1);
  const json karin = trip.registered("Karin Lindqvist", "karin@example.se");
  const std::string nils = trip.registered("Nils Persson", "nils@example.se")["id"];
  REQUIRE(trip.assign(room, karin["id"]).status == 201);
  REQUIRE(trip.assign(room, nils).status == 409);

  // Cancelled by the participant: the bed goes in the same transaction.
  auto cancelled = trip.server.request("DELETE", "/v1/registrations/" + karin["id"].get<std::string>(), "",
                                       bearer(karin["manage_token"]));
  REQUIRE_MESSAGE(cancelled.status == 204, cancelled.body);
  CHECK(trip.sql("SELECT count(*) FROM room_assignments") == "0");
  auto read = trip.server.get(trip.base + "/rooms/" + room, bearer(trip.forum_key));
  CHECK(read.json()["assignments"] == json::array());
  REQUIRE(trip.assign(room, nils).status == 201);
  // A cancelled registration gets no new bed.
  auto again = trip.assign(trip.create_room("413", 1), karin["id"]);
  REQUIRE(again.status == 422);
  CHECK(code_of(again, "registration_id") == "not_confirmed");
}

TEST_CASE("rooms: two assignments of one person made at once, from several threads: exactly one wins") {
  ServerSettings settings;
  settings.db_pool = 6;
  Trip trip(settings);
  const std::string eleni = trip.registered("Eleni Georgiou", "eleni@example.org")["id"];
  std::vector<std::string> rooms;
  for (int i = 0; i < 6; ++i) rooms.push_back(trip.create_room(std::to_string(410 + i), 2));
  // And one room of one bed that three people race for.
  const std::string single = trip.create_room("420", 1);
  const std::string andreas = trip.registered("Andreas Ioannou", "andreas@example.org")["id"];
  const std::string anna = trip.registered("Anna Huber", "anna@example.at")["id"];

  for (int round = 0; round < 3; ++round) {
    trip.server.database().exec("DELETE FROM room_assignments");
    std::vector<HttpResponse> answers(rooms.size() + 2);
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    for (std::size_t i = 0; i < answers.size(); ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        if (i < rooms.size()) {
          // Overlapping nights in different rooms: 3-4, 4-4, 3-3 ... all share a night with 3-4.
          const std::string first = i % 3 == 1 ? "2035-09-04" : "2035-09-03";
          const std::string last = i % 3 == 2 ? "2035-09-03" : "2035-09-04";
          answers[i] = trip.assign(rooms[i], eleni, first, last);
        } else {
          answers[i] = trip.assign(single, i == rooms.size() ? andreas : anna);
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();

    int won = 0;
    for (std::size_t i = 0; i < rooms.size(); ++i) {
      if (answers[i].status == 201) {
        ++won;
      } else {
        CHECK_MESSAGE(answers[i].status == 409, answers[i].body);
      }
    }
    // The winner may sleep 3–3 or 4–4 only, so one of each kind could both win; the person
    // never has two beds a night, which is what the database says.
    CHECK(won >= 1);
    CHECK(trip.sql("SELECT count(*) FROM room_assignments a JOIN room_assignments b ON a.registration_id = "
                   "b.registration_id AND a.id < b.id AND a.first_night <= b.last_night AND b.first_night <= "
                   "a.last_night") == "0");
    const int single_won = (answers[rooms.size()].status == 201) + (answers[rooms.size() + 1].status == 201);
    CHECK(single_won == 1);
    CHECK(trip.sql("SELECT count(*) FROM room_assignments WHERE room_id = '" + single + "'") == "1");
  }

  // The same nights from every thread: exactly one wins.
  trip.server.database().exec("DELETE FROM room_assignments");
  std::vector<HttpResponse> answers(rooms.size());
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      answers[i] = trip.assign(rooms[i], eleni);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int won = 0;
  for (const auto& answer : answers) {
    if (answer.status == 201)
      ++won;
    else
      CHECK_MESSAGE(answer.status == 409, answer.body);
  }
  CHECK(won == 1);
  CHECK(trip.sql("SELECT count(*) FROM room_assignments") == "1");
}

TEST_CASE("rooms: the rooming list, in JSON and in CSV") {
  Trip trip;
  // Cyprus's delegation: the names the hotel sees beside its members.
  auto delegation = trip.post("/delegations", {{"name", "Cyprus"}, {"country", "CY"}});
  REQUIRE_MESSAGE(delegation.status == 201, delegation.body);
  const std::string cyprus = delegation.json()["id"];
  const std::string room412 = trip.create_room("412", 2);
  const std::string room413 = trip.create_room("413", 2, "2035-09-03", "2035-09-03");
  auto sign_up = [&](const std::string& name, const std::string& email, const std::string& needs, bool delegate) {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    if (!needs.empty()) body["needs"] = needs;
    if (delegate) body["delegation_id"] = cyprus;
    auto response =
        trip.server.request("POST", trip.base + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return response.json()["id"].get<std::string>();
  };
  const std::string eleni = sign_up("Eleni Georgiou", "eleni@example.org", "Vegetarian", true);
  const std::string andreas = sign_up("Andreas Ioannou", "andreas@example.org", "", true);
  const std::string anna = sign_up("=HYPERLINK(\"http://x\")", "anna@example.at", "-Laktosfri, glutenfri", false);
  REQUIRE(trip.assign(room412, eleni).status == 201);
  REQUIRE(trip.assign(room412, andreas, "2035-09-03", "2035-09-03").status == 201);
  REQUIRE(trip.assign(room413, anna).status == 201);

  auto answer = trip.server.get(trip.base + "/rooming-list", bearer(trip.forum_key));
  REQUIRE(answer.status == 200);
  CHECK(answer.header("Cache-Control") == "no-store");
  const json list = answer.json();
  CHECK(list["event_id"] == trip.event_id);
  REQUIRE(list["nights"].size() == 2);
  const json& first = list["nights"][0];
  CHECK(first["night"] == "2035-09-03");
  REQUIRE(first["rooms"].size() == 2);
  CHECK(first["rooms"][0]["name"] == "412");
  CHECK(first["rooms"][0]["hotel"] == kHotel);
  REQUIRE(first["rooms"][0]["occupants"].size() == 2);
  CHECK(first["rooms"][0]["occupants"][0]["name"] == "Andreas Ioannou");
  CHECK(first["rooms"][0]["occupants"][0]["delegation"] == "Cyprus");
  CHECK(first["rooms"][0]["occupants"][1]["name"] == "Eleni Georgiou");
  CHECK(first["rooms"][0]["occupants"][1]["needs"] == "Vegetarian");
  CHECK(first["rooms"][1]["name"] == "413");
  CHECK(first["rooms"][1]["occupants"][0]["delegation"].is_null());
  const json& second = list["nights"][1];
  CHECK(second["night"] == "2035-09-04");
  REQUIRE(second["rooms"].size() == 1);  // 413 is booked for the first night only
  REQUIRE(second["rooms"][0]["occupants"].size() == 1);
  CHECK(second["rooms"][0]["occupants"][0]["registration_id"] == eleni);

  auto csv = trip.server.get(trip.base + "/rooming-list",
                             {{"Authorization", "Bearer " + trip.forum_key}, {"Accept", "text/csv"}});
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").starts_with("text/csv"));
  CHECK(csv.header("Cache-Control") == "no-store");
  const auto rows = parse_csv(csv.body);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"night", "hotel", "room", "beds", "free_beds", "occupants", "needs"});
  CHECK(rows[1] == std::vector<std::string>{"2035-09-03", kHotel, "412", "2", "0",
                                            "Andreas Ioannou (Cyprus); Eleni Georgiou (Cyprus)",
                                            "Eleni Georgiou: Vegetarian"});
  // A cell a spreadsheet would run as a formula starts with '.
  CHECK(rows[2] == std::vector<std::string>{"2035-09-03", kHotel, "413", "2", "1", "'=HYPERLINK(\"http://x\")",
                                            "'=HYPERLINK(\"http://x\"): -Laktosfri, glutenfri"});
  CHECK(rows[3] == std::vector<std::string>{"2035-09-04", kHotel, "412", "2", "1", "Eleni Georgiou (Cyprus)",
                                            "Eleni Georgiou: Vegetarian"});

  CHECK(trip.server.get(trip.base + "/rooming-list").status == 401);
  CHECK(trip.server.get(trip.base + "/rooming-list", bearer(trip.other_key)).status == 403);
}
