// /v1/organisations over real HTTP and a real PostgreSQL: the seed organisations, slugs,
// conditional requests, merge patches, deletes, pagination and bad input.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

HeaderList admin(const TestServer& server) { return {{"Authorization", "Bearer " + server.settings().admin_key}}; }

HeaderList with(HeaderList headers, const std::string& name, const std::string& value) {
  headers.emplace_back(name, value);
  return headers;
}

json seed_organisations() {
  std::ifstream file(EVENTD_SOURCE_DIR "/api/examples/organisations.json", std::ios::binary);
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  return json::parse(text.str());
}

HttpResponse post(TestServer& server, const json& body, const HeaderList& headers) {
  return server.request("POST", "/v1/organisations", body.dump(), headers);
}

void load_seeds(TestServer& server) {
  for (const auto& organisation : seed_organisations()) {
    auto created = post(server, organisation, admin(server));
    REQUIRE_MESSAGE(created.status == 201, created.body);
  }
}

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  auto body = response.json();  // a named copy: range-for would not keep the temporary alive
  for (const auto& e : body["errors"]) fields.insert(e["field"].get<std::string>());
  return fields;
}

// Adds an event organised by `organiser` (and partnered by `partner`) directly in SQL:
// events have their own API, which these tests do not depend on.
void add_event(TestDatabase& db, const std::string& slug, const std::string& organiser, const std::string& partner) {
  db.exec(
      "INSERT INTO events (slug, title, kind, format, timezone, starts_at, ends_at, organiser_id) "
      "SELECT '" +
      slug +
      "', 'Integrationsforum 2020', 'conference', 'online', 'Europe/Stockholm', "
      "'2020-11-26T09:00:00+01:00', '2020-11-26T16:00:00+01:00', id FROM organisations WHERE slug = '" +
      organiser + "'");
  if (!partner.empty()) {
    db.exec(
        "INSERT INTO event_partners (event_id, organisation_id) SELECT e.id, o.id FROM events e, organisations o "
        "WHERE e.slug = '" +
        slug + "' AND o.slug = '" + partner + "'");
  }
}

}  // namespace

TEST_CASE("organisations: the seed organisations round-trip byte for byte, by slug and by id") {
  TestServer server;
  auto seeds = seed_organisations();
  REQUIRE(seeds.size() == 20);  // the hosts of the Östersund visit among them
  for (const auto& seed : seeds) {
    auto created = post(server, seed, admin(server));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto body = created.json();
    CHECK(created.header("Content-Type") == "application/json");
    CHECK(created.header("Location") == "http://127.0.0.1:8080/v1/organisations/" + body["id"].get<std::string>());
    CHECK_FALSE(created.header("ETag").empty());
    CHECK_FALSE(created.header("Last-Modified").empty());
    for (const auto& member : {"slug", "name", "kind", "description"}) CHECK(body[member] == seed[member]);
    CHECK(body["website"] == (seed.contains("website") ? seed["website"] : json(nullptr)));
    CHECK(body["created_at"].get<std::string>().ends_with("Z"));
    CHECK(body["updated_at"] == body["created_at"]);

    auto by_slug = server.get("/v1/organisations/" + seed["slug"].get<std::string>());
    REQUIRE(by_slug.status == 200);
    auto by_id = server.get("/v1/organisations/" + body["id"].get<std::string>());
    REQUIRE(by_id.status == 200);
    CHECK(by_slug.body == created.body);
    CHECK(by_id.body == created.body);
    CHECK(by_slug.header("ETag") == created.header("ETag"));
  }

  auto forum = server.get("/v1/organisations/forum");
  // The raw bytes: the en dash (E2 80 93) and é, unescaped.
  CHECK(forum.body.find("\"name\":\"Forum \xE2\x80\x93 id\xC3\xA9\x62urna organisationer med social inriktning\"") !=
        std::string::npos);
  CHECK(forum.json()["name"] == "Forum – idéburna organisationer med social inriktning");
  CHECK(server.get("/v1/organisations/ostersunds-kommun").json()["name"] == "Östersunds kommun");
  CHECK(server.database().scalar("SELECT name FROM organisations WHERE slug = 'lansstyrelsen-vastra-gotaland'") ==
        "Länsstyrelsen i Västra Götalands län");

  CHECK(server.get("/v1/organisations/no-such-organisation").status == 404);
  CHECK(server.get("/v1/organisations/00000000-0000-4000-8000-000000000000").status == 404);
  CHECK(server.get("/v1/organisations/Not%20A%20Slug").status == 404);
}

