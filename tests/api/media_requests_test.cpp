// Media-access requests over real HTTP and PostgreSQL: a journalist asks, the organiser of the
// event decides, and only an approved requester sees the stream link (in the JSON and in the
// personal feed); every decision is in the history. Checked with SQL where the API could
// hide a mistake.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "db/migrations.hpp"
#include "services/media_request_service.hpp"
#include "support/ics_check.hpp"
#include "support/test_server.hpp"

using namespace eventd::test;
using nlohmann::json;

namespace {

constexpr const char* kStreamUrl = "https://www.youtube.com/watch?v=integrationsforum-press";

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
HeaderList with(HeaderList headers, std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return headers;
}
std::string quoted(const std::string& text) { return "$q$" + text + "$q$"; }
bool mentions(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }
std::string path_of(const std::string& url) { return url.substr(url.find("/v1/")); }
bool has_line(const std::string& calendar, const std::string& line) {
  for (const auto& l : lines_of(calendar)) {
    if (l == line) return true;
  }
  return false;
}

// A server with the County Administrative Board and Forum as organisations, an organiser key
// each, and Integrationsforum streamed in a year to come: its stream is not public, the press
// asks for access (media_policy on_request), and its press officer is a public contact.
struct Conference {
  TestServer server;
  std::string lansstyrelsen_key;
  std::string forum_key;
  std::string event_id;
  std::string path;  // /v1/events/integrationsforum/media-requests

  explicit Conference(ServerSettings settings = {}) : server(std::move(settings)) {
    server.database().exec("INSERT INTO organisations (slug, name, kind) VALUES ('lansstyrelsen', " +
                           quoted("Länsstyrelsen Västra Götaland") + ", 'public_agency'), ('forum', " +
                           quoted("Forum – idéburna organisationer med social inriktning") + ", 'civil_society')");
    lansstyrelsen_key = organiser_key("lansstyrelsen", "Pressansvarig Anita");
    forum_key = organiser_key("forum", "Forum");
    event_id = create_event("integrationsforum", "lansstyrelsen", "on_request");
    path = "/v1/events/integrationsforum/media-requests";
  }

  std::string organiser_key(const std::string& slug, const std::string& name) {
    std::string key = "evk_test_" + slug + "_0123456789abcdef";
    server.database().exec("INSERT INTO api_keys (name, key_hash, key_prefix, role, organisation_id) VALUES (" +
                           quoted(name) + ", decode('" + eventd::db::sha256_hex(key) +
                           "', 'hex'), 'evk_', 'organiser', (SELECT id FROM organisations WHERE slug = '" + slug +
                           "'))");
    return key;
  }
  std::string key_id(const std::string& key) {
    return sql("SELECT id::text FROM api_keys WHERE key_hash = decode('" + eventd::db::sha256_hex(key) + "', 'hex')");
  }

  // 26 November, in a year to come, 09:00–15:30 in Stockholm, online only.
  std::string create_event(const std::string& slug, const std::string& organiser, const std::string& media_policy) {
    server.database().exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
        "online_stream_url, online_access, organiser_id, contacts, media_policy) VALUES ('" +
        slug + "', " + quoted("Integrationsforum") +
        ", 'conference', 'online', 'published', 'Europe/Stockholm', '2035-11-26T08:00:00Z', "
        "'2035-11-26T14:30:00Z', 'YouTube', '" +
        kStreamUrl + "', 'on_request', (SELECT id FROM organisations WHERE slug = '" + organiser + "'), " +
        // (No JSON literal: the statement's text must not contain colons, SOCI's placeholders.)
        "jsonb_build_array(jsonb_build_object('name', 'Anita Nilsson', 'role', 'pressansvarig', 'email', "
        "'anita.nilsson@lansstyrelsen.se', 'phone', '+46 10 224 40 00')), '" +
        media_policy + "')");
    return sql("SELECT id::text FROM events WHERE slug = '" + slug + "'");
  }

  HttpResponse ask(const std::string& name, const std::string& email, const HeaderList& headers = {},
                   const std::string& target = "") {
    json body = {{"name", name},
                 {"email", email},
                 {"outlet", "Sveriges Radio Ekot"},
                 {"phone", "+46 70 123 45 67"},
                 {"message", "Vi vill följa konferensen för ett inslag."}};
    return server.request("POST", target.empty() ? path : target, body.dump(),
                          with(headers, "Content-Type", "application/json"));
  }

  HttpResponse decide(const std::string& id, const std::string& credential, const json& decision,
                      const HeaderList& extra = {}) {
    HeaderList headers = with(bearer(credential), "Content-Type", "application/merge-patch+json");
    for (const auto& h : extra) headers.push_back(h);
    return server.request("PATCH", "/v1/media-requests/" + id, decision.dump(), headers);
  }

  HttpResponse view(const std::string& id, const std::string& credential) {
    return server.get("/v1/media-requests/" + id, bearer(credential));
  }

  // The requester's personal feed. Only an approved requester is told its URL; the tests
  // derive it from the status token as the service does, to look at it in every state.
  HttpResponse feed_of(const std::string& status_token) {
    return server.get("/v1/feeds/" + eventd::services::media_feed_token_for(status_token, 0) + "/calendar.ics");
  }

  std::string sql(const std::string& query) { return server.database().scalar(query); }
};

struct Asked {
  std::string id;
  std::string token;
  json body;
};

Asked must_ask(Conference& c, const std::string& name, const std::string& email) {
  auto r = c.ask(name, email);
  REQUIRE_MESSAGE(r.status == 202, r.body);
  auto body = r.json();
  return {body["id"], body["status_token"], body};
}

