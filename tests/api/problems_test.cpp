// Problems with their own type and their texts in the reader's language (issue 19): every
// problem+json answer names its kind in `type` ({public_url}/problems/<kind>), which leads to a
// page explaining it; title, detail and field messages follow Accept-Language (Swedish or
// English); every field error has a stable code.
#include <doctest/doctest.h>

#include <string>

#include "domain/error.hpp"
#include "pages/catalogue.hpp"
#include "speaker_session_fixture.hpp"

using namespace eventd::test;
using namespace eventd::test::programme;
using eventd::domain::Problem;
using eventd::pages::Language;

namespace {

json event_body(const std::string& slug) {
  return {{"slug", slug},
          {"title", "Problemtest " + slug},
          {"kind", "seminar"},
          {"format", "in_person"},
          {"status", "published"},
          {"timezone", "Europe/Stockholm"},
          {"starts_at", "2027-03-10T09:00:00"},
          {"ends_at", "2027-03-10T16:00:00"},
          {"venue", {{"city", "Vänersborg"}}},
          {"organiser_id", "forum"}};
}

// The field error of `field`, or null.
json error_of(const json& problem, const std::string& field) {
  for (const auto& e : problem.value("errors", json::array())) {
    if (e["field"] == field) return e;
  }
  return nullptr;
}

std::string code_of(const HttpResponse& response, const std::string& field) {
  const json error = error_of(response.json(), field);
  return error.is_null() ? "" : error["code"].get<std::string>();
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

HeaderList swedish(HeaderList headers = {}) { return with(std::move(headers), "Accept-Language", "sv"); }

}  // namespace

TEST_CASE("problems: a 422 names its type and its fields' codes, in Swedish or English by Accept-Language") {
  Programme p;
  json body = event_body("for-lang");
  body["title"] = std::string(301, 'x');
  body["timezone"] = "Europe/Gotham";
  const std::string before = p.server.database().scalar("SELECT count(*) FROM events");

  auto sv = p.server.request("POST", "/v1/events", body.dump(), swedish(bearer(p.forum_key)));
  REQUIRE_MESSAGE(sv.status == 422, sv.body);
  CHECK(sv.header("Content-Type") == "application/problem+json");
  CHECK(sv.header("Content-Language") == "sv");
  const json sv_problem = sv.json();
  CHECK(ends_with(sv_problem["type"], "/problems/validation"));
  CHECK(sv_problem["status"] == 422);
  CHECK(sv_problem["title"] == eventd::pages::problem_title(Problem::validation, Language::sv));
  CHECK(sv_problem["title"] == "Ogiltiga fält");
  CHECK(sv_problem["detail"] == "Begäran har ogiltiga fält.");
  const json sv_title = error_of(sv_problem, "title");
  REQUIRE_MESSAGE(!sv_title.is_null(), sv.body);
  CHECK(sv_title["code"] == "too_long");
  CHECK(sv_title["params"]["max"] == "300");
  CHECK(sv_title["message"] == "får vara högst 300 tecken");
  const json sv_zone = error_of(sv_problem, "timezone");
  REQUIRE_MESSAGE(!sv_zone.is_null(), sv.body);
  CHECK(sv_zone["code"] == "invalid_time_zone");
  CHECK(contains(sv_zone["message"], "IANA-tidszon"));

  auto en = p.server.request("POST", "/v1/events", body.dump(), bearer(p.forum_key));
  REQUIRE_MESSAGE(en.status == 422, en.body);
  CHECK(en.header("Content-Language") == "en");
  const json en_problem = en.json();
  CHECK(en_problem["type"] == sv_problem["type"]);
  CHECK(en_problem["title"] == "Invalid fields");
  CHECK(en_problem["detail"] == "The request has invalid fields.");
  const json en_title = error_of(en_problem, "title");
  REQUIRE_MESSAGE(!en_title.is_null(), en.body);
  CHECK(en_title["code"] == "too_long");
  CHECK(en_title["message"] == "must be at most 300 characters");
  const json en_zone = error_of(en_problem, "timezone");
  REQUIRE_MESSAGE(!en_zone.is_null(), en.body);
  CHECK(en_zone["code"] == "invalid_time_zone");
  CHECK(contains(en_zone["message"], "IANA time zone"));

  // The codes are the same in both languages, the messages are not.
  CHECK(sv_title["message"] != en_title["message"]);
  CHECK(p.server.database().scalar("SELECT count(*) FROM events") == before);
}

TEST_CASE("problems: the reader's own errors have codes too (wrong type, unknown member)") {
  Programme p;
  json body = event_body("typfel");
  body["capacity"] = "many";
  body["colour"] = "red";
  auto refused = p.server.request("POST", "/v1/events", body.dump(), swedish(bearer(p.forum_key)));
  REQUIRE_MESSAGE(refused.status == 422, refused.body);
  const json capacity = error_of(refused.json(), "capacity");
  REQUIRE_MESSAGE(!capacity.is_null(), refused.body);
  CHECK(capacity["code"] == "wrong_type");
  CHECK(capacity["params"]["expected"] == "integer");
  CHECK(code_of(refused, "colour") == "unknown_member");
  CHECK(error_of(refused.json(), "colour")["message"] == "är inget känt fält");
}

TEST_CASE("problems: an unknown path is a not-found problem; malformed JSON a bad-request one, in Swedish too") {
  Programme p;
  auto missing = p.server.get("/v1/nothing-here");
  CHECK(missing.status == 404);
  CHECK(ends_with(missing.json()["type"], "/problems/not-found"));
  CHECK(missing.json()["title"] == "Not found");

  auto sv_missing = p.server.get("/v1/nothing-here", swedish());
  CHECK(sv_missing.status == 404);
  CHECK(sv_missing.header("Content-Language") == "sv");
  CHECK(sv_missing.json()["title"] == eventd::pages::problem_title(Problem::not_found, Language::sv));
  CHECK(sv_missing.json()["detail"] == "Det finns inget på /v1/nothing-here.");

  auto broken = p.server.request("POST", "/v1/events", "{\"title\": tru}",
                                 swedish(with(bearer(p.forum_key), "Content-Type", "application/json")));
  CHECK(broken.status == 400);
  CHECK(ends_with(broken.json()["type"], "/problems/bad-request"));
  CHECK(contains(broken.json()["detail"], "rad 1, kolumn 11"));
  CHECK(contains(broken.json()["detail"], "'tru'"));
}

TEST_CASE("problems: a problem's type leads to a page that explains it, in Swedish or English") {
  Programme p;
  auto page = p.server.get("/problems/event-full");
  REQUIRE(page.status == 200);
  CHECK(contains(page.header("Content-Type"), "text/html"));
  CHECK(contains(page.body, eventd::pages::problem_title(Problem::event_full, Language::en)));
  CHECK(contains(page.body, "Event full"));

  auto sidan = p.server.get("/problems/event-full", swedish());
  REQUIRE(sidan.status == 200);
  CHECK(sidan.header("Content-Language") == "sv");
  CHECK(contains(sidan.body, eventd::pages::problem_title(Problem::event_full, Language::sv)));
  CHECK(contains(sidan.body, "Fullbokat"));

  // Every kind has its page.
  for (const auto& info : eventd::domain::all_problems()) {
    auto kind = p.server.get("/problems/" + std::string(info.slug));
    CHECK_MESSAGE(kind.status == 200, info.slug);
  }

  auto unknown = p.server.get("/problems/no-such-kind");
  CHECK(unknown.status == 404);
  CHECK(contains(unknown.header("Content-Type"), "text/html"));
}

TEST_CASE("problems: a full event and a second registration of one address have their own types") {
  Programme p;
  p.server.database().exec(
      "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, capacity, "
      "waitlist, organiser_id) VALUES ('ett-sate', 'En plats', 'seminar', 'in_person', 'published', "
      "'Europe/Stockholm', '2035-11-08T08:00:00Z', '2035-11-08T14:30:00Z', 'Vänersborg', 1, false, "
      "(SELECT id FROM organisations WHERE slug = 'forum'))");
  const std::string path = "/v1/events/ett-sate/registrations";
  auto register_as = [&](const std::string& name, const std::string& email, HeaderList headers = {}) {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    return p.server.request("POST", path, body.dump(), with(std::move(headers), "Content-Type", "application/json"));
  };
  auto first = register_as("Anna Andersson", "anna@example.se");
  REQUIRE_MESSAGE(first.status == 201, first.body);

  auto again = register_as("Anna A", "Anna@Example.SE");
  CHECK(again.status == 409);
  CHECK(ends_with(again.json()["type"], "/problems/duplicate-registration"));

  auto full = register_as("Bo Berg", "bo@example.se");
  CHECK(full.status == 409);
  CHECK(ends_with(full.json()["type"], "/problems/event-full"));
  CHECK(full.json()["title"] == "Event full");

  auto fullt = register_as("Cia Ceder", "cia@example.se", swedish());
  CHECK(fullt.status == 409);
  CHECK(ends_with(fullt.json()["type"], "/problems/event-full"));
  CHECK(fullt.json()["title"] == "Fullbokat");
  CHECK(fullt.header("Content-Language") == "sv");
  CHECK(p.server.database().scalar("SELECT count(*) FROM registrations") == "1");
}

TEST_CASE("problems: a wall-clock time in the spring gap or the autumn overlap has its own code") {
  Programme p;
  json gap = event_body("glapp");
  gap["starts_at"] = "2027-03-28T02:30:00";
  gap["ends_at"] = "2027-03-28T05:00:00";
  auto spring = p.post("/v1/events", gap, p.forum_key);
  REQUIRE_MESSAGE(spring.status == 422, spring.body);
  CHECK(ends_with(spring.json()["type"], "/problems/validation"));
  CHECK(code_of(spring, "starts_at") == "nonexistent_time");

  json overlap = event_body("dubbel");
  overlap["starts_at"] = "2027-10-31T01:00:00";
  overlap["ends_at"] = "2027-10-31T02:30:00";
  auto autumn = p.post("/v1/events", overlap, p.forum_key);
  REQUIRE_MESSAGE(autumn.status == 422, autumn.body);
  CHECK(code_of(autumn, "ends_at") == "ambiguous_time");

  // In Swedish, the same codes.
  auto hosten = p.server.request("POST", "/v1/events", overlap.dump(), swedish(bearer(p.forum_key)));
  REQUIRE(hosten.status == 422);
  CHECK(code_of(hosten, "ends_at") == "ambiguous_time");
  CHECK(hosten.header("Content-Language") == "sv");
}