TEST_CASE("organisations: slug made from the name, duplicates are 409 naming the slug") {
  TestServer server;
  auto made = post(server, {{"name", "Östersunds Föreningsråd – Jämtland"}, {"kind", "other"}}, admin(server));
  REQUIRE(made.status == 201);
  CHECK(made.json()["slug"] == "ostersunds-foreningsrad-jamtland");
  CHECK(made.json()["website"].is_null());
  CHECK(made.json()["description"].is_null());

  auto again = post(server, {{"name", "Östersunds föreningsråd: Jämtland"}, {"kind", "region"}}, admin(server));
  CHECK(again.status == 409);
  CHECK(again.header("Content-Type") == "application/problem+json");
  CHECK(again.json()["detail"].get<std::string>().find("\"ostersunds-foreningsrad-jamtland\"") != std::string::npos);
  CHECK(error_fields(again) == std::set<std::string>{"slug"});

  auto given =
      post(server, {{"slug", "ostersunds-foreningsrad-jamtland"}, {"name", "Other"}, {"kind", "other"}}, admin(server));
  CHECK(given.status == 409);

  auto unsluggable = post(server, {{"name", "Форум"}, {"kind", "other"}}, admin(server));
  CHECK(unsluggable.status == 422);
  CHECK(error_fields(unsluggable) == std::set<std::string>{"slug"});
}

TEST_CASE("organisations: who may write") {
  TestServer server;
  json body = {{"slug", "forum"}, {"name", "Forum"}, {"kind", "civil_society"}};
  auto anonymous = post(server, body, {});
  CHECK(anonymous.status == 401);
  CHECK(anonymous.header("WWW-Authenticate") == "Bearer");
  CHECK(post(server, body, {{"Authorization", "Bearer evk_not-a-key"}}).status == 401);
  CHECK(post(server, body, {{"Authorization", "Basic abc"}}).status == 401);
  // An unknown key is a 401 even on a public read.
  CHECK(server.get("/v1/organisations", {{"Authorization", "Bearer evk_not-a-key"}}).status == 401);

  REQUIRE(post(server, body, admin(server)).status == 201);
  auto organiser = server.request("POST", "/v1/api-keys",
                                  json{{"name", "Forum"}, {"role", "organiser"}, {"organisation_id", "forum"}}.dump(),
                                  admin(server));
  REQUIRE(organiser.status == 201);
  HeaderList forum_key = {{"Authorization", "Bearer " + organiser.json()["key"].get<std::string>()}};
  CHECK(post(server, {{"name", "Another"}, {"kind", "other"}}, forum_key).status == 403);
  // openapi: PATCH and DELETE are admin only, even for the organisation's own organiser.
  CHECK(server.request("PATCH", "/v1/organisations/forum", R"({"name":"Forum!"})", forum_key).status == 403);
  CHECK(server.request("DELETE", "/v1/organisations/forum", "", forum_key).status == 403);
  CHECK(server.request("PATCH", "/v1/organisations/forum", R"({"name":"Forum!"})").status == 401);
  CHECK(server.request("DELETE", "/v1/organisations/forum").status == 401);
  // Public reads, with or without a valid key.
  CHECK(server.get("/v1/organisations/forum").status == 200);
  CHECK(server.get("/v1/organisations/forum", forum_key).status == 200);
  CHECK(server.get("/v1/organisations", forum_key).status == 200);
}

