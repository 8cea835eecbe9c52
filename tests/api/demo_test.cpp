// `eventd demo`: the seed events go in through the API's own validation, and a second run
// changes nothing.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/http_client.hpp"
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
}  // namespace

TEST_CASE("eventd demo loads the seed events once, and a second run changes nothing") {
  TestDatabase database;
  Process first({EVENTD_BINARY, "demo"}, {{"EVENTD_DATABASE_URL", database.url()}});
  REQUIRE_MESSAGE(first.wait(120s) == 0, first.output());
  CHECK(first.output().find("already there") != std::string::npos);

  CHECK(database.scalar("SELECT count(*) FROM organisations") == std::to_string(example("organisations.json").size()));
  CHECK(database.scalar("SELECT count(*) FROM speakers") == std::to_string(example("speakers.json").size()));
  CHECK(database.scalar("SELECT count(*) FROM events") == "4");
  CHECK(database.scalar("SELECT count(*) FROM sessions") == std::to_string(example_session_count()));
  CHECK(database.scalar("SELECT title FROM events WHERE slug = 'fyrbodal-seminar-2022'") ==
        example("events/fyrbodal-seminar-2022.json")["event"]["title"]);
  std::string versions = database.scalar("SELECT string_agg(slug || version, ',' ORDER BY slug) FROM events");

  Process second({EVENTD_BINARY, "demo"}, {{"EVENTD_DATABASE_URL", database.url()}});
  REQUIRE_MESSAGE(second.wait(120s) == 0, second.output());
  CHECK(second.output().find("demo data: 0 created") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM events") == "4");
  CHECK(database.scalar("SELECT count(*) FROM sessions") == std::to_string(example_session_count()));
  CHECK(database.scalar("SELECT string_agg(slug || version, ',' ORDER BY slug) FROM events") == versions);

  ServeProcess eventd(database.url());
  auto forum = http_request(eventd.port, "GET", "/v1/events/integrationsforum-2020");
  REQUIRE(forum.status == 200);
  CHECK(forum.json()["starts_at"] == "2020-11-26T09:00:00+01:00");
  CHECK(forum.json()["title"] == "Integrationsforum 2020");
  auto programme = http_request(eventd.port, "GET", "/v1/events/ostersund-2019/sessions");
  REQUIRE(programme.status == 200);
  CHECK(programme.json()["items"].size() == example("events/ostersund-2019.json")["sessions"].size());
}
