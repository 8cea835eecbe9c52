// The tasks of a study trip (issue 21) over real HTTP and PostgreSQL: tasks for everyone or
// for some delegations, each participant's own progress, the organiser's view of who is
// late, and the reminders written by the sweep, once per task and person, with two
// instances sweeping the same database.
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include <map>

#include "trip_fixture.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

// An instant `hours` from now in UTC, to the second ("2035-08-20T21:59:00Z").
std::string hours_from_now(int hours) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::hours(hours));
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The trip with its Cyprus and Austria delegations and three travellers.
struct TaskTrip : Trip {
  std::string key;
  std::string cyprus, austria;
  json eleni, anna, karin;  // of Cyprus, of Austria, of no delegation

  explicit TaskTrip(ServerSettings settings = {}) : Trip(40, true, std::move(settings)), key(forum_key) {
    cyprus = create_delegation({{"name", "Cyprus"}, {"country", "CY"}})["id"];
    austria = create_delegation({{"name", "Österreich"}, {"country", "AT"}})["id"];
    eleni = registered("Eleni Georgiou", "eleni@example.org", cyprus);
    anna = registered("Anna Huber", "anna@example.at", austria);
    karin = registered("Karin Lindqvist", "karin@example.se", std::nullopt);
  }

  std::string task(const json& body) { return post(base + "/tasks", body)["id"]; }

  // A participant's tasks, as their manage token sees them: title → status.
  std::map<std::string, std::string> tasks_of(const json& registration) {
    auto response = server.get("/v1/registrations/" + registration["id"].get<std::string>() + "/tasks",
                               bearer(registration["manage_token"].get<std::string>()));
    REQUIRE_MESSAGE(response.status == 200, response.body);
    std::map<std::string, std::string> out;
    const json body = response.json();
    for (const auto& item : body["items"]) out[item["task"]["title"]] = item["status"];
    return out;
  }
  HttpResponse set(const json& registration, const std::string& task_id, const std::string& status,
                   const std::string& credential = "") {
    const std::string token = credential.empty() ? registration["manage_token"].get<std::string>() : credential;
    return server.request("PUT", "/v1/registrations/" + registration["id"].get<std::string>() + "/tasks/" + task_id,
                          json{{"status", status}}.dump(), json_as(token));
  }
};

}  // namespace

TEST_CASE("tasks: each traveller has the tasks meant for them, marks them done, and the organiser sees who is late") {
  TaskTrip trip;
  const std::string passport = trip.task({{"title", "Send your passport details"},
                                          {"description", "Number, date of issue and expiry."},
                                          {"due_at", "2035-08-20T23:59:00"},
                                          {"delegation_ids", {trip.cyprus}}});
  const std::string diet = trip.task({{"title", "Dietary needs"}, {"due_at", "2035-08-25T12:00:00"}});
  // Already due: whoever has not done it is late.
  const std::string photo = trip.task({{"title", "A photo for the badge"}, {"due_at", "2020-01-10T12:00:00"}});

  auto read = trip.server.get(trip.base + "/tasks/" + passport, bearer(trip.key));
  REQUIRE(read.status == 200);
  CHECK(read.json()["due_at"] == "2035-08-20T23:59:00+02:00");  // the event's zone, summer time
  CHECK(read.json()["delegation_ids"] == json::array({trip.cyprus}));

  // Each sees theirs: the passport task is Cyprus's only.
  CHECK(trip.tasks_of(trip.eleni) == std::map<std::string, std::string>{{"Send your passport details", "open"},
                                                                        {"Dietary needs", "open"},
                                                                        {"A photo for the badge", "open"}});
  CHECK(trip.tasks_of(trip.anna) ==
        std::map<std::string, std::string>{{"Dietary needs", "open"}, {"A photo for the badge", "open"}});
  CHECK(trip.set(trip.anna, passport, "done").status == 404);

  // The participant marks it done; the organiser may set it too (and open it again).
  auto done = trip.set(trip.eleni, passport, "done");
  REQUIRE_MESSAGE(done.status == 200, done.body);
  CHECK(trip.tasks_of(trip.eleni)["Send your passport details"] == "done");
  CHECK(trip.set(trip.karin, photo, "done", trip.key).status == 200);
  CHECK(trip.sql("SELECT changed_by FROM task_progress WHERE task_id = '" + photo + "'") == "organiser");
  CHECK(trip.set(trip.eleni, diet, "finished").status == 422);
  CHECK(trip.set(trip.eleni, diet, "done", "evm_NotAnyonesToken0123456789abcdefghijklmno").status == 401);

  // Who has done what, and who is late.
  auto progress = trip.server.get(trip.base + "/tasks/" + photo + "/progress", bearer(trip.key));
  REQUIRE(progress.status == 200);
  const json report = progress.json();
  CHECK(report["counts"] == json{{"open", 2}, {"done", 1}, {"late", 2}});
  REQUIRE(report["items"].size() == 3);
  auto late = trip.server.get(trip.base + "/tasks/" + photo + "/progress?late=true", bearer(trip.key));
  const json late_report = late.json();
  std::set<std::string> late_names;
  for (const auto& item : late_report["items"]) late_names.insert(item["name"].get<std::string>());
  CHECK(late_names == std::set<std::string>{"Eleni Georgiou", "Anna Huber"});
  auto cyprus_only = trip.server.get(trip.base + "/tasks/" + passport + "/progress", bearer(trip.key)).json();
  CHECK(cyprus_only["counts"] == json{{"open", 0}, {"done", 1}, {"late", 0}});

  // Bad input: one 422 naming every field, and nothing written.
  trip.server.database().exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, "
      "venue_city, organiser_id) VALUES ('annan', 'Annan', 'seminar', 'in_person', "
      "'published', 'Europe/Stockholm', '2035-01-01T08:00:00Z', '2035-01-01T10:00:00Z', "
      "'Umeå', (SELECT id FROM organisations WHERE slug = 'forum'))");
  const std::string foreign = trip.post("/v1/events/annan/delegations", {{"name", "Cyprus"}})["id"];
  auto refused = trip.server.request("POST", trip.base + "/tasks",
                                     json{{"title", ""},
                                          {"due_at", "2035-03-25T02:30:00"},  // the spring gap
                                          {"delegation_ids", {trip.cyprus, foreign, trip.cyprus}},
                                          {"owner", "me"}}
                                         .dump(),
                                     json_as(trip.key));
  REQUIRE(refused.status == 422);
  const json problem = refused.json();
  std::set<std::string> fields;
  for (const auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
  CHECK(fields == std::set<std::string>{"title", "due_at", "delegation_ids[1]", "delegation_ids[2]", "owner"});
  CHECK(trip.sql("SELECT count(*) FROM tasks") == "3");

  // What GET gave, sent back with a change, is that change only.
  json edited = read.json();
  edited["title"] = "Send your passport details, please";
  HeaderList headers = json_as(trip.key);
  headers.emplace_back("If-Match", read.header("ETag"));
  auto patched = trip.server.request("PATCH", trip.base + "/tasks/" + passport, edited.dump(), headers);
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  CHECK(patched.json()["due_at"] == "2035-08-20T23:59:00+02:00");
  CHECK(patched.json()["delegation_ids"] == json::array({trip.cyprus}));

  // A delegation a task names stays; a cancelled registration changes nothing more.
  auto cypriots = trip.server.request("DELETE", trip.base + "/delegations/" + trip.cyprus, "", bearer(trip.key));
  CHECK(cypriots.status == 409);
  REQUIRE(trip.server
              .request("DELETE", "/v1/registrations/" + trip.anna["id"].get<std::string>(), "",
                       bearer(trip.anna["manage_token"].get<std::string>()))
              .status == 204);
  CHECK(trip.set(trip.anna, diet, "done").status == 409);
  // Only the organiser lists and reads the tasks.
  CHECK(trip.server.get(trip.base + "/tasks", bearer(trip.eleni["manage_token"].get<std::string>())).status == 401);
  CHECK(trip.server.get(trip.base + "/tasks").status == 401);
  auto all = trip.server.get(trip.base + "/tasks", bearer(trip.key)).json();
  REQUIRE(all["items"].size() == 3);
  CHECK(all["items"][0]["title"] == "A photo for the badge");  // due order
  // Deleting a task takes its progress with it.
  CHECK(trip.server.request("DELETE", trip.base + "/tasks/" + photo, "", bearer(trip.key)).status == 204);
  CHECK(trip.sql("SELECT count(*) FROM task_progress WHERE task_id = '" + photo + "'") == "0");
}

