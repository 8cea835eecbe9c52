// Registrations over real HTTP and PostgreSQL: seats under concurrency, the waitlist and its
// promotions, the participant's own token, idempotent retries, erasure and retention
// (checked with SQL, not only through the API), rate limits, CSV and the personal-data export.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "db/migrations.hpp"
#include "support/ics_check.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
HeaderList with(HeaderList headers, std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return headers;
}
std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }

// A server with Fyrbodal's and Forum's organisations, an organiser key each, and a published
// seminar in the future (inserted with SQL; the catalogue has its own tests).
struct Seminar {
  TestServer server;
  std::string fyrbodal_key;
  std::string forum_key;
  std::string event_id;
  std::string path;  // /v1/events/<slug>/registrations

  explicit Seminar(ServerSettings settings = {}, int capacity = 10, bool waitlist = true)
      : server(std::move(settings)) {
    auto& db = server.database();
    db.exec("INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', " + quoted("Fyrbodals kommunalförbund") +
            ", 'region'), ('forum', " + quoted("Forum – idéburna organisationer med social inriktning") +
            ", 'civil_society')");
    fyrbodal_key = organiser_key("fyrbodal");
    forum_key = organiser_key("forum");
    event_id = create_event("fyrbodal-seminarium", "fyrbodal", capacity, waitlist);
    path = "/v1/events/fyrbodal-seminarium/registrations";
  }

  std::string organiser_key(const std::string& slug) {
    std::string key = "evk_test_" + slug + "_0123456789abcdef";
    server.database().exec(
        "INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES ('test', decode('" +
        eventd::db::sha256_hex(key) + "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" +
        slug + "'))");
    return key;
  }

  // The seminar of 8 November, in a year to come, 09:00–15:30 in Vänersborg.
  std::string create_event(const std::string& slug, const std::string& organiser, int capacity, bool waitlist,
                           const std::string& extra_columns = "", const std::string& extra_values = "") {
    server.database().exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, venue_city, "
        "venue_country, capacity, waitlist, organiser_id" +
        extra_columns + ") VALUES ('" + slug + "', " + quoted("Migration och integration i Fyrbodal") +
        ", 'seminar', 'in_person', 'published', 'Europe/Stockholm', '2035-11-08T08:00:00Z', '2035-11-08T14:30:00Z', " +
        quoted("Vänersborg") + ", 'SE', " + std::to_string(capacity) + ", " + (waitlist ? "true" : "false") +
        ", (SELECT id FROM organisations WHERE slug = '" + organiser + "')" + extra_values + ")");
    return server.database().scalar("SELECT id::text FROM events WHERE slug = '" + slug + "'");
  }

  HttpResponse register_as(const std::string& name, const std::string& email, const HeaderList& headers = {},
                           const std::string& target = "") {
    json body = {{"name", name}, {"email", email}, {"consent", true}};
    return server.request("POST", target.empty() ? path : target, body.dump(),
                          with(headers, "Content-Type", "application/json"));
  }

  json event() { return server.get("/v1/events/fyrbodal-seminarium").json(); }
  std::string sql(const std::string& query) { return server.database().scalar(query); }
};

json must_register(Seminar& s, const std::string& name, const std::string& email) {
  auto r = s.register_as(name, email);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json();
}

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  for (const auto& e : response.json().value("errors", json::array())) fields.insert(e["field"]);
  return fields;
}

}  // namespace

TEST_CASE("registrations: 200 at once for 10 seats give 10 confirmed and 190 waitlisted in order") {
  ServerSettings settings;
  settings.db_pool = 8;
  Seminar s(settings);
  constexpr int kClients = 200;
  std::vector<HttpResponse> answers(kClients);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      answers[i] = s.register_as("Deltagare " + std::to_string(i), "deltagare" + std::to_string(i) + "@example.se");
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  int confirmed = 0;
  std::set<int> positions;
  std::set<std::string> tokens;
  for (const auto& a : answers) {
    REQUIRE_MESSAGE(a.status == 201, a.body);
    auto body = a.json();
    tokens.insert(body["manage_token"].get<std::string>());
    if (body["status"] == "confirmed") {
      ++confirmed;
      CHECK(body["waitlist_position"].is_null());
    } else {
      REQUIRE(body["status"] == "waitlisted");
      positions.insert(body["waitlist_position"].get<int>());
    }
  }
  CHECK(confirmed == 10);
  CHECK(positions.size() == 190);
  CHECK(*positions.begin() == 1);
  CHECK(*positions.rbegin() == 190);
  CHECK(tokens.size() == 200);
  // The database agrees, and the event's counts too.
  CHECK(s.sql("SELECT count(*) FROM registrations WHERE status = 'confirmed'") == "10");
  CHECK(s.sql("SELECT count(*) FROM registrations WHERE status = 'waitlisted'") == "190");
  auto counts = s.event()["counts"];
  CHECK(counts["confirmed"] == 10);
  CHECK(counts["waitlisted"] == 190);
  CHECK(counts["capacity_left"] == 0);
  // Positions follow arrival (the order seats were decided in).
  CHECK(s.sql("SELECT bool_and(ok) FROM (SELECT seq > ALL (SELECT seq FROM registrations WHERE status = "
              "'confirmed') AS ok FROM registrations WHERE status = 'waitlisted') x") == "t");
}