std::set<std::string> error_fields(const HttpResponse& response) {
  std::set<std::string> fields;
  for (const auto& e : response.json().value("errors", json::array())) fields.insert(e["field"]);
  return fields;
}

}  // namespace

TEST_CASE("media requests: pending → approved → link visible → revoked → link gone, with the whole history") {
  Conference c;
  auto karin = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  CHECK(karin.body["status"] == "pending");
  CHECK(karin.token.starts_with("evs_"));
  CHECK(karin.token.size() >= 4 + 43);  // 256 bits, base64url
  CHECK_FALSE(karin.body.contains("access"));
  CHECK_FALSE(mentions(karin.body.dump(), kStreamUrl));
  // Only a hash of the token is stored.
  CHECK(c.sql("SELECT count(*) FROM media_requests WHERE status_token_hash = decode('" +
              eventd::db::sha256_hex(karin.token) + "', 'hex')") == "1");
  CHECK(c.sql("SELECT count(*) FROM media_requests WHERE position(convert_to('" + karin.token +
              "', 'UTF8') in status_token_hash) > 0") == "0");

  // Pending: the requester sees the status, no link.
  auto pending = c.view(karin.id, karin.token);
  REQUIRE(pending.status == 200);
  CHECK(pending.json()["status"] == "pending");
  CHECK_FALSE(pending.json().contains("access"));
  CHECK_FALSE(mentions(pending.body, kStreamUrl));
  CHECK(pending.header("Cache-Control") == "no-store");
  auto pending_feed = c.feed_of(karin.token);
  REQUIRE_MESSAGE(pending_feed.status == 200, pending_feed.body);
  CHECK(has_line(pending_feed.body, "UID:event-" + c.event_id + "@127.0.0.1:8080"));
  CHECK_FALSE(mentions(unfold(pending_feed.body), kStreamUrl));

  // The organiser approves, with a note and the ETag it saw.
  auto seen = c.view(karin.id, c.lansstyrelsen_key);
  REQUIRE(seen.status == 200);
  CHECK(seen.json()["email"] == "karin.ek@sr.se");
  CHECK(seen.json()["phone"] == "+46 70 123 45 67");
  auto approved =
      c.decide(karin.id, c.lansstyrelsen_key, {{"status", "approved"}, {"note", "Välkommen! Presskonferens kl. 12."}},
               {{"If-Match", seen.header("ETag")}});
  REQUIRE_MESSAGE(approved.status == 200, approved.body);
  CHECK(approved.json()["status"] == "approved");
  // The decision's answer carries the new tag; the one it was based on is stale now.
  CHECK_FALSE(approved.header("ETag").empty());
  CHECK(approved.header("ETag") != seen.header("ETag"));
  CHECK(approved.header("ETag") == c.view(karin.id, c.lansstyrelsen_key).header("ETag"));
  // The organiser's answer is not the requester's: no personal feed, no access object.
  CHECK_FALSE(approved.json().contains("access"));

  // Approved: the requester, and only the requester, sees the link and a personal feed.
  auto granted = c.view(karin.id, karin.token);
  REQUIRE(granted.status == 200);
  const json access = granted.json()["access"];
  CHECK(access["stream_url"] == kStreamUrl);
  const std::string feed_url = access["feed_url"];
  CHECK(mentions(feed_url, "/v1/feeds/evp_"));
  CHECK(access["webcal_url"].get<std::string>().starts_with("webcal://"));
  CHECK(path_of(feed_url) == "/v1/feeds/" + eventd::services::media_feed_token_for(karin.token, 0) + "/calendar.ics");
  // The personal feed carries the stream now.
  auto feed = c.server.get(path_of(feed_url));
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  CHECK(feed.header("Content-Type") == "text/calendar; charset=utf-8");
  CHECK(feed.header("Cache-Control") == "no-store");
  const auto check = run_ics_checker(feed.body);
  CHECK_MESSAGE(check.status == 0, check.output);
  CHECK(has_line(feed.body, "UID:event-" + c.event_id + "@127.0.0.1:8080"));
  CHECK(mentions(unfold(feed.body), kStreamUrl));
  CHECK(feed.header("ETag") != pending_feed.header("ETag"));
  // The public feed of the event does not.
  CHECK_FALSE(mentions(unfold(c.server.get("/v1/events/integrationsforum/calendar.ics").body), kStreamUrl));
  CHECK(granted.json()["note"] == "Välkommen! Presskonferens kl. 12.");
  CHECK_FALSE(granted.json()["decided_at"].is_null());
  // The stream stays hidden from the public event, and from a second journalist's request.
  CHECK(c.server.get("/v1/events/integrationsforum").json()["online"]["stream_url"].is_null());
  auto other = must_ask(c, "Omar Said", "omar@tidningen.se");
  CHECK_FALSE(mentions(c.view(other.id, other.token).body, kStreamUrl));

  // A stale ETag does not revoke; the current one does.
  auto stale = c.decide(karin.id, c.lansstyrelsen_key, {{"status", "revoked"}}, {{"If-Match", seen.header("ETag")}});
  CHECK(stale.status == 412);
  auto revoked = c.decide(karin.id, c.lansstyrelsen_key, {{"status", "revoked"}, {"note", "Sändningen är stängd."}});
  REQUIRE_MESSAGE(revoked.status == 200, revoked.body);

  // Revoked: the link is gone from the requester's view.
  auto gone = c.view(karin.id, karin.token);
  REQUIRE(gone.status == 200);
  CHECK(gone.json()["status"] == "revoked");
  CHECK_FALSE(gone.json().contains("access"));
  CHECK_FALSE(mentions(gone.body, kStreamUrl));
  CHECK_FALSE(mentions(gone.body, "evp_"));
  CHECK(gone.json()["note"] == "Sändningen är stängd.");
  // ...and from the feed, which still answers (the event stays) so calendar clients replace
  // the copy that had the link.
  auto revoked_feed = c.server.get(path_of(feed_url), {{"If-None-Match", feed.header("ETag")}});
  REQUIRE_MESSAGE(revoked_feed.status == 200, revoked_feed.body);
  CHECK(has_line(revoked_feed.body, "UID:event-" + c.event_id + "@127.0.0.1:8080"));
  CHECK_FALSE(mentions(unfold(revoked_feed.body), kStreamUrl));
  CHECK(run_ics_checker(revoked_feed.body).status == 0);

  // The history: every change, who made it (which key), from which status to which.
  auto history = c.server.get("/v1/media-requests/" + karin.id + "/history", bearer(c.lansstyrelsen_key));
  REQUIRE_MESSAGE(history.status == 200, history.body);
  const json items = history.json()["items"];
  REQUIRE(items.size() == 3);
  CHECK(items[0]["from_status"].is_null());
  CHECK(items[0]["to_status"] == "pending");
  CHECK(items[0]["actor"] == json({{"kind", "requester"}}));
  CHECK(items[1]["from_status"] == "pending");
  CHECK(items[1]["to_status"] == "approved");
  CHECK(items[1]["actor"]["kind"] == "organiser");
  CHECK(items[1]["actor"]["api_key_id"] == c.key_id(c.lansstyrelsen_key));
  CHECK(items[1]["actor"]["api_key_name"] == "Pressansvarig Anita");
  CHECK(items[1]["note"] == "Välkommen! Presskonferens kl. 12.");
  CHECK(items[2]["from_status"] == "approved");
  CHECK(items[2]["to_status"] == "revoked");
  CHECK(items[2]["actor"]["api_key_id"] == c.key_id(c.lansstyrelsen_key));
  CHECK(items[0]["decided_at"].get<std::string>() <= items[1]["decided_at"].get<std::string>());
  CHECK(items[1]["decided_at"].get<std::string>() <= items[2]["decided_at"].get<std::string>());
  // The database holds exactly these, and the failed (stale) attempt left no trace.
  CHECK(c.sql("SELECT string_agg(coalesce(from_status, '-') || '>' || to_status || ':' || actor, ' ' ORDER BY id) "
              "FROM media_request_decisions WHERE media_request_id = '" +
              karin.id + "'") == "->pending:requester pending>approved:organiser approved>revoked:organiser");

  // The organiser may reinstate the approval; the link comes back.
  auto again = c.decide(karin.id, c.lansstyrelsen_key, {{"status", "approved"}});
  REQUIRE_MESSAGE(again.status == 200, again.body);
  CHECK(c.view(karin.id, karin.token).json()["access"]["stream_url"] == kStreamUrl);
  CHECK(c.view(karin.id, karin.token).json()["note"].is_null());
  CHECK(mentions(unfold(c.server.get(path_of(feed_url)).body), kStreamUrl));
  // Withdrawn by the journalist: gone again; erased: the feed link is dead.
  REQUIRE(c.server.request("DELETE", "/v1/media-requests/" + karin.id, "", bearer(karin.token)).status == 204);
  CHECK_FALSE(mentions(unfold(c.server.get(path_of(feed_url)).body), kStreamUrl));
  REQUIRE(
      c.server.request("DELETE", "/v1/media-requests/" + karin.id + "?erase=true", "", bearer(karin.token)).status ==
      204);
  CHECK(c.server.get(path_of(feed_url)).status == 404);
  CHECK(c.server.get("/v1/feeds/evp_unknown/calendar.ics").status == 404);
}

