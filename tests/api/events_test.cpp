// /v1/events over real HTTP and PostgreSQL: the seed events, time zones, visibility,
// merge patch, conditional requests, filters, search and pagination.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "db/migrations.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

json seed_event(const std::string& name) {
  return read_json_file(std::string(EVENTD_SOURCE_DIR "/api/examples/events/") + name + ".json")["event"];
}

std::string dollar_quoted(const std::string& text) { return "$eventd$" + text + "$eventd$"; }

// The organisations the seeds refer to (and a few more), inserted with SQL: the
// organisations slice is written in parallel.
void insert_seed_organisations(TestDatabase& db) {
  auto organisations = read_json_file(EVENTD_SOURCE_DIR "/api/examples/organisations.json");
  for (const auto& o : organisations) {
    db.exec("INSERT INTO organisations (slug, name, kind) VALUES (" + dollar_quoted(o["slug"]) + ", " +
            dollar_quoted(o["name"]) + ", " + dollar_quoted(o["kind"]) + ")");
  }
}

std::string organisation_id(TestDatabase& db, const std::string& slug) {
  return db.scalar("SELECT id::text FROM organisations WHERE slug = '" + slug + "'");
}

// An organiser key for the organisation `slug`, inserted with SQL (the api-keys slice is
// written in parallel): only its SHA-256 is stored.
std::string organiser_key(TestDatabase& db, const std::string& slug) {
  std::string key = "evk_test_" + slug + "_0123456789abcdef";
  db.exec("INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
          eventd::db::sha256_hex(key) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" +
          slug + "'))");
  return key;
}

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

HeaderList with(HeaderList headers, std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return headers;
}

struct Fixture {
  TestServer server;
  std::string admin;
  std::string forum_key;
  std::string lansstyrelsen_key;

  Fixture() : admin(server.settings().admin_key) {
    insert_seed_organisations(server.database());
    forum_key = organiser_key(server.database(), "forum");
    lansstyrelsen_key = organiser_key(server.database(), "lansstyrelsen-vastra-gotaland");
  }

  HttpResponse post(const json& body, const std::string& key) {
    return server.request("POST", "/v1/events", body.dump(), bearer(key));
  }
  HttpResponse patch(const std::string& id, const json& body, const std::string& key, HeaderList extra = {}) {
    auto headers = bearer(key);
    headers.emplace_back("Content-Type", "application/merge-patch+json");
    for (auto& h : extra) headers.push_back(h);
    return server.request("PATCH", "/v1/events/" + id, body.dump(), headers);
  }
  json create(const json& body, const std::string& key) {
    auto response = post(body, key);
    REQUIRE_MESSAGE(response.status == 201, response.body);
    return response.json();
  }
  json create_seed(const std::string& name) { return create(seed_event(name), admin); }
};

// A small valid event; `n` keeps slugs apart.
json simple_event(const std::string& slug, const std::string& starts_at, const std::string& ends_at,
                  const std::string& organiser = "forum") {
  return {{"slug", slug},
          {"title", "Testevent " + slug},
          {"kind", "seminar"},
          {"format", "in_person"},
          {"status", "published"},
          {"timezone", "Europe/Stockholm"},
          {"starts_at", starts_at},
          {"ends_at", ends_at},
          {"venue", {{"city", "Stockholm"}}},
          {"organiser_id", organiser}};
}