TEST_CASE("tasks: a reminder goes once per task and person, before it falls due, to those who have not done it") {
  ServerSettings settings;
  settings.retention_sweep_s = "1";
  settings.task_reminder_hours = "48";
  TaskTrip trip(settings);
  TestServer second(trip.server.database(), settings);  // a second instance sweeps the same database

  // Eleni does the one for everyone before it comes near; then it is moved to tomorrow.
  const std::string everyone = trip.task({{"title", "Dietary needs"}, {"due_at", hours_from_now(24 * 10)}});
  REQUIRE(trip.set(trip.eleni, everyone, "done").status == 200);
  auto moved = trip.server.request("PATCH", trip.base + "/tasks/" + everyone,
                                   json{{"due_at", hours_from_now(24)}}.dump(), json_as(trip.key));
  REQUIRE(moved.status == 200);
  const std::string cyprus = trip.task(
      {{"title", "Send your passport details"}, {"due_at", hours_from_now(30)}, {"delegation_ids", {trip.cyprus}}});
  trip.task({{"title", "Travel preferences"}, {"due_at", hours_from_now(24 * 10)}});  // not near yet

  // Dietary needs: Anna and Karin; the passport: Eleni. Nothing else, and nothing twice.
  const std::string count = "SELECT count(*) FROM mail_outbox WHERE kind = 'task_reminder'";
  for (int i = 0; i < 100 && trip.sql(count) != "3"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(trip.sql(count) == "3");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // more sweeps, on both instances
  CHECK(trip.sql(count) == "3");
  CHECK(trip.sql("SELECT string_agg(r.name, ', ' ORDER BY r.name) FROM task_reminders t JOIN registrations r "
                 "ON r.id = t.registration_id WHERE t.task_id = '" +
                 everyone + "'") == "Anna Huber, Karin Lindqvist");
  CHECK(trip.sql("SELECT r.name FROM task_reminders t JOIN registrations r ON r.id = t.registration_id "
                 "WHERE t.task_id = '" +
                 cyprus + "'") == "Eleni Georgiou");
  // In the event's language, naming the task, to the participant.
  CHECK(trip.sql("SELECT subject FROM mail_outbox WHERE kind = 'task_reminder' AND recipient_email = "
                 "'eleni@example.org'") == "Reminder: Send your passport details (Utbytesresa till Östersund)");
}