TEST_CASE("registrations: cancelling a confirmed seat confirms the first waitlisted one") {
  Seminar s({}, 2, true);
  auto anna = must_register(s, "Anna Andersson", "anna@example.se");
  auto bo = must_register(s, "Bo Berg", "bo@example.se");
  auto cecilia = must_register(s, "Cecilia Ek", "cecilia@example.se");
  auto david = must_register(s, "David Lind", "david@example.se");
  CHECK(cecilia["status"] == "waitlisted");
  CHECK(cecilia["waitlist_position"] == 1);
  CHECK(david["waitlist_position"] == 2);

  // Anna cancels with her own token.
  auto cancel = s.server.request("DELETE", "/v1/registrations/" + anna["id"].get<std::string>(), "",
                                 bearer(anna["manage_token"]));
  REQUIRE_MESSAGE(cancel.status == 204, cancel.body);
  auto c = s.server.get("/v1/registrations/" + cecilia["id"].get<std::string>(), bearer(cecilia["manage_token"]));
  REQUIRE(c.status == 200);
  CHECK(c.json()["status"] == "confirmed");
  CHECK(c.json()["waitlist_position"].is_null());
  CHECK_FALSE(c.json()["confirmed_at"].is_null());
  auto d = s.server.get("/v1/registrations/" + david["id"].get<std::string>(), bearer(david["manage_token"]));
  CHECK(d.json()["waitlist_position"] == 1);
  auto a = s.server.get("/v1/registrations/" + anna["id"].get<std::string>(), bearer(anna["manage_token"]));
  CHECK(a.json()["status"] == "cancelled");
  CHECK(s.event()["counts"] == json({{"confirmed", 2}, {"waitlisted", 1}, {"capacity_left", 0}}));

  // Cancelling a waitlisted registration promotes nobody; cancelling twice is harmless.
  auto again = s.server.request("DELETE", "/v1/registrations/" + anna["id"].get<std::string>(), "",
                                bearer(anna["manage_token"]));
  CHECK(again.status == 204);
  CHECK(s.event()["counts"]["confirmed"] == 2);
  // A cancelled registration frees the address: Anna may register again (at the end of the line).
  auto back = s.register_as("Anna Andersson", "ANNA@example.se");
  REQUIRE_MESSAGE(back.status == 201, back.body);
  CHECK(back.json()["waitlist_position"] == 2);
}

TEST_CASE("registrations: raising the capacity confirms as many as fit; lowering below the confirmed is a 409") {
  Seminar s({}, 1, true);
  for (int i = 0; i < 5; ++i) must_register(s, "Person " + std::to_string(i), "p" + std::to_string(i) + "@example.se");
  auto etag = s.server.get("/v1/events/fyrbodal-seminarium").header("ETag");
  auto raise = s.server.request(
      "PATCH", "/v1/events/fyrbodal-seminarium", R"({"capacity": 3})",
      with(with(bearer(s.fyrbodal_key), "Content-Type", "application/merge-patch+json"), "If-Match", etag));
  REQUIRE_MESSAGE(raise.status == 200, raise.body);
  CHECK(raise.json()["counts"] == json({{"confirmed", 3}, {"waitlisted", 2}, {"capacity_left", 0}}));
  // The first two in line were confirmed, in order.
  CHECK(s.sql("SELECT string_agg(name, ',' ORDER BY seq) FROM registrations WHERE status = 'confirmed'") ==
        "Person 0,Person 1,Person 2");

  auto lower = s.server.request("PATCH", "/v1/events/fyrbodal-seminarium", R"({"capacity": 2})",
                                with(bearer(s.fyrbodal_key), "Content-Type", "application/merge-patch+json"));
  CHECK(lower.status == 409);
  CHECK(lower.json()["detail"].get<std::string>().find("3 confirmed") != std::string::npos);
  CHECK(s.event()["capacity"] == 3);

  // Unlimited: everyone waiting is confirmed.
  auto unlimited = s.server.request("PATCH", "/v1/events/fyrbodal-seminarium", R"({"capacity": null})",
                                    with(bearer(s.fyrbodal_key), "Content-Type", "application/merge-patch+json"));
  REQUIRE_MESSAGE(unlimited.status == 200, unlimited.body);
  CHECK(unlimited.json()["counts"]["confirmed"] == 5);
  CHECK(unlimited.json()["counts"]["waitlisted"] == 0);
}

TEST_CASE("registrations: the event's ETag follows its counts; If-Match still accepts the organiser's tag") {
  Seminar s({}, 10, true);
  auto before = s.server.get("/v1/events/fyrbodal-seminarium");
  must_register(s, "Anna Andersson", "anna@example.se");
  auto revalidate = s.server.get("/v1/events/fyrbodal-seminarium", {{"If-None-Match", before.header("ETag")}});
  REQUIRE(revalidate.status == 200);
  CHECK(revalidate.json()["counts"]["confirmed"] == 1);
  CHECK(revalidate.header("ETag") != before.header("ETag"));
  auto same = s.server.get("/v1/events/fyrbodal-seminarium", {{"If-None-Match", revalidate.header("ETag")}});
  CHECK(same.status == 304);
  // A registration changed only the counts: the organiser's change still applies.
  auto patch = s.server.request("PATCH", "/v1/events/fyrbodal-seminarium", R"({"audience": "kommuner"})",
                                with(with(bearer(s.fyrbodal_key), "Content-Type", "application/merge-patch+json"),
                                     "If-Match", before.header("ETag")));
  CHECK_MESSAGE(patch.status == 200, patch.body);
  auto stale = s.server.request("PATCH", "/v1/events/fyrbodal-seminarium", R"({"audience": "regioner"})",
                                with(with(bearer(s.fyrbodal_key), "Content-Type", "application/merge-patch+json"),
                                     "If-Match", before.header("ETag")));
  CHECK(stale.status == 412);
}