TEST_CASE("media requests: rejected and pending requests never show the link") {
  Conference c;
  auto karin = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  auto rejected =
      c.decide(karin.id, c.lansstyrelsen_key, {{"status", "rejected"}, {"note", "Endast ackrediterad press."}});
  REQUIRE_MESSAGE(rejected.status == 200, rejected.body);
  auto view = c.view(karin.id, karin.token);
  REQUIRE(view.status == 200);
  CHECK(view.json()["status"] == "rejected");
  CHECK(view.json()["note"] == "Endast ackrediterad press.");
  CHECK_FALSE(view.json().contains("access"));
  CHECK_FALSE(mentions(view.body, kStreamUrl));
  CHECK_FALSE(mentions(view.body, "/v1/feeds/"));
  auto feed = c.feed_of(karin.token);
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  CHECK(has_line(feed.body, "UID:event-" + c.event_id + "@127.0.0.1:8080"));
  CHECK_FALSE(mentions(unfold(feed.body), kStreamUrl));
  // A rejection is final for that request: it cannot then be revoked or rejected again.
  CHECK(c.decide(karin.id, c.lansstyrelsen_key, {{"status", "revoked"}}).status == 409);
  CHECK(c.decide(karin.id, c.lansstyrelsen_key, {{"status", "rejected"}}).status == 409);
  // The press officer's contact is public, so the journalist knows whom to ask.
  CHECK(view.json()["event"]["contacts"][0]["name"] == "Anita Nilsson");
  CHECK(view.json()["event"]["contacts"][0]["role"] == "pressansvarig");
  auto event = c.server.get("/v1/events/integrationsforum").json();
  CHECK(event["contacts"][0]["email"] == "anita.nilsson@lansstyrelsen.se");
  CHECK(event["media_policy"] == "on_request");
  // A rejected request frees the address: the journalist may ask again.
  auto second = c.ask("Karin Ek", "Karin.Ek@sr.se");
  REQUIRE_MESSAGE(second.status == 202, second.body);
  CHECK(second.json()["status"] == "pending");
  // Approving the old one now would give the address two open requests.
  CHECK(c.decide(karin.id, c.lansstyrelsen_key, {{"status", "approved"}}).status == 409);
  CHECK(c.sql("SELECT status FROM media_requests WHERE id = '" + karin.id + "'") == "rejected");
}

