// Webhooks (issue 22) over real HTTP and PostgreSQL, delivered to a real receiver on
// loopback (tests/tools/webhook_receiver.mjs, which verifies every delivery with the
// `standardwebhooks` npm package): signatures, the delivery log, a receiver that fails for a
// while, the order of one resource's changes, a change that rolls back, refused targets (when
// the subscription is made and at delivery), secret rotation, replays, erasure, two instances
// sharing the sending, and who may see what.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "trip_fixture.hpp"

using namespace eventd::test;
using json = nlohmann::json;

namespace {

// The receiver, on a port of its own.
struct Receiver {
  Process process{{EVENTD_NODE, EVENTD_SOURCE_DIR "/tests/tools/webhook_receiver.mjs"}, {}};
  unsigned short port = 0;

  Receiver() {
    const std::string line = process.wait_for_line("listening on ", std::chrono::seconds(20));
    REQUIRE_MESSAGE(!line.empty(), process.output());
    port = static_cast<unsigned short>(std::stoi(line.substr(line.find("listening on ") + 13)));
  }
  std::string url(const std::string& path = "/hooks") const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  void secrets(const std::vector<std::string>& s) {
    REQUIRE(http_request(port, "POST", "/_secrets", json{{"secrets", s}}.dump()).status == 204);
  }
  void fail(int count, int status) {
    REQUIRE(http_request(port, "POST", "/_fail", json{{"count", count}, {"status", status}}.dump()).status == 204);
  }
  json log() const { return json::parse(http_request(port, "GET", "/_log").body); }
  // The log once it holds `count` deliveries answered 2xx (or what it holds after `wait`).
  json accepted(std::size_t count, std::chrono::seconds wait = std::chrono::seconds(20)) const {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      json out = json::array();
      for (const auto& d : log()) {
        if (d["answered"].get<int>() / 100 == 2) out.push_back(d);
      }
      if (out.size() >= count || std::chrono::steady_clock::now() > deadline) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
};

ServerSettings allowing_loopback() {
  ServerSettings settings;
  settings.webhook_allowed_networks = "127.0.0.0/8";
  settings.webhook_poll_ms = "20";
  return settings;
}

json subscribe(Trip& t, const std::string& url, const json& types = json::array()) {
  auto created =
      t.server.request("POST", "/v1/webhooks",
                       json{{"url", url}, {"event_types", types}, {"description", "CRM"}}.dump(), json_as(t.forum_key));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  return created.json();
}

json body_of(const json& delivery) { return json::parse(delivery["body"].get<std::string>()); }

std::string error_code(const HttpResponse& r) {
  const json body = r.json();
  return body.contains("errors") && !body["errors"].empty() ? body["errors"][0]["code"].get<std::string>() : "";
}

}  // namespace

TEST_CASE("webhooks: every change is delivered signed, verified by standardwebhooks, and logged") {
  Trip t(40, true, allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url());
  const std::string secret = subscription["secret"];
  CHECK(secret.starts_with("whsec_"));
  CHECK(subscription["enabled"] == true);
  receiver.secrets({secret});
  // The secret is shown once: never again.
  auto read = t.server.request("GET", "/v1/webhooks/" + subscription["id"].get<std::string>(), "", bearer(t.forum_key));
  REQUIRE(read.status == 200);
  CHECK_FALSE(read.json().contains("secret"));

  const json registration = t.registered("Eleni Georgiou", "eleni@example.cy", std::nullopt);
  auto renamed =
      t.server.request("PATCH", t.base, R"({"title": "Utbytesresa till Östersund 2035"})", json_as(t.forum_key));
  REQUIRE_MESSAGE(renamed.status == 200, renamed.body);
  auto cancelled = t.server.request("DELETE", "/v1/registrations/" + registration["id"].get<std::string>(), "",
                                    bearer(registration["manage_token"].get<std::string>()));
  REQUIRE_MESSAGE(cancelled.status == 204, cancelled.body);

  const json got = receiver.accepted(3);
  REQUIRE(got.size() == 3);
  std::set<std::string> ids;
  long long last_sequence = 0;
  std::map<std::string, json> by_type;
  for (const auto& d : got) {
    CHECK(d["verified"] == json::array({0}));  // standardwebhooks accepted the signature
    ids.insert(d["id"].get<std::string>());
    const json body = body_of(d);
    CHECK(body["sequence"].get<long long>() > last_sequence);  // in the order of the changes
    last_sequence = body["sequence"];
    CHECK(body["timestamp"].get<std::string>().ends_with("Z"));
    by_type[body["type"]] = body["data"];
  }
  CHECK(ids.size() == 3);
  // The resource as its route shows it to its organiser.
  REQUIRE(by_type.count("registration.created") == 1);
  CHECK(by_type["registration.created"]["id"] == registration["id"]);
  CHECK(by_type["registration.created"]["email"] == "eleni@example.cy");
  CHECK(by_type["registration.created"]["status"] == "confirmed");
  CHECK_FALSE(by_type["registration.created"].contains("manage_token"));
  CHECK(by_type["event.updated"]["title"] == "Utbytesresa till Östersund 2035");
  CHECK(by_type["registration.cancelled"]["status"] == "cancelled");

  // The delivery log: each delivered at its first attempt, with the receiver's status.
  auto log = t.server.request("GET", "/v1/webhooks/" + subscription["id"].get<std::string>() + "/deliveries", "",
                              bearer(t.forum_key));
  REQUIRE_MESSAGE(log.status == 200, log.body);
  const json items = log.json()["items"];
  REQUIRE(items.size() == 3);
  for (const auto& item : items) {
    CHECK(item["state"] == "delivered");
    REQUIRE(item["attempts"].size() == 1);
    CHECK(item["attempts"][0]["status"] == 204);
    CHECK(item["attempts"][0]["outcome"] == "delivered");
    CHECK(item["attempts"][0]["latency_ms"].get<int>() >= 0);
  }
  CHECK(items[0]["type"] == "registration.cancelled");  // newest first
  // /metrics: nothing waits; the sender's counts are of the whole process (other tests' too).
  CHECK(t.server.metric("eventd_webhook_pending") == 0);
  CHECK(t.server.metric("eventd_webhook_delivered_total") >= 3);

  // Every type, with the schema of its data.
  auto types = t.server.get("/v1/webhook-event-types");
  REQUIRE(types.status == 200);
  std::set<std::string> names;
  const json type_list = types.json();
  for (const auto& item : type_list["items"]) names.insert(item["type"].get<std::string>());
  for (const std::string type : {"event.created", "event.published", "registration.confirmed", "registration.erased",
                                 "media_request.approved", "delegation.updated", "task.deleted"}) {
    CHECK_MESSAGE(names.count(type) == 1, type);
  }
}

TEST_CASE("webhooks: programme items, media requests, delegations and tasks are changes too") {
  Trip t(40, true, allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url(),
                                      json::array({"session.created", "session.deleted", "media_request.created",
                                                   "media_request.approved", "delegation.created", "task.created"}));
  receiver.secrets({subscription["secret"]});
  const json session =
      t.post(t.base + "/sessions",
             {{"title", "Besök"}, {"starts_at", "2035-09-04T10:00:00"}, {"ends_at", "2035-09-04T12:00:00"}});
  REQUIRE(t.server.request("DELETE", t.base + "/sessions/" + session["id"].get<std::string>(), "", bearer(t.forum_key))
              .status == 204);
  const json delegation = t.create_delegation({{"name", "Cypern"}, {"country", "CY"}});
  const json task = t.post(t.base + "/tasks", {{"title", "Skicka passuppgifter"}, {"due_at", "2035-08-20T23:59:00"}});
  auto asked = t.server.request("POST", t.base + "/media-requests",
                                R"({"name": "Erik Berg", "email": "erik.berg@example.se", "outlet": "Ekot"})",
                                {{"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(asked.status == 202, asked.body);
  const std::string request = "/v1/media-requests/" + asked.json()["id"].get<std::string>();
  auto current = t.server.request("GET", request, "", bearer(t.forum_key));
  auto approved = t.server.request("PATCH", request, R"({"status": "approved"})",
                                   {{"Authorization", "Bearer " + t.forum_key},
                                    {"Content-Type", "application/json"},
                                    {"If-Match", current.header("etag")}});
  REQUIRE_MESSAGE(approved.status == 200, approved.body);

  const json got = receiver.accepted(6);
  REQUIRE(got.size() == 6);
  std::vector<std::string> types;
  for (const auto& d : got) types.push_back(body_of(d)["type"]);
  CHECK(types == std::vector<std::string>{"session.created", "session.deleted", "delegation.created", "task.created",
                                          "media_request.created", "media_request.approved"});
  CHECK(body_of(got[0])["data"]["id"] == session["id"]);
  CHECK(body_of(got[1])["data"]["title"] == "Besök");  // its last representation
  CHECK(body_of(got[2])["data"]["name"] == "Cypern");
  CHECK(body_of(got[3])["data"]["id"] == task["id"]);
  CHECK(body_of(got[3])["data"]["due_at"] == "2035-08-20T23:59:00+02:00");
  CHECK(body_of(got[5])["data"]["status"] == "approved");
  for (const auto& d : got) CHECK(d["verified"] == json::array({0}));
  CHECK(delegation["name"] == "Cypern");
}

TEST_CASE("webhooks: a receiver that fails for a while gets every change once, each resource's in order") {
  Trip t(40, true, allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url(), json::array({"registration.created", "registration.updated"}));
  receiver.secrets({subscription["secret"]});
  receiver.fail(2, 503);

  const json registration = t.registered("Lukas Huber", "lukas@example.at", std::nullopt);
  const HeaderList as_participant = {{"Authorization", "Bearer " + registration["manage_token"].get<std::string>()},
                                     {"Content-Type", "application/json"}};
  const std::string path = "/v1/registrations/" + registration["id"].get<std::string>();
  REQUIRE(t.server.request("PATCH", path, R"({"needs": "Vegetarisk"})", as_participant).status == 200);
  REQUIRE(t.server.request("PATCH", path, R"({"needs": "Vegansk"})", as_participant).status == 200);
  // An event change is not among the subscription's types.
  REQUIRE(t.server.request("PATCH", t.base, R"({"title": "Ny titel"})", json_as(t.forum_key)).status == 200);

  const json got = receiver.accepted(3);
  REQUIRE(got.size() == 3);
  // Created, then the two changes, in that order, each once; the created one after two 503s.
  CHECK(body_of(got[0])["type"] == "registration.created");
  CHECK(body_of(got[1])["data"]["needs"] == "Vegetarisk");
  CHECK(body_of(got[2])["data"]["needs"] == "Vegansk");
  const json all = receiver.log();
  CHECK(all.size() == 5);
  CHECK(all[0]["answered"] == 503);
  CHECK(all[1]["answered"] == 503);
  CHECK(all[0]["id"] == got[0]["id"]);  // a retry keeps its webhook-id
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.log().size() == 5);  // nothing more, and never the event's change

  auto log = t.server.request("GET", "/v1/webhooks/" + subscription["id"].get<std::string>() + "/deliveries?limit=1",
                              "", bearer(t.forum_key));
  REQUIRE(log.status == 200);
  CHECK(log.json()["items"].size() == 1);
  CHECK_FALSE(log.json()["next_cursor"].is_null());
  auto first =
      t.server.request("GET", "/v1/webhooks/" + subscription["id"].get<std::string>() + "/deliveries?state=delivered",
                       "", bearer(t.forum_key));
  const json delivered = first.json()["items"];
  REQUIRE(delivered.size() == 3);
  const json created = delivered[2];
  REQUIRE(created["attempts"].size() == 3);
  CHECK(created["attempts"][0]["status"] == 503);
  CHECK(created["attempts"][0]["outcome"] == "failed");
  CHECK(created["attempts"][2]["status"] == 204);
  CHECK(t.server.metric("eventd_webhook_failed_total") >= 2);
}

TEST_CASE("webhooks: a change that rolls back sends nothing") {
  Trip t(40, true, allowing_loopback());
  t.post(t.base + "/sessions",
         {{"title", "Besök"}, {"starts_at", "2035-09-04T10:00:00"}, {"ends_at", "2035-09-04T12:00:00"}});
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url());
  receiver.secrets({subscription["secret"]});
  // Moving the event away from its programme is refused after the event row was written.
  auto moved = t.server.request("PATCH", t.base,
                                R"({"starts_at": "2035-10-04T08:00:00+02:00", "ends_at": "2035-10-05T18:00:00+02:00"})",
                                json_as(t.forum_key));
  REQUIRE_MESSAGE(moved.status == 409, moved.body);
  CHECK(t.sql("SELECT count(*) FROM webhook_messages WHERE type LIKE 'event.%'") == "0");
  // A change that commits afterwards is the only one that arrives.
  REQUIRE(t.server.request("PATCH", t.base, R"({"title": "Ny titel"})", json_as(t.forum_key)).status == 200);
  const json got = receiver.accepted(1);
  REQUIRE(got.size() == 1);
  CHECK(body_of(got[0])["type"] == "event.updated");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.accepted(1).size() == 1);
}

TEST_CASE("webhooks: refused targets, when subscribing and at the address connected to") {
  SUBCASE("when subscribing") {
    Trip t;  // no network allowed beyond the public ones
    for (const std::string url :
         {"https://127.0.0.1/hooks", "https://10.1.2.3/", "https://169.254.169.254/latest/meta-data",
          "https://[::1]:8443/", "https://[::ffff:192.168.1.1]/", "https://100.64.0.1/", "https://localhost/",
          "http://93.184.216.34/hooks", "ftp://93.184.216.34/", "https://user:secret@93.184.216.34/",
          "https://93.184.216.34/#fragment"}) {
      CAPTURE(url);
      auto refused = t.server.request("POST", "/v1/webhooks", json{{"url", url}}.dump(), json_as(t.forum_key));
      CHECK(refused.status == 422);
      CHECK(error_code(refused) == "webhook_url_refused");
    }
    auto unknown = t.server.request("POST", "/v1/webhooks",
                                    json{{"url", "https://93.184.216.34/"}, {"event_types", {"event.exploded"}}}.dump(),
                                    json_as(t.forum_key));
    CHECK(unknown.status == 422);
    CHECK(error_code(unknown) == "unknown_event_type");
    CHECK(t.sql("SELECT count(*) FROM webhook_subscriptions") == "0");
    // A public address over https is a target (nothing is sent until a change).
    auto fine = t.server.request("POST", "/v1/webhooks", json{{"url", "https://93.184.216.34/hooks"}}.dump(),
                                 json_as(t.forum_key));
    CHECK_MESSAGE(fine.status == 201, fine.body);
  }
  SUBCASE("at delivery: an instance that does not allow loopback refuses it, and says so in the log") {
    ServerSettings quiet = allowing_loopback();
    quiet.webhook_poll_ms = "3600000";  // this instance's sender looks once, at start
    Trip t(40, true, quiet);
    Receiver receiver;
    const json subscription = subscribe(t, receiver.url());
    ServerSettings strict;
    strict.webhook_poll_ms = "20";
    TestServer other(t.server.database(), strict);
    t.registered("Anna Andersson", "anna@example.se", std::nullopt);
    const std::string deliveries = "/v1/webhooks/" + subscription["id"].get<std::string>() + "/deliveries";
    json attempts;
    for (int i = 0; i < 200 && attempts.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      attempts = other.request("GET", deliveries, "", bearer(t.forum_key)).json()["items"][0]["attempts"];
    }
    REQUIRE_FALSE(attempts.empty());
    CHECK(attempts[0]["outcome"] == "refused");
    CHECK(attempts[0]["error"].get<std::string>().find("127.0.0.1 is a loopback address") != std::string::npos);
    CHECK(attempts[0]["status"].is_null());
    CHECK(receiver.log().empty());  // nothing reached it
  }
}

TEST_CASE("webhooks: after a rotation both secrets sign during the overlap, then only the new one") {
  Trip t(40, true, allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url());
  const std::string path = "/v1/webhooks/" + subscription["id"].get<std::string>();
  const std::string old_secret = subscription["secret"];
  auto rotated = t.server.request("POST", path + "/secret", R"({"overlap_seconds": 3600})", json_as(t.forum_key));
  REQUIRE_MESSAGE(rotated.status == 200, rotated.body);
  const std::string new_secret = rotated.json()["secret"];
  CHECK(new_secret != old_secret);
  CHECK_FALSE(rotated.json()["previous_secret_until"].is_null());
  receiver.secrets({old_secret, new_secret});
  t.registered("Anna Andersson", "anna@example.se", std::nullopt);
  json got = receiver.accepted(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["verified"] == json::array({0, 1}));  // a receiver with either secret accepts it

  auto at_once = t.server.request("POST", path + "/secret", R"({"overlap_seconds": 0})", json_as(t.forum_key));
  REQUIRE(at_once.status == 200);
  receiver.secrets({old_secret, new_secret, at_once.json()["secret"]});
  t.registered("Bo Berg", "bo@example.se", std::nullopt);
  got = receiver.accepted(2);
  REQUIRE(got.size() == 2);
  CHECK(got[1]["verified"] == json::array({2}));  // the older two sign no more
  auto bad = t.server.request("POST", path + "/secret", R"({"overlap_seconds": -1})", json_as(t.forum_key));
  CHECK(bad.status == 422);
}

TEST_CASE("webhooks: one delivery or everything since a time is replayed, with the same webhook-id") {
  Trip t(40, true, allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url());
  receiver.secrets({subscription["secret"]});
  const std::string path = "/v1/webhooks/" + subscription["id"].get<std::string>();
  t.registered("Anna Andersson", "anna@example.se", std::nullopt);
  t.registered("Bo Berg", "bo@example.se", std::nullopt);
  REQUIRE(receiver.accepted(2).size() == 2);

  const json first = t.server.request("GET", path + "/deliveries", "", bearer(t.forum_key)).json()["items"][1];
  auto replayed = t.server.request("POST", path + "/deliveries/" + first["id"].get<std::string>() + "/replay", "",
                                   bearer(t.forum_key));
  REQUIRE_MESSAGE(replayed.status == 201, replayed.body);
  CHECK(replayed.json()["replay_of"] == first["id"]);
  json got = receiver.accepted(3);
  REQUIRE(got.size() == 3);
  CHECK(got[2]["id"] == got[0]["id"]);
  CHECK(got[2]["body"] == got[0]["body"]);  // the same bytes

  auto since = t.server.request("POST", path + "/replay", R"({"since": "2020-01-01T00:00:00Z"})", json_as(t.forum_key));
  REQUIRE_MESSAGE(since.status == 202, since.body);
  CHECK(since.json()["replayed"] == 2);  // each message once, though one went twice
  got = receiver.accepted(5);
  REQUIRE(got.size() == 5);
  CHECK(got[3]["id"] == got[0]["id"]);
  CHECK(got[4]["id"] == got[1]["id"]);
}

TEST_CASE("webhooks: an erased registration's data leaves the messages; the last says it was erased") {
  Trip t(40, true, allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url(), json::array({"registration.erased"}));
  receiver.secrets({subscription["secret"]});
  // Another subscription keeps the earlier messages (it wants every type).
  const json all = subscribe(t, receiver.url("/all"));
  receiver.secrets({subscription["secret"], all["secret"]});
  const json registration = t.registered("Eleni Georgiou", "eleni@example.cy", std::nullopt);
  auto erased = t.server.request("DELETE", "/v1/registrations/" + registration["id"].get<std::string>() + "?erase=true",
                                 "", bearer(registration["manage_token"].get<std::string>()));
  REQUIRE_MESSAGE(erased.status == 204, erased.body);
  json got;
  for (int i = 0; i < 200; ++i) {
    got = json::array();
    for (const auto& d : receiver.log()) {
      if (d["path"] == "/hooks") got.push_back(d);
    }
    if (!got.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(got.size() == 1);
  const json body = body_of(got[0]);
  CHECK(body["type"] == "registration.erased");
  CHECK(body["data"]["erased"] == true);
  CHECK(got[0]["body"].get<std::string>().find("eleni") == std::string::npos);
  CHECK(t.sql("SELECT count(*) FROM webhook_messages WHERE data LIKE '%eleni%'") == "0");
}

TEST_CASE("webhooks: two instances share the sending; each change arrives once") {
  Trip t(200, true, allowing_loopback());
  TestServer other(t.server.database(), allowing_loopback());
  Receiver receiver;
  const json subscription = subscribe(t, receiver.url(), json::array({"registration.created"}));
  receiver.secrets({subscription["secret"]});
  for (int i = 0; i < 30; ++i) {
    auto r = t.sign_up(i % 2 == 0 ? t.server : other, "Deltagare " + std::to_string(i),
                       "deltagare" + std::to_string(i) + "@example.se", std::nullopt);
    REQUIRE(r.status == 201);
  }
  const json got = receiver.accepted(30);
  REQUIRE(got.size() == 30);
  std::set<std::string> ids;
  for (const auto& d : got) ids.insert(d["id"].get<std::string>());
  CHECK(ids.size() == 30);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(receiver.log().size() == 30);  // no second delivery of any
}

TEST_CASE("webhooks: an organisation's subscriptions are its own") {
  Trip t(40, true, allowing_loopback());
  const json subscription = subscribe(t, "https://93.184.216.34/hooks");
  const std::string path = "/v1/webhooks/" + subscription["id"].get<std::string>();
  CHECK(t.server.request("GET", path, "", bearer(t.other_key)).status == 404);
  CHECK(t.server.request("GET", path + "/deliveries", "", bearer(t.other_key)).status == 404);
  CHECK(t.server.request("DELETE", path, "", bearer(t.other_key)).status == 404);
  CHECK(t.server.request("POST", path + "/secret", "", bearer(t.other_key)).status == 404);
  CHECK(t.server.get(path).status == 401);
  CHECK(t.server.request("GET", "/v1/webhooks", "", bearer(t.other_key)).json()["items"].empty());
  CHECK(t.server.request("GET", "/v1/webhooks", "", bearer(t.forum_key)).json()["items"].size() == 1);
  // The admin sees all and names the organisation a new one is for.
  const HeaderList admin = {{"Authorization", "Bearer " + t.server.settings().admin_key},
                            {"Content-Type", "application/json"}};
  CHECK(t.server.request("GET", "/v1/webhooks", "", admin).json()["items"].size() == 1);
  auto unnamed = t.server.request("POST", "/v1/webhooks", R"({"url": "https://93.184.216.34/"})", admin);
  CHECK(unnamed.status == 422);
  auto named = t.server.request("POST", "/v1/webhooks",
                                R"({"url": "https://93.184.216.34/", "organisation_id": "fyrbodal"})", admin);
  REQUIRE_MESSAGE(named.status == 201, named.body);
  CHECK(named.json()["organisation_id"] == t.sql("SELECT id::text FROM organisations WHERE slug = 'fyrbodal'"));
  // Turned off by its organiser, with If-Match; on again later.
  auto current = t.server.request("GET", path, "", bearer(t.forum_key));
  auto off = t.server.request("PATCH", path, R"({"enabled": false})",
                              {{"Authorization", "Bearer " + t.forum_key},
                               {"Content-Type", "application/json"},
                               {"If-Match", current.header("etag")}});
  REQUIRE_MESSAGE(off.status == 200, off.body);
  CHECK(off.json()["enabled"] == false);
  auto stale = t.server.request("PATCH", path, R"({"enabled": true})",
                                {{"Authorization", "Bearer " + t.forum_key},
                                 {"Content-Type", "application/json"},
                                 {"If-Match", current.header("etag")}});
  CHECK(stale.status == 412);
  CHECK(t.server.request("DELETE", path, "", bearer(t.forum_key)).status == 204);
  CHECK(t.server.request("GET", path, "", bearer(t.forum_key)).status == 404);
}
