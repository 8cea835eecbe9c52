// `eventd demo`: the seed events go in through the API's own validation, and a second run
// changes nothing.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/http_client.hpp"
#include "support/ics_check.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"

using namespace eventd::test;
using namespace std::chrono_literals;

namespace {
nlohmann::json example(const std::string& path) {
  std::ifstream file(std::string(EVENTD_SOURCE_DIR) + "/api/examples/" + path);
  std::stringstream text;
  text << file.rdbuf();
  return nlohmann::json::parse(text.str());
}

std::size_t example_session_count() {
  std::size_t count = 0;
  for (auto name : {"ostersund-2019", "integrationsforum-2020", "fyrbodal-webinar-2022", "fyrbodal-seminar-2022"}) {
    count += example(std::string("events/") + name + ".json")["sessions"].size();
  }
  return count;
}

// The study trip's programme items for everyone (a delegation's legs are its own).
std::size_t public_session_count(const nlohmann::json& file) {
  std::size_t count = file["sessions"].size();
  for (const auto& item : file["itinerary"]) count += item.contains("delegation_ids") ? 0 : 1;
  return count;
}

// The year the demo copies the study trip to: the next.
std::string next_year() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return std::to_string(static_cast<int>(std::chrono::year_month_day{today}.year()) + 1);
}
}  // namespace

TEST_CASE("eventd demo loads the seed events once, and a second run changes nothing") {
  TestDatabase database;
  Process first({EVENTD_BINARY, "demo"}, {{"EVENTD_DATABASE_URL", database.url()}});
  REQUIRE_MESSAGE(first.wait(120s) == 0, first.output());
  CHECK(first.output().find("already there") != std::string::npos);

  CHECK(database.scalar("SELECT count(*) FROM organisations") == std::to_string(example("organisations.json").size()));
  CHECK(database.scalar("SELECT count(*) FROM speakers") == std::to_string(example("speakers.json").size()));
  // The four seed events, and the study trip again next year, with its delegations and tasks.
  const auto trip = example("events/ostersund-2019.json");
  // (The trip's itinerary twice: the 2019 visit's and next year's copy's.)
  const std::string sessions =
      std::to_string(example_session_count() + trip["sessions"].size() + 2 * trip["itinerary"].size());
  CHECK(database.scalar("SELECT count(*) FROM events") == "5");
  CHECK(database.scalar("SELECT count(*) FROM sessions") == sessions);
  CHECK(database.scalar("SELECT count(*) FROM delegations") == std::to_string(2 * trip["delegations"].size()));
  CHECK(database.scalar("SELECT count(*) FROM tasks") == std::to_string(2 * trip["tasks"].size()));
  CHECK(database.scalar("SELECT count(*) FROM session_audience") != "0");
  CHECK(database.scalar("SELECT title FROM events WHERE slug = 'fyrbodal-seminar-2022'") ==
        example("events/fyrbodal-seminar-2022.json")["event"]["title"]);
  std::string versions = database.scalar("SELECT string_agg(slug || version, ',' ORDER BY slug) FROM events");

  Process second({EVENTD_BINARY, "demo"}, {{"EVENTD_DATABASE_URL", database.url()}});
  REQUIRE_MESSAGE(second.wait(120s) == 0, second.output());
  CHECK(second.output().find("demo data: 0 created") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM events") == "5");
  CHECK(database.scalar("SELECT count(*) FROM sessions") == sessions);
  CHECK(database.scalar("SELECT string_agg(slug || version, ',' ORDER BY slug) FROM events") == versions);

  ServeProcess eventd(database.url());
  auto forum = http_request(eventd.port, "GET", "/v1/events/integrationsforum-2020");
  REQUIRE(forum.status == 200);
  CHECK(forum.json()["starts_at"] == "2020-11-26T09:00:00+01:00");
  CHECK(forum.json()["title"] == "Integrationsforum 2020");
  auto programme = http_request(eventd.port, "GET", "/v1/events/ostersund-2019/sessions");
  REQUIRE(programme.status == 200);
  CHECK(programme.json()["items"].size() == public_session_count(trip));

  // Next year's trip takes registrations: a Cypriot joins their delegation and their
  // itinerary has their flight in Cyprus time and their tasks.
  const std::string copy = "/v1/events/ostersund-" + next_year();
  const std::string cyprus = database.scalar(
      "SELECT d.id::text FROM delegations d JOIN events e ON e.id = d.event_id WHERE e.slug = "
      "'ostersund-" +
      next_year() + "' AND d.name = 'Cypern'");
  const nlohmann::json body = {
      {"name", "Eleni Georgiou"}, {"email", "eleni@example.cy"}, {"consent", true}, {"delegation_id", cyprus}};
  auto registered =
      http_request(eventd.port, "POST", copy + "/registrations", body.dump(), {{"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(registered.status == 201, registered.body);
  CHECK(registered.json()["status"] == "confirmed");
  const std::string feed_url = registered.json()["feed_url"];
  auto feed = http_request(eventd.port, "GET", feed_url.substr(feed_url.find("/v1/feeds/")));
  REQUIRE(feed.status == 200);
  CHECK(feed.body.find("DTSTART;TZID=Asia/Nicosia:" + next_year() + "0904T050000") != std::string::npos);
  CHECK(feed.body.find("BEGIN:VTODO") != std::string::npos);
  CHECK(feed.body.find("Wien") == std::string::npos);  // the Austrians' legs are theirs
  // The visits name their hosts (folded lines joined again).
  const std::string text = unfold(feed.body);
  CHECK(text.find("Värdar: Hej Främling!") != std::string::npos);
  CHECK(text.find("Värdar: The Rocking Pots") != std::string::npos);
  CHECK(text.find("Värdar: Östersunds kommun") != std::string::npos);
}