TEST_CASE("media requests: another organisation can neither see nor decide") {
  Conference c;
  auto karin = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  CHECK(c.decide(karin.id, c.forum_key, {{"status", "approved"}}).status == 403);
  CHECK(c.decide(karin.id, c.forum_key, {{"status", "rejected"}}).status == 403);
  CHECK(c.view(karin.id, c.forum_key).status == 403);
  CHECK(c.server.get("/v1/media-requests/" + karin.id + "/history", bearer(c.forum_key)).status == 403);
  CHECK(c.server.get(c.path, bearer(c.forum_key)).status == 403);
  CHECK(c.server.request("DELETE", "/v1/media-requests/" + karin.id + "?erase=true", "", bearer(c.forum_key)).status ==
        403);
  // Its own list holds nothing of another organisation's events.
  auto own = c.server.get("/v1/media-requests", bearer(c.forum_key));
  REQUIRE(own.status == 200);
  CHECK(own.json()["items"].empty());
  CHECK(c.sql("SELECT status FROM media_requests WHERE id = '" + karin.id + "'") == "pending");
  CHECK(c.sql("SELECT count(*) FROM media_request_decisions WHERE media_request_id = '" + karin.id + "'") == "1");
  CHECK(c.sql("SELECT count(*) FROM media_requests WHERE email IS NULL") == "0");
  // Without credentials: 401. An admin may decide, and is recorded as such.
  CHECK(c.server
            .request("PATCH", "/v1/media-requests/" + karin.id, R"({"status": "approved"})",
                     {{"Content-Type", "application/merge-patch+json"}})
            .status == 401);
  CHECK(c.server.get(c.path).status == 401);
  auto admin = c.decide(karin.id, c.server.settings().admin_key, {{"status", "approved"}});
  REQUIRE_MESSAGE(admin.status == 200, admin.body);
  auto history = c.server.get("/v1/media-requests/" + karin.id + "/history", bearer(c.server.settings().admin_key));
  CHECK(history.json()["items"][1]["actor"] ==
        json({{"kind", "admin"}, {"api_key_id", nullptr}, {"api_key_name", "EVENTD_ADMIN_KEY"}}));
}

TEST_CASE("media requests: the requester cannot decide its own request, only follow and withdraw it") {
  Conference c;
  auto karin = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  auto omar = must_ask(c, "Omar Said", "omar@tidningen.se");

  auto self_approval = c.decide(karin.id, karin.token, {{"status", "approved"}});
  CHECK(self_approval.status == 403);
  CHECK(self_approval.header("Content-Type") == "application/problem+json");
  CHECK(c.decide(karin.id, karin.token, {{"status", "rejected"}}).status == 403);
  CHECK(c.sql("SELECT status FROM media_requests WHERE id = '" + karin.id + "'") == "pending");
  CHECK_FALSE(c.view(karin.id, karin.token).json().contains("access"));
  // Nor can the token reach anything else.
  // Omar's id with Karin's token answers exactly as an id of no request does.
  const auto foreign = c.view(omar.id, karin.token);
  const auto unknown = c.view("00000000-0000-4000-8000-000000000000", karin.token);
  CHECK(foreign.status == 404);
  CHECK(foreign.body == unknown.body);
  CHECK(foreign.header("Content-Type") == unknown.header("Content-Type"));
  CHECK(c.decide(omar.id, karin.token, {{"status", "approved"}}).status == 404);
  CHECK(c.decide("00000000-0000-4000-8000-000000000000", karin.token, {{"status", "approved"}}).status == 404);
  CHECK(c.server.request("DELETE", "/v1/media-requests/" + omar.id, "", bearer(karin.token)).status == 404);
  CHECK(c.server.get("/v1/media-requests/" + omar.id + "/history", bearer(karin.token)).status == 404);
  CHECK(c.sql("SELECT status FROM media_requests WHERE id = '" + omar.id + "'") == "pending");
  CHECK(c.server.get("/v1/media-requests/" + karin.id + "/history", bearer(karin.token)).status == 403);
  CHECK(c.server.get(c.path, bearer(karin.token)).status == 401);  // a status token is no API key
  CHECK(c.view(karin.id, "evs_forged0123456789abcdefghijklmnopqrstuvwxyz0").status == 401);
  CHECK(c.server.get("/v1/media-requests/" + karin.id).status == 401);
  CHECK(c.view("00000000-0000-4000-8000-000000000000", karin.token).status == 404);

  // Withdrawing is the requester's own decision, and recorded as such.
  auto withdrawn = c.server.request("DELETE", "/v1/media-requests/" + karin.id, "", bearer(karin.token));
  REQUIRE_MESSAGE(withdrawn.status == 204, withdrawn.body);
  CHECK(c.view(karin.id, karin.token).json()["status"] == "withdrawn");
  CHECK(c.decide(karin.id, c.lansstyrelsen_key, {{"status", "approved"}}).status == 409);
  CHECK(c.sql("SELECT string_agg(to_status || ':' || actor || ':' || coalesce(api_key_id::text, '-'), ' ' ORDER BY "
              "id) FROM media_request_decisions WHERE media_request_id = '" +
              karin.id + "'") == "pending:requester:- withdrawn:requester:-");
  // An organiser does not withdraw for the journalist.
  CHECK(c.server.request("DELETE", "/v1/media-requests/" + omar.id, "", bearer(c.lansstyrelsen_key)).status == 403);
}