TEST_CASE("registrations: full, window, consent, duplicates and sessions") {
  Seminar s({}, 1, false);
  auto first = must_register(s, "Anna Andersson", "anna@example.se");
  CHECK(first["status"] == "confirmed");
  CHECK(first["feed_url"].get<std::string>().find("/v1/feeds/evf_") != std::string::npos);
  CHECK(first["webcal_url"].get<std::string>().starts_with("webcal://"));
  CHECK(first["manage_token"].get<std::string>().starts_with("evm_"));
  CHECK(first["manage_token"].get<std::string>().size() >= 4 + 43);  // 256 bits, base64url
  // Only a hash of the token is stored.
  CHECK(s.sql("SELECT count(*) FROM registrations WHERE manage_token_hash = decode('" +
              eventd::db::sha256_hex(first["manage_token"].get<std::string>()) + "', 'hex')") == "1");

  SUBCASE("the same address in other letters is a 409, not a second seat") {
    auto again = s.register_as("Anna A", "Anna@Example.SE");
    CHECK(again.status == 409);
    CHECK(again.header("Content-Type") == "application/problem+json");
    CHECK(s.sql("SELECT count(*) FROM registrations") == "1");
  }
  SUBCASE("full without a waitlist") {
    auto full = s.register_as("Bo Berg", "bo@example.se");
    CHECK(full.status == 409);
    CHECK(full.json()["detail"].get<std::string>().find("full") != std::string::npos);
  }
  SUBCASE("consent is required and must be true; fields are checked together") {
    auto no = s.server.request("POST", s.path, R"({"name": "", "email": "not-an-address", "consent": false})",
                               {{"Content-Type", "application/json"}});
    CHECK(no.status == 422);
    CHECK(error_fields(no) == std::set<std::string>{"name", "email", "consent"});
    auto unknown =
        s.server.request("POST", s.path, R"({"name": "X", "email": "x@example.se", "consent": true, "vip": 1})",
                         {{"Content-Type", "application/json"}});
    CHECK(unknown.status == 422);
    CHECK(error_fields(unknown) == std::set<std::string>{"vip"});
    CHECK(s.sql("SELECT count(*) FROM registrations") == "1");
  }
  SUBCASE("the window") {
    s.create_event("ej-oppnad", "fyrbodal", 10, true, ", registration_opens_at", ", '2035-10-01T08:00:00Z'");
    auto early = s.register_as("Bo", "bo@example.se", {}, "/v1/events/ej-oppnad/registrations");
    CHECK(early.status == 409);
    CHECK(early.json()["detail"] == "Registration opens at 2035-10-01T10:00:00+02:00.");
    s.create_event("stangd", "fyrbodal", 10, true, ", registration_closes_at", ", '2020-01-01T00:00:00Z'");
    auto late = s.register_as("Bo", "bo@example.se", {}, "/v1/events/stangd/registrations");
    CHECK(late.status == 409);
    CHECK(late.json()["detail"].get<std::string>().starts_with("Registration closed at"));
  }
  SUBCASE("sessions must be the event's own") {
    s.create_event("med-program", "fyrbodal", 10, true);
    const std::string event = s.sql("SELECT id::text FROM events WHERE slug = 'med-program'");
    s.server.database().exec("INSERT INTO sessions (event_id, title, starts_at, ends_at) VALUES ('" + event +
                             "', 'Välkommen', '2035-11-08T08:00:00Z', '2035-11-08T08:30:00Z')");
    const std::string own = s.sql("SELECT id::text FROM sessions WHERE event_id = '" + event + "'");
    auto other = s.server.request(
        "POST", "/v1/events/fyrbodal-seminarium/registrations",
        json({{"name", "Bo"}, {"email", "bo@example.se"}, {"consent", true}, {"session_ids", {own}}}).dump(),
        {{"Content-Type", "application/json"}});
    CHECK(other.status == 422);
    CHECK(error_fields(other) == std::set<std::string>{"session_ids"});
    auto mine = s.server.request(
        "POST", "/v1/events/med-program/registrations",
        json({{"name", "Bo"}, {"email", "bo@example.se"}, {"consent", true}, {"session_ids", {own}}}).dump(),
        {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(mine.status == 201, mine.body);
    CHECK(mine.json()["session_ids"] == json::array({own}));
  }
  SUBCASE("drafts are unknown, cancelled events refuse") {
    s.server.database().exec("UPDATE events SET status = 'draft' WHERE slug = 'fyrbodal-seminarium'");
    CHECK(s.register_as("Bo", "bo@example.se").status == 404);
    s.server.database().exec("UPDATE events SET status = 'cancelled' WHERE slug = 'fyrbodal-seminarium'");
    CHECK(s.register_as("Bo", "bo@example.se").status == 409);
  }
}

TEST_CASE("registrations: a participant's token reaches its own registration and nothing else") {
  Seminar s({}, 10, true);
  auto anna = must_register(s, "Anna Andersson", "anna@example.se");
  auto bo = must_register(s, "Bo Berg", "bo@example.se");
  const std::string anna_url = "/v1/registrations/" + anna["id"].get<std::string>();
  const std::string bo_url = "/v1/registrations/" + bo["id"].get<std::string>();
  const std::string anna_token = anna["manage_token"];

  auto own = s.server.get(anna_url, bearer(anna_token));
  REQUIRE(own.status == 200);
  CHECK(own.json()["email"] == "anna@example.se");
  CHECK(own.json()["feed_url"] == anna["feed_url"]);  // shown again from the token
  CHECK(own.header("Cache-Control") == "no-store");
  CHECK_FALSE(own.json().contains("manage_token"));

  // Bo's id with Anna's token answers exactly as an id of nobody does: Anna cannot tell
  // other registrations' ids from made-up ones.
  const std::string nobody_url = "/v1/registrations/00000000-0000-4000-8000-000000000000";
  const auto foreign = s.server.get(bo_url, bearer(anna_token));
  const auto unknown = s.server.get(nobody_url, bearer(anna_token));
  CHECK(foreign.status == 404);
  CHECK(unknown.status == 404);
  CHECK(foreign.body == unknown.body);
  CHECK(foreign.header("Content-Type") == unknown.header("Content-Type"));
  for (const std::string& url : {bo_url, nobody_url}) {
    CHECK(s.server
              .request("PATCH", url, R"({"needs": "x"})",
                       with(bearer(anna_token), "Content-Type", "application/merge-patch+json"))
              .status == 404);
    CHECK(s.server.request("DELETE", url, "", bearer(anna_token)).status == 404);
    CHECK(s.server.request("POST", url + "/feed-token", "", bearer(anna_token)).status == 404);
    CHECK(s.server.get(url + "/invite.ics", bearer(anna_token)).status == 404);
  }
  CHECK(s.server.get(bo_url).status == 401);
  // A token of no registration: 401 whatever the id.
  CHECK(s.server.get(bo_url, bearer("evm_forged0123456789abcdefghijklmnopqrstuvwxyz0")).status == 401);
  CHECK(s.server.get(nobody_url, bearer("evm_forged0123456789abcdefghijklmnopqrstuvwxyz0")).status == 401);
  // The token is no API key: the organiser's list stays closed to it.
  CHECK(s.server.get(s.path, bearer(anna_token)).status == 401);
  // Organisers: their own event's registrations only.
  CHECK(s.server.get(bo_url, bearer(s.fyrbodal_key)).status == 200);
  CHECK_FALSE(s.server.get(bo_url, bearer(s.fyrbodal_key)).json().contains("feed_url"));
  CHECK(s.server.get(bo_url, bearer(s.forum_key)).status == 403);
  CHECK(s.server.get(s.path, bearer(s.forum_key)).status == 403);
  CHECK(s.sql("SELECT status FROM registrations WHERE email = 'bo@example.se'") == "confirmed");

  // Anna changes her own needs, with If-Match.
  auto patched = s.server.request(
      "PATCH", anna_url, R"({"needs": "Vegetarisk kost, hörslinga", "organisation": "Vänersborgs kommun"})",
      with(with(bearer(anna_token), "Content-Type", "application/merge-patch+json"), "If-Match", own.header("ETag")));
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  CHECK(patched.json()["needs"] == "Vegetarisk kost, hörslinga");
  CHECK(patched.json()["email"] == "anna@example.se");
  auto stale = s.server.request(
      "PATCH", anna_url, R"({"needs": "ingen"})",
      with(with(bearer(anna_token), "Content-Type", "application/merge-patch+json"), "If-Match", own.header("ETag")));
  CHECK(stale.status == 412);
  // Taking Bo's address is a 409; withdrawing consent by PATCH is a 422.
  CHECK(s.server
            .request("PATCH", anna_url, R"({"email": "BO@example.se"})",
                     with(bearer(anna_token), "Content-Type", "application/merge-patch+json"))
            .status == 409);
  CHECK(s.server
            .request("PATCH", anna_url, R"({"consent": false})",
                     with(bearer(anna_token), "Content-Type", "application/merge-patch+json"))
            .status == 422);

  // A new feed link replaces the old one.
  auto rotated = s.server.request("POST", anna_url + "/feed-token", "", bearer(anna_token));
  REQUIRE_MESSAGE(rotated.status == 200, rotated.body);
  CHECK(rotated.json()["feed_url"] != anna["feed_url"]);
  CHECK(s.server.get(anna_url, bearer(anna_token)).json()["feed_url"] == rotated.json()["feed_url"]);
  CHECK(s.server.request("POST", bo_url + "/feed-token", "", bearer(s.fyrbodal_key)).status == 403);
}

TEST_CASE("registrations: an Idempotency-Key retry returns the first answer, never a second record") {
  Seminar s({}, 10, true);
  const std::string body = json({{"name", "Anna Andersson"}, {"email", "anna@example.se"}, {"consent", true}}).dump();
  const HeaderList headers{{"Content-Type", "application/json"}, {"Idempotency-Key", "7c1d6f0e-anna-retry"}};
  auto first = s.server.request("POST", s.path, body, headers);
  REQUIRE_MESSAGE(first.status == 201, first.body);
  auto retry = s.server.request("POST", s.path, body, headers);
  REQUIRE_MESSAGE(retry.status == 201, retry.body);
  CHECK(retry.json()["id"] == first.json()["id"]);
  CHECK(retry.json()["manage_token"] == first.json()["manage_token"]);
  CHECK(retry.header("Location") == first.header("Location"));
  CHECK(retry.header("Idempotent-Replayed") == "true");
  // The first answer's ETag, stored with it: the one GET gives while nothing changed.
  CHECK_FALSE(first.header("ETag").empty());
  CHECK(retry.header("ETag") == first.header("ETag"));
  const std::string first_id = first.json()["id"], first_token = first.json()["manage_token"];
  CHECK(s.server.get("/v1/registrations/" + first_id, bearer(first_token)).header("ETag") == first.header("ETag"));
  CHECK(s.sql("SELECT count(*) FROM registrations") == "1");
  // The stored answer holds the token only encrypted.
  CHECK(s.sql("SELECT count(*) FROM idempotency_keys WHERE position(convert_to('" +
              first.json()["manage_token"].get<std::string>() + "', 'UTF8') in response) > 0") == "0");

  auto other = s.server.request(
      "POST", s.path, json({{"name", "Bo Berg"}, {"email", "bo@example.se"}, {"consent", true}}).dump(), headers);
  CHECK(other.status == 422);
  CHECK(s.sql("SELECT count(*) FROM registrations") == "1");

  // Concurrent retries of one key: still one record.
  const HeaderList racing{{"Content-Type", "application/json"}, {"Idempotency-Key", "race-1-7f3e9a0c-bo-berg"}};
  const std::string bo = json({{"name", "Bo Berg"}, {"email", "bo@example.se"}, {"consent", true}}).dump();
  std::vector<HttpResponse> answers(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] { answers[i] = s.server.request("POST", s.path, bo, racing); });
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  for (const auto& a : answers) {
    REQUIRE_MESSAGE(a.status == 201, a.body);
    ids.insert(a.json()["id"].get<std::string>());
  }
  CHECK(ids.size() == 1);
  CHECK(s.sql("SELECT count(*) FROM registrations WHERE email = 'bo@example.se'") == "1");
}

TEST_CASE("registrations: an Idempotency-Key must be 16-255 visible ASCII characters; a bad one writes nothing") {
  Seminar s({}, 10, true);
  const std::string body = json({{"name", "Anna Andersson"}, {"email", "anna@example.se"}, {"consent", true}}).dump();
  for (const std::string& bad : {std::string("1"), std::string("retry-1"), std::string(15, 'k'), std::string(256, 'k'),
                                 std::string("7c1d6f0e anna retry"), std::string("7c1d6f0e-anna-r\xc3\xa4try")}) {
    INFO(bad);
    auto refused =
        s.server.request("POST", s.path, body, {{"Content-Type", "application/json"}, {"Idempotency-Key", bad}});
    CHECK(refused.status == 400);
    CHECK(refused.header("Content-Type") == "application/problem+json");
    CHECK(refused.json()["detail"].get<std::string>().find("16-255 visible ASCII characters") != std::string::npos);
  }
  CHECK(s.sql("SELECT count(*) FROM registrations") == "0");
  CHECK(s.sql("SELECT count(*) FROM idempotency_keys") == "0");
  CHECK(s.sql("SELECT count(*) FROM mail_outbox") == "0");
  // 16 and 255 characters, and a UUID, are good keys.
  for (const std::string& good :
       {std::string(16, 'k'), std::string(255, 'm'), std::string("6b0e4f7a-2c1d-4e9b-8a3f-5d7c9e1b2a40")}) {
    const std::string email = "p" + std::to_string(good.size()) + "@example.se";
    auto ok = s.server.request("POST", s.path, json({{"name", "P"}, {"email", email}, {"consent", true}}).dump(),
                               {{"Content-Type", "application/json"}, {"Idempotency-Key", good}});
    CHECK_MESSAGE(ok.status == 201, ok.body);
  }
  CHECK(s.sql("SELECT count(*) FROM idempotency_keys") == "3");
}

TEST_CASE("registrations: after ?erase=true a retry of the first request replays nothing of the erased person") {
  Seminar s({}, 10, true);
  const std::string body = json({{"name", "Anna Andersson"}, {"email", "anna@example.se"}, {"consent", true}}).dump();
  const HeaderList headers{{"Content-Type", "application/json"}, {"Idempotency-Key", "5d2e8a41-anna-erase-retry"}};
  auto first = s.server.request("POST", s.path, body, headers);
  REQUIRE_MESSAGE(first.status == 201, first.body);
  const std::string id = first.json()["id"];
  const std::string token = first.json()["manage_token"];
  CHECK(s.sql("SELECT count(*) FROM idempotency_keys WHERE record_id = '" + id + "'") == "1");
  // Bo's answer, and one stored before schema/017 (no record_id) for another event's route,
  // and one of a media request.
  auto bo = s.server.request("POST", s.path,
                             json({{"name", "Bo Berg"}, {"email", "bo@example.se"}, {"consent", true}}).dump(),
                             {{"Content-Type", "application/json"}, {"Idempotency-Key", "0a9d7c55-bo-keeps-his"}});
  REQUIRE(bo.status == 201);
  s.server.database().exec(
      "INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, response) VALUES "
      "('POST /v1/events/ett-annat/registrations', '\\x01', '\\x02', 201, '\\x03'), "
      "('POST /v1/events/ett-annat/media-requests', '\\x04', '\\x05', 202, '\\x06')");

  auto erased = s.server.request("DELETE", "/v1/registrations/" + id + "?erase=true", "", bearer(token));
  REQUIRE_MESSAGE(erased.status == 204, erased.body);

  // The retry: no name, address, token or id of Anna's, and no new registration.
  auto retry = s.server.request("POST", s.path, body, headers);
  CHECK(retry.status == 404);
  CHECK(retry.header("Content-Type") == "application/problem+json");
  CHECK(retry.header("Idempotent-Replayed").empty());
  for (const std::string& secret : {std::string("Anna"), std::string("anna@example.se"), token, id}) {
    INFO(secret);
    CHECK(retry.body.find(secret) == std::string::npos);
  }
  CHECK(retry.json()["detail"].get<std::string>().find("erased") != std::string::npos);
  CHECK(s.sql("SELECT count(*) FROM registrations") == "2");
  // What is left of the answer: a tombstone without the sealed answer or the body's hash.
  CHECK(s.sql("SELECT status || '/' || length(response) || '/' || length(request_hash) FROM idempotency_keys "
              "WHERE record_id = '" +
              id + "'") == "410/0/0");
  // The unlinked registration answer from before the migration is gone; Bo's and the media
  // request's stay.
  CHECK(s.sql("SELECT count(*) FROM idempotency_keys WHERE record_id IS NULL AND scope LIKE '%/registrations'") == "0");
  CHECK(s.sql("SELECT count(*) FROM idempotency_keys WHERE scope LIKE '%/media-requests'") == "1");
  auto bo_retry = s.server.request(
      "POST", s.path, json({{"name", "Bo Berg"}, {"email", "bo@example.se"}, {"consent", true}}).dump(),
      {{"Content-Type", "application/json"}, {"Idempotency-Key", "0a9d7c55-bo-keeps-his"}});
  CHECK(bo_retry.status == 201);
  CHECK(bo_retry.header("Idempotent-Replayed") == "true");
  // A new key registers Anna again.
  auto anew = s.server.request("POST", s.path, body,
                               {{"Content-Type", "application/json"}, {"Idempotency-Key", "e7b1f3a2-anna-again"}});
  CHECK_MESSAGE(anew.status == 201, anew.body);
}

TEST_CASE("registrations: erasure leaves no personal data in the database") {
  Seminar s({}, 1, true);
  auto anna = s.server
                  .request("POST", s.path,
                           json({{"name", "Anna Andersson"},
                                 {"email", "anna@example.se"},
                                 {"organisation", "Trollhättans stad"},
                                 {"country", "SE"},
                                 {"needs", "Glutenfri kost"},
                                 {"consent", true}})
                               .dump(),
                           {{"Content-Type", "application/json"}})
                  .json();
  auto bo = must_register(s, "Bo Berg", "bo@example.se");
  const std::string id = anna["id"];

  SUBCASE("before the event: the seat goes to the next in line, the record stays anonymised") {
    auto erase =
        s.server.request("DELETE", "/v1/registrations/" + id + "?erase=true", "", bearer(anna["manage_token"]));
    REQUIRE_MESSAGE(erase.status == 204, erase.body);
    CHECK(s.sql("SELECT count(*) FROM registrations WHERE id = '" + id +
                "' AND name IS NULL AND email IS NULL AND organisation IS NULL AND country IS NULL AND needs IS NULL "
                "AND erased_at IS NOT NULL AND status = 'cancelled'") == "1");
    CHECK(s.sql("SELECT count(*) FROM registrations r WHERE concat_ws(' ', r.name, r.email, r.organisation, "
                "r.needs) ~* 'anna|trollhättan|gluten'") == "0");
    CHECK(s.sql("SELECT count(*) FROM registration_sessions WHERE registration_id = '" + id + "'") == "0");
    CHECK(s.event()["counts"] == json({{"confirmed", 1}, {"waitlisted", 0}, {"capacity_left", 0}}));
    auto seen = s.server.get("/v1/registrations/" + id, bearer(s.fyrbodal_key)).json();
    CHECK(seen["erased"] == true);
    CHECK(seen["name"].is_null());
    CHECK(seen["email"].is_null());
  }
  SUBCASE("after the event: the history and the counts stay as they were") {
    s.server.database().exec(
        "UPDATE events SET starts_at = '2021-11-08T08:00:00Z', ends_at = '2021-11-08T14:30:00Z' WHERE id = '" +
        s.event_id + "'");
    const auto counts = s.event()["counts"];
    auto cancel = s.server.request("DELETE", "/v1/registrations/" + id, "", bearer(s.fyrbodal_key));
    CHECK(cancel.status == 409);
    auto erase = s.server.request("DELETE", "/v1/registrations/" + id + "?erase=true", "", bearer(s.fyrbodal_key));
    REQUIRE_MESSAGE(erase.status == 204, erase.body);
    CHECK(s.event()["counts"] == counts);
    CHECK(s.sql("SELECT status || ' ' || (name IS NULL)::text || ' ' || (email IS NULL)::text FROM registrations "
                "WHERE id = '" +
                id + "'") == "confirmed true true");
    CHECK(s.sql("SELECT count(*) FROM registrations WHERE email = 'bo@example.se'") == "1");
  }
}

TEST_CASE("registrations: the running service anonymises registrations of long-ended events") {
  ServerSettings settings;
  settings.retention_days = "30";
  settings.retention_sweep_s = "1";
  Seminar s(settings, 10, true);
  must_register(s, "Anna Andersson", "anna@example.se");
  must_register(s, "Bo Berg", "bo@example.se");
  s.create_event("nyligen", "fyrbodal", 10, true);
  s.register_as("Cecilia Ek", "cecilia@example.se", {}, "/v1/events/nyligen/registrations");
  // The seminar ended 40 days ago, the other one 10 days ago.
  s.server.database().exec(
      "UPDATE events SET starts_at = now() - interval '40 days 6 hours', ends_at = now() - interval '40 days' "
      "WHERE slug = 'fyrbodal-seminarium'");
  s.server.database().exec(
      "UPDATE events SET starts_at = now() - interval '10 days 6 hours', ends_at = now() - interval '10 days' "
      "WHERE slug = 'nyligen'");
  const auto counts = s.event()["counts"];
  std::string anonymised;
  for (int i = 0; i < 100 && anonymised != "2"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    anonymised = s.sql(
        "SELECT count(*) FROM registrations WHERE erased_reason = 'retention' AND name IS NULL "
        "AND email IS NULL");
  }
  CHECK(anonymised == "2");
  CHECK(s.sql("SELECT count(*) FROM registrations WHERE email = 'cecilia@example.se'") == "1");
  CHECK(s.event()["counts"] == counts);
}

TEST_CASE("registrations: public POSTs are rate-limited per client address") {
  SUBCASE("direct clients") {
    ServerSettings settings;
    settings.rate_limit_per_minute = "6";
    settings.rate_limit_burst = "3";
    Seminar s(settings, 100, true);
    for (int i = 0; i < 3; ++i) CHECK(s.register_as("P", "p" + std::to_string(i) + "@example.se").status == 201);
    auto limited = s.register_as("P", "p9@example.se");
    CHECK(limited.status == 429);
    CHECK(limited.header("Content-Type") == "application/problem+json");
    const int retry = std::stoi(limited.header("Retry-After"));
    CHECK(retry >= 1);
    CHECK(retry <= 10);
    CHECK(s.sql("SELECT count(*) FROM registrations") == "3");
    // An untrusted peer cannot pick another address with X-Forwarded-For.
    CHECK(s.register_as("P", "p8@example.se", {{"X-Forwarded-For", "203.0.113.7"}}).status == 429);
  }
  SUBCASE("behind a trusted proxy, the forwarded address counts") {
    ServerSettings settings;
    settings.rate_limit_per_minute = "6";
    settings.rate_limit_burst = "2";
    settings.trusted_proxies = "127.0.0.1/32";
    Seminar s(settings, 100, true);
    const HeaderList alice{{"X-Forwarded-For", "198.51.100.1"}};
    const HeaderList bob{{"X-Forwarded-For", "198.51.100.1, 198.51.100.2"}};
    CHECK(s.register_as("A", "a1@example.se", alice).status == 201);
    CHECK(s.register_as("A", "a2@example.se", alice).status == 201);
    CHECK(s.register_as("A", "a3@example.se", alice).status == 429);
    // The right-most untrusted entry is the client: bob, whatever he claims to its left.
    CHECK(s.register_as("B", "b1@example.se", bob).status == 201);
    CHECK(s.register_as("B", "b2@example.se", bob).status == 201);
    CHECK(s.register_as("B", "b3@example.se", bob).status == 429);
  }
}

TEST_CASE("registrations: organisers list, filter, page and export as CSV") {
  Seminar s({}, 2, true);
  s.server.request("POST", s.path,
                   json({{"name", "Göran Pettersson"},
                         {"email", "goran@example.se"},
                         {"organisation", "Uddevalla kommun, integrationsenheten"},
                         {"needs", "=HYPERLINK(\"http://evil\")"},
                         {"consent", true}})
                       .dump(),
                   {{"Content-Type", "application/json"}});
  must_register(s, "Åsa Öberg", "asa@example.se");
  must_register(s, "Ärla Lund", "arla@example.se");
  must_register(s, "Sven \"Svenne\" Ek", "sven@example.se");

  auto all = s.server.get(s.path + "?limit=3", bearer(s.fyrbodal_key));
  REQUIRE(all.status == 200);
  CHECK(all.json()["items"].size() == 3);
  CHECK(all.json()["items"][0]["name"] == "Göran Pettersson");
  const std::string cursor = all.json()["next_cursor"];
  auto rest = s.server.get(s.path + "?limit=3&cursor=" + cursor, bearer(s.fyrbodal_key));
  REQUIRE(rest.status == 200);
  CHECK(rest.json()["items"].size() == 1);
  CHECK(rest.json()["next_cursor"].is_null());

  auto waiting = s.server.get(s.path + "?status=waitlisted", bearer(s.fyrbodal_key)).json()["items"];
  REQUIRE(waiting.size() == 2);
  CHECK(waiting[0]["waitlist_position"] == 1);
  auto found = s.server.get(s.path + "?q=%C3%B6berg", bearer(s.fyrbodal_key)).json()["items"];
  REQUIRE(found.size() == 1);
  CHECK(found[0]["email"] == "asa@example.se");
  CHECK(s.server.get(s.path + "?status=maybe", bearer(s.fyrbodal_key)).status == 400);

  auto csv = s.server.get(s.path, with(bearer(s.fyrbodal_key), "Accept", "text/csv"));
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").starts_with("text/csv; charset=utf-8"));
  CHECK(csv.body.starts_with("\xEF\xBB\xBFid,status,waitlist_position,name,email,"));
  CHECK(csv.body.find("\r\n") != std::string::npos);
  CHECK(csv.body.find(",Göran Pettersson,goran@example.se,\"Uddevalla kommun, integrationsenheten\",") !=
        std::string::npos);
  CHECK(csv.body.find(",Åsa Öberg,") != std::string::npos);
  CHECK(csv.body.find("\"Sven \"\"Svenne\"\" Ek\"") != std::string::npos);
  CHECK(csv.body.find("\"'=HYPERLINK(\"\"http://evil\"\")\"") != std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = csv.body.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
  CHECK(lines == 5);
  auto semicolons = s.server.get(s.path + "?delimiter=semicolon", with(bearer(s.fyrbodal_key), "Accept", "text/csv"));
  CHECK(semicolons.body.find(";Uddevalla kommun, integrationsenheten;") != std::string::npos);
  CHECK(s.server.get(s.path, {{"Accept", "text/csv"}}).status == 401);
}

TEST_CASE("registrations: an organiser can export everything held about one address") {
  Seminar s({}, 10, true);
  must_register(s, "Anna Andersson", "anna@example.se");
  s.create_event("forums-traff", "forum", 10, true);
  s.register_as("Anna Andersson", "Anna@example.se", {}, "/v1/events/forums-traff/registrations");
  const HeaderList json_type{{"Content-Type", "application/json"}};

  auto mine = s.server.request("POST", "/v1/personal-data/export", R"({"email": "ANNA@example.se"})",
                               with(bearer(s.fyrbodal_key), "Content-Type", "application/json"));
  REQUIRE_MESSAGE(mine.status == 200, mine.body);
  CHECK(mine.header("Cache-Control") == "no-store");
  REQUIRE(mine.json()["registrations"].size() == 1);
  CHECK(mine.json()["registrations"][0]["event"]["slug"] == "fyrbodal-seminarium");
  auto admin = s.server.request("POST", "/v1/personal-data/export", R"({"email": "anna@example.se"})",
                                with(bearer(s.server.settings().admin_key), "Content-Type", "application/json"));
  CHECK(admin.json()["registrations"].size() == 2);
  CHECK(s.server.request("POST", "/v1/personal-data/export", R"({"email": "anna@example.se"})", json_type).status ==
        401);
  CHECK(s.server
            .request("POST", "/v1/personal-data/export", R"({"email": "nope"})",
                     with(bearer(s.fyrbodal_key), "Content-Type", "application/json"))
            .status == 422);
}

namespace {
bool has_line(const std::string& calendar, const std::string& line) {
  for (const auto& l : lines_of(calendar)) {
    if (l == line) return true;
  }
  return false;
}
bool has_line_starting(const std::string& calendar, const std::string& prefix) {
  for (const auto& l : lines_of(calendar)) {
    if (l.starts_with(prefix)) return true;
  }
  return false;
}
std::string path_of(const std::string& url) { return url.substr(url.find("/v1/")); }
}  // namespace

TEST_CASE("registrations: personal feeds carry the stream for confirmed seats only, and invitations follow") {
  Seminar s({}, 1, true);
  // Integrationsforum's stream, for registered participants.
  s.server.database().exec(
      "UPDATE events SET format = 'hybrid', online_platform = 'YouTube', online_access = 'registered', "
      "online_stream_url = 'https://www.youtube.com/watch?v=integrationsforum' WHERE id = '" +
      s.event_id + "'");
  auto anna = must_register(s, "Anna Andersson", "anna@example.se");
  auto bo = must_register(s, "Bo Berg", "bo@example.se");
  const std::string stream = "https://www.youtube.com/watch?v=integrationsforum";

  auto anna_feed = s.server.get(path_of(anna["feed_url"]));
  REQUIRE_MESSAGE(anna_feed.status == 200, anna_feed.body);
  CHECK(anna_feed.header("Content-Type") == "text/calendar; charset=utf-8");
  CHECK(anna_feed.header("Cache-Control") == "no-store");
  const auto check = run_ics_checker(anna_feed.body);
  CHECK_MESSAGE(check.status == 0, check.output);
  CHECK(unfold(anna_feed.body).find(stream) != std::string::npos);
  CHECK(has_line(anna_feed.body, "UID:event-" + s.event_id + "@127.0.0.1:8080"));
  // Revalidation.
  auto again = s.server.get(path_of(anna["feed_url"]), {{"If-None-Match", anna_feed.header("ETag")}});
  CHECK(again.status == 304);

  // Bo waits: tentative, and no stream.
  auto bo_feed = s.server.get(path_of(bo["feed_url"]));
  REQUIRE(bo_feed.status == 200);
  CHECK(unfold(bo_feed.body).find(stream) == std::string::npos);
  CHECK(has_line(bo_feed.body, "STATUS:TENTATIVE"));

  // The invitation: REQUEST to Anna, by her token or the organiser's key.
  const std::string invite = "/v1/registrations/" + anna["id"].get<std::string>() + "/invite.ics";
  auto request = s.server.get(invite, bearer(anna["manage_token"]));
  REQUIRE_MESSAGE(request.status == 200, request.body);
  CHECK(request.header("Content-Type") == "text/calendar; charset=utf-8; method=REQUEST");
  CHECK(has_line(request.body, "METHOD:REQUEST"));
  CHECK(has_line_starting(request.body, "ATTENDEE;CN=Anna Andersson"));
  CHECK(run_ics_checker(request.body).status == 0);
  CHECK(s.server.get(invite, bearer(s.fyrbodal_key)).status == 200);
  CHECK(s.server.get(invite, bearer(bo["manage_token"])).status == 404);
  CHECK(s.server.get(invite).status == 401);

  // Anna cancels: her feed says so, her invitation becomes a CANCEL, Bo gets the seat and the stream.
  REQUIRE(
      s.server.request("DELETE", "/v1/registrations/" + anna["id"].get<std::string>(), "", bearer(anna["manage_token"]))
          .status == 204);
  auto cancelled = s.server.get(path_of(anna["feed_url"]));
  CHECK(has_line(cancelled.body, "STATUS:CANCELLED"));
  CHECK(unfold(cancelled.body).find(stream) == std::string::npos);
  auto cancel = s.server.get(invite, bearer(anna["manage_token"]));
  CHECK(has_line(cancel.body, "METHOD:CANCEL"));
  CHECK(cancel.header("Content-Type") == "text/calendar; charset=utf-8; method=CANCEL");
  CHECK(unfold(s.server.get(path_of(bo["feed_url"])).body).find(stream) != std::string::npos);

  // A renewed link ends the old one; an erased registration has no feed.
  auto rotated = s.server.request("POST", "/v1/registrations/" + bo["id"].get<std::string>() + "/feed-token", "",
                                  bearer(bo["manage_token"]));
  REQUIRE(rotated.status == 200);
  CHECK(s.server.get(path_of(bo["feed_url"])).status == 404);
  CHECK(s.server.get(path_of(rotated.json()["feed_url"])).status == 200);
  REQUIRE(s.server
              .request("DELETE", "/v1/registrations/" + bo["id"].get<std::string>() + "?erase=true", "",
                       bearer(bo["manage_token"]))
              .status == 204);
  CHECK(s.server.get(path_of(rotated.json()["feed_url"])).status == 404);
  CHECK(s.server.get("/v1/feeds/evf_unknown/calendar.ics").status == 404);
}
