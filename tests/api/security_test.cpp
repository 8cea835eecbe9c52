// Hardening over real HTTP: response headers on every kind of answer, the limits on what a
// client may send, and secrets kept out of answers and logs.
#include <doctest/doctest.h>

#include <signal.h>

#include <string>

#include <soci/soci.h>

#include "authorization_world.hpp"
#include "db/pool.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using namespace eventd::test::authz;
using namespace std::chrono_literals;

namespace {

void check_hardened(const HttpResponse& response, const std::string& what) {
  INFO(what, " (", response.status, ")");
  CHECK(response.header("X-Content-Type-Options") == "nosniff");
  CHECK(response.header("Server").empty());
  CHECK(response.header("Cache-Control") == "no-store");
}

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("hardening headers also on answers the handlers never see") {
  ServerSettings settings;
  settings.max_body_bytes = 4096;
  TestServer server(settings);
  World world(server);

  check_hardened(server.get("/v1/no-such-thing"), "404");
  check_hardened(server.request("PUT", "/v1/events"), "405");
  check_hardened(server.get("/v1/events?limit=%zz"), "400 query");
  check_hardened(server.get("/v1/events", {{"Authorization", "Basic abc"}}), "401 other scheme");
  auto preflight = server.request("OPTIONS", "/v1/events");
  CHECK(preflight.status == 204);
  check_hardened(preflight, "OPTIONS");

  auto event_id = world.make_event(world.owner(), "published");
  auto first = server.get("/v1/events/" + event_id);
  auto unchanged = server.get("/v1/events/" + event_id, {{"If-None-Match", first.header("ETag")}});
  CHECK(unchanged.status == 304);
  check_hardened(unchanged, "304");

  {
    HttpClient client(server.port());
    client.send_raw("NOT HTTP AT ALL\r\n\r\n");
    check_hardened(client.read_response(), "400 from the parser");
  }
  {
    HttpClient client(server.port());
    client.send_raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
    check_hardened(client.read_response(), "413");
  }
  {
    HttpClient client(server.port());
    client.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'a') + "\r\n\r\n");
    auto response = client.read_response();
    CHECK(response.status == 431);
    check_hardened(response, "431");
  }
}

TEST_CASE("personal and authenticated answers are never stored by caches") {
  TestServer server;
  World world(server);
  const auto organiser = bearer(world.owner().key);
  auto speaker_id = world.make_speaker(world.owner());
  auto with_email = server.get("/v1/speakers/" + speaker_id, organiser);
  REQUIRE(with_email.json().contains("email"));
  CHECK(with_email.header("Cache-Control") == "no-store");
  CHECK(with_email.header("Vary").find("Authorization") != std::string::npos);

  auto event_id = world.make_event(world.owner(), "published");
  auto with_stream = server.get("/v1/events/" + event_id, organiser);
  REQUIRE(with_stream.json()["online"]["stream_url"] == World::of(World::kStreamUrl, world.owner()));
  CHECK(with_stream.header("Cache-Control") == "no-store");

  auto keys = server.get("/v1/api-keys", bearer(world.admin_key()));
  REQUIRE(keys.status == 200);
  CHECK(keys.header("Cache-Control") == "no-store");
  // A key list never holds a key.
  CHECK(keys.body.find(world.owner().key) == std::string::npos);
  CHECK(keys.body.find(world.admin_key()) == std::string::npos);
}