TEST_CASE("media requests: the event's media policy decides") {
  Conference c;
  SUBCASE("closed: a 409 that says why, and nothing stored") {
    c.create_event("slutet-mote", "lansstyrelsen", "closed");
    auto refused = c.ask("Karin Ek", "karin.ek@sr.se", {}, "/v1/events/slutet-mote/media-requests");
    CHECK(refused.status == 409);
    CHECK(refused.header("Content-Type") == "application/problem+json");
    CHECK(mentions(refused.json()["detail"], "media policy: closed"));
    CHECK(c.sql("SELECT count(*) FROM media_requests") == "0");
  }
  SUBCASE("open: approved at once, by the policy") {
    c.create_event("oppet-seminarium", "lansstyrelsen", "open");
    auto r = c.ask("Karin Ek", "karin.ek@sr.se", {}, "/v1/events/oppet-seminarium/media-requests");
    REQUIRE_MESSAGE(r.status == 202, r.body);
    CHECK(r.json()["status"] == "approved");
    CHECK(r.json()["access"]["stream_url"] == kStreamUrl);
    const std::string id = r.json()["id"];
    CHECK(c.sql("SELECT string_agg(coalesce(from_status, '-') || '>' || to_status || ':' || actor, ' ' ORDER BY id) "
                "FROM media_request_decisions WHERE media_request_id = '" +
                id + "'") == "->pending:requester pending>approved:policy");
  }
  SUBCASE("by default a request waits for a decision: open is a choice, never inherited") {
    auto created = c.server.request(
        "POST", "/v1/events",
        json{{"slug", "utan-policy"},
             {"title", "Utan uttalad mediepolicy"},
             {"kind", "webinar"},
             {"format", "online"},
             {"status", "published"},
             {"timezone", "Europe/Stockholm"},
             {"starts_at", "2035-11-27T09:00:00+01:00"},
             {"ends_at", "2035-11-27T12:00:00+01:00"},
             {"online", {{"platform", "YouTube"}, {"stream_url", kStreamUrl}, {"access", "on_request"}}},
             {"organiser_id", "lansstyrelsen"}}
            .dump(),
        bearer(c.lansstyrelsen_key));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    CHECK(created.json()["media_policy"] == "on_request");
    auto r = c.ask("Karin Ek", "karin.ek@sr.se", {}, "/v1/events/utan-policy/media-requests");
    REQUIRE_MESSAGE(r.status == 202, r.body);
    CHECK(r.json()["status"] == "pending");
    CHECK_FALSE(mentions(r.body, kStreamUrl));
    // and the database says the same to a row written without the column
    c.server.database().exec(
        "INSERT INTO events (slug, title, kind, format, status, timezone, starts_at, ends_at, online_platform, "
        "organiser_id) VALUES ('rad-utan-policy', 'X', 'webinar', 'online', 'draft', 'Europe/Stockholm', "
        "'2035-11-27T08:00:00Z', '2035-11-27T11:00:00Z', 'Zoom', (SELECT id FROM organisations WHERE slug = "
        "'lansstyrelsen'))");
    CHECK(c.sql("SELECT media_policy FROM events WHERE slug = 'rad-utan-policy'") == "on_request");
  }
  SUBCASE("drafts are unknown; cancelled and ended events refuse") {
    c.server.database().exec("UPDATE events SET status = 'draft' WHERE slug = 'integrationsforum'");
    CHECK(c.ask("Karin Ek", "karin.ek@sr.se").status == 404);
    c.server.database().exec("UPDATE events SET status = 'cancelled' WHERE slug = 'integrationsforum'");
    CHECK(c.ask("Karin Ek", "karin.ek@sr.se").status == 409);
    c.server.database().exec(
        "UPDATE events SET status = 'published', starts_at = '2020-11-26T08:00:00Z', ends_at = '2020-11-26T14:30:00Z' "
        "WHERE slug = 'integrationsforum'");
    auto over = c.ask("Karin Ek", "karin.ek@sr.se");
    CHECK(over.status == 409);
    CHECK(mentions(over.json()["detail"], "over"));
  }
}