TEST_CASE("organisations: ETag, 304 on If-None-Match and If-Modified-Since") {
  TestServer server;
  load_seeds(server);
  auto first = server.get("/v1/organisations/forum");
  REQUIRE(first.status == 200);
  auto etag = first.header("ETag");
  auto last_modified = first.header("Last-Modified");
  REQUIRE_FALSE(etag.empty());
  REQUIRE(last_modified.ends_with(" GMT"));

  auto cached = server.get("/v1/organisations/forum", {{"If-None-Match", etag}});
  CHECK(cached.status == 304);
  CHECK(cached.body.empty());
  CHECK(cached.header("ETag") == etag);
  CHECK(server.get("/v1/organisations/forum", {{"If-None-Match", "W/" + etag}}).status == 304);
  CHECK(server.get("/v1/organisations/forum", {{"If-None-Match", "\"other\", " + etag}}).status == 304);
  CHECK(server.get("/v1/organisations/forum", {{"If-None-Match", "\"stale\""}}).status == 200);
  CHECK(server.get("/v1/organisations/forum", {{"If-Modified-Since", last_modified}}).status == 304);
  CHECK(server.get("/v1/organisations/forum", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status == 200);

  // A change gives a new tag; the old one no longer matches.
  auto patched =
      server.request("PATCH", "/v1/organisations/forum", R"({"website":"https://www.socialforum.se/"})", admin(server));
  REQUIRE(patched.status == 200);
  CHECK(patched.header("ETag") != etag);
  CHECK(server.get("/v1/organisations/forum", {{"If-None-Match", etag}}).status == 200);
  CHECK(server.get("/v1/organisations/forum", {{"If-None-Match", patched.header("ETag")}}).status == 304);
}

TEST_CASE("organisations: PATCH is a merge patch, If-Match guards it, all or nothing") {
  TestServer server;
  load_seeds(server);
  auto before = server.get("/v1/organisations/forum");
  auto etag = before.header("ETag");

  // merge-patch+json with the current tag: only the named members change
  auto patched =
      server.request("PATCH", "/v1/organisations/forum", R"({"website":null,"kind":"other"})",
                     with(with(admin(server), "Content-Type", "application/merge-patch+json"), "If-Match", etag));
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  auto body = patched.json();
  CHECK(body["website"].is_null());
  CHECK(body["kind"] == "other");
  CHECK(body["name"] == before.json()["name"]);
  CHECK(body["description"] == before.json()["description"]);
  CHECK(body["id"] == before.json()["id"]);
  CHECK(body["created_at"] == before.json()["created_at"]);
  CHECK(body["updated_at"] != before.json()["updated_at"]);
  CHECK(patched.header("ETag") != etag);
  CHECK(server.get("/v1/organisations/forum").body == patched.body);

  // The old tag is stale now: 412, and nothing changes.
  auto stale = server.request("PATCH", "/v1/organisations/forum", R"({"name":"Changed"})",
                              with(admin(server), "If-Match", etag));
  CHECK(stale.status == 412);
  CHECK(stale.header("Content-Type") == "application/problem+json");
  CHECK(server.get("/v1/organisations/forum").json()["name"] == before.json()["name"]);
  CHECK(
      server.request("PATCH", "/v1/organisations/forum", R"({"name":"Changed"})", with(admin(server), "If-Match", "*"))
          .status == 200);

  // A new slug: the old one is gone, the new one answers; a taken one is a 409.
  auto renamed = server.request("PATCH", "/v1/organisations/forum", R"({"slug":"socialforum"})", admin(server));
  REQUIRE(renamed.status == 200);
  CHECK(server.get("/v1/organisations/forum").status == 404);
  CHECK(server.get("/v1/organisations/socialforum").status == 200);
  auto taken =
      server.request("PATCH", "/v1/organisations/socialforum", R"({"slug":"migrationsverket"})", admin(server));
  CHECK(taken.status == 409);
  CHECK(error_fields(taken) == std::set<std::string>{"slug"});

  // Invalid merged results are 422 and change nothing.
  auto invalid =
      server.request("PATCH", "/v1/organisations/socialforum",
                     R"({"name":"","website":"ftp://x","colour":"red","slug":null,"id":"x"})", admin(server));
  CHECK(invalid.status == 422);
  CHECK(error_fields(invalid) == std::set<std::string>{"name", "website", "colour", "slug", "id"});
  auto wrong_types =
      server.request("PATCH", "/v1/organisations/socialforum", R"({"name":{"sv":"x"},"kind":3})", admin(server));
  CHECK(wrong_types.status == 422);
  CHECK(error_fields(wrong_types) == std::set<std::string>{"name", "kind"});
  CHECK(server.get("/v1/organisations/socialforum").json()["name"] == "Changed");

  // A patch that changes nothing keeps the version.
  auto current = server.get("/v1/organisations/socialforum");
  auto same = server.request("PATCH", "/v1/organisations/socialforum", R"({"name":"Changed"})", admin(server));
  CHECK(same.status == 200);
  CHECK(same.header("ETag") == current.header("ETag"));
  CHECK(same.json()["updated_at"] == current.json()["updated_at"]);

  CHECK(server.request("PATCH", "/v1/organisations/nobody", R"({"name":"x"})", admin(server)).status == 404);
  CHECK(server
            .request("PATCH", "/v1/organisations/socialforum", R"({"name":"x"})",
                     with(admin(server), "Content-Type", "text/plain"))
            .status == 415);
  CHECK(server.request("PATCH", "/v1/organisations/socialforum", R"({"name":)", admin(server)).status == 400);
  CHECK(server.request("PATCH", "/v1/organisations/socialforum", R"(["name"])", admin(server)).status == 422);
}

TEST_CASE("organisations: DELETE honours If-Match, refuses while events refer to it") {
  TestServer server;
  load_seeds(server);
  auto& db = server.database();
  add_event(db, "integrationsforum-2020", "lansstyrelsen-vastra-gotaland", "migrationsverket");

  auto organiser = server.request("DELETE", "/v1/organisations/lansstyrelsen-vastra-gotaland", "", admin(server));
  CHECK(organiser.status == 409);
  CHECK(organiser.json()["detail"].get<std::string>().find("integrationsforum-2020") != std::string::npos);
  auto partner = server.request("DELETE", "/v1/organisations/migrationsverket", "", admin(server));
  CHECK(partner.status == 409);
  CHECK(partner.json()["detail"] ==
        "Migrationsverket is still organiser or partner of 1 event (integrationsforum-2020); remove it from those "
        "events first.");
  CHECK(server.get("/v1/organisations/migrationsverket").status == 200);

  // Keys of a deleted organisation go with it.
  auto key = server.request("POST", "/v1/api-keys",
                            json{{"name", "Sensus"}, {"role", "organiser"}, {"organisation_id", "sensus"}}.dump(),
                            admin(server));
  REQUIRE(key.status == 201);
  auto sensus = server.get("/v1/organisations/sensus");
  CHECK(
      server.request("DELETE", "/v1/organisations/sensus", "", with(admin(server), "If-Match", "\"stale-1\"")).status ==
      412);
  CHECK(server.get("/v1/organisations/sensus").status == 200);
  CHECK(server.request("DELETE", "/v1/organisations/sensus", "", with(admin(server), "If-Match", sensus.header("ETag")))
            .status == 204);
  CHECK(server.get("/v1/organisations/sensus").status == 404);
  CHECK(server.request("DELETE", "/v1/organisations/sensus", "", admin(server)).status == 404);
  CHECK(db.scalar("SELECT count(*) FROM api_keys") == "0");
  CHECK(server.get("/v1/organisations", {{"Authorization", "Bearer " + key.json()["key"].get<std::string>()}}).status ==
        401);
}

TEST_CASE("organisations: bad bodies are 400, 415 and 422 naming the fields") {
  TestServer server;
  auto unknown = post(server, {{"name", "Forum"}, {"kind", "civil_society"}, {"colour", "red"}}, admin(server));
  CHECK(unknown.status == 422);
  CHECK(unknown.header("Content-Type") == "application/problem+json");
  CHECK(error_fields(unknown) == std::set<std::string>{"colour"});

  auto read_only = post(server, {{"id", "x"}, {"created_at", "2020-01-01T00:00:00Z"}, {"name", "F"}, {"kind", "other"}},
                        admin(server));
  CHECK(read_only.status == 422);
  CHECK(error_fields(read_only) == std::set<std::string>{"id", "created_at"});

  auto types =
      post(server, {{"name", 5}, {"kind", "club"}, {"website", 7}, {"slug", "Not A Slug"}, {"description", true}},
           admin(server));
  CHECK(types.status == 422);
  CHECK(error_fields(types) == std::set<std::string>{"name", "kind", "website", "slug", "description"});

  auto missing = post(server, json::object(), admin(server));
  CHECK(missing.status == 422);
  CHECK(error_fields(missing) == std::set<std::string>{"name", "kind"});

  auto website = post(server, {{"name", "F"}, {"kind", "other"}, {"website", "www.example.se"}}, admin(server));
  CHECK(website.status == 422);
  CHECK(error_fields(website) == std::set<std::string>{"website"});

  CHECK(post(server, json::array(), admin(server)).status == 422);
  CHECK(server.request("POST", "/v1/organisations", R"({"name": "Forum",)", admin(server)).status == 400);
  CHECK(
      server.request("POST", "/v1/organisations", "{\"name\":\"\xC3\x28\",\"kind\":\"other\"}", admin(server)).status ==
      400);
  auto text = server.request("POST", "/v1/organisations", R"({"name":"F","kind":"other"})",
                             with(admin(server), "Content-Type", "text/plain"));
  CHECK(text.status == 415);
  CHECK(server
            .request("POST", "/v1/organisations", R"({"name":"F","kind":"other"})",
                     with(admin(server), "Content-Type", "application/merge-patch+json"))
            .status == 415);
  CHECK(server.database().scalar("SELECT count(*) FROM organisations") == "0");
}

TEST_CASE("organisations: pagination over 120 with inserts between pages, no repeats, no skips") {
  TestServer server;
  auto& db = server.database();
  // 120 organisations; names with Swedish letters and shared prefixes, some equal names.
  db.exec(
      "INSERT INTO organisations (slug, name, kind) SELECT 'org-' || n, "
      "CASE WHEN n % 10 = 0 THEN 'Förening samma namn' ELSE 'Förening ' || lpad(n::text, 3, '0') END, "
      "'civil_society' FROM generate_series(1, 120) AS n");
  std::set<std::string> original;
  for (int n = 1; n <= 120; ++n) original.insert("org-" + std::to_string(n));

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    auto response = server.get("/v1/organisations?limit=25" + (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE_MESSAGE(response.status == 200, response.body);
    auto body = response.json();
    CHECK(body["items"].size() <= 25);
    for (const auto& item : body["items"]) seen.push_back(item["slug"].get<std::string>());
    ++pages;
    // Rows inserted between pages: one sorting first (already passed), one last (still to come).
    db.exec("INSERT INTO organisations (slug, name, kind) VALUES ('early-" + std::to_string(pages) + "', 'A " +
            std::to_string(pages) + "', 'other'), ('late-" + std::to_string(pages) + "', 'Ö " + std::to_string(pages) +
            "', 'other')");
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"].get<std::string>();
    REQUIRE(pages < 20);
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());                                           // no repeats
  for (const auto& slug : original) CHECK_MESSAGE(unique.contains(slug), slug);  // no skips
  CHECK_FALSE(unique.contains("early-1"));
  CHECK(unique.contains("late-1"));
  // What was seen is in the list order (name, id), as the database sorts it.
  std::string ordered = db.scalar("SELECT string_agg(slug, ',' ORDER BY name, id) FROM organisations");
  std::vector<std::string> filtered;
  std::stringstream all(ordered);
  for (std::string slug; std::getline(all, slug, ',');) {
    if (unique.contains(slug)) filtered.push_back(slug);
  }
  CHECK(filtered == seen);

  // The default page is 50; limits outside 1-200 and foreign cursors are 400.
  auto first = server.get("/v1/organisations");
  CHECK(first.json()["items"].size() == 50);
  CHECK_FALSE(first.json()["next_cursor"].is_null());
  auto total = std::stoul(db.scalar("SELECT count(*) FROM organisations"));
  REQUIRE(total > 120);
  CHECK(server.get("/v1/organisations?limit=200").json()["items"].size() == total);
  CHECK(server.get("/v1/organisations?limit=0").status == 400);
  CHECK(server.get("/v1/organisations?limit=201").status == 400);
  CHECK(server.get("/v1/organisations?limit=ten").status == 400);
  CHECK(server.get("/v1/organisations?cursor=not-a-cursor!").status == 400);
  CHECK(server.get("/v1/organisations?cursor=bm90LWEtdXVpZA").status == 400);  // "not-a-uuid"
}

TEST_CASE("organisations: an empty list") {
  TestServer server;
  auto empty = server.get("/v1/organisations");
  CHECK(empty.status == 200);
  CHECK(empty.json() == json{{"items", json::array()}, {"next_cursor", nullptr}});
}