TEST_CASE("request bodies beyond the JSON limits are a 400; lists of ids beyond theirs a 422") {
  TestServer server;
  World world(server);
  const auto organiser = bearer(world.owner().key);

  auto deep = server.request("POST", "/v1/speakers", "{\"name\":" + nested(33) + "}", organiser);
  CHECK(deep.status == 400);
  CHECK(deep.header("Content-Type") == "application/problem+json");
  CHECK(deep.json()["detail"].get<std::string>().find("nested") != std::string::npos);
  CHECK(server.request("POST", "/v1/speakers", "{\"x\":" + nested(20'000) + "}", organiser).status == 400);

  auto speaker = world.speaker_body(world.owner());
  speaker["bio"] = std::string(100'001, 'a');
  auto long_string = server.request("POST", "/v1/speakers", speaker.dump(), organiser);
  CHECK(long_string.status == 400);
  speaker["bio"] = std::string(20'001, 'a');  // within the JSON limit, beyond the field's
  auto long_bio = server.request("POST", "/v1/speakers", speaker.dump(), organiser);
  CHECK(long_bio.status == 422);
  CHECK(long_bio.body.find("\"field\":\"bio\"") != std::string::npos);

  // A number beyond double's range: a 400 like any malformed body (it was a 500; fuzzing).
  auto huge_number = server.request("POST", "/v1/speakers", R"({"name":"A","bio":1e400})", organiser);
  CHECK(huge_number.status == 400);
  CHECK(huge_number.header("Content-Type") == "application/problem+json");

  nlohmann::json many_members = nlohmann::json::object();
  for (int i = 0; i < 1001; ++i) many_members["m" + std::to_string(i)] = i;
  CHECK(server.request("POST", "/v1/speakers", many_members.dump(), organiser).status == 400);

  auto event = world.event_body(world.owner(), "draft");
  for (int i = 0; i < 21; ++i) event["partner_ids"].push_back("partner-" + std::to_string(i));
  auto partners = server.request("POST", "/v1/events", event.dump(), organiser);
  CHECK(partners.status == 422);
  auto errors = partners.json()["errors"];
  REQUIRE(errors.size() == 1);  // one error for the list, no per-id lookups
  CHECK(errors[0]["field"] == "partner_ids");
  CHECK(errors[0]["message"] == "must have at most 20 entries");

  auto event_id = world.make_event(world.owner(), "draft");
  auto session = world.session_body();
  for (int i = 0; i < 51; ++i) session["speaker_ids"].push_back("speaker-" + std::to_string(i));
  auto speakers = server.request("POST", "/v1/events/" + event_id + "/sessions", session.dump(), organiser);
  CHECK(speakers.status == 422);
  CHECK(speakers.body.find("\"field\":\"speaker_ids\"") != std::string::npos);
  CHECK(speakers.body.find("speaker_ids[") == std::string::npos);

  CHECK(server.get("/v1/events?limit=201").status == 400);
  CHECK(server.get("/v1/events?limit=200").status == 200);
}

TEST_CASE("secrets are never written to the log") {
  TestDatabase database;
  const std::string admin_key = "evk_AdminKeyFromTheEnvironment0123456789abcdef";
  ServeProcess eventd(database.url(), {{"EVENTD_ADMIN_KEY", admin_key}, {"EVENTD_LOG_FORMAT", "json"}});
  auto request = [&](const std::string& method, const std::string& target, const std::string& body,
                     const HeaderList& headers) { return http_request(eventd.port, method, target, body, headers); };
  REQUIRE(request("POST", "/v1/organisations", R"({"slug":"forum","name":"Forum","kind":"civil_society"})",
                  bearer(admin_key))
              .status == 201);
  auto created = request("POST", "/v1/api-keys", R"({"name":"k","role":"organiser","organisation_id":"forum"})",
                         bearer(admin_key));
  REQUIRE(created.status == 201);
  const std::string issued = created.json()["key"];
  CHECK(request("GET", "/v1/events", "", bearer(issued)).status == 200);
  const std::string wrong = "evk_WrongKeyWrongKeyWrongKeyWrongKeyWrongKey";
  CHECK(request("GET", "/v1/events", "", bearer(wrong)).status == 401);
  // A token in a path (a personal feed) or in a query string.
  const std::string token = "evf_PathTokenPathTokenPathTokenPathTokenPat";
  request("GET", "/v1/feeds/" + token + "/calendar.ics", "", {});
  request("GET", "/v1/events?token=" + token, "", {});

  eventd.process.signal(SIGTERM);
  CHECK(eventd.process.wait(15s) == 0);
  const std::string& log = eventd.process.output();
  REQUIRE(log.find("\"msg\":\"request\"") != std::string::npos);  // requests were logged
  CHECK(log.find("/v1/feeds/[redacted]/calendar.ics") != std::string::npos);
  for (const auto& secret : {admin_key, issued, wrong, token}) {
    CHECK_MESSAGE(log.find(secret) == std::string::npos, "the log holds " << secret);
    CHECK_MESSAGE(log.find(secret.substr(4, 20)) == std::string::npos, "the log holds part of " << secret);
  }
}

TEST_CASE("every pooled connection bounds its queries (statement_timeout, set with a bound parameter)") {
  TestDatabase database;
  eventd::db::ConnectionPool pool({database.url(), 1, std::chrono::milliseconds(1234)});
  auto lease = pool.acquire();
  std::string timeout;
  lease.session() << "SHOW statement_timeout", soci::into(timeout);
  CHECK(timeout == "1234ms");
  std::string zone;
  lease.session() << "SHOW TimeZone", soci::into(zone);
  CHECK(zone == "UTC");
}