TEST_CASE("media requests: one open request per address; fields are checked together") {
  Conference c;
  auto first = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  const std::string mail_before = c.sql("SELECT count(*) FROM mail_outbox");
  auto again = c.ask("Karin Ek", "KARIN.EK@sr.se", {{"Idempotency-Key", "b1c2d3e4-karin-second-ask"}});
  CHECK(again.status == 409);
  // Nothing of the open request (its id, its token) and nothing written: no row, no message,
  // no claimed key.
  CHECK(again.header("Content-Type") == "application/problem+json");
  CHECK(again.header("Location").empty());
  CHECK(again.body.find(first.id) == std::string::npos);
  CHECK(again.body.find("evs_") == std::string::npos);
  CHECK(c.sql("SELECT count(*) FROM media_requests") == "1");
  CHECK(c.sql("SELECT count(*) FROM mail_outbox") == mail_before);
  CHECK(c.sql("SELECT count(*) FROM idempotency_keys") == "0");
  // At once from eight clients: one request, seven 409s.
  std::vector<HttpResponse> answers(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&, i] { answers[i] = c.ask("Omar Said", "omar@tidningen.se"); });
  for (auto& t : threads) t.join();
  int accepted = 0;
  for (const auto& a : answers) {
    CHECK_MESSAGE((a.status == 202 || a.status == 409), a.body);
    accepted += a.status == 202 ? 1 : 0;
  }
  CHECK(accepted == 1);
  CHECK(c.sql("SELECT count(*) FROM media_requests WHERE email = 'omar@tidningen.se'") == "1");

  auto bad = c.server.request("POST", c.path, R"({"name": "", "email": "karin", "phone": "ring mig", "vip": true})",
                              {{"Content-Type", "application/json"}});
  CHECK(bad.status == 422);
  CHECK(error_fields(bad) == std::set<std::string>{"name", "email", "outlet", "phone", "vip"});
  auto karin = c.sql("SELECT id::text FROM media_requests WHERE email = 'karin.ek@sr.se'");
  auto decision = c.decide(karin, c.lansstyrelsen_key, {{"status", "pending"}, {"verdict", "ja"}});
  CHECK(decision.status == 422);
  CHECK(error_fields(decision) == std::set<std::string>{"status", "verdict"});
  CHECK(c.decide(karin, c.lansstyrelsen_key, json::object()).status == 422);
  CHECK(c.decide(karin, c.lansstyrelsen_key, {{"status", "approved"}, {"note", std::string(2001, 'x')}}).status == 422);
  // Every fault of a decision in one 422: the status and the note's length together.
  auto faults = c.decide(karin, c.lansstyrelsen_key, {{"status", "accepted"}, {"note", std::string(2001, 'x')}});
  CHECK(faults.status == 422);
  CHECK_MESSAGE((error_fields(faults) == std::set<std::string>{"status", "note"}), faults.body);
  CHECK(c.sql("SELECT count(*) FROM media_requests") == "2");
  CHECK(c.sql("SELECT status FROM media_requests WHERE id = '" + karin + "'") == "pending");
}

TEST_CASE("media requests: organisers list and filter their own events' requests") {
  Conference c;
  auto a = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  auto b = must_ask(c, "Omar Said", "omar@tidningen.se");
  auto d = must_ask(c, "Lena Berg", "lena@gp.se");
  c.create_event("forums-konferens", "forum", "on_request");
  c.ask("Karin Ek", "karin.ek@sr.se", {}, "/v1/events/forums-konferens/media-requests");
  REQUIRE(c.decide(b.id, c.lansstyrelsen_key, {{"status", "approved"}}).status == 200);
  REQUIRE(c.decide(d.id, c.lansstyrelsen_key, {{"status", "rejected"}}).status == 200);

  auto page = c.server.get(c.path + "?limit=2", bearer(c.lansstyrelsen_key));
  REQUIRE(page.status == 200);
  CHECK(page.header("Cache-Control") == "no-store");
  REQUIRE(page.json()["items"].size() == 2);
  CHECK(page.json()["items"][0]["id"] == a.id);
  CHECK(page.json()["items"][0]["outlet"] == "Sveriges Radio Ekot");
  CHECK_FALSE(page.json()["items"][0].contains("access"));
  const std::string cursor = page.json()["next_cursor"];
  auto rest = c.server.get(c.path + "?limit=2&cursor=" + cursor, bearer(c.lansstyrelsen_key));
  REQUIRE(rest.json()["items"].size() == 1);
  CHECK(rest.json()["items"][0]["id"] == d.id);
  CHECK(rest.json()["next_cursor"].is_null());

  auto pending = c.server.get(c.path + "?status=pending", bearer(c.lansstyrelsen_key)).json()["items"];
  REQUIRE(pending.size() == 1);
  CHECK(pending[0]["id"] == a.id);
  auto approved = c.server.get("/v1/media-requests?status=approved", bearer(c.lansstyrelsen_key)).json()["items"];
  REQUIRE(approved.size() == 1);
  CHECK(approved[0]["id"] == b.id);
  CHECK(c.server.get(c.path + "?status=maybe", bearer(c.lansstyrelsen_key)).status == 400);
  CHECK(c.server.get(c.path + "?cursor=bm9wZQ", bearer(c.lansstyrelsen_key)).status == 400);

  // Across events: each organiser its own; an admin all.
  CHECK(c.server.get("/v1/media-requests", bearer(c.lansstyrelsen_key)).json()["items"].size() == 3);
  auto forum = c.server.get("/v1/media-requests", bearer(c.forum_key)).json()["items"];
  REQUIRE(forum.size() == 1);
  CHECK(forum[0]["event_id"] == c.sql("SELECT id::text FROM events WHERE slug = 'forums-konferens'"));
  CHECK(c.server.get("/v1/media-requests", bearer(c.server.settings().admin_key)).json()["items"].size() == 4);
  CHECK(c.server.get("/v1/media-requests").status == 401);
}