std::vector<std::string> slugs_of(const json& page) {
  std::vector<std::string> slugs;
  for (const auto& item : page["items"]) slugs.push_back(item["slug"]);
  return slugs;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TEST_CASE("events: the four seed events round-trip with their Swedish text intact") {
  Fixture f;
  for (std::string name :
       {"ostersund-2019", "integrationsforum-2020", "fyrbodal-webinar-2022", "fyrbodal-seminar-2022"}) {
    CAPTURE(name);
    json sent = seed_event(name);
    auto created = f.post(sent, f.admin);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    json body = created.json();
    CHECK(created.header("Location") == "http://127.0.0.1:8080/v1/events/" + body["id"].get<std::string>());
    CHECK(!created.header("ETag").empty());
    CHECK(!created.header("Last-Modified").empty());

    auto read = f.server.get("/v1/events/" + name, bearer(f.admin));  // every named partner, answered or not
    REQUIRE(read.status == 200);
    json got = read.json();
    CHECK(got["id"] == body["id"]);
    for (const char* member : {"slug", "title", "summary", "description", "language", "kind", "format", "status",
                               "timezone", "all_day", "tags", "audience", "capacity", "waitlist", "media_policy"}) {
      CAPTURE(member);
      CHECK(got[member] == sent[member]);
    }
    CHECK(got["organiser_id"] == organisation_id(f.server.database(), sent["organiser_id"]));
    REQUIRE(got["partner_ids"].size() == sent["partner_ids"].size());
    for (std::size_t i = 0; i < sent["partner_ids"].size(); ++i) {
      CHECK(got["partner_ids"][i] == organisation_id(f.server.database(), sent["partner_ids"][i]));
    }
    CHECK(got["sequence"] == 0);
    CHECK(got["counts"] == json{{"confirmed", 0}, {"waitlisted", 0}, {"capacity_left", nullptr}});
    CHECK(got["calendar_url"] == "http://127.0.0.1:8080/v1/events/" + body["id"].get<std::string>() + "/calendar.ics");
    CHECK(got["webcal_url"] == "webcal://127.0.0.1:8080/v1/events/" + body["id"].get<std::string>() + "/calendar.ics");
    // The page people are sent to (eventd's own: no frontend configured), and the API.
    CHECK(got["links"] == json{{"page", "http://127.0.0.1:8080/events/" + got["slug"].get<std::string>()},
                               {"api", "http://127.0.0.1:8080/v1/events/" + body["id"].get<std::string>()}});
    CHECK(got["created_at"].get<std::string>().ends_with("Z"));
    CHECK(got["updated_at"].get<std::string>().ends_with("Z"));
    CHECK(read.header("Vary").find("Authorization") != std::string::npos);
    // every member of the representation is present (`partners` too: an admin reads it)
    CHECK(got.size() == 37);
  }

  auto forum = f.server.get("/v1/events/integrationsforum-2020").json();
  CHECK(forum["starts_at"] == "2020-11-26T09:00:00+01:00");
  CHECK(forum["ends_at"] == "2020-11-26T16:00:00+01:00");
  CHECK(forum["starts_on"].is_null());
  CHECK(forum["venue"].is_null());
  CHECK(forum["series"] == "integrationsforum");
  CHECK(forum["contacts"] == json::array({{{"name", "Anita Nilsson"},
                                           {"role", "pressansvarig"},
                                           {"email", "anita.nilsson@lansstyrelsen.se"},
                                           {"phone", nullptr}}}));
  // access on_request: the public does not get the stream link; the organiser and admins do
  CHECK(forum["online"] == json{{"platform", "YouTube"}, {"stream_url", nullptr}, {"access", "on_request"}});
  auto as_admin = f.server.get("/v1/events/integrationsforum-2020", bearer(f.admin)).json();
  CHECK(as_admin["online"]["stream_url"] == "https://www.youtube.com/@lansstyrelsenvastragotaland/live");
  auto as_organiser = f.server.get("/v1/events/integrationsforum-2020", bearer(f.lansstyrelsen_key)).json();
  CHECK(as_organiser["online"]["stream_url"] == "https://www.youtube.com/@lansstyrelsenvastragotaland/live");
  auto as_other = f.server.get("/v1/events/integrationsforum-2020", bearer(f.forum_key)).json();
  CHECK(as_other["online"]["stream_url"].is_null());

  auto ostersund = f.server.get("/v1/events/ostersund-2019").json();
  CHECK(ostersund["all_day"] == true);
  CHECK(ostersund["starts_on"] == "2019-09-04");
  CHECK(ostersund["ends_on"] == "2019-09-05");
  CHECK(ostersund["starts_at"].is_null());
  CHECK(ostersund["ends_at"].is_null());
  CHECK(ostersund["venue"] == json{{"name", nullptr},
                                   {"street", nullptr},
                                   {"postal_code", nullptr},
                                   {"city", "Östersund"},
                                   {"region", "Jämtland"},
                                   {"country", "SE"},
                                   {"latitude", nullptr},
                                   {"longitude", nullptr}});
  CHECK(ostersund["project"] == json{{"name", "Snapshots from the Borders"}, {"funder", "EU"}});
  CHECK(ostersund["contacts"][0]["name"] == "Göran Pettersson");

  auto webinar = f.server.get("/v1/events/fyrbodal-webinar-2022").json();
  CHECK(webinar["starts_at"] == "2022-10-09T09:00:00+02:00");
  CHECK(webinar["online"] == json{{"platform", nullptr}, {"stream_url", nullptr}, {"access", "registered"}});
}

TEST_CASE("events: times are returned in the zone's offset for that instant; offsets must be the zone's") {
  Fixture f;
  // a UTC instant in September is shown in summer time
  auto summer = f.create(simple_event("sommar", "2019-09-04T09:00:00Z", "2019-09-04T10:30:00Z"), f.admin);
  CHECK(summer["starts_at"] == "2019-09-04T11:00:00+02:00");
  CHECK(summer["ends_at"] == "2019-09-04T12:30:00+02:00");
  auto winter = f.create(simple_event("vinter", "2020-11-26T08:00:00z", "2020-11-26T15:00:00Z"), f.admin);
  CHECK(winter["starts_at"] == "2020-11-26T09:00:00+01:00");

  // +02:00 is not Stockholm's offset in November
  auto wrong = f.post(simple_event("fel", "2020-11-26T09:00:00+02:00", "2020-11-26T16:00:00+01:00"), f.admin);
  CHECK(wrong.status == 422);
  REQUIRE(wrong.json()["errors"].size() == 1);
  CHECK(wrong.json()["errors"][0]["field"] == "starts_at");
  CHECK(wrong.json()["errors"][0]["message"].get<std::string>().find(
            "+02:00 is not Europe/Stockholm's offset on that date") != std::string::npos);

  // 02:30 on 28 March 2021 does not exist in Stockholm (02:00 → 03:00): refused, not shifted
  auto gap = f.post(simple_event("glapp", "2021-03-28T02:30:00+01:00", "2021-03-28T05:00:00+02:00"), f.admin);
  CHECK(gap.status == 422);
  CHECK(gap.json()["errors"][0]["field"] == "starts_at");
  CHECK(gap.json()["errors"][0]["message"].get<std::string>().find("+01:00 is not Europe/Stockholm's offset") !=
        std::string::npos);

  // 02:30 on 31 October 2021 happens twice: both readings are expressible by their offsets
  auto twice = f.create(simple_event("dubbel", "2021-10-31T02:30:00+02:00", "2021-10-31T02:30:00+01:00"), f.admin);
  CHECK(twice["starts_at"] == "2021-10-31T02:30:00+02:00");
  CHECK(twice["ends_at"] == "2021-10-31T02:30:00+01:00");

  // an unknown zone
  auto zone = simple_event("zon", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z");
  zone["timezone"] = "Europe/Gotham";
  auto bad_zone = f.post(zone, f.admin);
  CHECK(bad_zone.status == 422);
  CHECK(bad_zone.json()["errors"][0]["field"] == "timezone");

  // ends before it starts
  auto backwards = f.post(simple_event("bakvand", "2020-11-26T10:00:00Z", "2020-11-26T09:00:00Z"), f.admin);
  CHECK(backwards.status == 422);
  CHECK(backwards.json()["errors"][0]["field"] == "ends_at");
}

TEST_CASE("events: create validates, resolves organisations and checks rights") {
  Fixture f;
  auto base = simple_event("validering", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z");

  auto anonymous = f.server.request("POST", "/v1/events", base.dump());
  CHECK(anonymous.status == 401);

  auto unknown = base;
  unknown["id"] = "6f1c2a9e-3b7d-4e5a-9c21-8d4f0b7e2a13";
  unknown["colour"] = "red";
  auto unknown_response = f.post(unknown, f.admin);
  CHECK(unknown_response.status == 422);
  std::set<std::string> fields;
  const json unknown_problem = unknown_response.json();
  for (const auto& e : unknown_problem["errors"]) fields.insert(e["field"].get<std::string>());
  CHECK_MESSAGE((fields == std::set<std::string>{"id", "colour"}), unknown_response.body);

  auto malformed = f.server.request("POST", "/v1/events", "{\"title\": ", bearer(f.admin));
  CHECK(malformed.status == 400);
  auto text = f.server.request("POST", "/v1/events", base.dump(), with(bearer(f.admin), "Content-Type", "text/plain"));
  CHECK(text.status == 415);

  auto references = base;
  references["organiser_id"] = "finns-inte";
  references["partner_ids"] = {"migrationsverket", "finns-inte-heller"};
  auto references_response = f.post(references, f.admin);
  CHECK(references_response.status == 422);
  fields.clear();
  const json references_problem = references_response.json();
  for (const auto& e : references_problem["errors"]) fields.insert(e["field"].get<std::string>());
  CHECK_MESSAGE((fields == std::set<std::string>{"organiser_id", "partner_ids[1]"}), references_response.body);

  auto self_partner = base;
  self_partner["partner_ids"] = {organisation_id(f.server.database(), "forum")};
  CHECK(f.post(self_partner, f.admin).status == 422);

  auto missing = json{{"title", "Utan allt"}};
  auto missing_response = f.post(missing, f.admin);
  CHECK(missing_response.status == 422);
  fields.clear();
  const json missing_problem = missing_response.json();
  for (const auto& e : missing_problem["errors"]) fields.insert(e["field"].get<std::string>());
  // All at once: what is missing, and the times a timed event needs (the venue depends on
  // the format, which is missing, so it is not asked for).
  CHECK_MESSAGE((fields == std::set<std::string>{"kind", "format", "timezone", "organiser_id", "starts_at", "ends_at"}),
                missing_response.body);
  CHECK(missing_problem["errors"].size() == 6);

  // an organiser key may create only its own organisation's events
  CHECK(f.post(base, f.lansstyrelsen_key).status == 403);
  auto own = f.post(base, f.forum_key);
  CHECK(own.status == 201);
  // the same slug again
  auto taken = f.post(base, f.admin);
  CHECK(taken.status == 409);

  // the slug is made from the title when left out
  auto untitled = base;
  untitled.erase("slug");
  untitled["title"] = "Möte om Älvsjö 2021";
  CHECK(f.create(untitled, f.forum_key)["slug"] == "mote-om-alvsjo-2021");
  // and a title that gives no slug asks for one
  untitled["title"] = "Ω";
  auto no_slug = f.post(untitled, f.forum_key);
  CHECK(no_slug.status == 422);
  CHECK(no_slug.json()["errors"][0]["field"] == "slug");
}

TEST_CASE("events: a malformed body is a 400 that says where, in plain words") {
  Fixture f;
  auto refused = [&](const std::string& body, HeaderList headers = {}) {
    for (auto& h : bearer(f.admin)) headers.push_back(h);
    auto response = f.server.request("POST", "/v1/events", body, headers);
    CHECK(response.status == 400);
    CHECK(response.header("Content-Type") == "application/problem+json");
    CHECK(response.body.find("json.exception") == std::string::npos);
    return response.json()["detail"].get<std::string>();
  };
  CHECK(refused("{\n  \"title\": \"Integrationsforum\",\n  \"kind\": \"conf") ==
        "The body is not valid JSON: unexpected end of input at line 3, column 16 (byte 50).");
  CHECK(refused("{\"title\": \"x\",\n  \"kind\" \"seminar\"}") ==
        "The body is not valid JSON: unexpected string at line 2, column 10 (byte 25).");
  CHECK(
      refused("{\"title\": \"caf\xC3(\"}") ==
      "The body is not valid UTF-8: byte 0xC3 at line 1, column 15 (byte 15) does not begin or continue a character.");
  CHECK(refused("{\"capacity\": 1e400}") ==
        "The body is not valid JSON: the number '1e400' is too large at line 1, column 14 (byte 14).");
  CHECK(refused(std::string(33, '[') + std::string(33, ']')) == "The JSON body is nested more than 32 levels deep.");
  CHECK(refused("", {{"Content-Type", "application/json"}}) == "The body is empty; send a JSON document.");
  CHECK(f.server.database().scalar("SELECT count(*) FROM events") == "0");
}

namespace {
// The fields of a 422, each with how often it is named.
std::map<std::string, int> error_counts(const HttpResponse& response) {
  std::map<std::string, int> counts;
  const json problem = response.json();
  for (const auto& e : problem["errors"]) ++counts[e["field"].get<std::string>()];
  return counts;
}
}  // namespace

TEST_CASE("events: a body with several faults answers one 422 naming every faulty field once") {
  Fixture f;
  auto body = simple_event("alla-fel", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z");
  body["title"] = "";
  body["timezone"] = "Mars/Olympus";
  body["starts_at"] = "yesterday";
  body.erase("venue");  // format in_person
  for (const std::string& key : {f.admin, f.forum_key}) {
    auto response = f.post(body, key);
    CHECK(response.status == 422);
    CHECK_MESSAGE((error_counts(response) ==
                   std::map<std::string, int>{{"title", 1}, {"timezone", 1}, {"starts_at", 1}, {"venue", 1}}),
                  response.body);
  }

  // A rule that needs a field which is itself wrong is left out: no venue without a known
  // format, no order of times with an unreadable start, no all_day pairs without all_day.
  auto dependent = simple_event("beroende", "2020-11-26T08:00:00Z", "2020-11-26T07:00:00Z");
  dependent["format"] = "in_space";
  dependent.erase("venue");
  dependent["starts_at"] = 9;
  dependent["capacity"] = "many";
  dependent["tags"] = {"ok", 7};
  auto dependent_response = f.post(dependent, f.admin);
  CHECK(dependent_response.status == 422);
  CHECK_MESSAGE((error_counts(dependent_response) ==
                 std::map<std::string, int>{{"format", 1}, {"starts_at", 1}, {"capacity", 1}, {"tags[1]", 1}}),
                dependent_response.body);
  auto all_day = simple_event("heldag", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z");
  all_day["all_day"] = "ja";
  all_day["starts_on"] = "2020-11-26";
  all_day["title"] = std::string(301, 'x');
  auto all_day_response = f.post(all_day, f.admin);
  CHECK(all_day_response.status == 422);
  CHECK_MESSAGE((error_counts(all_day_response) == std::map<std::string, int>{{"all_day", 1}, {"title", 1}}),
                all_day_response.body);

  // A PATCH the same way, and a status that cannot be read is a 422, not the 409 of going
  // back to draft.
  auto created = f.create(simple_event("rattat", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z"), f.admin);
  const std::string id = created["id"];
  auto patched = f.patch(id,
                         {{"title", ""},
                          {"timezone", "Mars/Olympus"},
                          {"starts_at", "yesterday"},
                          {"venue", nullptr},
                          {"status", "finished"},
                          {"organiser_id", 5}},
                         f.admin);
  CHECK(patched.status == 422);
  CHECK_MESSAGE(
      (error_counts(patched) ==
       std::map<std::string, int>{
           {"title", 1}, {"timezone", 1}, {"starts_at", 1}, {"venue", 1}, {"status", 1}, {"organiser_id", 1}}),
      patched.body);
  // (an organiser's key too: the unreadable organiser_id is not a move to another organiser)
  auto by_organiser = f.patch(id, {{"title", ""}, {"organiser_id", 5}}, f.forum_key);
  CHECK(by_organiser.status == 422);
  CHECK_MESSAGE((error_counts(by_organiser) == std::map<std::string, int>{{"title", 1}, {"organiser_id", 1}}),
                by_organiser.body);
  CHECK(f.server.get("/v1/events/" + id).json()["title"] == created["title"]);
}

TEST_CASE("events: a draft is seen only by its organiser and admins") {
  Fixture f;
  auto draft_body = simple_event("utkast", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z");
  draft_body.erase("status");
  auto draft = f.create(draft_body, f.forum_key);
  CHECK(draft["status"] == "draft");
  f.create(simple_event("publicerat", "2020-11-27T08:00:00Z", "2020-11-27T09:00:00Z"), f.forum_key);

  CHECK(f.server.get("/v1/events/utkast").status == 404);
  CHECK(f.server.get("/v1/events/" + draft["id"].get<std::string>()).status == 404);
  CHECK(f.server.get("/v1/events/utkast", bearer(f.lansstyrelsen_key)).status == 404);
  CHECK(f.server.get("/v1/events/utkast", bearer(f.forum_key)).status == 200);
  CHECK(f.server.get("/v1/events/utkast", bearer(f.admin)).status == 200);
  CHECK(f.server.get("/v1/events/finns-inte").status == 404);
  CHECK(f.server.get("/v1/events/Not%20A%20Slug").status == 404);

  auto public_list = slugs_of(f.server.get("/v1/events").json());
  CHECK(public_list == std::vector<std::string>{"publicerat"});
  CHECK(slugs_of(f.server.get("/v1/events", bearer(f.lansstyrelsen_key)).json()) == public_list);
  CHECK(slugs_of(f.server.get("/v1/events", bearer(f.forum_key)).json()) ==
        std::vector<std::string>{"utkast", "publicerat"});
  CHECK(slugs_of(f.server.get("/v1/events", bearer(f.admin)).json()).size() == 2);
  CHECK(f.server.get("/v1/events?status=draft").json()["items"].empty());
  CHECK(slugs_of(f.server.get("/v1/events?status=draft", bearer(f.forum_key)).json()) ==
        std::vector<std::string>{"utkast"});

  // another organisation's draft is a 404 for PATCH and DELETE too, not a 403
  CHECK(f.patch("utkast", {{"title", "Nej"}}, f.lansstyrelsen_key).status == 404);
  CHECK(f.server.request("DELETE", "/v1/events/utkast", "", bearer(f.lansstyrelsen_key)).status == 404);
  CHECK(f.server.request("DELETE", "/v1/events/utkast", "").status == 401);
}

TEST_CASE("events: merge patch, If-Match, sequence, status rules and rights") {
  Fixture f;
  auto created = f.create_seed("integrationsforum-2020");
  auto read = f.server.get("/v1/events/integrationsforum-2020", bearer(f.lansstyrelsen_key));
  std::string etag = read.header("ETag");
  REQUIRE(!etag.empty());

  // a change subscribers need not see: the sequence stays, the ETag moves
  auto audience = f.patch("integrationsforum-2020", {{"audience", "Alla intresserade."}, {"summary", nullptr}},
                          f.lansstyrelsen_key, {{"If-Match", etag}});
  REQUIRE_MESSAGE(audience.status == 200, audience.body);
  CHECK(audience.json()["audience"] == "Alla intresserade.");
  CHECK(audience.json()["summary"].is_null());  // null removes an optional member
  CHECK(audience.json()["sequence"] == 0);
  CHECK(audience.json()["description"] == created["description"]);
  CHECK(audience.json()["partner_ids"] == created["partner_ids"]);
  CHECK(audience.json()["starts_at"] == "2020-11-26T09:00:00+01:00");
  CHECK(audience.header("ETag") != etag);

  // the old tag is stale now
  auto stale = f.patch("integrationsforum-2020", {{"title", "Integrationsforum 2020!"}}, f.lansstyrelsen_key,
                       {{"If-Match", etag}});
  CHECK(stale.status == 412);
  CHECK(f.server.get("/v1/events/integrationsforum-2020").json()["title"] == "Integrationsforum 2020");

  // partners live in their own table, yet they are part of the event: changing only them
  // moves the ETag as well, so a stale If-Match is still caught
  std::string before_partners = f.server.get("/v1/events/integrationsforum-2020").header("ETag");
  auto partners = f.patch("integrationsforum-2020", {{"partner_ids", {"migrationsverket"}}}, f.lansstyrelsen_key,
                          {{"If-Match", before_partners}});
  REQUIRE_MESSAGE(partners.status == 200, partners.body);
  CHECK(partners.json()["partner_ids"].size() == 1);
  CHECK(partners.header("ETag") != before_partners);
  CHECK(f.patch("integrationsforum-2020", {{"audience", "Alla."}}, f.lansstyrelsen_key, {{"If-Match", before_partners}})
            .status == 412);
  REQUIRE(f.patch("integrationsforum-2020", {{"partner_ids", created["partner_ids"]}}, f.lansstyrelsen_key).status ==
          200);

  // nested objects merge member by member: the stream URL survives a platform change
  auto online = f.patch("integrationsforum-2020", {{"online", {{"platform", "Zoom"}}}}, f.lansstyrelsen_key);
  REQUIRE(online.status == 200);
  CHECK(online.json()["online"]["platform"] == "Zoom");
  CHECK(online.json()["online"]["stream_url"] == "https://www.youtube.com/@lansstyrelsenvastragotaland/live");
  CHECK(online.json()["sequence"] == 1);  // the online member is shown in calendars

  // a new time in the zone's offset or in UTC; a wrong offset is refused
  auto moved = f.patch("integrationsforum-2020", {{"starts_at", "2020-11-26T08:30:00+01:00"}}, f.lansstyrelsen_key);
  REQUIRE(moved.status == 200);
  CHECK(moved.json()["starts_at"] == "2020-11-26T08:30:00+01:00");
  CHECK(moved.json()["sequence"] == 2);
  CHECK(f.patch("integrationsforum-2020", {{"starts_at", "2020-11-26T08:30:00+02:00"}}, f.lansstyrelsen_key).status ==
        422);
  // a new zone keeps the instants
  auto london = f.patch("integrationsforum-2020", {{"timezone", "Europe/London"}}, f.lansstyrelsen_key);
  REQUIRE_MESSAGE(london.status == 200, london.body);
  CHECK(london.json()["starts_at"] == "2020-11-26T07:30:00+00:00");
  REQUIRE(f.patch("integrationsforum-2020", {{"timezone", "Europe/Stockholm"}}, f.lansstyrelsen_key).status == 200);

  // a read-only member with another value and an unknown member are a 422 (sequence, which
  // moves by itself, is ignored); so is a patch that is not an object
  CHECK(f.patch("integrationsforum-2020", {{"created_at", "2001-01-01T00:00:00Z"}}, f.lansstyrelsen_key).status == 422);
  const json sequence = f.server.request("GET", "/v1/events/integrationsforum-2020").json()["sequence"];
  auto ignored = f.patch("integrationsforum-2020", {{"sequence", 7}}, f.lansstyrelsen_key);
  CHECK(ignored.status == 200);
  CHECK(ignored.json()["sequence"] == sequence);
  CHECK(f.patch("integrationsforum-2020", json::array(), f.lansstyrelsen_key).status == 422);
  CHECK(f.server
            .request("PATCH", "/v1/events/integrationsforum-2020", "{}",
                     with(bearer(f.lansstyrelsen_key), "Content-Type", "text/plain"))
            .status == 415);

  // another organisation may read the published event but not change it
  CHECK(f.patch("integrationsforum-2020", {{"title", "Kapat"}}, f.forum_key).status == 403);
  CHECK(f.patch("integrationsforum-2020", {{"title", "Kapat"}}, "no-such-key").status == 401);
  // only an admin moves an event to another organiser
  CHECK(f.patch("integrationsforum-2020", {{"organiser_id", "forum"}}, f.lansstyrelsen_key).status == 403);
  // naming the own organiser by slug is no change
  CHECK(f.patch("integrationsforum-2020", {{"organiser_id", "lansstyrelsen-vastra-gotaland"}}, f.lansstyrelsen_key)
            .status == 200);

  // a published event is cancelled, stays visible, and its sequence grows
  auto before = f.server.get("/v1/events/integrationsforum-2020").json();
  auto cancelled = f.patch("integrationsforum-2020", {{"status", "cancelled"}}, f.lansstyrelsen_key);
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.json()["status"] == "cancelled");
  CHECK(cancelled.json()["sequence"].get<int>() == before["sequence"].get<int>() + 1);
  auto after = f.server.get("/v1/events/integrationsforum-2020");
  CHECK(after.status == 200);
  CHECK(after.json()["status"] == "cancelled");
  CHECK(contains(slugs_of(f.server.get("/v1/events").json()), "integrationsforum-2020"));
  // but never goes back to draft
  auto back = f.patch("integrationsforum-2020", {{"status", "draft"}}, f.lansstyrelsen_key);
  CHECK(back.status == 409);

  auto moved_to_forum = f.patch("integrationsforum-2020", {{"organiser_id", "forum"}}, f.admin);
  REQUIRE(moved_to_forum.status == 200);
  CHECK(moved_to_forum.json()["organiser_id"] == organisation_id(f.server.database(), "forum"));
}

TEST_CASE("events: new times may not leave a session outside the event") {
  Fixture f;
  auto created = f.create_seed("integrationsforum-2020");
  f.server.database().exec("INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES ('" +
                           created["id"].get<std::string>() +
                           "', 'Lunch', '2020-11-26T11:30:00+01:00', '2020-11-26T13:00:00+01:00')");
  auto shrink = f.patch("integrationsforum-2020", {{"ends_at", "2020-11-26T12:00:00+01:00"}}, f.lansstyrelsen_key);
  CHECK(shrink.status == 409);
  CHECK(shrink.json()["detail"].get<std::string>().find("Lunch") != std::string::npos);
  CHECK(f.server.get("/v1/events/integrationsforum-2020").json()["ends_at"] == "2020-11-26T16:00:00+01:00");
  // to an all-day event covering the day: the session still fits
  auto all_day = f.patch("integrationsforum-2020",
                         {{"all_day", true},
                          {"starts_at", nullptr},
                          {"ends_at", nullptr},
                          {"starts_on", "2020-11-26"},
                          {"ends_on", "2020-11-26"}},
                         f.lansstyrelsen_key);
  REQUIRE_MESSAGE(all_day.status == 200, all_day.body);
  CHECK(all_day.json()["starts_on"] == "2020-11-26");
  CHECK(all_day.json()["starts_at"].is_null());
}

TEST_CASE("events: conditional GET answers 304; HEAD works") {
  Fixture f;
  f.create_seed("ostersund-2019");
  auto first = f.server.get("/v1/events/ostersund-2019");
  REQUIRE(first.status == 200);
  std::string etag = first.header("ETag");
  std::string last_modified = first.header("Last-Modified");
  auto by_tag = f.server.get("/v1/events/ostersund-2019", {{"If-None-Match", etag}});
  CHECK(by_tag.status == 304);
  CHECK(by_tag.body.empty());
  CHECK(by_tag.header("ETag") == etag);
  CHECK(f.server.get("/v1/events/ostersund-2019", {{"If-Modified-Since", last_modified}}).status == 304);
  CHECK(f.server.get("/v1/events/ostersund-2019", {{"If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT"}}).status ==
        200);
  auto head = f.server.request("HEAD", "/v1/events/ostersund-2019");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("ETag") == etag);

  REQUIRE(f.patch("ostersund-2019", {{"audience", "Alla."}}, f.forum_key).status == 200);
  CHECK(f.server.get("/v1/events/ostersund-2019", {{"If-None-Match", etag}}).status == 200);
}

TEST_CASE("events: delete only drafts, honouring If-Match") {
  Fixture f;
  f.create_seed("ostersund-2019");
  auto published = f.server.request("DELETE", "/v1/events/ostersund-2019", "", bearer(f.forum_key));
  CHECK(published.status == 409);
  CHECK(published.json()["detail"].get<std::string>().find("cancel") != std::string::npos);

  auto draft_body = simple_event("bort", "2020-11-26T08:00:00Z", "2020-11-26T09:00:00Z");
  draft_body["status"] = "draft";
  f.create(draft_body, f.forum_key);
  CHECK(f.server.request("DELETE", "/v1/events/bort", "", bearer(f.lansstyrelsen_key)).status == 404);
  CHECK(
      f.server.request("DELETE", "/v1/events/bort", "", with(bearer(f.forum_key), "If-Match", "\"stale-1\"")).status ==
      412);
  std::string etag = f.server.get("/v1/events/bort", bearer(f.forum_key)).header("ETag");
  CHECK(f.server.request("DELETE", "/v1/events/bort", "", with(bearer(f.forum_key), "If-Match", etag)).status == 204);
  CHECK(f.server.get("/v1/events/bort", bearer(f.forum_key)).status == 404);
}

TEST_CASE("events: list filters and search") {
  Fixture f;
  for (std::string name :
       {"ostersund-2019", "integrationsforum-2020", "fyrbodal-webinar-2022", "fyrbodal-seminar-2022"}) {
    f.create_seed(name);
  }
  auto partnerskapet = simple_event("iop-seminarium", "2021-05-04T08:00:00Z", "2021-05-04T10:00:00Z");
  partnerskapet["description"] = "Vad har partnerskapet betytt för föreningarna?";
  partnerskapet["series"] = "iop-dagar";
  f.create(partnerskapet, f.admin);
  auto list = [&](const std::string& query) {
    auto response = f.server.get("/v1/events?" + query);
    REQUIRE_MESSAGE(response.status == 200, query << ": " << response.body);
    return slugs_of(response.json());
  };

  CHECK(list("") == std::vector<std::string>{"ostersund-2019", "integrationsforum-2020", "iop-seminarium",
                                             "fyrbodal-webinar-2022", "fyrbodal-seminar-2022"});
  // overlap with [from, to): the all-day visit covers 4-5 September in Stockholm
  CHECK(list("from=2019-09-05T21:00:00Z&to=2019-09-06T00:00:00Z") == std::vector<std::string>{"ostersund-2019"});
  CHECK(list("from=2019-09-05T22:00:00Z&to=2020-11-26T08:00:00Z").empty());
  // half-open: an event ending at 16:00 does not overlap [16:00, 17:00)
  CHECK(list("from=2020-11-26T16:00:00%2B01:00&to=2020-11-26T17:00:00%2B01:00").empty());
  CHECK(list("from=2020-11-26T15:59:00%2B01:00&to=2020-11-26T17:00:00%2B01:00") ==
        std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("from=2020-11-26T06:00:00Z&to=2020-11-26T08:00:00Z").empty());
  CHECK(list("from=2022-01-01T00:00:00Z") ==
        std::vector<std::string>{"fyrbodal-webinar-2022", "fyrbodal-seminar-2022"});
  CHECK(list("to=2020-01-01T00:00:00Z") == std::vector<std::string>{"ostersund-2019"});
  CHECK(list("kind=webinar") == std::vector<std::string>{"fyrbodal-webinar-2022"});
  CHECK(list("format=online") == std::vector<std::string>{"integrationsforum-2020", "fyrbodal-webinar-2022"});
  CHECK(list("series=integrationsforum") == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("tag=nyanl%C3%A4nda") == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("tag=iop") == std::vector<std::string>{"ostersund-2019", "fyrbodal-webinar-2022"});
  CHECK(list("tag=IOP").empty());
  CHECK(list("status=cancelled").empty());
  // organiser= is the organiser only; partner= a partner once it has accepted (a pending
  // invitation does not count); both by slug or id
  const std::string migrationsverket = organisation_id(f.server.database(), "migrationsverket");
  CHECK(list("organiser=migrationsverket").empty());
  CHECK(list("partner=migrationsverket").empty());  // named, not yet accepted
  CHECK(list("partner=" + migrationsverket).empty());
  auto accepted = f.server.request("PATCH", "/v1/events/integrationsforum-2020/partners/migrationsverket",
                                   R"({"status":"accepted"})", bearer(f.admin));
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  CHECK(list("organiser=migrationsverket").empty());
  CHECK(list("partner=migrationsverket") == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("partner=" + migrationsverket) == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("partner=migrationsverket&kind=webinar").empty());
  CHECK(list("partner=lansstyrelsen-vastra-gotaland").empty());  // the organiser is no partner
  CHECK(list("partner=finns-inte").empty());
  CHECK(list("organiser=" + organisation_id(f.server.database(), "lansstyrelsen-vastra-gotaland")) ==
        std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("organiser=fyrbodals-kommunalforbund&kind=seminar") == std::vector<std::string>{"fyrbodal-seminar-2022"});
  CHECK(list("organiser=finns-inte").empty());
  // Swedish-aware search: "partnerskap" finds "partnerskapet" and "offentligt partnerskap"
  CHECK(list("q=partnerskap") == std::vector<std::string>{"ostersund-2019", "iop-seminarium"});
  CHECK(list("q=Partnerskapet") == std::vector<std::string>{"ostersund-2019", "iop-seminarium"});
  CHECK(list("q=pandemin+migrationen") == std::vector<std::string>{"integrationsforum-2020"});
  CHECK(list("q=om+i+det").empty());
  CHECK(list("q=partnerskap&from=2021-01-01T00:00:00Z") == std::vector<std::string>{"iop-seminarium"});

  // invalid filter values are a 400
  for (std::string bad :
       {"kind=party", "format=paper", "status=gone", "from=yesterday", "to=2020-11-26T09:00:00",
        "from=2021-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "series=Not%20a%20slug", "organiser=%00",
        "partner=Not%20a%20slug", "tag=", "limit=0", "limit=201", "limit=ten", "cursor=bm9wZQ", "cursor=%%%"}) {
    CAPTURE(bad);
    CHECK(f.server.get("/v1/events?" + bad).status == 400);
  }
}

TEST_CASE("events: cursor pagination neither repeats nor skips under concurrent inserts") {
  Fixture f;
  // 9 events; three share a start time, so the id breaks the tie
  std::set<std::string> original;
  for (int i = 0; i < 9; ++i) {
    std::string start = i < 3 ? "2021-02-01T09:00:00Z" : "2021-02-0" + std::to_string(i) + "T09:00:00Z";
    std::string end = i < 3 ? "2021-02-01T10:00:00Z" : "2021-02-0" + std::to_string(i) + "T10:00:00Z";
    f.create(simple_event("sida-" + std::to_string(i), start, end), f.admin);
    original.insert("sida-" + std::to_string(i));
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  int inserted = 0;
  while (true) {
    auto response = f.server.get("/v1/events?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE(response.status == 200);
    auto page = response.json();
    for (const auto& slug : slugs_of(page)) seen.push_back(slug);
    ++pages;
    // between pages, others insert events before, at and after the cursor's position
    for (std::string start : {"2021-01-15T09:00:00Z", "2021-02-01T09:00:00Z", "2021-02-05T09:30:00Z"}) {
      auto body = simple_event("ny-" + std::to_string(inserted++), start, "2021-03-01T00:00:00Z");
      f.create(body, f.admin);
    }
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"];
    REQUIRE(pages < 50);
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());  // nothing twice
  for (const auto& slug : original) {
    CAPTURE(slug);
    CHECK(unique.count(slug) == 1);  // nothing skipped
  }
  // the pages are in list order
  auto all = f.server.get("/v1/events?limit=200").json();
  std::vector<std::string> order = slugs_of(all);
  std::vector<std::size_t> positions;
  for (const auto& slug : seen) {
    positions.push_back(static_cast<std::size_t>(std::find(order.begin(), order.end(), slug) - order.begin()));
  }
  CHECK(std::is_sorted(positions.begin(), positions.end()));
  CHECK(f.server.get("/v1/events?limit=200").json()["next_cursor"].is_null());
}

TEST_CASE("events: a slug clash with another organisation's draft tells nothing of the draft") {
  Fixture f;
  auto secret = simple_event("hemligt-utkast", "2031-03-10T08:00:00Z", "2031-03-10T10:00:00Z", "forum");
  secret["status"] = "draft";
  secret["title"] = "Hemlig omorganisation av Forum";
  secret["summary"] = "Ingen utanför Forum ska veta om detta än.";
  f.create(secret, f.forum_key);
  auto mine =
      simple_event("hemligt-utkast", "2031-03-11T08:00:00Z", "2031-03-11T10:00:00Z", "lansstyrelsen-vastra-gotaland");
  auto clash = f.post(mine, f.lansstyrelsen_key);
  REQUIRE(clash.status == 409);
  CHECK(clash.json()["errors"][0]["field"] == "slug");
  for (const char* secret_text : {"Hemlig", "omorganisation", "Ingen utanför", "2031-03-10"}) {
    CHECK_MESSAGE(clash.body.find(secret_text) == std::string::npos, secret_text);
  }
  CHECK(clash.body.find(f.server.database().scalar("SELECT id::text FROM events WHERE slug = 'hemligt-utkast'")) ==
        std::string::npos);
  // Nothing of the clashing draft was changed either.
  CHECK(f.server.database().scalar("SELECT title FROM events WHERE slug = 'hemligt-utkast'") ==
        "Hemlig omorganisation av Forum");
}