TEST_CASE("media requests: an Idempotency-Key retry returns the first answer, never a second request") {
  Conference c;
  const std::string body =
      json({{"name", "Karin Ek"}, {"email", "karin.ek@sr.se"}, {"outlet", "Sveriges Radio Ekot"}}).dump();
  const HeaderList headers{{"Content-Type", "application/json"}, {"Idempotency-Key", "press-karin-1-5b7e0c2d"}};
  auto first = c.server.request("POST", c.path, body, headers);
  REQUIRE_MESSAGE(first.status == 202, first.body);
  auto retry = c.server.request("POST", c.path, body, headers);
  REQUIRE_MESSAGE(retry.status == 202, retry.body);
  CHECK(retry.json()["id"] == first.json()["id"]);
  CHECK(retry.json()["status_token"] == first.json()["status_token"]);
  CHECK(retry.header("Location") == first.header("Location"));
  CHECK(retry.header("Idempotent-Replayed") == "true");
  // The first answer's ETag, stored with it: the one GET gives while nothing changed.
  CHECK_FALSE(first.header("ETag").empty());
  CHECK(retry.header("ETag") == first.header("ETag"));
  const std::string first_id = first.json()["id"];
  CHECK(c.view(first_id, first.json()["status_token"]).header("ETag") == first.header("ETag"));
  CHECK(c.sql("SELECT count(*) FROM media_requests") == "1");
  CHECK(c.sql("SELECT count(*) FROM idempotency_keys WHERE position(convert_to('" +
              first.json()["status_token"].get<std::string>() + "', 'UTF8') in response) > 0") == "0");
  auto other = c.server.request(
      "POST", c.path, json({{"name", "Omar"}, {"email", "omar@tidningen.se"}, {"outlet", "Tidningen"}}).dump(),
      headers);
  CHECK(other.status == 422);
  CHECK(c.sql("SELECT count(*) FROM media_requests") == "1");
}

TEST_CASE("media requests: after ?erase=true a retry of the first request replays nothing of the journalist") {
  Conference c;
  const std::string body =
      json({{"name", "Karin Ek"}, {"email", "karin.ek@sr.se"}, {"outlet", "Sveriges Radio Ekot"}}).dump();
  const HeaderList headers{{"Content-Type", "application/json"}, {"Idempotency-Key", "c0ffee00-karin-erase-retry"}};
  auto first = c.server.request("POST", c.path, body, headers);
  REQUIRE_MESSAGE(first.status == 202, first.body);
  const std::string id = first.json()["id"];
  const std::string token = first.json()["status_token"];
  auto erased = c.server.request("DELETE", "/v1/media-requests/" + id + "?erase=true", "", bearer(token));
  REQUIRE_MESSAGE(erased.status == 204, erased.body);

  auto retry = c.server.request("POST", c.path, body, headers);
  CHECK(retry.status == 404);
  CHECK(retry.header("Content-Type") == "application/problem+json");
  for (const std::string& secret : {std::string("Karin"), std::string("karin.ek@sr.se"), token, id}) {
    INFO(secret);
    CHECK(retry.body.find(secret) == std::string::npos);
  }
  CHECK(c.sql("SELECT count(*) FROM media_requests") == "1");
  CHECK(c.sql("SELECT status || '/' || length(response) || '/' || length(request_hash) FROM idempotency_keys") ==
        "410/0/0");
}

TEST_CASE("media requests: public POSTs are rate-limited per client address") {
  ServerSettings settings;
  settings.rate_limit_per_minute = "6";
  settings.rate_limit_burst = "2";
  Conference c(settings);
  CHECK(c.ask("A", "a1@example.se").status == 202);
  CHECK(c.ask("A", "a2@example.se").status == 202);
  auto limited = c.ask("A", "a3@example.se");
  CHECK(limited.status == 429);
  CHECK(std::stoi(limited.header("Retry-After")) >= 1);
  CHECK(c.sql("SELECT count(*) FROM media_requests") == "2");
}

TEST_CASE("media requests: erasure, the personal-data export, and retention") {
  ServerSettings settings;
  settings.retention_days = "30";
  settings.retention_sweep_s = "1";
  Conference c(settings);
  auto karin = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  REQUIRE(c.decide(karin.id, c.lansstyrelsen_key, {{"status", "approved"}, {"note", "Hej Karin!"}}).status == 200);

  auto exported = c.server.request("POST", "/v1/personal-data/export", R"({"email": "KARIN.EK@sr.se"})",
                                   with(bearer(c.lansstyrelsen_key), "Content-Type", "application/json"));
  REQUIRE_MESSAGE(exported.status == 200, exported.body);
  REQUIRE(exported.json()["media_requests"].size() == 1);
  CHECK(exported.json()["media_requests"][0]["phone"] == "+46 70 123 45 67");
  CHECK(exported.json()["media_requests"][0]["event"]["slug"] == "integrationsforum");
  auto forum_export = c.server.request("POST", "/v1/personal-data/export", R"({"email": "karin.ek@sr.se"})",
                                       with(bearer(c.forum_key), "Content-Type", "application/json"));
  CHECK(forum_export.json()["media_requests"].empty());
  // Without a mail server the news to the press officer and Karin's approval wait in the outbox.
  const std::string karins_mail = "SELECT count(*) FROM mail_outbox WHERE media_request_id = '" + karin.id + "'";
  CHECK(c.sql(karins_mail + " AND state = 'pending' AND recipient_email IS NOT NULL") == "2");
  const std::string erased_mail = karins_mail + " AND state = 'erased' AND recipient_email IS NULL AND message IS NULL";

  SUBCASE("the requester erases: withdrawn, no personal data, the history of decisions kept") {
    auto erase = c.server.request("DELETE", "/v1/media-requests/" + karin.id + "?erase=true", "", bearer(karin.token));
    REQUIRE_MESSAGE(erase.status == 204, erase.body);
    CHECK(c.sql("SELECT count(*) FROM media_requests WHERE id = '" + karin.id +
                "' AND name IS NULL AND email IS NULL AND outlet IS NULL AND phone IS NULL AND message IS NULL "
                "AND note IS NULL AND erased_at IS NOT NULL AND status = 'withdrawn'") == "1");
    CHECK(c.sql("SELECT count(*) FROM media_request_decisions WHERE note ~* 'karin'") == "0");
    CHECK(c.sql("SELECT count(*) FROM media_request_decisions WHERE media_request_id = '" + karin.id + "'") == "3");
    CHECK(c.sql(erased_mail) == "2");  // never sent, nothing of her kept
    auto seen = c.view(karin.id, c.lansstyrelsen_key).json();
    CHECK(seen["erased"] == true);
    CHECK(seen["email"].is_null());
  }
  SUBCASE("the running service anonymises requests of long-ended events") {
    c.server.database().exec(
        "UPDATE events SET starts_at = now() - interval '40 days 6 hours', ends_at = now() - interval '40 days' "
        "WHERE slug = 'integrationsforum'");
    std::string anonymised;
    for (int i = 0; i < 100 && anonymised != "1"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      anonymised = c.sql(
          "SELECT count(*) FROM media_requests WHERE erased_reason = 'retention' AND email IS NULL "
          "AND phone IS NULL AND note IS NULL");
    }
    CHECK(anonymised == "1");
    // The same sweep erases the request's messages (a statement of its own, just after).
    for (int i = 0; i < 50 && c.sql(erased_mail) != "2"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(c.sql(erased_mail) == "2");
    CHECK(c.sql("SELECT status FROM media_requests WHERE id = '" + karin.id + "'") == "approved");
  }
}

TEST_CASE("media requests: the journalist renews a leaked feed link; the old one and the e-mailed one stop working") {
  Conference c;
  auto karin = must_ask(c, "Karin Ek", "karin.ek@sr.se");
  REQUIRE(c.decide(karin.id, c.lansstyrelsen_key, {{"status", "approved"}}).status == 200);
  auto before = c.view(karin.id, karin.token);
  REQUIRE(before.status == 200);
  const std::string old_feed = path_of(before.json()["access"]["feed_url"]);
  REQUIRE(c.server.get(old_feed).status == 200);
  // The link of the approval e-mail, as the mail service keeps it: its hash only.
  const std::string mailed_feed = "/v1/feeds/evp_mailedLinkOfTheApprovalEmail0123456789abcdefghij/calendar.ics";
  c.server.database().exec("UPDATE media_requests SET mail_feed_token_hash = decode('" +
                           eventd::db::sha256_hex("evp_mailedLinkOfTheApprovalEmail0123456789abcdefghij") +
                           "', 'hex') WHERE id = '" + karin.id + "'");
  REQUIRE(c.server.get(mailed_feed).status == 200);
  const std::string version_before = c.sql("SELECT version FROM media_requests WHERE id = '" + karin.id + "'");

  // Nobody but the journalist renews it.
  const std::string target = "/v1/media-requests/" + karin.id + "/feed-token";
  CHECK(c.server.request("POST", target).status == 401);
  auto by_organiser = c.server.request("POST", target, "", bearer(c.lansstyrelsen_key));
  CHECK(by_organiser.status == 403);
  CHECK(by_organiser.header("Content-Type") == "application/problem+json");
  CHECK(c.server.request("POST", target, "", bearer(c.forum_key)).status == 403);
  auto other = must_ask(c, "Olle Berg", "olle@tt.se");
  CHECK(c.server.request("POST", target, "", bearer(other.token)).status == 404);
  CHECK(c.sql("SELECT version FROM media_requests WHERE id = '" + karin.id + "'") == version_before);
  CHECK(c.server.get(old_feed).status == 200);

  auto renewed = c.server.request("POST", target, "", bearer(karin.token));
  REQUIRE_MESSAGE(renewed.status == 200, renewed.body);
  CHECK(renewed.header("Cache-Control") == "no-store");
  const json access = renewed.json()["access"];
  CHECK(access["stream_url"] == kStreamUrl);
  const std::string new_feed = path_of(access["feed_url"]);
  CHECK(new_feed != old_feed);
  CHECK(mentions(new_feed, "/v1/feeds/evp_"));
  CHECK(access["webcal_url"].get<std::string>().ends_with(new_feed));
  CHECK(renewed.header("ETag") != before.header("ETag"));

  // The new link carries the stream; the old and the e-mailed ones are gone.
  auto feed = c.server.get(new_feed);
  REQUIRE(feed.status == 200);
  CHECK(mentions(unfold(feed.body), kStreamUrl));
  CHECK(c.server.get(old_feed).status == 404);
  CHECK(c.server.get(mailed_feed).status == 404);
  CHECK(c.sql("SELECT mail_feed_token_hash IS NULL FROM media_requests WHERE id = '" + karin.id + "'") == "t");
  // GET shows the same new link; renewing again moves on once more.
  CHECK(path_of(c.view(karin.id, karin.token).json()["access"]["feed_url"]) == new_feed);
  auto again = c.server.request("POST", target, "", bearer(karin.token));
  REQUIRE(again.status == 200);
  CHECK(path_of(again.json()["access"]["feed_url"]) != new_feed);
  CHECK(c.server.get(new_feed).status == 404);

  // Once erased, there is nothing to renew.
  REQUIRE(
      c.server.request("DELETE", "/v1/media-requests/" + karin.id + "?erase=true", "", bearer(karin.token)).status ==
      204);
  auto erased = c.server.request("POST", target, "", bearer(karin.token));
  CHECK(erased.status == 409);
}
